"""The financial chapter as an XLSX workbook (openpyxl through ``socplan.core.render.spreadsheet``): a summary
sheet, the cost tables by kind, group, target group, okres and ORP, the sources by group and year on year.
Cells hold real numbers (whole CZK), with Czech number formats."""

from __future__ import annotations

from socplan.core.render.blocks import CZK, INT, PERCENT, Column, Table
from socplan.core.render.spreadsheet import xlsx_workbook

from .engine.params import GROUP_LABEL, Group

DIM_TITLE = {"kind": "Druh služby", "group": "Skupina financování", "target_group": "Cílová skupina",
             "district": "Okres", "orp": "ORP"}
SHEET_TITLE = {"kind": "Podle druhů", "group": "Podle skupin", "target_group": "Podle cílových skupin",
               "district": "Podle okresů", "orp": "Podle ORP"}
COST_COLUMNS = [("services", "Počet položek", INT), ("optimised_cost", "Optimalizované náklady", CZK),
                ("user_fees", "Úhrady uživatelů", CZK), ("health_insurance", "Zdravotní pojišťovny", CZK),
                ("cofinancing", "Povinné spolufinancování", CZK), ("optimal_support", "Optimální podpora", CZK),
                ("state_share_pct", "Podíl OP na ON (%)", PERCENT)]
SOURCE_COLUMNS = [("optimised_cost", "Optimalizované náklady", CZK), ("state", "Státní rozpočet", CZK),
                  ("region", "Kraj", CZK), ("municipalities", "Obce", CZK), ("users", "Úhrady uživatelů", CZK),
                  ("health_insurance", "Zdravotní pojišťovny", CZK), ("other", "Ostatní", CZK)]


def _label(dim: str, value) -> str:
    if dim == "kind" and value != "Celkem":
        return f"§ {value}"
    if dim == "group" and value in Group.__members__:
        return f"{value} – {GROUP_LABEL[Group(value)]}"
    return str(value)


def _table(df, dim: str, columns, title: str) -> Table:
    cols = [Column(DIM_TITLE[dim])] + [Column(label, kind) for _k, label, kind in columns]
    records = df.to_dict("records")
    body = [r for r in records if r[dim] != "Celkem"]
    total = next((r for r in records if r[dim] == "Celkem"), None)
    rows = [[_label(dim, r[dim])] + [r.get(k) for k, _l, _t in columns] for r in body]
    totals = ["Celkem"] + [total.get(k) for k, _l, _t in columns] if total else None
    return Table(cols, rows, title=title, totals=totals)


def chapter_tables(ch) -> list[Table]:
    t = ch.totals
    summary = Table(
        [Column("Položka"), Column("Částka", CZK), Column("Podíl na optimalizovaných nákladech (%)", PERCENT)],
        [["Optimalizované náklady sítě (ON)", t["optimised_cost"], 100],
         ["Potřeba ze státního rozpočtu (ON − ostatní zdroje podle pravidel)", ch.state_need, ch.state_share_pct],
         ["Optimální podpora podle vzorců (Σ OP)", t["optimal_support"], ch.optimal_support_pct],
         ["Úhrady uživatelů (ÚH)", t["user_fees"], None],
         ["Platby zdravotních pojišťoven (ZP)", t["health_insurance"], None],
         ["Povinné spolufinancování (SF)", t["cofinancing"], None]],
        title="Souhrn", note=" ".join(filter(None, [ch.note, "Ilustrativní (syntetické) parametry financování, ne "
                                                           "schválené normativy kraje." if ch.illustrative else ""])))
    planned = Table([Column("Zdroj"), Column("Plánovaný podíl (%)", PERCENT), Column("Částka", CZK)],
                    [[p["label"], p["share"] * 100, p["amount"]] for p in ch.planned],
                    title="Plánované zdroje", totals=["Celkem", 100, t["optimised_cost"]])
    computed = Table([Column("Zdroj"), Column("Podíl (%)", PERCENT), Column("Částka", CZK), Column("Pravidlo")],
                     [[p["label"], p["pct"], p["amount"], p["rule"]] for p in ch.formula_sources],
                     title="Zdroje podle pravidel")
    tables = [summary, computed, planned]
    for dim in ("kind", "group", "target_group", "district", "orp"):
        if dim in ch.tables:
            tables.append(_table(ch.tables[dim], dim, COST_COLUMNS, SHEET_TITLE[dim]))
    if len(ch.sources_by_group):
        tables.append(_table(ch.sources_by_group, "group", SOURCE_COLUMNS, "Zdroje podle skupin"))
    if ch.year_on_year is not None:
        cols = [("optimised_cost_previous", f"ON {ch.previous_year}", CZK), ("optimised_cost_current", f"ON {ch.year}", CZK),
                ("optimised_cost_delta", "Změna ON", CZK), ("optimised_cost_change_pct", "Změna ON (%)", PERCENT),
                ("optimal_support_previous", f"OP {ch.previous_year}", CZK),
                ("optimal_support_current", f"OP {ch.year}", CZK), ("optimal_support_delta", "Změna OP", CZK)]
        tables.append(_table(ch.year_on_year, "kind", cols, "Meziroční srovnání"))
    return tables


def chapter_workbook(ch) -> bytes:
    return xlsx_workbook(chapter_tables(ch), title=ch.title)
