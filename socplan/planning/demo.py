"""Planning demo for the Jihomoravský kraj: `planning_demo_load()` (idempotent).

What is real and what is synthetic (docs/planning.md, "Demo"):

- The regional medium-term plan 2015–2017: title, goal, principles, the analysis figures (547 services, the
  optimised network cost 3 039 820 634 Kč and the state share 1 063 937 222 Kč), the system priorities A–D
  and the two priorities of each of the four target groups are the texts of the JMK plan slides and web page
  (project seeds). Its measures, indicators, costs, monitoring and comments are **synthetic** (flagged
  `source = synthetic`), built to show the features.
- Action plans 2015, 2016 and 2017 of that plan (texts synthetic).
- Community plans 2015–2017 of the ORP Blansko (6201), Znojmo (6220) and Brno (6203): synthetic, their
  measures linked to registered services of the demo registry (looked up by kind and ORP when present).
- A regional plan 2026–2028, a copy of 2015–2017, under comment (the current draft), with comments.
- Community plans 2026–2028 of the same three ORP, copies of 2015–2017 (Blansko and Znojmo approved, which
  supersedes their 2015–2017 plans; Brno under comment) with **synthetic capacity needs** per kind and year
  (`CAPACITY_NEEDS`), which the availability module shows next to its estimate of need.
- Working groups, meetings (past with minutes; upcoming ones for the public calendar), contracts of the kraj
  with all 21 ORP (obligations from the seed; contribution synthetic) and yearly reports of Blansko.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from socplan.core.models import Source
from socplan.registry.models import PlanningGroup

from . import services as svc
from .models import (
    ActionPlan,
    ActionPlanStatus,
    Comment,
    Meeting,
    OrpContract,
    Plan,
    PlanKind,
    PlanStatus,
    Resolution,
    Side,
    WorkingGroup,
)

REGION_CODE = "CZ064"
COMMUNITY_ORPS = ["6201", "6220", "6203"]  # Blansko, Znojmo, Brno
REGIONAL_TITLE = "Střednědobý plán rozvoje sociálních služeb v Jihomoravském kraji na období 2015–2017"
CURRENT_TITLE = "Střednědobý plán rozvoje sociálních služeb v Jihomoravském kraji na období 2026–2028 (návrh)"

# --- seed texts (JMK plan 2015–2017: slides and the JMK planning page) --------------------------------------

GOAL = ("Cílem strategie je optimalizace stávající sítě sociálních služeb s ohledem na reálné potřeby, kvalitu, "
        "efektivitu poskytované péče a finanční udržitelnost podporovaného systému.")
SUMMARY = GOAL + "\n\n" + (
    "Střednědobý plán rozvoje sociálních služeb v Jihomoravském kraji na období 2015–2017 shrnuje výstupy "
    "z procesu plánování sociálních služeb na úrovni Jihomoravského kraje i obcí s rozšířenou působností, vychází "
    "z vyhodnocení realizace předchozích dvou střednědobých plánů i individuálních projektů, reflektuje potřebné "
    "změny v podobě, nastavení, řízení a financování krajské sítě sociálních služeb a současně zohledňuje aktuální "
    "vývojové trendy v sociální oblasti na národní úrovni.")

SECTIONS = [
    ("process", "Proces plánování sociálních služeb v JMK",
     "Proces plánování sociálních služeb v JMK je vystavěn na vzájemné spolupráci kraje a 21 obcí s rozšířenou "
     "působností: ve všech 21 ORP je realizován, na základě smluv s krajem, proces komunitního plánování. JMK "
     "definuje rámcové strategie, metodicky obce vede, pracuje s výstupy od obcí a provazuje je s financováním."
     "\n\nV JMK byl nastaven vzájemně provázaný tříúrovňový systém plánování a síťování sociálních služeb: na úrovni "
     "ORP probíhají místní procesy komunitního plánování; na okresní úrovni je ve spolupráci s politiky řešena "
     "provázanost strategií, návrh, potřebnost a financování minimální sítě služeb pro dané území; Jihomoravský "
     "kraj metodicky vede 21 ORP a ve spolupráci s okresními týmy monitoruje, analyzuje dopady a nastavuje "
     "mechanismy pro efektivní správu sítě služeb v kraji."),
    ("principles", "Principy a východiska strategie",
     "Sociální služby poskytované na území JMK jsou určeny pouze pro občany v obtížné životní situaci, kterou "
     "nedokáží překonat vlastními silami, za pomoci rodiny či dalších běžně dostupných veřejných služeb; jsou "
     "poskytovány v míře nezbytné pro podporu samostatnosti a nezávislosti uživatelů; jejich poskytování nevede "
     "k setrvání nebo prohlubování nepříznivé situace, ale k sociálnímu začleňování; prioritně jsou poskytovány "
     "v přirozeném/domácím prostředí uživatelů, případně v malokapacitních pobytových službách."
     "\n\nDůraz je kladen na kvalitu péče i finanční efektivitu služby; zařazení služeb do podporované sítě vychází "
     "z deklarace potřebnosti a finanční podpory obcí; hodnocení a financování z veřejných rozpočtů probíhá "
     "jednotně a transparentně v souladu s Metodikou pro hodnocení sociálních služeb v JMK; podpora rozvoje je "
     "zaměřena pouze na vybrané druhy sociálních služeb, přičemž omezení je dáno neexistencí služby v dané "
     "lokalitě, nebo vymezenou cílovou skupinou."),
    ("resources", "Analýza sociálních služeb v JMK",
     "Na území kraje bylo celkem 547 registrovaných služeb se zastoupením všech 33 druhů sociálních služeb."),
    ("financing", "Nákladovost krajské sítě sociálních služeb",
     "Souhrnné optimalizované náklady na provoz sítě sociálních služeb pro rok 2015 se zohledněním Metodiky "
     "i rozvojových záměrů jsou 3 039 820 634 Kč. Identifikovaná potřeba finančních zdrojů z úrovně státního "
     "rozpočtu pro provoz služeb v JMK je 1 063 937 222 Kč (35 %)."),
    ("principles", "Rámcová strategie podporovaného rozvoje sociálních služeb",
     "Podpora rozvoje vybraných druhů služeb je podmíněna neexistencí služby v dané lokalitě, nebo vymezenou "
     "cílovou skupinou. Podmínky: soulad s aktuální jednoletou strategií JMK (akční plán); soulad s komunitním "
     "plánem ORP; garance spolufinancování obcí ve stanovené výši; soulad návrhu rozpočtu služby s aktuální "
     "Metodikou pro hodnocení služeb v JMK."),
]

SYSTEM_PRIORITIES = [
    ("A", "Podpora procesu plánování dostupnosti sociálních služeb na místní a regionální úrovni",
     "Realizace IP, podpora vzájemné spolupráce a partnerství JMK a 21 ORP v oblasti KP a síťování SS."),
    ("B", "Optimalizace krajské sítě SS v JMK s ohledem na potřebnost, kvalitu a finanční udržitelnost",
     "Akční plány, síťování, spolufinancování obcí, projekt na financování služeb, benchmarkingová aplikace, VP, "
     "kontrolní mechanismy."),
    ("C", "Podpora zvyšování kvality sociálních služeb", "Kvalita péče, transformace, humanizace."),
    ("D", "Podpora informovanosti o sociálních službách", "Dostupnost informací, realizace aktivit."),
]

GROUP_PRIORITIES = [
    (PlanningGroup.FAMILY, "R", [
        "Podpora rozvoje stávající sítě SS zaměřených na potřeby ohrožených rodin s dětmi v JMK.",
        "Zajištění udržitelné, dostupné a vzájemně provázané sítě služeb podporující rodiny v zachování základních "
        "funkcí i jejich jednotlivé členy v obtížných životních situacích."]),
    (PlanningGroup.SENIORS, "S", [
        "Dostupná nabídka terénních a ambulantních služeb odpovídající rozdílným potřebám a specifickým životním "
        "situacím seniorů.",
        "Udržitelná síť dlouhodobých pobytových zařízení pro seniory s ohledem na jejich specifické potřeby."]),
    (PlanningGroup.DISABLED, "Z", [
        "Udržení stávající sítě, její optimalizace a doplnění o služby poskytované nejpřirozenějšími formami "
        "a umožňující běžný životní rytmus.",
        "Podpora sociálních služeb pro specifické cílové skupiny."]),
    (PlanningGroup.EXCLUSION, "V", [
        "Doplnění systému služeb pro osoby vyloučené nebo ohrožené sociálním vyloučením s ohledem na potřebnost "
        "v lokalitě.",
        "Podpora stávajících kapacit zařízení zařazených do krajské sítě se zaměřením na zvyšování kvality "
        "a provázanosti jednotlivých služeb."]),
]

OBLIGATIONS = ("zajištění procesu komunitního plánování v rámci celého správního obvodu ORP\n"
               "zpracování a aktualizace komunitního plánu sociálních služeb\n"
               "vzájemná spolupráce s krajem při plánování a síťování sociálních služeb\n"
               "využívání podpory krajských metodiků komunitního plánování\n"
               "předložení roční zprávy o průběhu komunitního plánování")

# --- synthetic measures: (priority code, code, title, responsible, kinds of linked services, yearly cost,
#     funding source, indicator (name, unit, baseline, targets per plan year), reports per year) -------------

KU = "Krajský úřad JMK, odbor sociálních věcí"
REGIONAL_MEASURES = [
    ("A", "A.1", "Smluvní podpora komunitního plánování ve 21 ORP", KU, [], 6_300_000, "region",
     ("ORP se smlouvou o komunitním plánování", "ORP", 21, [21, 21, 21]),
     [("done", 100), ("done", 100), ("done", 100)]),
    ("A", "A.2", "Okresní multidisciplinární týmy pro síťování služeb", KU, [], 450_000, "region",
     ("okresy s aktivním týmem", "okresů", 6, [6, 7, 7]),
     [("in_progress", 60), ("in_progress", 85), ("done", 100)]),
    ("B", "B.1", "Roční akční plány a aktualizace krajské sítě sociálních služeb", KU, [], 0, "region",
     ("schválené akční plány", "plánů", 0, [1, 2, 3]), [("in_progress", 33), ("in_progress", 66), ("done", 100)]),
    ("B", "B.2", "Spolufinancování nových služeb obcemi ve výši 10–20 % nákladů", "ORP a obce", [], 0, "municipalities",
     ("nové služby se spolufinancováním obcí", "služeb", 0, [3, 6, 9]),
     [("in_progress", 30), ("late", 45), ("late", 60)]),
    ("B", "B.3", "Benchmarkingová aplikace pro hodnocení nákladovosti služeb", KU, [], 1_200_000, "eu",
     ("služby zapojené do benchmarkingu", "služeb", 120, [250, 400, 547]),
     [("in_progress", 40), ("in_progress", 70), ("in_progress", 90)]),
    ("C", "C.1", "Transformace a humanizace pobytových služeb", "poskytovatelé pobytových služeb, KrÚ JMK",
     ["48", "49", "50"], 15_000_000, "state", ("lůžka v pokojích se 3 a více lůžky", "lůžek", 820, [700, 550, 400]),
     [("in_progress", 25), ("in_progress", 50), ("in_progress", 70)]),
    ("D", "D.1", "Informační aktivity: konference, veletrh plánování, brožury, web socialnisluzby-jmk.cz", KU, [],
     350_000, "region", ("návštěvy webu o sociálních službách za rok", "návštěv", 40_000, [45_000, 50_000, 55_000]),
     [("done", 100), ("done", 100), ("done", 100)]),
    ("S1", "S1.1", "Rozvoj terénní pečovatelské služby a osobní asistence pro seniory",
     "poskytovatelé, obce", ["40", "39"], 9_000_000, "state",
     ("klienti terénních služeb pro seniory", "klientů", 9_500, [9_800, 10_100, 10_400]),
     [("in_progress", 30), ("in_progress", 65), ("done", 100)]),
    ("S2", "S2.1", "Udržení kapacit domovů pro seniory a domovů se zvláštním režimem", "poskytovatelé, KrÚ JMK",
     ["49", "50"], 25_000_000, "state", ("lůžka v domovech pro seniory", "lůžek", 4_300, [4_300, 4_300, 4_300]),
     [("in_progress", 33), ("in_progress", 66), ("done", 100)]),
    ("Z1", "Z1.1", "Podpora samostatného bydlení a chráněného bydlení místo ústavní péče", "poskytovatelé",
     ["43", "51"], 6_000_000, "state", ("místa v chráněném bydlení", "míst", 310, [330, 350, 370]),
     [("in_progress", 20), ("in_progress", 45), ("late", 70)]),
    ("Z2", "Z2.1", "Služby pro osoby s poruchou autistického spektra", "poskytovatelé, ORP", ["70", "67"], 2_500_000,
     "region", ("klienti s PAS ve službách", "klientů", 60, [80, 100, 120]),
     [("not_started", 0), ("dropped", 0), ("dropped", 0)]),
    ("R1", "R1.1", "Sociálně aktivizační služby pro rodiny s dětmi ve všech ORP", "poskytovatelé, ORP", ["65"],
     4_000_000, "state", ("ORP se SAS pro rodiny s dětmi", "ORP", 16, [18, 20, 21]),
     [("in_progress", 40), ("in_progress", 75), ("done", 100)]),
    ("R2", "R2.1", "Provázání nízkoprahových zařízení pro děti a mládež s rodinnými službami", "poskytovatelé",
     ["62"], 1_500_000, "municipalities", ("NZDM zapojená do spolupráce", "zařízení", 10, [14, 18, 22]),
     [("in_progress", 50), ("done", 100), ("done", 100)]),
    ("V1", "V1.1", "Terénní programy v lokalitách ohrožených sociálním vyloučením", "poskytovatelé, obce", ["69"],
     3_000_000, "state", ("lokality s terénním programem", "lokalit", 25, [28, 31, 34]),
     [("in_progress", 35), ("in_progress", 60), ("in_progress", 85)]),
    ("V2", "V2.1", "Zvyšování kvality azylových domů a nocleháren", "poskytovatelé", ["57", "63"], 2_000_000, "state",
     ("azylové domy s certifikovaným standardem", "zařízení", 5, [7, 9, 11]),
     [("in_progress", 30), ("late", 40), ("done", 100)]),
]

COMMUNITY_MEASURES = [
    ("S1", "S1.1", "Rozšíření pečovatelské služby do všech obcí ORP", "město {orp} a poskytovatelé", ["40"],
     600_000, "municipalities", ("obce s pečovatelskou službou", "obcí", 20, [25, 30, 35]),
     [("in_progress", 40), ("in_progress", 70), ("done", 100)]),
    ("S2", "S2.1", "Udržení kapacity domova pro seniory", "poskytovatel pobytové služby", ["49"], 1_200_000, "state",
     ("lůžka v domovech pro seniory", "lůžek", 120, [120, 120, 120]),
     [("in_progress", 33), ("in_progress", 66), ("done", 100)]),
    ("R1", "R1.1", "Sociálně aktivizační služba pro rodiny s dětmi", "OSPOD a poskytovatel", ["65"], 350_000,
     "municipalities", ("rodiny v péči SAS", "rodin", 40, [50, 60, 70]),
     [("in_progress", 30), ("late", 45), ("late", 60)]),
    ("Z1", "Z1.1", "Osobní asistence pro děti i dospělé se zdravotním postižením", "poskytovatelé", ["39"], 400_000,
     "state", ("klienti osobní asistence", "klientů", 35, [40, 45, 50]),
     [("in_progress", 50), ("in_progress", 80), ("done", 100)]),
    ("V1", "V1.1", "Terénní program a azylové bydlení pro lidi bez domova", "město {orp}", ["69", "57"], 500_000,
     "municipalities", ("kontakty terénního programu za rok", "kontaktů", 900, [1_000, 1_100, 1_200]),
     [("not_started", 0), ("in_progress", 30), ("dropped", 30)]),
]

COMMUNITY_GROUP_TITLES = {
    "S1": "Dostupné terénní a ambulantní služby pro seniory v celém území ORP.",
    "S2": "Udržitelné pobytové služby pro seniory.",
    "R1": "Podpora rodin s dětmi v obtížných situacích.",
    "Z1": "Život lidí se zdravotním postižením v přirozeném prostředí.",
    "V1": "Pomoc lidem bez domova a v krizi.",
}

SWOT = {
    "strengths": "fungující pracovní skupiny pro všechny cílové skupiny\nsmlouva s krajem o komunitním plánování\n"
                 "stabilní síť pečovatelské služby",
    "weaknesses": "malá dostupnost služeb v menších obcích\nnedostatek odlehčovacích služeb",
    "opportunities": "spolufinancování obcí podle komunitního plánu\nprojekty z ESF",
    "threats": "stárnutí obyvatel\nnejistota ročního financování služeb",
}


def _services_for(region, kinds: list[str], orp=None, limit: int = 6):
    """Demo services of the given kinds (and ORP), if the registry demo is loaded; otherwise none."""
    if not kinds:
        return []
    from socplan.registry.models import Service

    qs = Service.objects.filter(region=region, kind__code__in=kinds)
    if orp is not None:
        qs = qs.filter(areas__orp=orp).distinct()
    return list(qs.order_by("pk")[:limit])


def _add_measures(plan: Plan, priorities: dict, specs, orp=None) -> None:
    for pcode, code, title, responsible, kinds, yearly_cost, source, ind, _reports in specs:
        name = orp.name if orp is not None else ""
        m = svc.measure_create(actor=None, priority=priorities[pcode], code=code, title=title,
                               responsible=responsible.format(orp=name), year_from=plan.year_from,
                               year_to=plan.year_to, funding_note=dict(_SOURCES)[source],
                               services=_services_for(plan.region, kinds, orp),
                               development_note=("Nová kapacita podle potřebnosti doložené komunitním plánem."
                                                 if code.startswith(("S1", "Z1", "V1")) else ""))
        m.source = Source.SYNTHETIC
        m.save(update_fields=["source"])
        for i, year in enumerate(plan.years):
            amount = Decimal(yearly_cost) * (1 + Decimal(i) / 10)
            if amount:
                svc.measure_budget_set(actor=None, measure=m, year=year, source=source, amount=amount)
        iname, unit, baseline, targets = ind
        svc.indicator_create(actor=None, measure=m, name=iname, unit=unit, baseline=baseline,
                             baseline_year=plan.year_from - 1, direction="down" if "3 a více" in iname else "up",
                             targets=dict(zip(plan.years, targets, strict=False)))


def _monitor_all(plan: Plan, specs) -> None:
    """Monitoring of an approved plan: yearly states, indicator values, two milestones per first measure."""
    by_code = {s[1]: s for s in specs}
    for m in plan.measures.prefetch_related("indicators"):
        spec = by_code[m.code]
        _monitor(plan, m, m.indicators.first(), spec[7][3], spec[8])
        if m.code.endswith(".1"):
            svc.milestone_create(actor=None, measure=m, title="Zadání a harmonogram opatření",
                                 due_on=dt.date(plan.year_from, 3, 31), done_on=dt.date(plan.year_from, 3, 20))
            svc.milestone_create(actor=None, measure=m, title="Průběžné vyhodnocení",
                                 due_on=dt.date(plan.year_from + 1, 12, 31), done_on=dt.date(plan.year_from + 2, 1, 15))
            final_done = spec[8][-1][0] == "done"
            svc.milestone_create(actor=None, measure=m, title="Závěrečné vyhodnocení", due_on=dt.date(plan.year_to, 12, 31),
                                 done_on=dt.date(plan.year_to, 12, 15) if final_done else None)


_SOURCES = [("region", "rozpočet JMK"), ("state", "dotace ze státního rozpočtu (§ 101a)"),
            ("municipalities", "rozpočty obcí"), ("eu", "ESF – OP Zaměstnanost"), ("providers", "poskytovatelé"),
            ("other", "jiné")]


def _monitor(plan, measure, indicator, targets, reports) -> None:
    for year, (state, progress) in zip(plan.years, reports, strict=False):
        svc.measure_report_set(actor=None, measure=measure, year=year, state=state, progress=progress,
                               comment="Syntetický údaj demo kraje.")
    # Indicator values: reached targets where the measure went well, a shortfall where it is late or dropped.
    for year, target, (state, _p) in zip(plan.years, targets, reports, strict=False):
        t = Decimal(target)
        value = t if state in ("done", "in_progress") else (t * Decimal("0.8")).quantize(Decimal(1))
        if indicator.direction == "down" and state not in ("done", "in_progress"):
            value = (t * Decimal("1.2")).quantize(Decimal(1))
        svc.indicator_value_set(actor=None, indicator=indicator, year=year, value=value)


def _regional_plan(region) -> Plan:
    plan = Plan.objects.filter(region=region, kind=PlanKind.REGIONAL, year_from=2015, year_to=2017).first()
    if plan is not None:
        return plan
    plan = svc.plan_create(actor=None, kind=PlanKind.REGIONAL, title=REGIONAL_TITLE, region=region, year_from=2015,
                           year_to=2017, summary=SUMMARY)
    for order, (kind, title, body) in enumerate(SECTIONS, start=1):
        svc.section_create(actor=None, plan=plan, kind=kind, title=title, body=body, order=order)
    priorities = {}
    for order, (code, title, desc) in enumerate(SYSTEM_PRIORITIES, start=1):
        priorities[code] = svc.priority_create(actor=None, plan=plan, kind="system", code=code, number=f"Priorita {code}",
                                               title=title, description=desc, order=order)
    for group, prefix, titles in GROUP_PRIORITIES:
        for n, title in enumerate(titles, start=1):
            priorities[f"{prefix}{n}"] = svc.priority_create(
                actor=None, plan=plan, kind="group", target_group=group, code=f"{prefix}{n}", number=f"PRIORITA {n}",
                title=title, order=n)
    _add_measures(plan, priorities, REGIONAL_MEASURES)
    # Comments while it was under comment, all resolved, settlement published; then approved.
    svc.plan_publish_for_comments(actor=None, plan=plan)
    m_b2 = plan.measures.get(code="B.2")
    c1 = svc.comment_submit(actor=None, plan=plan, author_name="Jana Nováková (syntetická)", organisation="ORP Tišnov",
                            text="Spolufinancování obcí by mělo být odstupňováno podle formy služby.", measure=m_b2,
                            channel="public")
    c2 = svc.comment_submit(actor=None, plan=plan, author_name="Petr Dvořák (syntetický)",
                            organisation="Diecézní charita (poskytovatel)",
                            text="Doplňte do priority C podporu supervize pracovníků.",
                            priority=plan.priorities.get(code="C"), channel="public")
    c3 = svc.comment_submit(actor=None, plan=plan, author_name="Marie Svobodová (syntetická)",
                            text="Navrhuji zrušit regulaci vzniku nových služeb.", channel="public")
    svc.comment_resolve(actor=None, comment=c1, resolution=Resolution.ACCEPTED,
                        reasoning="Spoluúčast obce je stanovena ve výši 10–20 % podle typu služby a formy poskytování.")
    svc.comment_resolve(actor=None, comment=c2, resolution=Resolution.PARTLY,
                        reasoning="Supervize je součástí standardů kvality; doplněno do popisu priority, ne jako samostatné "
                                  "opatření.")
    svc.comment_resolve(actor=None, comment=c3, resolution=Resolution.REJECTED,
                        reasoning="Strategie JMK od roku 2012 udržuje stávající služby s regulací vzniku nových; "
                                  "rozvoj je podmíněn potřebností v území.")
    svc.settlement_publish(actor=None, plan=plan)
    plan = svc.plan_approve(actor=None, plan=plan, approved_on=dt.date(2014, 12, 11), approval_ref="")
    _monitor_all(plan, REGIONAL_MEASURES)
    for year in plan.years:
        ap = svc.action_plan_create(
            actor=None, plan=plan, year=year,
            title=f"Akční plán rozvoje sociálních služeb v Jihomoravském kraji na rok {year}",
            intro=("Akční plán je prováděcím dokumentem střednědobého plánu: stanoví rozsah sítě sociálních služeb "
                   f"na rok {year} a opatření, která se v tomto roce realizují. (Text akčního plánu v demu je syntetický.)"))
        svc.action_plan_approve(actor=None, action_plan=ap, approved_on=dt.date(year - 1, 12, 10))
    return plan


def _community_plan(region, orp) -> Plan:
    plan = Plan.objects.filter(region=region, orp=orp, kind=PlanKind.COMMUNITY, year_from=2015, year_to=2017).first()
    if plan is not None:
        return plan
    plan = svc.plan_create(actor=None, kind=PlanKind.COMMUNITY, orp=orp, region=region, year_from=2015, year_to=2017,
                           title=f"Komunitní plán sociálních služeb ORP {orp.name} na období 2015–2017",
                           summary=(f"Komunitní plán popisuje potřeby obyvatel správního obvodu ORP {orp.name}, "
                                    "dostupné služby a opatření, na kterých se shodli uživatelé, poskytovatelé "
                                    "a zadavatelé. (Demo: syntetický obsah.)"))
    plan.source = Source.SYNTHETIC
    plan.save(update_fields=["source"])
    svc.section_create(actor=None, plan=plan, kind="needs", title="Analýza potřeb",
                       body=("Dotazníkové šetření mezi uživateli a veřejností ukázalo potřebu dostupnějších "
                             "terénních služeb v menších obcích a podpory pečujících rodin. (Syntetický text.)"))
    svc.section_create(actor=None, plan=plan, kind="resources", title="Analýza zdrojů",
                       body="Na území ORP působí registrované sociální služby uvedené v kapitole Síť sociálních služeb.")
    svc.section_create(actor=None, plan=plan, kind="swot", title="SWOT analýza", **SWOT)
    priorities = {}
    groups = {"S": PlanningGroup.SENIORS, "R": PlanningGroup.FAMILY, "Z": PlanningGroup.DISABLED,
              "V": PlanningGroup.EXCLUSION}
    for code, title in COMMUNITY_GROUP_TITLES.items():
        priorities[code] = svc.priority_create(actor=None, plan=plan, kind="group", target_group=groups[code[0]],
                                               code=code, number=f"Priorita {code[1]}", title=title)
    _add_measures(plan, priorities, COMMUNITY_MEASURES, orp=orp)
    svc.plan_approve(actor=None, plan=plan, approved_on=dt.date(2014, 12, 15),
                     approval_ref=f"usnesení zastupitelstva města {orp.name} (syntetické)")
    plan.refresh_from_db()
    _monitor_all(plan, COMMUNITY_MEASURES)
    ap = svc.action_plan_create(actor=None, plan=plan, year=2016,
                                intro="Akční plán komunitního plánu na rok 2016 (syntetický).")
    svc.action_plan_approve(actor=None, action_plan=ap, approved_on=dt.date(2015, 12, 1))
    return plan


# Synthetic capacity needs for 2026 (ORP → kind → (unit, capacity, measure code)); 2027 and 2028 grow by 3 %
# a year (ageing). Picked near the demo registry's capacity, some above and some below it, to show both signs
# of the gap on the availability page.
CAPACITY_NEEDS = {
    "6201": {"49": ("luzka", 130, "S2.1"), "50": ("luzka", 95, None), "40": ("klient", 160, "S1.1"),
             "44": ("luzka", 26, None), "46": ("klient", 18, None), "48": ("luzka", 75, None)},
    "6220": {"49": ("luzka", 150, "S2.1"), "50": ("luzka", 560, None), "40": ("klient", 210, "S1.1"),
             "44": ("luzka", 28, None), "46": ("klient", 50, None), "48": ("luzka", 45, None)},
    "6203": {"49": ("luzka", 1400, "S2.1"), "50": ("luzka", 700, None), "40": ("klient", 900, "S1.1"),
             "44": ("luzka", 130, None), "46": ("klient", 150, None), "48": ("luzka", 330, None)},
}
NEED_GROWTH = Decimal("1.03")
NEED_BASIS = ("Dotazníkové šetření potřeb seniorů a pořadníky žadatelů poskytovatelů v ORP {orp}, pracovní skupina "
              "Senioři (demo: syntetický údaj; každý další rok +3 %).")


def _current_community_plan(previous: Plan, *, approve: bool) -> Plan:
    """The ORP's plan 2026–2028: a copy of 2015–2017 with capacity needs; approved or put out for comments."""
    orp = previous.orp
    plan = Plan.objects.filter(region=previous.region, orp=orp, kind=PlanKind.COMMUNITY, year_from=2026).first()
    if plan is not None:
        return plan
    from socplan.registry.models import CapacityType, ServiceKind

    plan = svc.plan_copy(actor=None, source=previous, year_from=2026, year_to=2028,
                         title=f"Komunitní plán sociálních služeb ORP {orp.name} na období 2026–2028")
    plan.source = Source.SYNTHETIC
    plan.save(update_fields=["source"])
    kinds = {k.code: k for k in ServiceKind.objects.filter(code__in=CAPACITY_NEEDS.get(orp.code, {}))}
    units = {u.code: u for u in CapacityType.objects.all()}
    measures = {m.code: m for m in plan.measures.all()}
    for code, (unit, capacity, measure) in CAPACITY_NEEDS.get(orp.code, {}).items():
        if code not in kinds or unit not in units:
            continue
        value = Decimal(capacity)
        for year in plan.years:
            need = svc.capacity_need_create(actor=None, plan=plan, kind=kinds[code], capacity_type=units[unit],
                                            year=year, capacity=value.quantize(Decimal(1)),
                                            measure=measures.get(measure), basis=NEED_BASIS.format(orp=orp.name))
            need.source = Source.SYNTHETIC
            need.save(update_fields=["source"])
            value *= NEED_GROWTH
    if approve:
        svc.plan_approve(actor=None, plan=plan, approved_on=dt.date(2025, 12, 11),
                         approval_ref=f"usnesení zastupitelstva města {orp.name} (syntetické)")
    else:
        svc.plan_publish_for_comments(actor=None, plan=plan,
                                      comments_until=timezone.localdate() + dt.timedelta(days=30))
    plan.refresh_from_db()
    return plan


