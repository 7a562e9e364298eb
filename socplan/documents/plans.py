"""The plan documents: the medium-term plan, a community plan and an action plan as a `blocks.Document`, rendered
to PDF, DOCX and XLSX by `socplan.documents.services`.

The documents app sits above every module whose data a plan gathers, and reads each through its selectors:
the plan and its monitoring from planning, the network table from `socplan.network.selectors.network_rows`,
the development requests admitted to the network from `socplan.network.selectors.admitted_requests` and the
financial chapter from `socplan.finance.selectors.financial_chapter` (contract in docs/documents.md). While the
kraj has not set up the network of a year, the network table lists the services registered in that year; while
the year has no financing parameters, the financial chapter sums the services' reported economics; the
document says which source it used.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from django.db.models import Q
from django.urls import reverse

from socplan.core.czech import CAPACITY_FORMS
from socplan.core.czech import plural as czech_plural
from socplan.core.models import Source
from socplan.core.render.blocks import (
    CZK,
    DECIMAL,
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
from socplan.core.render.charts import bar_chart_svg, stacked_bar_svg
from socplan.core.render.typography import cz_czk, cz_number
from socplan.core.render.word import TEMPLATE_NAMES
from socplan.planning import selectors
from socplan.planning.engine import STATES
from socplan.planning.labels import STATE_COLORS
from socplan.planning.models import ActionPlan, ActionPlanStatus, Plan, PlanKind, PlanStatus, Resolution
from socplan.registry.models import COST_FIELDS, REVENUE_FIELDS, DeliveryForm, Economics, Service
from socplan.registry.selectors import service_capacities

from .builders import BuiltDocument, CatalogueEntry, document_builder
from .word_templates import WordTemplate, register, template_bytes

if TYPE_CHECKING:
    from socplan.finance.selectors import FinancialChapter
    from socplan.network.selectors import NetworkRow

# The network and finance selectors are imported where they are read: this module registers the document
# builders at start-up, and those selectors bring numpy and pandas, which start-up must not pay for.

WORD_DIR = Path(__file__).parent / "word"

STATE_LABELS = {
    "done": "splněno", "in_progress": "probíhá", "late": "zpožděno", "dropped": "zrušeno",
    "not_started": "nezahájeno", "not_reported": "nevykázáno",
}
INDICATOR_LABELS = {"met": "cíl splněn", "not_met": "cíl nesplněn", "no_value": "bez hodnoty",
                    "no_target": "bez cíle"}


# The Word rendering of a plan is framed by a template the kraj edits (title page, wording, logo, order of
# chapters: docs/documents.md); the generated content goes where the template places `body` or a chapter.
PLAN_TEMPLATE = register(WordTemplate("planning.plan", "Plán (střednědobý plán kraje, komunitní plán)",
                                      WORD_DIR / "plan.docx", TEMPLATE_NAMES, frozenset({"body", "chapters"})))
ACTION_PLAN_TEMPLATE = register(WordTemplate("planning.action_plan", "Akční plán", WORD_DIR / "plan.docx",
                                             TEMPLATE_NAMES, frozenset({"body", "chapters"})))


# --- data from the modules below --------------------------------------------------------------------------

NETWORK_COLUMNS = [Column("Identifikátor", width=1.1), Column("Služba", width=3), Column("Poskytovatel", width=2.6),
                   Column("Druh", width=2), Column("Forma", width=1.2), Column("Kapacita", width=1.8),
                   Column("Působnost (ORP)", width=1.8)]


def network_table(region, year: int, orp=None) -> tuple[Table, str]:
    """(table, source note) of the network of social services for the year (and ORP, for a community plan):
    the current version of the year's network when the kraj has one, else the services registered that year."""
    from socplan.network.selectors import network_rows

    rows = network_rows(region, year)
    if orp is not None:
        rows = [r for r in rows if orp.name in r.orps or r.orp == orp.name]
    if not rows:
        return registry_network_table(region, year, orp)
    forms = _main_forms(rows, year)
    all_orps = set(region.orps.values_list("name", flat=True))
    data = [_network_cells(r, forms, all_orps) for r in rows]
    _mark_missing_identifiers(data)
    note = f"Síť sociálních služeb na rok {year}: aktuální verze sítě z modulu Síť služeb (kapacita; úroveň sítě)."
    title = f"Síť sociálních služeb na rok {year}" + (f" – ORP {orp.name}" if orp is not None else "")
    return Table(NETWORK_COLUMNS, data, title=title, id="network", small=True, note=note,
                 totals=[f"Celkem {services(len(data))}", "", "", "", "", "", ""]), note


