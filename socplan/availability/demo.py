"""Demo parameters of availability for the demo kraj (Jihomoravský kraj, CZ064) and the demo year.

ALL VALUES HERE ARE ILLUSTRATIVE ASSUMPTIONS (`is_assumption=True`), chosen near the demo registry's own level
so that the pages show both shortfalls and surpluses; they are not the kraj's adopted targets, not measured
utilisation and not a ČSÚ projection. docs/availability.md ("Demo parameters") lists them with the reasoning.
Idempotent (rows are created only when missing) and fast (a few bulk inserts, one small scenario).
"""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from simple_history.utils import bulk_create_with_history

from socplan.registry.models import CapacityType, ServiceKind
from socplan.territory.models import District, Municipality, Region

from .models import CoverageTarget, PopulationProjection, Scenario, UtilisationRate

DEMO_REGION = "CZ064"
DEMO_YEAR = 2026
ASSUMPTION = "ilustrativní předpoklad pro demo (není schválená hodnota kraje)"

# kind: (band, capacity type, target per 1,000)
TARGETS = {
    "49": ("80+", "luzka", "60"),     # domovy pro seniory: beds per 1,000 aged 80+
    "50": ("65+", "luzka", "10"),     # domovy se zvláštním režimem: beds per 1,000 aged 65+
    "40": ("65+", "klient", "9"),     # pečovatelská služba: clients per 1,000 aged 65+
    "44": ("65+", "luzka", "1.5"),    # odlehčovací služby (pobytové): beds per 1,000 aged 65+
    "46": ("65+", "klient", "2"),     # denní stacionáře: clients per 1,000 aged 65+
    "39": ("total", "klient", "0.25"),  # osobní asistence: clients per 1,000 inhabitants
    "48": ("total", "luzka", "0.8"),  # DOZP: beds per 1,000 inhabitants
    "51": ("total", "luzka", "0.3"),  # chráněné bydlení: beds per 1,000 inhabitants
    "57": ("total", "luzka", "0.3"),  # azylové domy: beds per 1,000 inhabitants
    "65": ("0-14", "klient", "5"),    # SAS pro rodiny s dětmi: clients per 1,000 aged 0–14
}
# kind: (band, rate in per cent of the band)
RATES = {
    "49": ("80+", "5.5"),
    "50": ("65+", "1.0"),
    "40": ("65+", "4.0"),
    "44": ("65+", "0.2"),
    "46": ("65+", "0.25"),
    "39": ("total", "0.03"),
    "48": ("total", "0.08"),
    "51": ("total", "0.03"),
    "57": ("total", "0.03"),
    "65": ("0-14", "0.6"),
}
# year: {band: factor against the latest population figures (1 Jan 2020)}
PROJECTIONS = {
    2030: {"total": "1.02", "0-14": "0.95", "15-64": "0.98", "65+": "1.12", "65-79": "1.02", "80+": "1.45"},
    2035: {"total": "1.02", "0-14": "0.90", "15-64": "0.97", "65+": "1.20", "65-79": "1.03", "80+": "1.80"},
}
PROJECTION_NOTE = "ilustrativní předpoklad (stárnutí silných ročníků); nahraďte projekcí ČSÚ"
DEMO_SCENARIO = "Demo: nový domov pro seniory v Blansku (+60 lůžek)"


@transaction.atomic
def demo_load() -> dict[str, int]:
    region = Region.objects.filter(code=DEMO_REGION).first()
    if region is None:
        return {}
    kinds = {k.code: k for k in ServiceKind.objects.filter(code__in=set(TARGETS) | set(RATES))}
    types = {t.code: t for t in CapacityType.objects.all()}
    counts = {"targets": 0, "rates": 0, "projections": 0, "scenarios": 0}

    have = set(CoverageTarget.objects.filter(region=region, year=DEMO_YEAR).values_list("kind__code", flat=True))
    new = [CoverageTarget(region=region, year=DEMO_YEAR, kind=kinds[k], band=band, capacity_type=types[unit],
                          per_1000=Decimal(value), source=ASSUMPTION, is_assumption=True)
           for k, (band, unit, value) in TARGETS.items() if k in kinds and unit in types and k not in have]
    bulk_create_with_history(new, CoverageTarget, default_change_reason="demo")
    counts["targets"] = len(new)

    have = set(UtilisationRate.objects.filter(region=region, year=DEMO_YEAR).values_list("kind__code", flat=True))
    new = [UtilisationRate(region=region, year=DEMO_YEAR, kind=kinds[k], band=band, rate_percent=Decimal(value),
                           source=ASSUMPTION, is_assumption=True)
           for k, (band, value) in RATES.items() if k in kinds and k not in have]
    bulk_create_with_history(new, UtilisationRate, default_change_reason="demo")
    counts["rates"] = len(new)

    have = set(PopulationProjection.objects.filter(region=region).values_list("year", "band"))
    new = [PopulationProjection(region=region, year=year, band=band, factor=Decimal(f), source=PROJECTION_NOTE,
                                is_assumption=True)
           for year, bands in PROJECTIONS.items() for band, f in bands.items() if (year, band) not in have]
    bulk_create_with_history(new, PopulationProjection, default_change_reason="demo")
    counts["projections"] = len(new)

    counts["scenarios"] = _demo_scenario(region, kinds)
    return counts


def _demo_scenario(region, kinds) -> int:
    """One scenario of the kraj's officer, shared with the Blansko district team (skipped without users)."""
    from django.contrib.auth import get_user_model

    owner = get_user_model().objects.filter(username="kraj-referent").first()
    blansko = Municipality.objects.filter(code="581283").first()  # Blansko (obec)
    district = District.objects.filter(code="CZ0641").first()
    if owner is None or blansko is None or "49" not in kinds or Scenario.objects.filter(name=DEMO_SCENARIO).exists():
        return 0
    from .services import scenario_compute

    scenario = Scenario.objects.create(
        name=DEMO_SCENARIO, owner=owner, region=region, kind=kinds["49"], year=DEMO_YEAR, method="2sfca",
        radius_km=Decimal(30), changes=[{"op": "add", "obec": blansko.code, "capacity": 60}], shared_with=district,
        note="Ukázkový scénář: záměr rozšíření kapacity domovů pro seniory v ORP Blansko.",
    )
    scenario_compute(actor=owner, scenario=scenario)
    return 1