def _current_draft(regional: Plan) -> Plan:
    plan = Plan.objects.filter(region=regional.region, kind=PlanKind.REGIONAL, year_from=2026).first()
    if plan is not None:
        return plan
    plan = svc.plan_copy(actor=None, source=regional, title=CURRENT_TITLE, year_from=2026, year_to=2028)
    plan.source = Source.SYNTHETIC
    plan.save(update_fields=["source"])
    svc.plan_publish_for_comments(actor=None, plan=plan, comments_until=timezone.localdate() + dt.timedelta(days=60))
    a1 = plan.measures.filter(code="A.1").first()
    c_ok = svc.comment_submit(actor=None, plan=plan, author_name="Eva Horáková (syntetická)", organisation="ORP Vyškov",
                              text="Prosíme o zachování metodické podpory koordinátorů KPSS.", measure=a1,
                              channel="public")
    svc.comment_resolve(actor=None, comment=c_ok, resolution=Resolution.ACCEPTED,
                        reasoning="Metodická podpora koordinátorů zůstává součástí opatření A.1.")
    svc.comment_submit(actor=None, plan=plan, author_name="Tomáš Král (syntetický)",
                       text="Chybí opatření pro péči o lidi s demencí v domácím prostředí.",
                       priority=plan.priorities.filter(code="S1").first(), channel="public")
    return plan