NO_IDENTIFIER = "—"


def _mark_missing_identifiers(rows: list[list]) -> None:
    """A service without an identifier in a table where others have one shows a dash, not a blank cell (a blank
    column on a page reads as a layout fault); a table where no service has one leaves the column out."""
    if any(r[0] for r in rows):
        for r in rows:
            r[0] = r[0] or NO_IDENTIFIER


def _main_forms(rows: list[NetworkRow], year: int) -> dict[int, str]:
    """{service id: name of its main form in `year`} for the entries that take a whole service (no form of
    their own), by the registry's one rule (`registry.selectors.service_capacities`)."""
    ids = {r.service_id for r in rows if not r.form}
    if not ids:
        return {}
    names = dict(DeliveryForm.objects.values_list("code", "name"))
    return {sid: names[c.form] for sid, c in service_capacities(ids, year).items() if c.form is not None}


def services(n: int) -> str:
    """ "1 služba", "3 služby", "547 služeb" (Czech plural after a number)."""
    return f"{cz_number(n)} {czech_plural(n, 'služba', 'služby', 'služeb')}"


def unit_form(count, unit: str) -> str:
    """The capacity unit in its Czech form after `count` ("1 lůžko", "36 lůžek"); a unit the grammar does not
    know is kept as it is."""
    word, paren, rest = unit.partition(" (")  # "intervence (30 min)": the word takes the form, the rest stays
    for forms in CAPACITY_FORMS.values():
        if word in forms:
            return czech_plural(count, *forms) + (paren + rest if paren else "")
    return unit


ORP_LIST_AT_MOST = 6  # a longer list of ORP names is written as the kraj less the ORP it leaves out


def orp_scope(orps: tuple[str, ...], orp: str, all_orps: Collection[str] = ()) -> str:
    """The ORP cell: the ORP names; "celý kraj" for an entry that covers every ORP of the kraj; "celý kraj kromě
    …" naming the few it leaves out when it covers most of them. (21 names stacked in one cell made the network
    table three times as long, and such a row broke across pages.)"""
    every = set(all_orps)
    covered = set(orps) & every
    if every and covered == every:
        return "celý kraj"
    missing = sorted(every - covered)
    if every and len(orps) > ORP_LIST_AT_MOST and len(covered) > len(missing) and len(missing) <= ORP_LIST_AT_MOST:
        return "celý kraj kromě " + ", ".join(missing)
    return orp


def _network_cells(r: NetworkRow, main_forms: dict[int, str], all_orps: Collection[str] = ()) -> list:
    provider = f"{r.provider} (IČO {r.provider_ico})" if r.provider_ico else r.provider
    capacity = f"{cz_number(r.capacity)} {unit_form(r.capacity, r.capacity_unit)}".strip() + (
        f"; {r.tier}" if r.tier else "")
    form = r.form or main_forms.get(r.service_id, "")
    return [r.identifier, r.service, provider, r.kind, form, capacity, orp_scope(r.orps, r.orp, all_orps)]


def registry_network_table(region, year: int, orp=None) -> tuple[Table, str]:
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    qs = (Service.objects.filter(region=region)
          .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=end))
          .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=start))
          .select_related("provider", "kind")
          .prefetch_related("forms__form", "forms__capacities__capacity_type", "areas__orp")
          .order_by("kind__order", "kind__code", "name", "pk"))
    if orp is not None:
        qs = qs.filter(Q(areas__orp=orp) | Q(areas__municipality__orp=orp) | Q(facilities__municipality__orp=orp)
                       ).distinct()
    all_orps = set(region.orps.values_list("name", flat=True))
    rows = []
    for s in qs:
        forms = ", ".join(f.form.name for f in s.forms.all())
        caps = defaultdict(int)
        for f in s.forms.all():
            for c in f.capacities.all():
                caps[c.capacity_type.unit or c.capacity_type.name] += c.count
        capacity = "; ".join(f"{cz_number(n)} {unit_form(n, unit)}" for unit, n in caps.items())
        orps = tuple(sorted({a.orp.name for a in s.areas.all() if a.orp_id}))
        rows.append([s.identifier or "", s.name, f"{s.provider.name} (IČO {s.provider.ico})",
                     str(s.kind), forms, capacity, orp_scope(orps, ", ".join(orps), all_orps)])
    _mark_missing_identifiers(rows)
    note = (f"Síť na rok {year} není v modulu Síť služeb stanovena; tabulka uvádí sociální služby registrované "
            f"v roce {year} podle registru, s jejich registrovanou kapacitou.")
    title = f"Síť sociálních služeb na rok {year}" + (f" – ORP {orp.name}" if orp is not None else "")
    return Table(NETWORK_COLUMNS, rows, title=title, id="network", small=True, note=note,
                 totals=[f"Celkem {services(len(rows))}", "", "", "", "", "", ""]), note


