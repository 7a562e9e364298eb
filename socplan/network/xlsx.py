"""XLSX export of the difference between two network versions (openpyxl): a summary sheet with the
reconciliation (old + added − removed ± changed = new) and one sheet each for added, removed and changed.
Saved through ``socplan.core.render.safe_cells.xlsx_save``: no cell leaves as a formula."""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from socplan.core.render.safe_cells import xlsx_save

from .engine.diff import NetworkDiff

HEADER = Font(bold=True)


def _measure_label(measure: str, units: dict) -> str:
    if measure == "entries":
        return "počet položek"
    if measure == "fte":
        return "úvazky v přímé péči"
    unit = measure.split(":", 1)[1]
    return f"kapacita ({units.get(unit, unit)})"


def _sheet(wb, title, header, rows):
    ws = wb.create_sheet(title)
    ws.append(header)
    for cell in ws[1]:
        cell.font = HEADER
    for r in rows:
        ws.append(r)
    for i, _h in enumerate(header, start=1):
        ws.column_dimensions[get_column_letter(i)].width = 40 if i == 1 else 16
    ws.freeze_panes = "A2"
    return ws


def diff_workbook(old, new, d: NetworkDiff, *, units: dict) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "Souhrn"
    ws.append(["Rozdíl sítě sociálních služeb"])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append(["původní verze", old.label])
    ws.append(["nová verze", new.label])
    ws.append([])
    ws.append(["ukazatel", "původní", "přidáno", "odebráno", "změna", "nová", "sedí"])
    for cell in ws[5]:
        cell.font = HEADER
    for row in d.reconciliation():
        ws.append([_measure_label(row["measure"], units), row["old"], row["added"], row["removed"], row["changed"],
                   row["new"], "ano" if row["reconciles"] else "ne"])
    ws.column_dimensions["A"].width = 32
    for col in "BCDEFG":
        ws.column_dimensions[col].width = 14

    def entry_row(r):
        return [r.label, r.info.get("provider", ""), r.info.get("kind", ""), r.info.get("tier_name", r.tier),
                r.capacity, r.info.get("unit_label", r.capacity_unit), r.fte]

    head = ["služba", "poskytovatel", "druh", "úroveň", "kapacita", "jednotka", "úvazky"]
    _sheet(wb, "Přidané", head, [entry_row(r) for r in d.added])
    _sheet(wb, "Odebrané", head, [entry_row(r) for r in d.removed])
    _sheet(wb, "Změněné", ["služba", "poskytovatel", "druh", "úroveň před", "úroveň po", "kapacita před",
                           "kapacita po", "jednotka", "úvazky před", "úvazky po", "změna úvazků"],
           [[c.new.label, c.new.info.get("provider", ""), c.new.info.get("kind", ""),
             c.old.info.get("tier_name", c.old.tier), c.new.info.get("tier_name", c.new.tier), c.old.capacity,
             c.new.capacity, c.new.info.get("unit_label", c.new.capacity_unit), c.old.fte, c.new.fte, c.fte_delta]
            for c in d.changed])
    return xlsx_save(wb)
