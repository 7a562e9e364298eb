"""The financial chapter of the kraj's plan for a year as its own document (PDF / DOCX / XLSX), in the unified
structure MPSV asks for: the sources of financing, the optimised costs and the state-budget need by kind of service,
by funding group, by district and ORP and by target group, the sources by group, the year-on-year comparison and
the rules of the calculation.

Every number comes from `socplan.finance.selectors.financial_chapter` (and the chapter engine's tables it
carries), the same object the web page `/financovani/…/kapitola/` shows, so the document and the page agree to
the crown. The builder `finance.chapter` takes the id of the year's financing parameters (`FinanceParams`).
Illustrative parameters are stated on every page (the document's footer note).
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from django.urls import reverse

from socplan.core.render.blocks import (
    CZK,
    INT,
    PERCENT,
    Chart,
    Column,
    Document,
    Heading,
    Paragraph,
    Table,
    Toc,
)
from socplan.core.render.charts import bar_chart_svg
from socplan.core.render.typography import cz_czk
from socplan.finance.models import FinanceParams

from .builders import BuiltDocument, CatalogueEntry, document_builder

if TYPE_CHECKING:
    from socplan.finance.selectors import FinancialChapter

# The finance selectors are imported where they are read: this module registers its builder at start-up, and
# they bring numpy and pandas, which start-up must not pay for.

ILLUSTRATIVE_NOTE = ("Upozornění: parametry financování jsou ilustrativní (syntetická vstupní data), nejde o "
                     "skutečné normativy kraje.")
DIMENSIONS = [("kind", "Druh služby", "Podle druhů služeb"), ("group", "Skupina financování",
                                                                 "Podle skupin financování"),
              ("district", "Okres", "Podle okresů"), ("orp", "ORP", "Podle obcí s rozšířenou působností"),
              ("target_group", "Cílová skupina", "Podle cílových skupin")]
COST_COLUMNS = [("services", "Položek", INT, 0.8), ("optimised_cost", "ON", CZK, 1.6), ("user_fees", "Úhrady", CZK, 1.4),
                ("health_insurance", "ZP", CZK, 1.3), ("cofinancing", "SF", CZK, 1.4),
                ("optimal_support", "OP", CZK, 1.6), ("state_share_pct", "OP/ON", PERCENT, 0.9)]
SOURCE_COLUMNS = [("optimised_cost", "ON"), ("state", "Stát"), ("region", "Kraj"), ("municipalities", "Obce"),
                  ("users", "Uživatelé"), ("health_insurance", "Pojišťovny"), ("other", "Ostatní")]
RULES = [
    "Optimalizované náklady (ON) položky sítě: normativ nákladů druhu a formy služby podle Pravidel × kapacita "
    "(úvazky přímé péče, lůžka) × počet financovaných měsíců.",
    "Optimální podpora (OP) = ON − úhrady uživatelů (ÚH) − platby zdravotních pojišťoven (ZP) − povinné "
    "spolufinancování (SF); záporná hodnota se počítá jako nula.",
    "Potřeba ze státního rozpočtu = ON − všechny ostatní zdroje, každý podle svého pravidla po položkách sítě "
    "(druh, forma, skupina financování); její podíl je výsledek, ne parametr.",
    "Plánované zdroje rozdělují ON podle podílů z parametrů kraje; zdroj obcí je součet povinného "
    "spolufinancování obcí, na korunu.",
    "Částky jsou v celých korunách; součty řádků se rovnají celkům (zaokrouhlení metodou největšího zbytku).",
]


def _label(dim: str, value) -> str:
    return f"§ {value}" if dim == "kind" and value != "Celkem" else str(value)


def _records(df, key: str) -> tuple[list[dict], dict | None]:
    records = df.to_dict("records")
    if records and records[-1][key] == "Celkem":
        return records[:-1], records[-1]
    return records, None


def cost_table(ch: FinancialChapter, dim: str, label: str, title: str) -> Table:
    rows, total = _records(ch.tables[dim], dim)
    cols = [Column(label, width=3.2)] + [Column(lbl, kind, width=w) for _k, lbl, kind, w in COST_COLUMNS]
    return Table(cols, [[_label(dim, r[dim])] + [r[k] for k, *_ in COST_COLUMNS] for r in rows], title=title,
                 totals=(["Celkem"] + [total[k] for k, *_ in COST_COLUMNS]) if total else None, small=True,
                 id=f"chapter-{dim}")


def chapter_document(ch: FinancialChapter) -> Document:
    t = ch.totals
    blocks: list = [Toc()]
    blocks.append(Heading("Souhrn", 1))
    if ch.note:
        blocks.append(Paragraph(ch.note, style="note"))
    blocks.extend(Paragraph(p) for p in ch.paragraphs)
    blocks.append(Table([Column("Ukazatel", width=4), Column("Částka", CZK, width=1.6),
                         Column("Podíl na ON", PERCENT, width=1)],
                        [["Optimalizované náklady sítě (ON)", t["optimised_cost"], Decimal(100)],
                         ["Potřeba ze státního rozpočtu", ch.state_need, ch.state_share_pct],
                         ["Optimální podpora podle vzorců (Σ OP)", t["optimal_support"], ch.optimal_support_pct],
                         ["Úhrady uživatelů (ÚH)", t["user_fees"], None],
                         ["Platby zdravotních pojišťoven (ZP)", t["health_insurance"], None],
                         ["Povinné spolufinancování (SF)", t["cofinancing"], None]],
                        title="Souhrnné ukazatele", id="chapter-summary"))
    blocks.append(Heading("Zdroje financování sítě", 1))
    planned = [[p["label"], p["share"] * 100, p["amount"]] for p in ch.planned]
    blocks.append(Chart("Plánované zdroje financování", bar_chart_svg(
        [(p["label"], p["amount"]) for p in ch.planned], title="Plánované zdroje financování", fmt=cz_czk)))
    blocks.append(Table([Column("Zdroj", width=3), Column("Podíl", PERCENT, width=1), Column("Částka", CZK, width=1.6)],
                        planned, title="Plánované zdroje (podíly z parametrů)",
                        totals=["Celkem", Decimal(100), ch.total], id="chapter-planned"))
    if ch.formula_sources:
        blocks.append(Table([Column("Zdroj", width=3), Column("Podíl", PERCENT, width=1),
                             Column("Částka", CZK, width=1.6)],
                            [[p["label"], p["pct"], p["amount"]] for p in ch.formula_sources],
                            title="Zdroje podle pravidel (vícezdrojové financování položek)",
                            totals=["Celkem", None, sum((p["amount"] for p in ch.formula_sources), Decimal(0))],
                            id="chapter-formula"))
    blocks.append(Heading("Optimalizované náklady a potřeba ze státního rozpočtu", 1))
    blocks.append(Paragraph("ON – optimalizované náklady, ZP – zdravotní pojišťovny, SF – povinné spolufinancování, "
                            "OP – optimální podpora (potřeba dotace), OP/ON – její podíl na nákladech.",
                            style="note"))
    for dim, label, title in DIMENSIONS:
        if dim not in ch.tables:
            continue
        blocks.append(Heading(title, 2))
        if dim == "kind":
            rows, _total = _records(ch.tables[dim], dim)
            blocks.append(Chart("Optimalizované náklady podle druhů služeb", bar_chart_svg(
                [(_label(dim, r[dim]), r["optimised_cost"]) for r in rows],
                title="Optimalizované náklady podle druhů služeb", fmt=cz_czk)))
        blocks.append(cost_table(ch, dim, label, f"Náklady a potřeba – {title.lower()}"))
    if len(ch.sources_by_group):
        rows, total = _records(ch.sources_by_group, "group")
        cols = [Column("Skupina", width=1.4)] + [Column(lbl, CZK, width=1.6) for _k, lbl in SOURCE_COLUMNS]
        blocks.append(Heading("Zdroje podle skupin financování", 1))
        blocks.append(Table(cols, [[r["group"]] + [r[k] for k, _l in SOURCE_COLUMNS] for r in rows],
                            title="Zdroje podle skupin financování", small=True, id="chapter-sources",
                            totals=(["Celkem"] + [total[k] for k, _l in SOURCE_COLUMNS]) if total else None))
    blocks.append(Heading("Meziroční srovnání", 1))
    if ch.year_on_year_note:
        blocks.append(Paragraph(ch.year_on_year_note, style="note"))
    if ch.year_on_year is not None:
        rows, total = _records(ch.year_on_year, "kind")
        prev, cur = str(ch.previous_year), str(ch.year)
        keys = [("optimised_cost_previous", f"ON {prev}"), ("optimised_cost_current", f"ON {cur}"),
                ("optimised_cost_delta", "Δ ON"), ("optimal_support_previous", f"OP {prev}"),
                ("optimal_support_current", f"OP {cur}"), ("optimal_support_delta", "Δ OP")]
        cols = [Column("Druh služby", width=3)] + [Column(lbl, CZK, width=1.5) for _k, lbl in keys]
        blocks.append(Table(cols, [[_label("kind", r["kind"])] + [r[k] for k, _l in keys] for r in rows],
                            title=f"Meziroční srovnání {prev}–{cur}", small=True, id="chapter-yoy",
                            totals=(["Celkem"] + [total[k] for k, _l in keys]) if total else None))
    blocks.append(Heading("Pravidla výpočtu", 1))
    blocks.extend(Paragraph(r) for r in RULES)
    params = [[p["label"], p["parameter"] * 100 if p["parameter"] is not None else None] for p in ch.planned]
    blocks.append(Table([Column("Zdroj", width=3), Column("Plánovaný podíl (parametr)", PERCENT, width=1.4)],
                        params, title=f"Parametry podílů zdrojů na rok {ch.year}", id="chapter-params"))
    meta = [("Kraj", ch.region.name), ("Rok", str(ch.year)), ("Položek sítě", str(ch.services)),
            ("Optimalizované náklady", cz_czk(t["optimised_cost"])),
            ("Potřeba ze státního rozpočtu", cz_czk(ch.state_need))]
    return Document(title=ch.title, subtitle="Finanční kapitola střednědobého plánu a akčního plánu", meta=meta,
                    blocks=blocks, running_title=ch.title,
                    footer_note=ILLUSTRATIVE_NOTE if ch.illustrative else "")


def _params(object_id: int) -> FinanceParams:
    return FinanceParams.objects.select_related("region").get(pk=object_id)


def _links(params: FinanceParams) -> list[tuple[str, str]]:
    return [(fmt, reverse("documents:chapter_document", args=[params.pk, fmt])) for fmt in ("pdf", "docx", "xlsx")]


def _can_view(user, object_id: int) -> bool:
    return FinanceParams.objects.filter(pk=object_id).exists()  # the chapter is public (as its web page)


def _catalogue(user) -> list[CatalogueEntry]:
    return [CatalogueEntry(f"Finanční kapitola – {p.region.name}, rok {p.year}",
                           "ilustrativní parametry" if p.illustrative else "", _links(p), True)
            for p in FinanceParams.objects.current().select_related("region").defer("region__boundary")
            .order_by("region__name", "-year")]


@document_builder("finance.chapter", title="Finanční kapitoly", can_view=_can_view, catalogue=_catalogue)
def build_chapter(object_id: int) -> BuiltDocument:
    params = _params(object_id)
    from socplan.finance.selectors import financial_chapter

    ch = financial_chapter(params.region, params.year)
    if ch is None:  # parameters exist, so the chapter does; None would be a broken contract
        raise LookupError(f"finanční kapitola kraje {params.region.code} na rok {params.year} neexistuje")
    return BuiltDocument(chapter_document(ch), f"financni-kapitola-{params.region.code}-{params.year}", public=True)