def financial_blocks(plan: Plan, year: int, orp=None) -> list:
    """The financial chapter: the Financing module's chapter when the year has financing parameters, otherwise
    the services' reported economics; then the plan's expected costs by year and source, with charts."""
    from socplan.finance.selectors import financial_chapter

    blocks: list = []
    chapter = financial_chapter(plan.region, year)
    if chapter is not None:
        blocks.extend(_finance_module_blocks(chapter, year))
    else:
        blocks.extend(_registry_economics_blocks(plan.region, year, orp))
    budget = selectors.plan_budget(plan)
    if budget.total:
        cols = [Column("Rok")] + [Column(lbl, CZK) for _v, lbl in budget.sources] + [Column("Celkem", CZK)]
        rows = [[str(y)] + [budget.by_year_source.get((y, s), Decimal(0)) for s, _l in budget.sources] + [budget.by_year[y]]
                for y in budget.years]
        totals = ["Celkem"] + [budget.by_source[s] for s, _l in budget.sources] + [budget.total]
        table = Table(cols, rows, title="Předpokládané náklady opatření plánu podle let a zdrojů", totals=totals,
                      id="budget")
        blocks.append(Heading("Předpokládané náklady opatření", 2))
        blocks.append(Paragraph(f"Opatření plánu počítají s náklady celkem {cz_czk(budget.total)} "
                                f"v letech {plan.period_label}."))
        blocks.append(Chart("Předpokládané náklady opatření podle let",
                            bar_chart_svg([(str(y), budget.by_year[y]) for y in budget.years],
                                          title="Předpokládané náklady opatření podle let", fmt=cz_czk)))
        blocks.append(table)
        prio_rows = [[p.label, p.title, amount] for p, amount in budget.by_priority if amount]
        blocks.append(Table([Column("Priorita", width=1), Column("Název", width=5), Column("Náklady", CZK, width=1.6)],
                            prio_rows, title="Předpokládané náklady podle priorit",
                            totals=["Celkem", "", sum((r[2] for r in prio_rows), Decimal(0))]))
    return blocks


def _finance_module_blocks(chapter: FinancialChapter, year: int) -> list:
    rows = [[str(r["label"]), r["amount"]] for r in chapter.rows]
    blocks = [Heading(f"Financování sítě na rok {year}", 2)]
    blocks.extend(Paragraph(text) for text in chapter.paragraphs)
    table = Table([Column("Položka", width=4), Column("Částka", CZK, width=1.6)], rows, title=chapter.title,
                  totals=["Celkem", chapter.total], id="finance", note=chapter.note or "Údaje modulu Financování.")
    blocks.append(Chart(chapter.title, bar_chart_svg([(r[0], r[1]) for r in rows], title=chapter.title, fmt=cz_czk)))
    blocks.append(table)
    return blocks