def _participation(region, orps: dict) -> None:
    now = timezone.now()
    blansko = orps.get("6201")
    groups = [
        (None, None, "Pracovní skupina pro komunitní plán JMK"),
        (None, None, "Pracovní skupina Koordinátoři KPSS 21 ORP"),
    ]
    if blansko is not None:
        groups += [(blansko, PlanningGroup.SENIORS, "Senioři – KPSS Blansko"),
                   (blansko, PlanningGroup.FAMILY, "Rodina, děti a mládež – KPSS Blansko")]
    made = {}
    for orp, tg, name in groups:
        g = WorkingGroup.objects.filter(region=region, name=name).first()
        if g is None:
            g = svc.working_group_create(actor=None, region=region, orp=orp, target_group=tg, name=name,
                                         description="Pracovní skupina plánování sociálních služeb (demo).")
            for person, side, org, leader in [
                ("Alena Malá", Side.COMMISSIONERS, "úřad ORP / KrÚ JMK", True),
                ("Josef Veselý", Side.PROVIDERS, "poskytovatel sociálních služeb", False),
                ("Hana Černá", Side.USERS, "zástupkyně uživatelů", False),
                ("Karel Novák", Side.PUBLIC, "veřejnost", False),
            ]:
                svc.working_group_member_add(actor=None, group=g, name=f"{person} (syntetický)", side=side,
                                             organisation=org, is_leader=leader)
        made[name] = g
    seniors = made.get("Senioři – KPSS Blansko")
    specs = [
        ("Setkání pracovní skupiny Senioři – vyhodnocení plnění 2015", blansko, seniors,
         timezone.make_aware(dt.datetime(2016, 2, 10, 14, 0)), "Městský úřad Blansko, zasedací místnost",
         "Účastníci prošli plnění opatření za rok 2015 a shodli se na prioritách akčního plánu 2016. (Syntetický zápis.)",
         14),
        ("Veřejné projednání návrhu střednědobého plánu 2026–2028", None, made["Pracovní skupina pro komunitní plán JMK"],
         (timezone.localtime(now) + dt.timedelta(days=21)).replace(hour=16, minute=0, second=0, microsecond=0),
         "Krajský úřad JMK, Žerotínovo náměstí 3, Brno", "", None),
        ("Setkání pracovní skupiny Senioři – potřeby pečujících", blansko, seniors,
         (timezone.localtime(now) + dt.timedelta(days=35)).replace(hour=15, minute=0, second=0, microsecond=0),
         "Městský úřad Blansko, zasedací místnost", "", None),
    ]
    draft = Plan.objects.filter(region=region, kind=PlanKind.REGIONAL, status=PlanStatus.COMMENT).first()
    for title, orp, group, starts, place, minutes, attendance in specs:
        if Meeting.objects.filter(region=region, title=title).exists():
            continue
        m = svc.meeting_create(actor=None, region=region, orp=orp, group=group, title=title, starts_at=starts,
                               ends_at=starts + dt.timedelta(hours=2), place=place,
                               plan=draft if "2026" in title else None,
                               description="Program: informace o plnění plánu, diskuse, různé. Vstup volný.")
        if minutes:
            svc.meeting_update(actor=None, meeting=m, data={"minutes": minutes, "minutes_published": True,
                                                            "attendance": attendance})


