"""The other network layers' money in finance (socplan/finance/layers.py; docs/financing.md §13, the worked
example "A service in the kraj's and the city's network")."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from socplan.finance import engine, programmes, services
from socplan.finance import layers as finance_layers
from socplan.finance import programme_selectors as ps
from socplan.network import layers
from socplan.network.models import LayerKind, NetworkEntry, NetworkParameters, NetworkVersion, Tier
from socplan.territory.models import Municipality

from . import test_adapter_world as world
from .test_adapter_world import YEAR
from .test_programmes import _approved_budget, make_round, run_in

_fast_password_hashing, zlk, zlk_users = world._fast_password_hashing, world.zlk, world.zlk_users  # fixtures
pytestmark = pytest.mark.django_db
CITY_AMOUNT = Decimal(50_000)


def kraj_entry(zlk):
    """Osobní asistence Zlín in the kraj's network of the year (basic tier, a draft version)."""
    params = NetworkParameters.objects.get(region=zlk.region, year=YEAR)
    tier = Tier.objects.create(parameters=params, code="zakladni", name="základní síť")
    version = NetworkVersion.objects.create(region=zlk.region, year=YEAR, parameters=params)
    return NetworkEntry.objects.create(network=version, service=zlk.a, tier=tier, capacity=10)


@pytest.fixture
def city_layer(zlk, zlk_users):
    """Osobní asistence Zlín in the city of Zlín's network, which pays 50 000 Kč a year for each year of the
    entrustment."""
    zlin = Municipality.objects.get(region=zlk.region, name="Zlín")
    city = layers.network_layer_create(actor=zlk_users.officer, region=zlk.region, kind=LayerKind.CITY,
                                       owner_municipality=zlin, name="Síť sociálních služeb města Zlína")
    for year in range(YEAR, YEAR + 4):
        layers.layer_membership_add(actor=zlk_users.officer, layer=city, service=zlk.a, year=year,
                                    tier="síť města", capacity=4, funder="Statutární město Zlín",
                                    amount=CITY_AMOUNT)
    return city


@pytest.fixture
def two_layers(zlk, city_layer):
    kraj_entry(zlk)
    return city_layer


def test_the_service_is_in_both_layers(zlk, zlk_users, two_layers):
    rows = layers.service_layers(zlk.a, YEAR, user=zlk_users.officer)
    assert [(r.kind, r.tier, r.funder, r.amount) for r in rows] == [
        ("kraj", "základní síť", "", None),
        (LayerKind.CITY, "síť města", "Statutární město Zlín", CITY_AMOUNT)]


def test_chapter_and_cofinancing_pages_show_the_city_layer(zlk, zlk_users, two_layers):
    page = Client().get(reverse("finance:chapter", args=["CZ072", YEAR])).content.decode()
    section = page[page.index('id="other-layers"'):]
    section = section[:section.index("</section>")]
    assert "Síť sociálních služeb města Zlína" in section and "Statutární město Zlín" in section
    assert "50\xa0000\xa0Kč" in section or "50 000 Kč" in section
    client = Client()
    client.force_login(zlk_users.officer)
    page = client.get(reverse("finance:cofinancing", args=["CZ072", YEAR])).content.decode()
    section = page[page.index('id="other-layers"'):]
    assert "Síť sociálních služeb města Zlína" in section[:section.index("</section>")]
    money = finance_layers.layer_money(zlk.region, YEAR, user=zlk_users.officer)
    assert money.by_layer == (("Síť sociálních služeb města Zlína", "Statutární město Zlín", CITY_AMOUNT),)
    assert money.total == CITY_AMOUNT


def test_overcompensation_check_adds_the_city_money_worked_by_hand(zlk, zlk_users, city_layer):
    """docs/financing.md §13: allowed 1 000 000 Kč a year; the budget reports state 700 000 + kraj 280 000 =
    980 000 Kč of public money (under-compensated by 20 000 a year), the city's network pays 50 000 more.
    Window 1 (3 years): 3 × 1 030 000 = 3 090 000 − 3 000 000 = 90 000 over; limit 10 % × 1 030 000 = 103 000
    → carried over. Final window: 1 030 000 + 90 000 − 1 000 000 = 120 000 to repay."""
    rnd = make_round(zlk)
    programme = rnd.programme
    run = services.allocation_run_approve(actor=zlk_users.approver, run=run_in(zlk, rnd))
    issued = programmes.decisions_issue(actor=None, run=run)
    assert zlk.p1.pk in [d.provider_id for d in issued]
    kraj_entry(zlk)  # the service is in the kraj's network too (its layer carries no money of its own here)
    assert [r.kind for r in layers.service_layers(zlk.a, YEAR)] == ["kraj", LayerKind.CITY]
    assert (programme.entrustment_from, programme.entrustment_to) == (YEAR, YEAR + 3)
    for year in range(YEAR, YEAR + 4):
        _approved_budget(zlk.a, year, zlk_users.provider1, zlk_users.approver,
                         {"cost_personnel": Decimal(1_000_000), "public_state": Decimal(700_000),
                          "public_region": Decimal(280_000)})
    [check] = ps.overcompensation_checks(zlk.p1, programme)
    assert [y.compensation for y in check.check.years] == [Decimal(1_030_000)] * 4
    first, last = check.check.windows
    assert (first.compensation, first.allowed, first.overcompensation) == (3_090_000, 3_000_000, 90_000)
    assert (first.limit, first.carry_over, first.repayment) == (103_000, 90_000, 0)
    assert (last.carried_in, last.allowed, last.overcompensation, last.repayment) == (90_000, 1_000_000,
                                                                                      120_000, 120_000)
    assert check.check.total_repayment == 120_000
    assert "Síť sociálních služeb města Zlína (Statutární město Zlín)" in check.check.years[0].account.compensation
    # without the city's money the same budgets are under-compensated: nothing to repay
    plain = [engine.YearAccount(service_id=a.account.service_id, year=a.year, costs=a.account.costs,
                                revenues=a.account.revenues,
                                compensation={k: v for k, v in a.account.compensation.items() if "města" not in k})
             for a in check.check.years]
    assert engine.check_entrustment(plain, engine.SettlementParams(), final=True).total_repayment == 0
    # the provider's overcompensation page lists the city's money beside the check
    client = Client()
    client.force_login(zlk_users.approver)
    page = client.get(reverse("finance:overcompensation", args=[programme.pk, zlk.p1.pk])).content.decode()
    section = page[page.index('id="other-layers"'):]
    section = section[:section.index("</section>")]
    assert section.count("Statutární město Zlín") == 4 and "200\xa0000" in section.replace(" ", "\xa0")


def test_with_layer_money_keeps_the_account_without_layers():
    account = engine.YearAccount(service_id=1, year=YEAR, costs={"personnel": Decimal(10)},
                                 compensation={"state": Decimal(5)})
    assert finance_layers.with_layer_money(account, {}) is account
    added = finance_layers.with_layer_money(account, {"síť X (MPSV)": Decimal(3), "state": Decimal(1)})
    assert added.compensation == {"state": Decimal(6), "síť X (MPSV)": Decimal(3)}