def _registry_economics_blocks(region, year: int, orp=None) -> list:
    qs = Economics.objects.filter(service__region=region, year=year)
    if orp is not None:
        qs = qs.filter(Q(service__areas__orp=orp) | Q(service__facilities__municipality__orp=orp)).distinct()
    labels = {f: str(Economics._meta.get_field(f).verbose_name) for f in COST_FIELDS + REVENUE_FIELDS}
    sums = {f: Decimal(0) for f in COST_FIELDS + REVENUE_FIELDS}
    n = 0
    for e in qs.only(*COST_FIELDS, *REVENUE_FIELDS):
        n += 1
        for f in sums:
            sums[f] += getattr(e, f)
    blocks = [Heading(f"Financování sociálních služeb v roce {year}", 2)]
    if not n:
        blocks.append(Paragraph(f"Modul Financování zatím nedodává finanční kapitolu a pro rok {year} nejsou v registru "
                                "údaje o hospodaření služeb.", style="note"))
        return blocks
    costs = sum((sums[f] for f in COST_FIELDS), Decimal(0))
    revenues = [(labels[f], sums[f]) for f in REVENUE_FIELDS]
    blocks.append(Paragraph(f"Modul Financování zatím nedodává finanční kapitolu; údaje vycházejí z hospodaření "
                            f"{n} služeb vykázaného v registru za rok {year}. Náklady celkem činí {cz_czk(costs)}."))
    blocks.append(Chart("Zdroje financování služeb", bar_chart_svg(revenues, title="Zdroje financování služeb",
                                                                   fmt=cz_czk)))
    blocks.append(Table([Column("Nákladová položka", width=4), Column("Částka", CZK, width=1.6)],
                        [[labels[f], sums[f]] for f in COST_FIELDS], title=f"Náklady služeb v roce {year}",
                        totals=["Náklady celkem", costs], id="finance-costs"))
    blocks.append(Table([Column("Zdroj", width=4), Column("Částka", CZK, width=1.6)], [list(r) for r in revenues],
                        title=f"Výnosy služeb podle zdrojů v roce {year}",
                        totals=["Výnosy celkem", sum((r[1] for r in revenues), Decimal(0))], id="finance-revenues"))
    return blocks


# --- plan content -------------------------------------------------------------------------------------------

MEASURE_COLUMNS = [Column("Kód", width=0.8), Column("Opatření", width=4), Column("Odpovědnost", width=2),
                   Column("Období", width=1), Column("Náklady", CZK, width=1.5), Column("Zdroje", width=2)]


def _measure_rows(measures) -> list[list]:
    rows = []
    for m in measures:
        cost = sum((b.amount for b in m.budget.all()), Decimal(0))
        years = f"{m.year_from}–{m.year_to}" if m.year_to != m.year_from else str(m.year_from)
        rows.append([m.code, m.title, m.responsible, years, cost, m.funding_note])
    return rows


def _priority_blocks(p, level: int, years: list[int]) -> list:
    blocks = [Heading(f"{p.label} – {p.title}" if p.number else f"Priorita {p.code} – {p.title}", level)]
    if p.description:
        blocks.extend(Paragraph(x) for x in p.description.split("\n\n") if x.strip())
    measures = list(p.measures.all())
    if measures:
        rows = _measure_rows(measures)
        blocks.append(Table(MEASURE_COLUMNS, rows, title=f"Opatření priority {p.code}",
                            totals=["Celkem", "", "", "", sum((r[4] for r in rows), Decimal(0)), ""]))
        for m in measures:
            details = []
            if m.description:
                details.append(Paragraph(f"{m.code} {m.title}: {m.description}"))
            services = list(m.services.all())
            if services:
                details.append(Paragraph(f"Opatření {m.code} se týká služeb: "
                                         + "; ".join(f"{s.name} ({s.identifier or s.pk})" for s in services) + "."))
            if m.development_note:
                details.append(Paragraph(f"Rozvojové záměry: {m.development_note}"))
            inds = list(m.indicators.all())
            if inds:
                cols = [Column("Indikátor", width=3), Column("Jednotka", width=1),
                        Column("Výchozí hodnota", DECIMAL, width=1.2)] + [Column(f"Cíl {y}", DECIMAL) for y in years]
                rows = []
                for i in inds:
                    targets = {t.year: t.value for t in i.targets.all()}
                    rows.append([i.name, i.unit, i.baseline] + [targets.get(y) for y in years])
                details.append(Table(cols, rows, title=f"Indikátory opatření {m.code}", small=True))
            blocks.extend(details)
    return blocks


