"""The base of every table on socplan's pages (django-tables2): Czech alphabetical order for text columns,
one page template (sortable headers with ``aria-sort``, pagination), number columns that show Czech grouping
on the page and stay numbers in exports, and the plain values an export writes (`export_rows`).

A table says what a row shows; the list view (`socplan.core.generic.ObjectListView`) filters, sorts, pages and
exports it. For an export a column's value is, in this order: the table's ``value_<column>`` method, the raw
number or date of the column's accessor, or the text the page shows without HTML.
"""

from __future__ import annotations

import datetime
import html
from decimal import Decimal

import django_tables2 as tables
from django.utils.html import strip_tags
from django_tables2.data import TableQuerysetData
from django_tables2.utils import OrderBy

from .czech import czech_ordering
from .money import format_number

TEMPLATE = "core/generic/_table.html"


class CzechQuerysetData(TableQuerysetData):
    """Queryset data whose text columns sort in Czech alphabetical order (Č after C, Ch after H, Ž last)."""

    def order_by(self, aliases):
        accessors = []
        for alias in aliases:
            bound_column = self.table.columns[OrderBy(alias).bare]
            if alias[0] != bound_column.order_by_alias[0]:
                accessors += bound_column.order_by.opposite
            else:
                accessors += bound_column.order_by
            queryset, modified = bound_column.order(self.data, alias[0] == "-")
            if modified:  # an order_<column> method of the table decides
                self.data = queryset
                return
        if accessors:
            self.data = self.data.order_by(*czech_ordering(self.data.model, *(a.for_queryset() for a in accessors)))


class Table(tables.Table):
    """Base table: Czech ordering of text columns, the shared template."""

    class Meta:
        template_name = TEMPLATE
        attrs = {"class": "data-table"}

    @tables.Table.order_by.setter
    def order_by(self, value):
        if type(self.data) is TableQuerysetData:
            self.data.__class__ = CzechQuerysetData
        tables.Table.order_by.fset(self, value)


class NumberColumn(tables.Column):
    """A number right-aligned with Czech grouping (``12 345``, ``0,51``); exports keep the number."""

    def __init__(self, *args, decimals: int = 0, **kwargs):
        self.decimals = decimals
        attrs = kwargs.pop("attrs", {}) or {}
        attrs.setdefault("td", {}).setdefault("class", "num")
        attrs.setdefault("th", {}).setdefault("class", "num")
        super().__init__(*args, attrs=attrs, **kwargs)

    def render(self, value):
        return format_number(value, self.decimals)

    def value(self, value):
        return value


def _plain(value):
    """A number, date or text as an export cell holds it."""
    if value is None or isinstance(value, bool):
        return "" if value is None else value
    if isinstance(value, int | float | Decimal | datetime.date):
        return value
    # a render_<column> method returns HTML (links, badges): the export holds its text
    return " ".join(html.unescape(strip_tags(str(value))).split())


def _raw(bound_column, record):
    try:
        return bound_column.accessor.resolve(record, quiet=True)
    except (AttributeError, TypeError, ValueError):
        return None


def export_columns(table) -> list:
    """The columns an export writes: all shown columns except those marked ``exclude_from_export``."""
    return [c for c in table.columns if not c.column.exclude_from_export and c.name not in ("select", "actions")]


def export_rows(table, rows=None):
    """(headers, rows) of plain values for an export of `table` (every row, not one page)."""
    columns = export_columns(table)
    headers = [str(c.header) for c in columns]
    out = []
    for row in rows if rows is not None else table.rows:
        cells = []
        for c in columns:
            if hasattr(table, "value_" + c.name):
                cells.append(_plain(row.get_cell_value(c.name)))
                continue
            raw = _raw(c, row.record)
            if isinstance(raw, int | float | Decimal | datetime.date) and not isinstance(raw, bool):
                cells.append(raw)
            else:
                cells.append(_plain(row.get_cell_value(c.name)))
        out.append(cells)
    return headers, out