def _contracts(region, orps: dict) -> None:
    for code, orp in sorted(orps.items()):
        number = f"JMK/KPSS/2015/{code}"
        if OrpContract.objects.filter(region=region, number=number).exists():
            continue
        c = svc.contract_create(actor=None, region=region, orp=orp, number=number, date_from=dt.date(2015, 1, 1),
                                date_to=dt.date(2017, 12, 31), contribution=Decimal(300_000), obligations=OBLIGATIONS,
                                signed_on=dt.date(2014, 12, 18))
        if code == "6201":
            r15 = svc.orp_report_save(actor=None, report=c.reports.get(year=2015), data={
                "activities": "8 setkání pracovních skupin, aktualizace katalogu služeb, dotazníkové šetření potřeb.",
                "meetings_held": 8, "participants": 46, "plan_changes": "Akční plán 2016 doplněn o odlehčovací službu.",
                "contribution_spent": Decimal(296_400)})
            svc.orp_report_submit(actor=None, report=r15)
            svc.orp_report_review(actor=None, report=r15, accept=True, note="Zpráva přijata.")
            r16 = svc.orp_report_save(actor=None, report=c.reports.get(year=2016), data={
                "activities": "6 setkání pracovních skupin, veřejné projednání plnění plánu.", "meetings_held": 6,
                "participants": 39, "contribution_spent": Decimal(288_000)})
            svc.orp_report_submit(actor=None, report=r16)


@transaction.atomic
def planning_demo_load() -> dict[str, int]:
    """Create the planning demo for the JMK (if the territory is loaded). Idempotent; returns counts."""
    from socplan.territory.models import Orp, Region

    region = Region.objects.filter(code=REGION_CODE).first()
    if region is None:
        return {"plans": 0}
    before = Plan.objects.filter(region=region).count()
    orps = {o.code: o for o in Orp.objects.filter(region=region)}
    regional = _regional_plan(region)
    for code in COMMUNITY_ORPS:
        if code in orps:
            old = _community_plan(region, orps[code])
            _current_community_plan(old, approve=code != "6203")  # Brno's new plan is still under comment
    _current_draft(regional)
    _participation(region, orps)
    _contracts(region, orps)
    return {"plans": Plan.objects.filter(region=region).count() - before,
            "action_plans": ActionPlan.objects.filter(plan__region=region, status=ActionPlanStatus.APPROVED).count(),
            "comments": Comment.objects.filter(plan__region=region).count()}


def demo_load() -> dict[str, int]:
    """Entry point for `socplan.site.demo.app_demos_load` (runs after the registry demo, before network)."""
    return planning_demo_load()