def _fulfilment_blocks(plan: Plan, structure) -> list:
    year = selectors.default_year(plan)
    f = selectors.plan_fulfilment(plan, year, structure.measures)
    parts = [(STATE_LABELS[s], f.counts[s]) for s in STATES]
    blocks = [Heading("Plnění plánu", 1),
              Paragraph(f"Stav k roku {year}: z {f.in_scope} opatření, jejichž realizace začala, je splněno "
                        f"{f.counts['done']}, probíhá {f.counts['in_progress']}, zpožděno {f.counts['late']} "
                        f"a zrušeno {f.counts['dropped']}."),
              Chart(f"Stav opatření v roce {year}", stacked_bar_svg(parts, title=f"Stav opatření v roce {year}",
                                                                    colors=STATE_COLORS),
                    Table([Column("Stav"), Column("Počet opatření", INT)], [list(p) for p in parts],
                          title=f"Stav opatření v roce {year}", totals=["Celkem", f.in_scope]))]
    rows = []
    for m in structure.measures:
        out = f.measures.get(m.pk)
        if out is not None:
            rows.append([m.code, m.title, STATE_LABELS[out.state], out.progress])
    if rows:
        blocks.append(Table([Column("Kód", width=0.8), Column("Opatření", width=5), Column("Stav", width=1.2),
                             Column("Plnění", PERCENT, width=1)], rows, title="Plnění jednotlivých opatření"))
    return blocks


def _settlement_blocks(plan: Plan) -> list:
    rows = [[c.author_name + (f", {c.organisation}" if c.organisation else ""), c.target_label, c.text,
             c.get_resolution_display(), c.reasoning] for c in selectors.settlement_rows(plan)]
    counts = selectors.comment_counts(plan)
    return [Heading("Vypořádání připomínek", 1),
            Paragraph(f"K návrhu plánu {czech_plural(counts['total'], 'byla podána', 'byly podány', 'bylo podáno')} "
                      f"{counts['total']} {czech_plural(counts['total'], 'připomínka', 'připomínky', 'připomínek')}: akceptováno "
                      f"{counts[Resolution.ACCEPTED]}, akceptováno částečně {counts[Resolution.PARTLY]}, "
                      f"neakceptováno {counts[Resolution.REJECTED]}."),
            Table([Column("Autor", width=1.6), Column("K části", width=1.3), Column("Připomínka", width=3.5),
                   Column("Vypořádání", width=1.2), Column("Odůvodnění", width=3)], rows,
                  title="Tabulka vypořádání připomínek", small=True, id="settlement")]


def _needs_blocks(plan: Plan) -> list:
    """Capacity needs of a community plan: one row per kind and unit, one column per year of the plan."""
    table = selectors.capacity_needs_table(plan) if plan.kind == PlanKind.COMMUNITY else []
    if not table:
        return []
    cols = [Column("Druh služby", width=3.5), Column("Jednotka", width=1)] + [
        Column(str(y), DECIMAL, width=0.9) for y in plan.years]
    rows = [[f"§ {r.kind.code} {r.kind.name}", r.capacity_type.name]
            + [c.capacity if c is not None else None for c in r.cells] for r in table]
    return [Heading("Potřeby kapacit služeb", 1),
            Paragraph("Celková kapacita, kterou území ORP podle komunitního plánování v jednotlivých letech "
                      "potřebuje (ne jen přírůstek)."),
            Table(cols, rows, title="Potřebná kapacita podle druhů služeb a let", id="needs")]


SYNTHETIC_NOTE = "Upozornění: dokument obsahuje syntetická (ilustrativní) vstupní data, nejde o skutečné údaje."


def has_synthetic_inputs(plan: Plan, year: int) -> bool:
    """Whether any input of the plan's document is synthetic: services of the kraj from the demo generator, or
    illustrative financing parameters of the year (then every page says so)."""
    from socplan.finance.selectors import params_for

    if Service.objects.filter(region=plan.region, source=Source.SYNTHETIC).exists():
        return True
    params = params_for(plan.region, year)
    return params is not None and params.illustrative


def footer_note(plan: Plan, year: int, status: str) -> str:
    note = f"socplan · {status}"
    return f"{SYNTHETIC_NOTE} · {note}" if has_synthetic_inputs(plan, year) else note


