"""Export of a list page's table to XLSX and CSV: every row the filter leaves (not one page), the headers the
page shows (Czech or English by the user's language), numbers and dates as numbers and dates, and a last line
"generated on … · filter … · source …" so a file found later says what it holds.

Both formats go through `socplan.core.render.safe_cells`: a text that looks like a formula stays text. The CSV
is UTF-8 with a byte-order mark and a semicolon between cells (what a spreadsheet set to Czech opens directly);
numbers in it use a decimal point and no grouping, so a program reads them too.
"""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

from django.http import HttpResponse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import gettext as _

from .render import blocks
from .render.safe_cells import csv_writer
from .render.spreadsheet import xlsx_workbook
from .tables import export_rows

FORMATS = ("xlsx", "csv")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def filter_description(filterset) -> str:
    """The active filter in words: "druh služby: domovy pro seniory; ORP: Brno" (or "bez filtru")."""
    if filterset is None or not filterset.is_bound:
        return _("bez filtru")
    form = filterset.form
    form.is_valid()
    parts = []
    for name, field in form.fields.items():
        value = form.cleaned_data.get(name) if hasattr(form, "cleaned_data") else None
        if value in (None, "", [], ()):
            continue
        if hasattr(field, "choices") and not hasattr(value, "pk"):
            labels = dict((str(k), v) for k, v in field.choices)
            shown = labels.get(str(value), value)
        else:
            shown = value
        parts.append(f"{field.label}: {shown}")
    return "; ".join(parts) or _("bez filtru")


def note_line(*, filterset, source: str) -> str:
    now = timezone.localtime()
    return _("Vygenerováno %(when)s · filtr: %(filter)s · zdroj: %(source)s") % {
        "when": date_format(now, "DATETIME_FORMAT"), "filter": filter_description(filterset), "source": source}


def _kind(values) -> str:
    """The column kind of the values (numbers only → a number format; anything else → text)."""
    seen = [v for v in values if v is not None and v != "" and not isinstance(v, bool)]
    if not seen:
        return blocks.TEXT
    if all(isinstance(v, int) for v in seen):
        return blocks.INT
    if all(isinstance(v, int | float | Decimal) for v in seen):
        return blocks.DECIMAL
    if all(isinstance(v, datetime.date) for v in seen):
        return blocks.DATE
    return blocks.TEXT


def _csv_value(v):
    if isinstance(v, datetime.datetime):
        return v.isoformat(timespec="minutes")
    if isinstance(v, datetime.date):
        return v.isoformat()
    if isinstance(v, Decimal):
        return format(v.normalize(), "f") if v == v.to_integral_value() else format(v, "f")
    return v


def export_response(table, fmt: str, *, title: str, filterset=None, source: str = "socplan") -> HttpResponse:
    """The file download of `table` (all its rows) in `fmt` ("xlsx" or "csv")."""
    headers, rows = export_rows(table)
    note = note_line(filterset=filterset, source=source)
    stamp = timezone.localdate().isoformat()
    name = f"{slugify(title) or 'tabulka'}-{stamp}.{fmt}"
    if fmt == "xlsx":
        columns = [blocks.Column(label=h, kind=_kind([r[j] for r in rows]))
                   for j, h in enumerate(headers)]
        content = xlsx_workbook([blocks.Table(columns=columns, rows=rows, title=title, note=note)], title=title)
        response = HttpResponse(content, content_type=XLSX_TYPE)
    else:
        buf = io.StringIO()
        buf.write("\ufeff")
        writer = csv_writer(buf, delimiter=";", lineterminator="\r\n")
        writer.writerow(headers)
        for r in rows:
            writer.writerow([_csv_value(v) for v in r])
        writer.writerow([note])
        response = HttpResponse(buf.getvalue().encode("utf-8"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
