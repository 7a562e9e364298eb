"""Every inbox item can be told apart from the others: allocation proposals of one year name their programme,
round and mode; and the header's notifications link is labelled as such in both languages."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model

from socplan.finance import programmes, services
from socplan.finance.models import AllocationMode
from socplan.inbox.selectors import inbox_items
from tests import factories as f
from tests.finance import test_adapter_world as world
from tests.finance.test_adapter_world import YEAR

_fast_password_hashing, zlk, zlk_users = world._fast_password_hashing, world.zlk, world.zlk_users  # fixtures

pytestmark = pytest.mark.django_db

DEMO_USERS = ["admin", "kraj-spravce", "kraj-schvalovatel", "kraj-referent", "okres-blansko", "orp-blansko",
              "orp-znojmo", "poskytovatel"]


def _round(zlk, code, name, number=1):
    programme = programmes.programme_create(
        actor=None, region=zlk.region, year=YEAR, code=code, name=name, legal_basis="state_101a",
        budget=Decimal(20_000_000), entrustment_from=YEAR, entrustment_to=YEAR + 3)
    return programmes.programme_round_create(
        actor=None, programme=programme, number=number, budget=Decimal(6_000_000),
        applications_from=dt.date(YEAR - 1, 9, 1), applications_to=dt.date(YEAR - 1, 10, 31),
        decisions_by=dt.date(YEAR, 3, 31), reports_by=dt.date(YEAR + 1, 2, 15))


def keys(items):
    return [(i.module, i.action, i.title, i.detail) for i in items]


def test_allocation_proposals_of_one_year_name_programme_round_and_mode(zlk, zlk_users):
    state = _round(zlk, "zlk-101a", "Státní dotace")
    own = _round(zlk, "zlk-105", "Program kraje")
    for rnd in (state, own):
        services.allocation_run(actor=None, region=zlk.region, year=YEAR, budget=rnd.budget, programme_round=rnd)
    # the same round twice, in the other mode; and one outside any programme
    services.allocation_run(actor=None, region=zlk.region, year=YEAR, budget=state.budget, programme_round=state,
                            mode=AllocationMode.OPTIMISE)
    services.allocation_run(actor=None, region=zlk.region, year=YEAR, budget=Decimal(5_000_000))
    items = [i for i in inbox_items(zlk_users.approver) if i.action == "schválit rozdělení rozpočtu"]
    assert len(items) == 4
    titles = Counter(i.title for i in items)
    assert titles == Counter({f"rozdělení {YEAR} – Státní dotace, 1. kolo": 2,
                              f"rozdělení {YEAR} – Program kraje, 1. kolo": 1,
                              f"rozdělení {YEAR} – mimo dotační program": 1})
    modes = {i.detail.split(";")[0] for i in items if i.title.endswith("Státní dotace, 1. kolo")}
    assert modes == {str(AllocationMode.RULES.label), str(AllocationMode.OPTIMISE.label)}
    assert all(zlk.region.name in i.detail for i in items)
    assert len(set(keys(items))) == len(items)
    assert [i for i in items if i.due] and {i.due for i in items if i.due} == {dt.date(YEAR, 3, 31)}
    # once one proposal of the state round is approved, the round is decided: the other one has no deadline
    services.allocation_run_approve(actor=zlk_users.approver, run=state.runs.filter(mode=AllocationMode.RULES).get())
    items = [i for i in inbox_items(zlk_users.approver) if i.action == "schválit rozdělení rozpočtu"]
    assert {(i.title.endswith("Státní dotace, 1. kolo"), i.due) for i in items} == {
        (True, None), (False, dt.date(YEAR, 3, 31)), (False, None)}


def test_two_reports_of_equally_named_services_differ(zlk, zlk_users):
    twin = f.ServiceFactory(provider=zlk.p2, name=zlk.a.name, kind=zlk.a.kind, region=zlk.region)
    provider = f.provider_user(zlk.p2)
    data = {"cost_personnel": Decimal(100_000), "public_state": Decimal(50_000)}
    for service, actor in ((zlk.a, zlk_users.provider1), (twin, provider)):
        b = services.provider_budget_save(actor=actor, service=service, year=YEAR, term="plan", data=data)
        services.provider_report_submit(actor=actor, report=b)
    items = [i for i in inbox_items(zlk_users.approver) if i.module == "finance" and "rozpočet" in i.title]
    assert len(items) == 2 and items[0].title == items[1].title  # the same service name …
    assert {i.detail.split(",")[0] for i in items} == {zlk.p1.name, zlk.p2.name}  # … told apart by the provider
    assert len(set(keys(items))) == 2


@pytest.mark.parametrize("username", DEMO_USERS)
def test_every_inbox_item_of_the_demo_users_is_distinguishable(username):
    user = get_user_model().objects.get(username=username)
    items = inbox_items(user)
    duplicates = [k for k, n in Counter(keys(items)).items() if n > 1]
    assert duplicates == []
    for i in items:
        if i.action == "schválit rozdělení rozpočtu":
            assert "kolo" in i.title or "mimo dotační program" in i.title
            assert any(str(m.label) in i.detail for m in AllocationMode)


def test_the_header_link_to_notifications_is_labelled_in_both_languages(client):
    client.force_login(f.officer())
    cs = client.get("/prace/", HTTP_ACCEPT_LANGUAGE="cs").content.decode()
    assert 'data-testid="header-notices">Upozornění' in cs
    en = client.get("/prace/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9").content.decode()
    assert 'data-testid="header-notices">Notifications' in en
    assert "Warning" not in en