def plan_document(plan: Plan) -> Document:
    s = selectors.plan_structure(plan)
    kind = "Komunitní plán sociálních služeb" if plan.kind == PlanKind.COMMUNITY else \
        "Střednědobý plán rozvoje sociálních služeb"
    meta = [("Území", plan.area_name + (f" ({plan.region.name})" if plan.orp_id else "")),
            ("Období", plan.period_label), ("Stav", plan.get_status_display())]
    if plan.approved_on:
        meta.append(("Schváleno", f"{plan.approved_on.day}. {plan.approved_on.month}. {plan.approved_on.year}"
                     + (f", {plan.approval_ref}" if plan.approval_ref else "")))
    blocks: list = [Toc()]
    blocks.append(Heading("Úvod a cíl strategie", 1))
    summary = [Paragraph(p) for p in plan.summary.split("\n\n") if p.strip()]
    blocks.extend(summary or [Paragraph("—")])
    if s.sections:
        blocks.append(Heading("Analytická část", 1))
        for sec in s.sections:
            blocks.append(Heading(sec.title, 2))
            blocks.extend(Paragraph(p) for p in sec.paragraphs)
            swot = [(label, items) for label, items in sec.swot() if items]
            if swot:
                blocks.append(Table([Column("Oblast", width=1), Column("Položky", width=5)],
                                    [[label, "; ".join(items)] for label, items in swot], title=f"{sec.title}"))
    blocks.extend(_needs_blocks(plan))
    if s.system:
        blocks.append(Heading("Systémové priority", 1))
        for p in s.system:
            blocks.extend(_priority_blocks(p, 2, plan.years))
    if s.groups:
        blocks.append(Heading("Priority pro cílové skupiny", 1))
        for g in s.groups:
            blocks.append(Heading(g.label[:1].upper() + g.label[1:], 2))
            for p in g.priorities:
                blocks.extend(_priority_blocks(p, 3, plan.years))
    all_rows = _measure_rows(s.measures)
    if all_rows:
        blocks.append(Heading("Přehled opatření", 1))
        blocks.append(Table(MEASURE_COLUMNS, all_rows, title="Všechna opatření plánu", id="measures",
                            totals=["Celkem", f"{len(all_rows)} opatření", "", "",
                                    sum((r[4] for r in all_rows), Decimal(0)), ""]))
    year = plan.year_from
    blocks.append(Heading("Síť sociálních služeb", 1))
    net, _note = network_table(plan.region, year, plan.orp if plan.orp_id else None)
    blocks.append(Paragraph(f"Síť sociálních služeb na první rok plánu ({year}) zahrnuje {services(len(net.rows))}."))
    blocks.append(net)
    blocks.append(Heading("Finanční kapitola", 1))
    blocks.extend(financial_blocks(plan, year, plan.orp if plan.orp_id else None))
    if plan.status in (PlanStatus.APPROVED, PlanStatus.SUPERSEDED):
        blocks.extend(_fulfilment_blocks(plan, s))
    if plan.settlement_published:
        blocks.extend(_settlement_blocks(plan))
    return Document(title=plan.title, subtitle=f"{kind} · {plan.area_name} · {plan.period_label}", meta=meta,
                    blocks=blocks, running_title=f"{plan.title}",
                    footer_note=footer_note(plan, year, plan.get_status_display()))


def action_plan_document(ap: ActionPlan) -> Document:
    plan, year = ap.plan, ap.year
    orp = plan.orp if plan.orp_id else None
    measures = list(selectors.measures_due(plan, year))
    blocks: list = [Toc()]
    blocks.append(Heading("Úvod", 1))
    blocks.extend(Paragraph(p) for p in (ap.intro or "").split("\n\n") if p.strip())
    blocks.append(Paragraph(f"Akční plán provádí {plan.title} ({plan.period_label}) v roce {year}."))
    blocks.append(Heading(f"Opatření na rok {year}", 1))
    cols = [Column("Priorita", width=0.8)] + MEASURE_COLUMNS[:4] + [Column(f"Náklady {year}", CZK, width=1.5),
                                                                    Column("Zdroje", width=2)]
    rows = []
    for m in measures:
        cost = sum((b.amount for b in m.budget.all() if b.year == year), Decimal(0))
        years = f"{m.year_from}–{m.year_to}" if m.year_to != m.year_from else str(m.year_from)
        rows.append([m.priority.code, m.code, m.title, m.responsible, years, cost, m.funding_note])
    blocks.append(Table(cols, rows, title=f"Opatření realizovaná v roce {year}", id="measures",
                        totals=["Celkem", f"{len(rows)} opatření", "", "", "", sum((r[5] for r in rows), Decimal(0)),
                                ""]))
    blocks.append(Heading(f"Síť sociálních služeb na rok {year}", 1))
    net, _note = network_table(plan.region, year, orp)
    blocks.append(net)
    blocks.append(Heading("Rozvojové záměry přijaté do sítě", 1))
    blocks.extend(_development_blocks(plan, year))
    blocks.append(Heading("Finanční výhled", 1))
    blocks.extend(financial_blocks(plan, year, orp))
    meta = [("Území", plan.area_name), ("Rok", str(year)), ("Stav", ap.get_status_display())]
    if ap.approved_on:
        meta.append(("Schváleno", f"{ap.approved_on.day}. {ap.approved_on.month}. {ap.approved_on.year}"
                     + (f", {ap.approval_ref}" if ap.approval_ref else "")))
    return Document(title=ap.title, subtitle=f"Akční plán · {plan.area_name} · {year}", meta=meta, blocks=blocks,
                    running_title=ap.title, footer_note=footer_note(plan, year, ap.get_status_display()))


