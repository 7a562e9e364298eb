"""XLSX output with openpyxl: `xlsx_workbook(tables) -> bytes`, one sheet per `blocks.Table`.

Cells keep real numbers (Decimal → number, not text), formatted with Czech-style number formats: grouping
(`# ##0` — Excel shows the user's locale separator, a space in Czech), money `# ##0 Kč`, two decimals
`# ##0,00`, percent `0 %` (values stored as 0–100), dates `d. m. yyyy`. Header row bold and frozen, autofilter,
column widths from the content, a totals row in bold, the table's note under it. Every cell goes through
`safe_cells` (a text that looks like a formula stays text).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal

from .blocks import CZK, DATE, DECIMAL, INT, PERCENT, Table
from .safe_cells import xlsx_append, xlsx_save

FORMATS = {
    INT: "#,##0",
    DECIMAL: "#,##0.00",
    CZK: '#,##0" Kč"',
    PERCENT: '0.0" %"',
    DATE: "d. m. yyyy",
}
_BAD = re.compile(r"[\[\]:*?/\\]")


def _sheet_name(title: str, used: set[str]) -> str:
    base = _BAD.sub(" ", title or "List").strip()[:28] or "List"
    name, n = base, 2
    while name.lower() in used:
        name = f"{base[:25]} {n}"
        n += 1
    used.add(name.lower())
    return name


def _value(v, kind: str):
    if v is None or v == "":
        return None
    if kind in (INT, DECIMAL, CZK, PERCENT):
        if isinstance(v, Decimal):
            return int(v) if v == v.to_integral_value() and kind in (INT, CZK) else float(v)
        return v
    return v if kind == DATE else str(v)


def xlsx_workbook(tables: Sequence[Table], *, title: str = "") -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    wb.remove(wb.active)
    if title:
        wb.properties.title = title
    wb.properties.language = "cs-CZ"
    used: set[str] = set()
    bold = Font(bold=True)
    head_fill = PatternFill("solid", fgColor="E6EDF5")
    for t in tables or [Table(columns=[], rows=[], title="Prázdné")]:
        ws = wb.create_sheet(_sheet_name(t.title, used))
        xlsx_append(ws, [c.label for c in t.columns])
        for cell in ws[1]:
            cell.font, cell.fill = bold, head_fill
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        for row in t.rows:
            xlsx_append(ws, [_value(v, c.kind) for v, c in zip(row, t.columns, strict=False)])
        last_data = ws.max_row
        if t.totals is not None:
            xlsx_append(ws, [_value(v, c.kind if not isinstance(v, str) else "text")
                             for v, c in zip(t.totals, t.columns, strict=False)])
            for cell in ws[ws.max_row]:
                cell.font = bold
        for j, col in enumerate(t.columns, start=1):
            fmt = FORMATS.get(col.kind)
            letter = get_column_letter(j)
            if fmt:
                for (cell,) in ws.iter_rows(min_row=2, max_row=ws.max_row, min_col=j, max_col=j):
                    cell.number_format = fmt
            longest = max([len(str(col.label))] + [len(str(r[j - 1])) for r in t.rows[:500] if j - 1 < len(r)])
            ws.column_dimensions[letter].width = max(8, min(60, longest + 4 if col.kind == "text" else longest + 6))
        if t.columns:
            ws.freeze_panes = "A2"
            ws.auto_filter.ref = f"A1:{get_column_letter(len(t.columns))}{max(last_data, 1)}"
        if t.note:
            ws.append([])
            xlsx_append(ws, [t.note])
            ws.cell(ws.max_row, 1).font = Font(italic=True)
    return xlsx_save(wb)
