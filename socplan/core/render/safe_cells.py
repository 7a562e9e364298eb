"""Spreadsheet cells that cannot turn into formulas (CSV and XLSX injection).

A text that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return (or the full-width ``＝ ＋ － ＠``)
is a formula to Excel and LibreOffice when the file is opened (CSV) or when the cell is edited (XLSX); a service
name ``=HYPERLINK("http://…"&B2;"Klikni")`` would become a live link that sends the neighbouring cell away.
Every CSV and XLSX that socplan writes goes through this module:

- CSV (`csv_writer`, `csv_dict_writer`): such a text gets a leading apostrophe (``'=HYPERLINK(…)``), the
  usual spreadsheet sign for "this is text";
- XLSX (`xlsx_row`, `xlsx_append`, `xlsx_put`, `xlsx_set`, `xlsx_save`): the cell is a string cell (never a
  formula cell) marked with *quotePrefix*, so the text stays exactly as it was and Excel shows and keeps it as
  text even when the cell is edited. Characters that XLSX cannot hold (control characters other than tab and
  line breaks) are dropped.

Numbers stay numbers: an ``int``/``float``/``Decimal`` (a negative amount included) is written as a number, and a
text that is a plain number literal (``-12``, ``+3.5``, ``-1e3``) cannot run anything, so it is left as it is.
``-2+3`` or ``+1+1`` are not plain numbers: they are neutralised.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from typing import Any

TRIGGERS = frozenset("=+-@\t\r\uff1d\uff0b\uff0d\uff20")  # = + - @ TAB CR and full-width ＝ ＋ － ＠
_PLAIN_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:[.,][0-9]*)?|[.,][0-9]+)(?:[eE][+-]?[0-9]+)?")
_ILLEGAL_XLSX = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def formula_like(value: Any) -> bool:
    """True for a text a spreadsheet would read as a formula (see the module docstring)."""
    return (isinstance(value, str) and value[:1] in TRIGGERS
            and _PLAIN_NUMBER.fullmatch(value) is None)


def csv_value(value: Any) -> Any:
    """`value` as it may go into a CSV cell: a formula-like text with a leading apostrophe, anything else as is."""
    return "'" + value if formula_like(value) else value


class SafeCsvWriter:
    """`csv.writer` whose every cell goes through `csv_value`."""

    def __init__(self, stream, **kwargs):
        self._writer = csv.writer(stream, **kwargs)

    @property
    def dialect(self):
        return self._writer.dialect

    def writerow(self, row: Iterable[Any]):
        return self._writer.writerow([csv_value(v) for v in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


class SafeDictWriter(csv.DictWriter):
    """`csv.DictWriter` whose every cell goes through `csv_value` (the header is written as is)."""

    def writerow(self, rowdict):
        return super().writerow({k: csv_value(v) for k, v in rowdict.items()})

    def writerows(self, rowdicts):
        for rowdict in rowdicts:
            self.writerow(rowdict)


def csv_writer(stream, **kwargs) -> SafeCsvWriter:
    return SafeCsvWriter(stream, **kwargs)


def csv_dict_writer(stream, fieldnames: Sequence[str], **kwargs) -> SafeDictWriter:
    return SafeDictWriter(stream, fieldnames=fieldnames, **kwargs)


# --- XLSX (openpyxl) ---------------------------------------------------------------------------------------------

def _clean(value: Any) -> Any:
    if isinstance(value, str) and _ILLEGAL_XLSX.search(value):
        return _ILLEGAL_XLSX.sub("", value)
    return value


def _neutralise(cell):
    """Make `cell` (an openpyxl cell whose value is already set) a string cell if its text is formula-like."""
    value = cell.value
    if isinstance(value, str) and (cell.data_type == "f" or formula_like(value)):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def xlsx_set(cell, value: Any):
    """Set `value` on an openpyxl cell (of a normal or a write-only sheet) without ever making a formula."""
    cell.value = _clean(value)
    return _neutralise(cell)


def xlsx_cell(ws, value: Any = None):
    """A cell for `ws.append` (works for write-only and normal sheets), holding `value` safely."""
    from openpyxl.cell import WriteOnlyCell

    return xlsx_set(WriteOnlyCell(ws, value=None), value)


def xlsx_row(ws, values: Iterable[Any]) -> list:
    """`values` ready for `ws.append`: numbers, dates and safe texts as they are, formula-like texts as string
    cells with quotePrefix; cells already built by the caller (styled) are neutralised in place."""
    from openpyxl.cell.cell import Cell

    out = []
    for v in values:
        if isinstance(v, Cell):
            v.value = _clean(v.value)
            out.append(_neutralise(v))
        elif isinstance(v, str) and (formula_like(v) or _ILLEGAL_XLSX.search(v)):
            out.append(xlsx_cell(ws, v))
        else:
            out.append(v)
    return out


def xlsx_append(ws, values: Iterable[Any]) -> None:
    ws.append(xlsx_row(ws, values))


def xlsx_put(ws, row: int, column: int, value: Any):
    """`ws.cell(row, column, value)` of a normal sheet, safely; returns the cell."""
    return xlsx_set(ws.cell(row=row, column=column), value)


def xlsx_save(wb) -> bytes:
    """The workbook as bytes. A normal (not write-only) workbook is swept once more: no cell leaves as a formula."""
    if not getattr(wb, "write_only", False):
        for ws in wb.worksheets:
            for row in ws.iter_rows():
                for cell in row:
                    if cell.data_type == "f" or formula_like(cell.value):
                        _neutralise(cell)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