def _development_blocks(plan: Plan, year: int) -> list:
    from socplan.network.selectors import admitted_requests

    rows = admitted_requests(plan.region, year, plan.orp if plan.orp_id else None)
    data = [[r.title, r.provider, r.kind, r.orp, r.capacity, r.measure_code, r.expected_cost] for r in rows]
    n = len(data)
    verb = czech_plural(n, "byl zařazen", "byly zařazeny", "bylo zařazeno")
    noun = czech_plural(n, "rozvojový záměr", "rozvojové záměry", "rozvojových záměrů")
    return [Paragraph(f"Do sítě na rok {year} {verb} {n} {noun}."),
            Table([Column("Záměr", width=3), Column("Poskytovatel", width=2), Column("Druh", width=2),
                   Column("ORP", width=1.2), Column("Kapacita", INT, width=0.9), Column("Opatření", width=0.9),
                   Column("Roční náklady", CZK, width=1.4)], data, title=f"Rozvojové záměry zařazené do sítě na rok {year}",
                  id="development", totals=["Celkem", "", "", "", sum((r[4] for r in data), 0), "",
                                            sum((r[6] for r in data), Decimal(0))])]


# --- registration with the documents catalogue ----------------------------------------------------------------

def _plan_can_view(user, object_id: int) -> bool:
    return selectors.plans_visible(user).filter(pk=object_id).exists()


def _ap_can_view(user, object_id: int) -> bool:
    return selectors.action_plans_visible(user).filter(pk=object_id).exists()


def _stem(plan: Plan) -> str:
    return f"{'kpss' if plan.kind == PlanKind.COMMUNITY else 'sprss'}-{plan.area_name}-{plan.period_label}"


def _links(url_name: str, pk: int) -> list[tuple[str, str]]:
    return [(fmt, reverse(url_name, args=[pk, fmt])) for fmt in ("pdf", "docx", "xlsx")]


def _plan_catalogue(user) -> list[CatalogueEntry]:
    return [CatalogueEntry(p.title, f"{p.get_kind_display()} · {p.period_label} · {p.get_status_display()}",
                           _links("documents:plan_document", p.pk), p.published)
            for p in selectors.plans_visible(user).order_by("kind", "orp__name", "-year_from")]


def _ap_catalogue(user) -> list[CatalogueEntry]:
    return [CatalogueEntry(a.title, f"{a.plan.title} · {a.get_status_display()}",
                           _links("documents:action_plan_document", a.pk), a.published)
            for a in selectors.action_plans_visible(user).order_by("plan__kind", "plan__orp__name", "year")]


@document_builder("planning.plan", title="Plány", can_view=_plan_can_view, catalogue=_plan_catalogue)
def build_plan(object_id: int) -> BuiltDocument:
    plan = Plan.objects.select_related("region", "orp").get(pk=object_id)
    doc = plan_document(plan)
    doc.word_template = template_bytes(PLAN_TEMPLATE.name)  # the DOCX in the kraj's wording
    return BuiltDocument(doc, _stem(plan), public=plan.published)


@document_builder("planning.action_plan", title="Akční plány", can_view=_ap_can_view, catalogue=_ap_catalogue)
def build_action_plan(object_id: int) -> BuiltDocument:
    ap = ActionPlan.objects.select_related("plan", "plan__region", "plan__orp").get(pk=object_id)
    doc = action_plan_document(ap)
    doc.word_template = template_bytes(ACTION_PLAN_TEMPLATE.name)
    return BuiltDocument(doc, f"ap-{ap.plan.area_name}-{ap.year}",
                         public=ap.status == ActionPlanStatus.APPROVED and ap.plan.published)

