"""Invariant over generated histories of development-request decisions (hypothesis, service functions only):

* every admitted request has exactly one network entry naming it (``NetworkEntry.request``), in a version of the
  request's kraj and year – the approved network or the year's latest draft the approvers must approve;
* no entry names a refused request, nor one whose decision was refused by a rule (it stays undecided);
* only the year's latest version may be a draft (a decision leaves no draft behind).

A history is a list of decisions (admit or refuse; a capacity increase, an FTE increase or a new service), each
taken after the year's network was brought to a state: left as it is, approved, or with a draft amendment open –
so requests are decided before and after the approval, with and without a draft amendment already open, into a
network with or without the service.
"""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from socplan.network import services
from socplan.network.models import DevelopmentRequest, NetworkEntry, NetworkVersion, RequestState
from tests import factories as f

YEAR = 2031

# One decision: the state the year's network is brought to first (left as it is; its latest version approved;
# an amendment open as a draft), the kind of request, which of two services, admit or refuse.
DECISION = st.tuples(st.sampled_from(["as is", "approved", "amendment open"]),
                     st.sampled_from(["capacity", "fte", "new"]), st.integers(0, 1), st.booleans())
HISTORY = st.lists(DECISION, min_size=1, max_size=5)


@pytest.fixture
def world(db):
    """Users, two registered services of ORP Blansko, a measure and the 2031 network settings – once per test;
    every example builds its network on top of them and is rolled back."""
    return SimpleNamespace(
        services=[f.RegisteredServiceFactory(year=YEAR) for _ in range(2)],
        measure=f.approved_measure(f.BLANSKO_ORP),
        coordinator=f.orp_coordinator(f.BLANSKO_ORP),
        district_team=f.district_member(f.BLANSKO_DISTRICT),
        officer=f.officer(),
        approver=f.officer(can_approve=True),
        parameters=f.NetworkParametersFactory(year=YEAR),
    )


def _evaluated_request(w, kind: str, service) -> DevelopmentRequest:
    data = {"year": YEAR, "orp": f.orp(), "request_kind": kind, "request_type": "B", "title": f"Záměr {kind}",
            "kind": service.kind, "form": service.forms.get().form, "justification": "Potřeba v území.",
            "expected_cost": Decimal(500_000), "capacity": 0 if kind == "fte" else 4,
            "capacity_type": service.forms.get().capacities.get().capacity_type if kind != "fte" else None,
            "fte": Decimal("1.00") if kind != "capacity" else Decimal(0),
            "service": None if kind == "new" else service}
    req = services.development_request_submit(actor=w.coordinator, data=data)
    services.development_request_opinion(actor=w.coordinator, request=req, need_declared=True, measure=w.measure)
    services.development_request_review(actor=w.district_team, request=req, recommends=True,
                                        tier=f.tier(year=YEAR))
    return services.development_request_evaluate(actor=w.officer, request=req, text="Ověřeno.")


def _decide(w, kind: str, service_index: int, admit: bool) -> DevelopmentRequest:
    service = f.RegisteredServiceFactory(year=YEAR) if kind == "new" else w.services[service_index]
    req = _evaluated_request(w, kind, service)
    latest = services.latest_version(f.region(), YEAR)
    try:
        with transaction.atomic():
            services.development_request_decide(
                actor=w.approver, request=req, admit=admit, tier=f.tier(year=YEAR) if admit else None,
                reason="Rozhodnutí kraje." if admit else "Prostředky nestačí.",
                service=service if kind == "new" else None, confirm_failing=True)
    except ValidationError:
        event("admission refused by a rule")  # e.g. a second request for one entry of a draft: stays undecided
    else:
        where = "the network approved" if latest.is_approved else (
            "an amendment open" if latest.amendment else "the base draft")
        event(f"{'admitted' if admit else 'refused'} ({kind}) with {where}")
    req.refresh_from_db()
    return req


def _bring_network_to(w, state: str) -> None:
    latest = services.latest_version(f.region(), YEAR)
    if state in ("approved", "amendment open") and not latest.is_approved \
            and not (state == "amendment open" and latest.amendment):
        services.network_year_approve(actor=w.approver, network=latest, decision_ref="RK", confirm_failing=True,
                                      reason="Podmínky se doplní během roku.")
        latest.refresh_from_db()
    if state == "amendment open" and latest.is_approved:
        services.network_amendment_create(actor=w.officer, network=latest, reason="Změna během roku.")


def _check(requests: list[DevelopmentRequest]) -> None:
    latest = services.latest_version(f.region(), YEAR)
    drafts = NetworkVersion.objects.filter(region=f.region(), year=YEAR, approved_at__isnull=True)
    assert set(drafts.values_list("pk", flat=True)) <= {latest.pk}, "a draft version left behind the latest"
    for req in requests:
        req.refresh_from_db()
        named = list(NetworkEntry.objects.filter(request=req).select_related("network"))
        if req.state == RequestState.ADMITTED:
            assert len(named) == 1, f"admitted request {req.pk} ({req.request_kind}) is named by {len(named)} entries"
            v = named[0].network
            assert (v.region_id, v.year) == (req.region_id, req.year)
            assert v.is_approved or v.pk == latest.pk, f"request {req.pk} sits in {v.label}, a draft left behind"
        else:
            assert req.state in (RequestState.REFUSED, RequestState.EVALUATED)
            assert named == [], f"{req.get_state_display()} request {req.pk} is named by entries {named}"


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(services_in_network=st.booleans(), history=HISTORY)
def test_every_admitted_request_has_exactly_one_entry_naming_it(world, services_in_network, history):
    with transaction.atomic():
        base = f.NetworkVersionFactory(year=YEAR, actor=world.officer)
        if services_in_network:
            for s in world.services:
                f.NetworkEntryFactory(network=base, service=s, actor=world.officer)
        for state, kind, service_index, admit in history:
            _bring_network_to(world, state)
            _decide(world, kind, service_index, admit)
            _check(list(DevelopmentRequest.objects.filter(region=f.region(), year=YEAR)))
        transaction.set_rollback(True)
