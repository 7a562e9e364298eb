"""The cycle closes: a request admitted to the network always lands in a network entry that names it.

* decided while the year's network is approved → a new draft amendment with the request's capacity and FTE
  (an increase adds to the service's entry), and the approvers are told which amendment to approve;
* decided while a draft (the base network or an amendment) is open → it joins that draft;
* a new service is admitted only once registered; a capacity in another unit than the service's is refused;
* the entry naming an admitted request cannot be removed or re-pointed;
* approving a version with entries that fail the conditions needs a confirmation and a reason, and the
  approved capacities become the registry's figure for the year.

Rows are built by the shared factories in a year (2031) the demo does not use.
"""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from socplan.network import services
from socplan.network.models import NetworkEntry, NetworkVersion, RequestState
from socplan.notices.models import Notification
from socplan.registry.selectors import service_capacity
from tests import factories as f

pytestmark = pytest.mark.django_db

YEAR = 2031


@pytest.fixture
def w(db):
    service = f.RegisteredServiceFactory(year=YEAR, capacity=20)  # § 40, terénní, 20 klientů, 4 FTE
    base = f.NetworkEntryFactory(service=service, network=f.NetworkVersionFactory(year=YEAR)).network
    return SimpleNamespace(
        service=service, base=base, measure=f.approved_measure(f.BLANSKO_ORP),
        coordinator=f.orp_coordinator(), district_team=f.district_member(), officer=f.officer(),
        approver=f.officer(can_approve=True), other_approver=f.officer(can_approve=True),
    )


def evaluated(w, *, kind="capacity", service=None, capacity=5, fte=Decimal("1.00"), capacity_type="klient",
              title="Navýšení"):
    from socplan.registry.models import CapacityType

    service = service if service is not None else w.service
    req = services.development_request_submit(actor=w.coordinator, data={
        "year": YEAR, "orp": f.orp(), "request_kind": kind, "request_type": "B", "title": title,
        "service": None if kind == "new" else service, "kind": service.kind, "form": service.forms.get().form,
        "capacity": capacity, "fte": fte, "expected_cost": Decimal(500_000), "justification": "Potřeba v ORP.",
        "capacity_type": CapacityType.objects.get(code=capacity_type) if capacity_type else None,
        "measure": w.measure})
    services.development_request_opinion(actor=w.coordinator, request=req, need_declared=True, measure=w.measure)
    services.development_request_review(actor=w.district_team, request=req, recommends=True, tier=f.tier(year=YEAR))
    return services.development_request_evaluate(actor=w.officer, request=req, text="Ověřeno.")


def approve(w, version):
    return services.network_year_approve(actor=w.approver, network=version, decision_ref="RK",
                                         confirm_failing=True, reason="Podmínky se doplní během roku.")


def admit(w, req, **kwargs):
    """Admit the request (the test requests fail some entry conditions – no co-financing declared, no action
    plan – so the approver confirms them explicitly)."""
    return services.development_request_decide(actor=w.approver, request=req, admit=True, tier=f.tier(year=YEAR),
                                               reason="Potřebnost doložena.", confirm_failing=True, **kwargs)


def test_a_decision_after_approval_opens_an_amendment_with_the_new_capacity(w):
    approve(w, w.base)
    req = admit(w, evaluated(w, capacity=5, fte=Decimal("1.00")))
    assert req.state == RequestState.ADMITTED
    admission = req.admission
    amendment = admission.version
    assert (amendment.year, amendment.amendment, amendment.is_approved) == (YEAR, 1, False)
    assert admission.new_amendment and admission.pending_approval and amendment.supersedes_id == w.base.pk
    entry = NetworkEntry.objects.get(request=req)
    assert entry.pk == admission.entry.pk and entry.network_id == amendment.pk
    assert (entry.capacity, entry.capacity_type.code, entry.fte, entry.status) == (25, "klient", Decimal("5.00"),
                                                                                   "expanded")
    # the approved base keeps the old figures
    assert w.base.entries.get(service=w.service).capacity == 20
    # the decision tells the approvers which amendment to approve (with its link), and the submitter side
    told = Notification.objects.get(recipient=w.other_approver, url=reverse("network:version", args=[amendment.pk]))
    assert told.url == reverse("network:version", args=[amendment.pk]) and "dodatek č. 1" in told.text
    assert "verzi je třeba schválit" in told.text
    assert Notification.objects.filter(recipient=w.coordinator, url=reverse("network:request", args=[req.pk]),
                                       text__contains="dodatek č. 1").exists()


