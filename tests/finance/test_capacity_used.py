"""Finance computes with the capacity of the registry selector (a kraj without a network for the year) or of the
network entries; the support API rows carry the capacity and unit each row used."""

from __future__ import annotations

from decimal import Decimal

import pytest

from socplan.finance.adapter import network_frame
from socplan.registry.selectors import service_capacity
from socplan.registry.services import service_year_capacity_set
from tests.factories import (
    FinanceParamsFactory,
    NetworkParametersFactory,
    RoleFactory,
    StaffingFactory,
    UserFactory,
    region,
    service_with,
)

pytestmark = pytest.mark.django_db

YEAR = 2031
ZLK = "CZ072"  # no demo services there


@pytest.fixture
def world():
    kraj = region(ZLK)
    care = service_with({"amb": {"klient": 10}, "ter": {"klient": 30}}, kind="40", region=kraj)
    StaffingFactory(service=care, year=YEAR, fte_direct=Decimal("3.00"))
    home = service_with({"pob": {"luzka": 40}, "amb": {"klient": 5}}, kind="49", region=kraj)
    return kraj, care, home


def _rows(kraj):
    nf = network_frame(kraj, YEAR)
    assert nf.source == "registry"
    return {int(r["service_pk"]): r for r in nf.frame.to_dict("records")}


def test_registry_rows_use_the_selector(world):
    kraj, care, home = world
    rows = _rows(kraj)
    # home care: main form ambulantní, clients of both forms
    assert (rows[care.pk]["capacity"], rows[care.pk]["capacity_type"], rows[care.pk]["users"]) == (40, "klient", 40)
    # a home: residential (beds), its beds
    assert (rows[home.pk]["capacity"], rows[home.pk]["capacity_type"], rows[home.pk]["beds"]) == (40, "luzka", 40)
    for pk in (care.pk, home.pk):
        c = service_capacity(pk, YEAR)
        assert (rows[pk]["capacity"], rows[pk]["capacity_type"]) == (c.capacity, c.capacity_type)


def test_a_stated_figure_is_read_by_the_registry_rows(world):
    kraj, _care, home = world
    service_year_capacity_set(actor=UserFactory(), service=home, year=YEAR, form="pob", capacity_type="luzka",
                              count=44, region=kraj)
    assert _rows(kraj)[home.pk]["beds"] == 44


def test_support_api_rows_carry_the_capacity(client, world):
    kraj, care, home = world
    FinanceParamsFactory(region=kraj, year=YEAR)
    NetworkParametersFactory(region=kraj, year=YEAR)
    officer = RoleFactory(region=kraj).user
    client.force_login(officer)
    r = client.get(f"/api/v1/finance/{ZLK}/{YEAR}/support/")
    assert r.status_code == 200, r.content[:500]
    rows = {s["service_id"]: s for s in r.json()["services"]}
    assert (rows[care.pk]["capacity"], rows[care.pk]["capacity_type"]) == (40, "klient")
    assert (rows[home.pk]["capacity"], rows[home.pk]["capacity_type"]) == (40, "luzka")
