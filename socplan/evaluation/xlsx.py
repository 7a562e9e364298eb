"""XLSX export of an evaluation (openpyxl): results, the full breakdown, the methodology used.

Cells hold real numbers (not text) with number formats; header rows are bold and frozen, with autofilter.
The export contains exactly the rows the user may see (``selectors.results_for_user``). Every cell goes through
``socplan.core.render.safe_cells`` (a service name that looks like a formula stays text).
"""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from socplan.core.render.safe_cells import xlsx_append, xlsx_cell, xlsx_save

from .conversion import methodology_data

FORMS = {"amb": "ambulantní", "ter": "terénní", "pob": "pobytová", "": ""}
BOLD = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")


def _sheet(wb, title, header, rows, formats=None, widths=None, footer=None):
    """A write-only sheet (fast for tens of thousands of cells): bold frozen header, autofilter, formats."""
    ws = wb.create_sheet(title)
    ws.freeze_panes = "A2"
    if rows:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(header))}{len(rows) + 1}"
    for i, h in enumerate(header, start=1):
        width = (widths or {}).get(i) or min(60, max(10, len(str(h)) + 2))
        ws.column_dimensions[get_column_letter(i)].width = width
    head = []
    for h in header:
        c = xlsx_cell(ws, h)
        c.font = BOLD
        c.alignment = WRAP
        head.append(c)
    ws.append(head)
    formats = formats or {}
    for r in rows:
        if formats:
            r = list(r)
            for col, fmt in formats.items():
                v = r[col - 1]
                if isinstance(v, int | float):
                    c = xlsx_cell(ws, v)
                    c.number_format = fmt
                    r[col - 1] = c
        xlsx_append(ws, r)
    for line in footer or ():
        xlsx_append(ws, line)
    return ws


def results_workbook(results, *, show_skipped: bool = True) -> bytes:
    """The workbook of ``results`` (a ``selectors.Results`` built ``with_breakdown=True``)."""
    wb = Workbook(write_only=True)
    names = results.indicator_names
    source = ("uložený výpočet ze dne " + results.run.created_at.strftime("%d. %m. %Y %H:%M")
              if results.run else "průběžný výpočet z aktuálních údajů (neuložený)")
    rows = [[
        r.service_id, r.name, r.provider_name, f"§ {r.kind}", FORMS.get(r.form, r.form), r.group, r.score,
        r.max_score, r.rank, r.n_ranked, r.threshold, "ano" if r.meets_threshold else "ne",
        ", ".join(names.get(c, c) for c in r.missing), r.message,
    ] for r in results.rows]
    _sheet(
        wb, "Výsledky",
        ["ID služby", "Služba", "Poskytovatel", "Druh", "Forma", "Skupina", "Body", "Dosažitelné body",
         "Pořadí v druhu", "Služeb druhu", "Práh pro síť", "Splňuje práh", "Chybějící údaje", "Vysvětlení"],
        rows, formats={7: "0.00", 8: "0.00", 11: "0.00"}, widths={2: 45, 3: 40, 13: 40, 14: 80},
        footer=[[], [f"Kraj {results.region.name} ({results.region.code}), rok {results.year}; {source}; "
                     f"metodika: {results.methodology}."]],
    )

    detail = []
    for r in results.rows:
        for b in r.breakdown:
            detail.append([
                r.service_id, r.name, f"§ {r.kind}", b["criterion_name"], b["indicator_name"], b["unit"],
                b["value"], b["reference"], b["compared"], b["scale"], b["points"], b["max_points"], b["weight"],
                b["contribution"], "ano" if b["missing"] else "", ", ".join(b["missing_inputs"]),
            ])
    _sheet(
        wb, "Rozpad bodů",
        ["ID služby", "Služba", "Druh", "Kritérium", "Ukazatel", "Jednotka", "Hodnota", "Reference",
         "Poměřovaná hodnota", "Stupnice", "Body", "Max. bodů", "Váha (%)", "Příspěvek (body)", "Chybí údaj",
         "Chybějící vstupy"],
        detail, formats={7: "#,##0.0000", 8: "#,##0.0000", 9: "0.0000", 11: "0.00", 13: "0.00", 14: "0.00"},
        widths={2: 40, 4: 24, 5: 36, 10: 60},
    )

    m = results.run.methodology_data if results.run else (methodology_data(results.methodology)
                                                          if results.methodology else None)
    if m:
        crit = {c["code"]: c for c in m["criteria"]}
        mrows = [[c["code"], c["name"], c["weight"], "", "", "", ""] for c in m["criteria"]]
        mrows += [[i["criterion"], crit.get(i["criterion"], {}).get("name", ""), "", i["code"], i["name"],
                   i["share"], i["direction"]] for i in m["indicators"]]
        _sheet(wb, "Metodika", ["Kritérium", "Název kritéria", "Váha (%)", "Ukazatel", "Název ukazatele",
                                "Podíl na váze kritéria", "Směr"], mrows, widths={2: 30, 5: 40})
    if show_skipped and results.skipped:
        _sheet(wb, "Nehodnocené", ["ID služby", "Druh", "Důvod"],
               [[s["service_id"], s["kind"], s["reason"]] for s in results.skipped], widths={3: 60})
    return xlsx_save(wb)