def test_a_second_decision_joins_the_open_amendment(w):
    other = f.RegisteredServiceFactory(year=YEAR, capacity=8)
    f.NetworkEntryFactory(service=other, network=w.base)
    approve(w, w.base)
    first = admit(w, evaluated(w, capacity=5))
    second = admit(w, evaluated(w, service=other, capacity=2, title="Navýšení druhé služby"))
    assert second.admission.version.pk == first.admission.version.pk and not second.admission.new_amendment
    assert NetworkVersion.objects.filter(region=f.region(), year=YEAR).count() == 2
    assert NetworkEntry.objects.get(request=second).capacity == 10


def test_a_decision_before_approval_joins_the_draft(w):
    req = admit(w, evaluated(w, capacity=3))
    assert req.admission.version.pk == w.base.pk and not req.admission.new_amendment
    assert NetworkEntry.objects.get(request=req).capacity == 23


def test_a_service_not_yet_in_the_network_enters_with_its_registered_capacity_plus_the_increase(w):
    newcomer = f.RegisteredServiceFactory(year=YEAR, capacity=12)
    approve(w, w.base)
    req = admit(w, evaluated(w, service=newcomer, capacity=4, fte=Decimal("0.50")))
    entry = NetworkEntry.objects.get(request=req)
    assert (entry.capacity, entry.capacity_type.code, entry.fte, entry.status) == (16, "klient", Decimal("0.50"),
                                                                                   "expanded")


def test_a_new_service_is_admitted_only_once_registered(w):
    newcomer = f.RegisteredServiceFactory(year=YEAR, capacity=6)
    req = evaluated(w, kind="new", service=newcomer, capacity=6, title="Nová služba")
    with pytest.raises(ValidationError) as refused:
        admit(w, req)
    assert "registrována" in str(refused.value)
    req.refresh_from_db()
    assert req.state == RequestState.EVALUATED and not NetworkEntry.objects.filter(request=req).exists()
    admit(w, req, service=newcomer)
    entry = NetworkEntry.objects.get(request=req)
    assert (entry.service_id, entry.capacity, entry.status) == (newcomer.pk, 6, "new")
    req.refresh_from_db()
    assert req.service_id == newcomer.pk and req.provider_id == newcomer.provider_id


def test_a_capacity_in_another_unit_than_the_services_is_refused(w):
    req = evaluated(w, capacity=5, capacity_type="luzka")
    with pytest.raises(ValidationError) as refused:
        admit(w, req)
    assert "jednotce" in str(refused.value)
    req.refresh_from_db()
    assert req.state == RequestState.EVALUATED and not NetworkEntry.objects.filter(request=req).exists()
    # a direct write of an entry in another unit too
    from socplan.registry.models import CapacityType

    with pytest.raises(ValidationError) as refused:
        services.network_entry_update(actor=w.officer, entry=w.base.entries.get(), data={
            "capacity": 30, "capacity_type": CapacityType.objects.get(code="luzka")})
    assert "jednotce" in str(refused.value)


def test_new_entries_are_prefilled_from_the_services_capacity(w):
    other = f.RegisteredServiceFactory(year=YEAR, capacity=14, capacity_type="kontakt")
    entry = services.network_entry_add(actor=w.officer, network=w.base, service=other, tier=f.tier(year=YEAR))
    cap = service_capacity(other, YEAR)
    assert (entry.capacity, entry.capacity_type.code) == (cap.capacity, cap.capacity_type) == (14, "kontakt")


def test_the_entry_of_an_admitted_request_stays_with_it(w):
    req = admit(w, evaluated(w, capacity=3))
    entry = NetworkEntry.objects.get(request=req)
    with pytest.raises(ValidationError):
        services.network_entry_remove(actor=w.officer, entry=entry)
    with pytest.raises(ValidationError):
        services.network_entry_update(actor=w.officer, entry=entry, data={"request": None})
    # a second request for the same entry of the same draft waits for the next amendment
    second = evaluated(w, capacity=1, title="Další navýšení")
    with pytest.raises(ValidationError) as refused:
        admit(w, second)
    assert "následujícího dodatku" in str(refused.value)
    approve(w, w.base)
    admit(w, second)
    assert NetworkEntry.objects.get(request=second).capacity == 24
    assert NetworkEntry.objects.filter(request=req).count() == 1  # the amendment's copy does not name it again


