"""Municipal co-financing has one truth: required = round_half_up(rate × optimised cost) per network entry, rate
from the network's yearly parameters (0 or 10–20 %), ON from the finance engine; split among municipalities by
their declarations or by population, exact to the crown; the network's pages, the finance pages, the API, the
network's co-financing condition and the financial chapter all show that one number (docs/financing.md §5)."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from socplan.finance import engine, selectors
from socplan.finance.engine.cofinancing import EntryShare, SplitMethod, cofinancing_statement, required_share
from socplan.network import contracts
from socplan.network import selectors as network_selectors
from socplan.network.models import CofinancingDeclaration
from socplan.registry.demo import DEMO_REGION, DEMO_YEAR
from socplan.registry.models import Service, ServiceKind
from tests import factories as f

pytestmark = pytest.mark.django_db

NB = "\xa0"
YEAR = 2031
BLANSKO = "581283"  # the municipality of Blansko (ORP Blansko)


# --- the engine: one definition, an exact split ---------------------------------------------------------------

def test_required_share_of_the_worked_entries():
    # docs/financing.md §5: C1 20 % of 6 515 250 = 1 303 050; D1 10 % of 36 616 800 = 3 661 680
    assert required_share(6_515_250, "0.20") == 1_303_050
    assert required_share(36_616_800, "0.10") == 3_661_680
    assert required_share(2_400_001, "0.15") == 360_000  # 360 000,15
    assert required_share(2_400_010, "0.15") == 360_002  # 360 001,5 → half up


def test_statement_of_two_entries_by_hand():
    entries = [
        EntryShare("E1", "S1", Decimal(240_000), SplitMethod.DECLARED, {"M1": 150_000, "M2": 50_000}),
        EntryShare("E2", "S2", Decimal(264_000), SplitMethod.POPULATION,
                   groups=(("O1", Decimal(60), {"M1": 12_000, "M3": 3_000}), ("O2", Decimal(40), {"M4": 1}))),
        EntryShare("E3", "S3", Decimal(1_000)),  # no municipality to split among
    ]
    res = cofinancing_statement(entries, {"S1": {"M1": 150_000, "M2": 50_000}, "S9": {"M1": 7}})
    by = {(ln.key, ln.municipality): ln for ln in res.lines}
    # E1: 240 000 × 150/200 = 180 000, × 50/200 = 60 000; declared 150 000 / 50 000
    assert (by["E1", "M1"].required, by["E1", "M1"].declared) == (180_000, 150_000)
    assert (by["E1", "M2"].required, by["E1", "M2"].difference) == (60_000, -10_000)
    # E2: 264 000 × 60 % = 158 400 to O1 (M1 12/15 = 126 720, M3 31 680), 105 600 to O2 (M4)
    assert (by["E2", "M1"].required, by["E2", "M3"].required, by["E2", "M4"].required) == (126_720, 31_680, 105_600)
    assert res.required == 505_000 and res.unassigned == 1_000
    assert res.declared == 200_000  # S9 has no entry here: not part of the statement
    m = {x.municipality: x for x in res.municipalities}
    assert m["M1"].required == 180_000 + 126_720 and m["M1"].declared == 150_000
    assert sum(x.required for x in res.municipalities) == res.required - res.unassigned


_CODES = st.sampled_from([f"M{i}" for i in range(1, 9)])


@st.composite
def _entries(draw):
    n = draw(st.integers(1, 12))
    out = []
    for i in range(n):
        service = f"S{draw(st.integers(0, 5))}"  # services may have several entries
        required = Decimal(draw(st.integers(0, 10**9)))
        kind = draw(st.sampled_from(["declared", "population", "groups", "none"]))
        if kind == "none":
            out.append(EntryShare(f"E{i}", service, required))
        elif kind == "groups":
            groups = tuple((f"O{j}", Decimal(draw(st.integers(0, 100))),
                            draw(st.dictionaries(_CODES, st.integers(0, 10**6), min_size=1, max_size=4)))
                           for j in range(draw(st.integers(1, 3))))
            if all(not any(g[2].values()) for g in groups):
                groups = groups + (("Ox", Decimal(1), {"M1": 1}),)
            groups = tuple((o, w, b if any(b.values()) else {**b, "M2": 1}) for o, w, b in groups)
            out.append(EntryShare(f"E{i}", service, required, SplitMethod.POPULATION, groups=groups))
        else:
            basis = draw(st.dictionaries(_CODES, st.integers(1, 10**7), min_size=1, max_size=5))
            method = SplitMethod.DECLARED if kind == "declared" else SplitMethod.POPULATION
            out.append(EntryShare(f"E{i}", service, required, method, basis))
    return out


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_entries(), st.dictionaries(st.sampled_from([f"S{i}" for i in range(7)]),
                                   st.dictionaries(_CODES, st.integers(0, 10**8), max_size=4), max_size=6))
def test_the_split_adds_up_to_the_required_total_to_the_crown(entries, declared):
    res = cofinancing_statement(entries, declared)
    services = {e.service for e in entries}
    assert res.required == sum(e.required for e in entries)
    for e in res.entries:
        lines = [ln for ln in res.lines if ln.key == e.key]
        assert sum(ln.required for ln in lines) + e.unassigned == e.required
        assert sum(ln.declared for ln in lines) == e.declared
        assert all(ln.required == ln.required.to_integral_value() >= 0 for ln in lines)
    assert sum(m.required for m in res.municipalities) == res.required - res.unassigned
    assert sum(m.declared for m in res.municipalities) == res.declared
    assert res.declared == sum(sum(v.values()) for s, v in declared.items() if s in services)
    assert res.difference == res.declared - res.required


# --- the rule on factory data -----------------------------------------------------------------------------------

@pytest.fixture
def world(db):
    """JMK 2031: a draft network (settings copied from the demo's latest: care 10 %, prevention 20 %), the
    illustrative financing parameters (§40 FP 50 000, §65 FP 55 000 per FTE-month), three entries:

    * care – §40 terénní, 4 FTE: ON = 50 000 × 4 × 12 = 2 400 000; 10 % → 240 000; Blansko declares 200 000;
    * prevention – §65 terénní, 2 FTE: ON = 55 000 × 2 × 12 = 1 320 000; 20 % → 264 000; no declaration:
      split over ORP Blansko by population;
    * reserve – §40 in the unfunded tier "zásobník": not in the financed network, nothing required.
    """
    version = f.NetworkVersionFactory(year=YEAR)
    f.FinanceParamsFactory(year=YEAR)
    care = f.NetworkEntryFactory(network=version)
    prevention = f.NetworkEntryFactory(network=version, service=f.RegisteredServiceFactory(
        kind="65", year=YEAR, fte=Decimal("2.00")))
    reserve = f.NetworkEntryFactory(network=version, tier=f.tier(version.region, YEAR, "zasobnik"))
    f.CofinancingDeclarationFactory(municipality=BLANSKO, service=care.service, year=YEAR, amount=200_000)
    return version, care, prevention, reserve


def test_the_rule_on_factory_data(world):
    version, care, prevention, reserve = world
    st_ = selectors.cofinancing(version.region, YEAR)
    e = {x.entry_id: x for x in st_.entries}
    assert set(e) == {care.pk, prevention.pk}  # the reserve tier is not financed
    assert (e[care.pk].optimised_cost, e[care.pk].rate, e[care.pk].required) == (2_400_000, 10, 240_000)
    assert (e[care.pk].declared, e[care.pk].difference, e[care.pk].method) == (200_000, -40_000, "declared")
    assert (e[prevention.pk].optimised_cost, e[prevention.pk].rate, e[prevention.pk].required) == (
        1_320_000, 20, 264_000)
    assert e[prevention.pk].method == "population" and e[prevention.pk].unassigned == 0
    assert (st_.required, st_.declared, st_.difference) == (504_000, 200_000, -304_000)
    muni = {m.code: m for m in st_.municipalities}
    assert muni[BLANSKO].declared == 200_000 and muni[BLANSKO].required > 240_000  # + its population part
    assert sum(m.required for m in st_.municipalities) == 504_000
    assert len(muni) > 10  # every municipality of ORP Blansko has a population share of the prevention entry
    # the optimal support counts the same share; the chapter's municipalities are the statement's total
    comp = selectors.computation(version.region, YEAR)
    assert comp.support.amount("municipal_cofinancing", str(care.service_id)) == 240_000
    chapter = selectors.financial_chapter(version.region, YEAR)
    assert {p["key"]: p["amount"] for p in chapter.planned}["municipalities"] == 504_000
    assert {p["key"]: p["amount"] for p in chapter.formula_sources}["municipalities"] == 504_000
    # one municipality's statement
    mine = selectors.cofinancing(version.region, YEAR, municipality=f.municipality(BLANSKO))
    assert mine.required == muni[BLANSKO].required and mine.declared == 200_000
    assert [ln.municipality for ln in mine.lines] == [BLANSKO] * len(mine.lines)


def test_a_rate_of_kind_form_and_tier_changes_the_required_share(world):
    version, care, _prevention, _reserve = world
    params = network_selectors.versions().get(pk=version.pk).region.network_parameters.get(year=YEAR)
    f.KindParameterFactory(parameters=params, kind="40", form="ter", tier=params.tiers.get(code="zakladni"),
                           cofinancing_rate=Decimal(15))
    st_ = selectors.cofinancing(version.region, YEAR)
    assert st_.entry(care.pk).rate == 15 and st_.entry(care.pk).required == 360_000  # 15 % × 2 400 000


def test_the_network_condition_reads_the_same_share(world):
    version, care, prevention, reserve = world
    shares = contracts.cofinancing_source().shares_by_entry(version)
    st_ = selectors.cofinancing(version.region, YEAR, version=version)
    for e in st_.entries:
        assert (shares[e.entry_id].required, shares[e.entry_id].declared) == (e.required, e.declared)
    assert contracts.cofinancing_source().required_by_entry(version) == {
        care.pk: 240_000, prevention.pk: 264_000, reserve.pk: 0}
    assert shares[reserve.pk].note.startswith("Úroveň sítě zasobnik není financována")
    checks = {c.key: {r.code: r for r in c.results} for c in network_selectors.check_version(version, scores={})}
    care_result = checks[care.pk]["cofinancing"]
    assert not care_result.passed
    assert care_result.reason == (f"Obce deklarovaly 200{NB}000{NB}Kč, požadováno je 10 % z optimalizovaných "
                                  f"nákladů 2{NB}400{NB}000{NB}Kč, tj. 240{NB}000{NB}Kč; chybí 40{NB}000{NB}Kč.")
    assert checks[reserve.pk]["cofinancing"].passed


def test_without_financing_parameters_the_condition_cannot_pass(db):
    version = f.NetworkVersionFactory(year=2033)
    entry = f.NetworkEntryFactory(network=version)
    share = contracts.cofinancing_source().shares_by_entry(version)[entry.pk]
    assert share.required is None and "2033" in share.note
    result = {c.key: c for c in network_selectors.check_version(version, scores={})}[entry.pk]
    cofin = next(r for r in result.results if r.code == "cofinancing")
    assert not cofin.passed and cofin.reason.startswith("Nelze ověřit spolufinancování obcí: pro kraj a rok 2033")
    assert not selectors.cofinancing(version.region, 2033).available


def test_a_development_request_gets_the_share_of_the_entry_it_would_become():
    from socplan.network.models import DevelopmentRequest

    req = DevelopmentRequest.objects.filter(region__code=DEMO_REGION, year=DEMO_YEAR, fte__gt=0,
                                            form__code="ter").first()
    share = contracts.cofinancing_source().share_for_request(req)
    rate = network_selectors.cofinancing_rates(req.region, req.year).rate_for(
        req.kind.code, "ter", (req.decision_tier or req.district_tier).code if (req.decision_tier or req.district_tier)
        else None, req.kind.category)
    assert share.rate == rate
    assert share.optimised_cost > 0
    assert share.required == required_share(share.optimised_cost, rate / 100)
    assert share.declared == sum(d.amount for d in req.declarations.all())


# --- the demo: network pages = finance pages = chapter = selector, to the crown -------------------------------------

def _amount(html: str, testid: str) -> Decimal:
    m = re.search(rf'data-testid="{testid}">([^<]*)<', html)
    assert m, testid
    sign = -1 if m.group(1).strip().startswith("−") else 1
    return sign * Decimal(re.sub(r"[^0-9]", "", m.group(1)))


@pytest.mark.parametrize("year", [DEMO_YEAR - 1, DEMO_YEAR])
def test_demo_network_page_equals_finance_page_equals_chapter(client, year):
    officer = f.officer(region_code=DEMO_REGION)
    client.force_login(officer)
    st_ = selectors.cofinancing(DEMO_REGION, year, user=officer)
    assert st_.available and st_.source == "network" and st_.required > 0 and st_.declared > 0
    version = network_selectors.current_version(DEMO_REGION, year)
    assert st_.version_id == version.pk
    network_page = client.get(reverse("finance:version_cofinancing", args=[version.pk])).content.decode()
    finance_page = client.get(reverse("finance:cofinancing", args=[DEMO_REGION, year])).content.decode()
    old_url = client.get(reverse("network:version_cofinancing", args=[version.pk]), follow=True)
    assert old_url.redirect_chain and old_url.status_code == 200
    for name in ("cofinancing-required", "cofinancing-declared", "cofinancing-difference"):
        assert _amount(network_page, name) == _amount(finance_page, name), name
    assert _amount(network_page, "cofinancing-required") == st_.required
    assert _amount(finance_page, "cofinancing-declared") == st_.declared
    chapter = selectors.financial_chapter(DEMO_REGION, year, previous=False)
    assert {p["key"]: p["amount"] for p in chapter.planned}["municipalities"] == st_.required
    assert {p["key"]: p["amount"] for p in chapter.formula_sources}["municipalities"] == st_.required
    assert chapter.totals["municipal_cofinancing"] == st_.required
    # per municipality, the network's municipality page shows the statement's parts
    top = max(st_.municipalities, key=lambda m: m.required)
    page = client.get(reverse("finance:municipality_cofinancing", args=[top.code])).content.decode()
    assert _amount(page, f"required-{year}") == top.required
    assert _amount(page, f"commitment-{year}") == top.declared
    statement_page = client.get(reverse("finance:cofinancing_statement", args=[DEMO_REGION, year, top.code]))
    assert _amount(statement_page.content.decode(), "cofinancing-required") == top.required


def test_demo_rates_are_in_the_band_and_prevention_is_twenty_percent():
    st_ = selectors.cofinancing(DEMO_REGION, DEMO_YEAR)
    rates = {e.rate for e in st_.entries}
    assert rates <= {Decimal(0)} | {Decimal(r) for r in range(10, 21)}
    assert Decimal(0) in rates and Decimal(20) in rates
    kinds = {k.code: k.category for k in ServiceKind.objects.all()}
    # prevention 20 % (the category default; § 55 has the demo's own row 0 %)
    prevention = [e for e in st_.entries if kinds[e.kind] == "prevence" and e.tier == "zakladni" and e.kind != "55"]
    assert prevention and all(e.rate == 20 for e in prevention)
    assert all(e.rate == 0 for e in st_.entries if e.kind in ("41", "55"))
    for e in st_.entries:  # the one definition, entry by entry
        assert e.required == required_share(e.optimised_cost, e.rate / 100)


def test_demo_condition_and_statement_agree_entry_by_entry():
    version = network_selectors.current_version(DEMO_REGION, DEMO_YEAR)
    st_ = selectors.cofinancing(DEMO_REGION, DEMO_YEAR)
    shares = contracts.cofinancing_source().shares_by_entry(version)
    assert {e.entry_id: (e.required, e.declared) for e in st_.entries} == {
        pk: (s.required, s.declared) for pk, s in shares.items() if s.rate is not None}
    assert CofinancingDeclaration.objects.filter(region__code=DEMO_REGION, year=DEMO_YEAR).exists()


# --- the API ----------------------------------------------------------------------------------------------------

def test_api_lists_municipalities_and_entries_as_the_selector(client):
    url = reverse("cofinancing", args=[DEMO_REGION, DEMO_YEAR])
    assert client.get(url).status_code in (401, 403)
    officer = f.officer(region_code=DEMO_REGION)
    client.force_login(officer)
    doc = client.get(url).json()
    st_ = selectors.cofinancing(DEMO_REGION, DEMO_YEAR, user=officer)
    assert doc["totals"] == {"required": str(st_.required), "declared": str(st_.declared),
                             "difference": str(st_.difference), "unassigned": str(st_.unassigned)}
    assert len(doc["entries"]) == len(st_.entries) and len(doc["municipalities"]) == len(st_.municipalities)
    assert sum(Decimal(e["required"]) for e in doc["entries"]) == st_.required
    row = doc["entries"][0]
    assert set(row) >= {"entry_id", "service_id", "service", "kind", "form", "tier", "optimised_cost", "rate",
                        "required", "declared", "difference"}
    assert Decimal(row["difference"]) == Decimal(row["declared"]) - Decimal(row["required"])
    # one municipality
    top = max(st_.municipalities, key=lambda m: m.required)
    one = client.get(url, {"municipality": top.code}).json()
    assert one["totals"]["required"] == str(top.required) and one["municipality"] == top.code
    assert sum(Decimal(e["required"]) for e in one["entries"]) == top.required
    assert client.get(url, {"municipality": "999999"}).status_code == 404
    assert client.get(reverse("cofinancing", args=["CZ099", DEMO_YEAR])).status_code == 404
    # a provider user sees its own services' entries only; a user without a role nothing
    entry = st_.entries[0]
    provider = Service.objects.get(pk=entry.service_id).provider
    client.force_login(f.provider_user(provider))
    own = client.get(url).json()
    assert own["entries"] and {e["provider"] for e in own["entries"]} == {provider.name}
    client.force_login(f.UserFactory())
    assert client.get(url).status_code == 403


def test_api_is_in_the_openapi_schema(client):
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/json").content.decode()
    assert "/api/v1/cofinancing/{region}/{year}/" in schema


def test_engine_is_exported():
    assert engine.required_share is required_share and engine.cofinancing_statement is cofinancing_statement