def test_a_request_without_the_years_network_is_not_admitted(db):
    w = SimpleNamespace(measure=f.approved_measure(f.BLANSKO_ORP), coordinator=f.orp_coordinator(),
                        district_team=f.district_member(), officer=f.officer(), approver=f.officer(can_approve=True),
                        service=f.RegisteredServiceFactory(year=YEAR))
    f.NetworkParametersFactory(year=YEAR)
    req = evaluated(w)
    with pytest.raises(ValidationError) as refused:
        admit(w, req)
    assert "neexistuje" in str(refused.value)
    req.refresh_from_db()
    assert req.state == RequestState.EVALUATED


def test_approval_states_the_capacities_for_every_module(w):
    req = admit(w, evaluated(w, capacity=5))
    assert service_capacity(w.service, YEAR).source == "registry"
    approve(w, req.admission.version)
    cap = service_capacity(w.service, YEAR)
    assert (cap.source, cap.capacity, cap.capacity_type) == ("network", 25, "klient")
    assert "Síť 2031" in cap.ref


def test_approving_failing_entries_records_the_confirmation(w):
    with pytest.raises(services.FailingEntriesNotConfirmed) as refused:
        services.network_year_approve(actor=w.approver, network=w.base, decision_ref="RK")
    assert [e["entry_id"] for e in refused.value.entries] == [w.base.entries.get().pk]
    assert not NetworkVersion.objects.get(pk=w.base.pk).is_approved
    approve(w, w.base)
    v = NetworkVersion.objects.get(pk=w.base.pk)
    assert v.approval_reason == "Podmínky se doplní během roku."
    assert v.approval_exceptions == refused.value.entries


def test_the_decision_page_shows_the_amendment_to_approve(w, client):
    approve(w, w.base)
    req = evaluated(w, capacity=5)
    client.force_login(w.approver)
    page = client.get(reverse("network:request", args=[req.pk])).content.decode()
    assert "Rozhodnutí kraje" in page
    resp = client.post(reverse("network:request_decision_create", args=[req.pk]),
                       {"admit": "1", "tier": f.tier(year=YEAR).pk, "reason": "Potřebné.", "confirm_failing": "on"},
                       follow=True)
    html = resp.content.decode()
    amendment = NetworkVersion.objects.get(region=f.region(), year=YEAR, amendment=1)
    assert 'data-testid="admission-pending"' in html
    assert f'href="{reverse("network:version", args=[amendment.pk])}"' in html
    assert "Síť 2031, dodatek č. 1" in html
    # the approve page lists the entries failing conditions with the confirmation and reason fields
    approve_page = client.get(reverse("network:network_version_approve", args=[amendment.pk])).content.decode()
    entry = NetworkEntry.objects.get(request=req)
    assert 'data-testid="failing-entries"' in approve_page
    assert reverse("network:entry", args=[entry.pk]) in approve_page
    assert 'name="confirm_failing"' in approve_page and 'name="reason"' in approve_page


def test_the_entry_form_is_prefilled_from_the_service(w, client):
    other = f.RegisteredServiceFactory(year=YEAR, capacity=9)
    client.force_login(w.officer)
    html = client.get(reverse("network:network_entry_create", args=[w.base.pk]) + f"?sluzba={other.pk}").content.decode()
    assert 'name="capacity" value="9"' in html


# --- generated histories: the admission always has its entry ------------------------------------------------

STEP = st.sampled_from(["decide", "decide", "approve", "amend"])


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(STEP, min_size=1, max_size=6), increases=st.lists(st.integers(1, 6), min_size=6, max_size=6))
def test_admitted_requests_and_their_entries_through_any_sequence(w, steps, increases):
    from django.db import transaction

    with transaction.atomic():
        admitted: dict[int, int] = {}  # request pk → expected capacity of its entry at admission
        for i, step in enumerate(steps):
            latest = services.latest_version(f.region(), YEAR)
            if step == "approve" and not latest.is_approved:
                approve(w, latest)
            elif step == "amend" and latest.is_approved:
                services.network_amendment_create(actor=w.officer, network=latest, reason="Změna.")
            elif step == "decide":
                req = evaluated(w, capacity=increases[i], title=f"Navýšení {i}")
                draft = latest if not latest.is_approved else None
                base = (draft or latest).entries.get(service=w.service).capacity
                try:
                    with transaction.atomic():
                        admit(w, req)
                except ValidationError:
                    req.refresh_from_db()
                    assert req.state == RequestState.EVALUATED  # refused by a rule: nothing changed
                    continue
                admitted[req.pk] = base + increases[i]
            for pk, capacity in admitted.items():
                (entry,) = NetworkEntry.objects.filter(request_id=pk)  # exactly one entry names it
                assert entry.capacity == capacity  # the draft it joined takes no second request for the entry
                assert entry.network.year == YEAR
        transaction.set_rollback(True)
