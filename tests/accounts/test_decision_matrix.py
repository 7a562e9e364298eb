"""The role × decision matrix: every decision kind taken by every seat, allowed exactly where the table says.

The expectations below are written by hand from the documented table (docs/accounts.md, "Decisions: one table"),
not derived from the code's table; the test then proves

* the service function of each decision refuses (PermissionDenied, nothing written) or accepts each seat;
* the pages and the API (which call the same service functions) answer alike – denied: 401/403/404;
* ``may_decide`` (what pages and the API use to offer a step) agrees;
* docs/accounts.md's table and ``DECISION_TABLE`` say the same.

All rows are built by the shared factories in a year (2031) the demo does not use.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.test import Client
from rest_framework.test import APIClient

from socplan.accounts.decisions import DECISION_TABLE, DecisionKind, denial_reason, may_decide
from socplan.finance import services as finance_services
from socplan.finance.models import AllocationRun, ProviderBudget
from socplan.network import services as network_services
from socplan.network.models import DevelopmentRequest, DistrictProposal, NetworkVersion, RequestState
from tests import factories as f
from tests.api_preconditions import if_match

pytestmark = pytest.mark.django_db

YEAR = 2031
DOCS = Path(__file__).resolve().parents[2] / "docs" / "accounts.md"

SEATS = ["superuser", "region_admin", "region_admin_approver", "officer", "approver", "other_kraj_approver",
         "district_team", "other_district_team", "orp_coordinator", "other_orp_coordinator", "provider"]
STAFF = {"superuser", "region_admin", "region_admin_approver", "officer", "approver"}
APPROVERS = {"superuser", "region_admin_approver", "approver"}

# Who may take each decision on the objects below (a request of ORP Blansko, okres Blansko, in JMK; a network
# version, a report, an allocation and a district proposal of JMK / okres Blansko).
EXPECTED = {
    DecisionKind.REQUEST_OPINION: STAFF | {"orp_coordinator"},
    DecisionKind.REQUEST_REVIEW: STAFF | {"district_team"},
    DecisionKind.REQUEST_EVALUATE: STAFF,
    DecisionKind.REQUEST_DECIDE: APPROVERS,
    DecisionKind.NETWORK_APPROVE: APPROVERS,
    DecisionKind.REPORT_APPROVE: APPROVERS,
    DecisionKind.REPORT_RETURN: APPROVERS,
    DecisionKind.ALLOCATION_APPROVE: APPROVERS,
    DecisionKind.PROPOSAL_DECIDE: STAFF,
}


@pytest.fixture
def seats(db):
    service = f.RegisteredServiceFactory(year=YEAR)
    return SimpleNamespace(
        superuser=get_user_model().objects.create_superuser("decision-root", password="socplan-test-42"),
        region_admin=f.region_admin(),
        region_admin_approver=f.region_admin(can_approve=True),
        officer=f.officer(),
        approver=f.officer(can_approve=True),
        other_kraj_approver=f.officer(can_approve=True, region_code="CZ072"),
        district_team=f.district_member(f.BLANSKO_DISTRICT),
        other_district_team=f.district_member("CZ0647"),  # Znojmo
        orp_coordinator=f.orp_coordinator(f.BLANSKO_ORP),
        other_orp_coordinator=f.orp_coordinator("6220"),  # Znojmo
        provider=f.provider_user(service.provider),
        service=service,
    )


@pytest.fixture
def world(seats):
    """A network version of 2031 with the service, a request in each open state, a submitted budget, an
    allocation run and a district proposal – everything a decision is taken on."""
    root = seats.superuser
    network = f.NetworkEntryFactory(service=seats.service, network=f.NetworkVersionFactory(year=YEAR)).network
    measure = f.approved_measure(f.BLANSKO_ORP)

    def request(state: str) -> DevelopmentRequest:
        req = network_services.development_request_submit(actor=seats.provider, data={
            "year": YEAR, "orp": f.orp(), "request_kind": "capacity", "request_type": "B",
            "title": f"Navýšení ({state})", "service": seats.service, "kind": seats.service.kind,
            "form": seats.service.forms.get().form, "capacity": 2,
            "capacity_type": seats.service.forms.get().capacities.get().capacity_type, "fte": Decimal("0.50"),
            "expected_cost": Decimal(400_000), "justification": "Čekatelé v ORP Blansko.", "measure": measure})
        steps = [lambda r: network_services.development_request_opinion(actor=root, request=r, need_declared=True,
                                                                        measure=measure, text="ano"),
                 lambda r: network_services.development_request_review(actor=root, request=r, recommends=True,
                                                                       tier=f.tier(year=YEAR), text="ano"),
                 lambda r: network_services.development_request_evaluate(actor=root, request=r, text="ověřeno")]
        order = [RequestState.SUBMITTED, RequestState.ORP_OPINION, RequestState.DISTRICT_REVIEW,
                 RequestState.EVALUATED]
        for step in steps[:order.index(state)]:
            step(req)
        req.refresh_from_db()
        assert req.state == state
        return req

    f.FinanceParamsFactory(year=YEAR)
    budget = f.ProviderBudgetFactory(service=seats.service, year=YEAR, term="plan", actor=seats.provider)
    finance_services.provider_report_submit(actor=seats.provider, report=budget)
    proposal = network_services.district_proposal_submit(actor=seats.district_team, district=f.district(),
                                                         year=YEAR, title="Návrh okresu", text="Více terénní péče.")
    return SimpleNamespace(
        network=network,
        requests={s: request(s) for s in (RequestState.SUBMITTED, RequestState.ORP_OPINION,
                                          RequestState.DISTRICT_REVIEW, RequestState.EVALUATED)},
        budget=ProviderBudget.objects.get(pk=budget.pk),
        run=f.AllocationRunFactory(year=YEAR),
        proposal=proposal,
    )


def _take(kind: DecisionKind, actor, w):
    """Take decision `kind` as `actor` through its service function. Returns the decided object."""
    tier = f.tier(year=YEAR)
    if kind == DecisionKind.REQUEST_OPINION:
        return network_services.development_request_opinion(
            actor=actor, request=w.requests["submitted"], need_declared=True, text="Soulad s plánem.")
    if kind == DecisionKind.REQUEST_REVIEW:
        return network_services.development_request_review(
            actor=actor, request=w.requests["orp_opinion"], recommends=True, tier=tier, text="Doporučujeme.")
    if kind == DecisionKind.REQUEST_EVALUATE:
        return network_services.development_request_evaluate(
            actor=actor, request=w.requests["district_review"], text="Ověřeno.")
    if kind == DecisionKind.REQUEST_DECIDE:
        return network_services.development_request_decide(
            actor=actor, request=w.requests["evaluated"], admit=True, tier=tier, reason="Potřebné.",
            confirm_failing=True)
    if kind == DecisionKind.NETWORK_APPROVE:
        return network_services.network_year_approve(actor=actor, network=w.network, decision_ref="RK 1/31",
                                                     confirm_failing=True, reason="Doplní se.")
    if kind == DecisionKind.REPORT_APPROVE:
        return finance_services.provider_report_approve(actor=actor, report=w.budget)
    if kind == DecisionKind.REPORT_RETURN:
        return finance_services.provider_report_return(actor=actor, report=w.budget, reason="Doložte výpočet.")
    if kind == DecisionKind.ALLOCATION_APPROVE:
        return finance_services.allocation_run_approve(actor=actor, run=w.run, decision_ref="RK 2/31")
    if kind == DecisionKind.PROPOSAL_DECIDE:
        return network_services.district_proposal_decide(actor=actor, proposal=w.proposal, state="accepted",
                                                         note="Přijato.")
    raise AssertionError(kind)


def _fresh(w):
    """Re-read every decided row (a service re-reads its row under a lock; the fixture objects stay as built)."""
    for obj in [w.network, w.budget, w.run, w.proposal, *w.requests.values()]:
        obj.refresh_from_db()


def _decided(kind: DecisionKind, w) -> bool:
    _fresh(w)
    return {
        DecisionKind.REQUEST_OPINION: lambda: w.requests["submitted"].state == RequestState.ORP_OPINION,
        DecisionKind.REQUEST_REVIEW: lambda: w.requests["orp_opinion"].state == RequestState.DISTRICT_REVIEW,
        DecisionKind.REQUEST_EVALUATE: lambda: w.requests["district_review"].state == RequestState.EVALUATED,
        DecisionKind.REQUEST_DECIDE: lambda: w.requests["evaluated"].state == RequestState.ADMITTED,
        DecisionKind.NETWORK_APPROVE: lambda: w.network.is_approved,
        DecisionKind.REPORT_APPROVE: lambda: w.budget.state == "approved",
        DecisionKind.REPORT_RETURN: lambda: w.budget.state == "returned",
        DecisionKind.ALLOCATION_APPROVE: lambda: w.run.is_approved,
        DecisionKind.PROPOSAL_DECIDE: lambda: w.proposal.state == "accepted",
    }[kind]()


def _subject(kind: DecisionKind, w):
    return {
        DecisionKind.REQUEST_OPINION: w.requests["submitted"], DecisionKind.REQUEST_REVIEW: w.requests["orp_opinion"],
        DecisionKind.REQUEST_EVALUATE: w.requests["district_review"],
        DecisionKind.REQUEST_DECIDE: w.requests["evaluated"], DecisionKind.NETWORK_APPROVE: w.network,
        DecisionKind.REPORT_APPROVE: w.budget, DecisionKind.REPORT_RETURN: w.budget,
        DecisionKind.ALLOCATION_APPROVE: w.run, DecisionKind.PROPOSAL_DECIDE: w.proposal,
    }[kind]


def test_the_expectations_cover_every_decision_kind():
    assert set(EXPECTED) == set(DecisionKind)


@pytest.mark.parametrize("kind", list(DecisionKind), ids=str)
def test_service_functions_follow_the_table(kind, seats, world):
    for seat in SEATS:
        actor = getattr(seats, seat)
        allowed = seat in EXPECTED[kind]
        with transaction.atomic():
            if allowed:
                _take(kind, actor, world)
                assert _decided(kind, world), (kind, seat, "allowed but not decided")
            else:
                with pytest.raises(PermissionDenied) as denied:
                    _take(kind, actor, world)
                assert str(denied.value) == denial_reason(actor, kind, _subject(kind, world)), (kind, seat)
                assert not _decided(kind, world), (kind, seat, "denied but decided")
            transaction.set_rollback(True)
        _fresh(world)


@pytest.mark.parametrize("kind", list(DecisionKind), ids=str)
def test_may_decide_follows_the_table(kind, seats, world):
    subject = _subject(kind, world)
    assert {s for s in SEATS if may_decide(getattr(seats, s), kind, subject)} == EXPECTED[kind]
    assert not may_decide(None, kind, subject)


def test_the_denial_names_the_missing_right_to_approve(seats, world):
    req = world.requests["evaluated"]
    assert "právo schvalovat nemá" in denial_reason(seats.officer, DecisionKind.REQUEST_DECIDE, req)
    assert "právo schvalovat nemá" not in denial_reason(seats.orp_coordinator, DecisionKind.REQUEST_DECIDE, req)
    assert "přihlaste" in denial_reason(None, DecisionKind.REQUEST_DECIDE, req)


def _api_call(kind: DecisionKind, w) -> tuple[str, dict]:
    r = w.requests
    return {
        DecisionKind.REQUEST_OPINION: (f"/api/v1/network/requests/{r['submitted'].pk}/opinion/",
                                       {"need_declared": True, "text": "ano"}),
        DecisionKind.REQUEST_REVIEW: (f"/api/v1/network/requests/{r['orp_opinion'].pk}/review/",
                                      {"recommends": True, "tier": "zakladni", "text": "ano"}),
        DecisionKind.REQUEST_EVALUATE: (f"/api/v1/network/requests/{r['district_review'].pk}/evaluate/",
                                        {"text": "ověřeno"}),
        DecisionKind.REQUEST_DECIDE: (f"/api/v1/network/requests/{r['evaluated'].pk}/decide/",
                                      {"admit": True, "tier": "zakladni", "reason": "potřebné", "confirm": True}),
        DecisionKind.NETWORK_APPROVE: (f"/api/v1/network/versions/{w.network.pk}/approve/",
                                       {"decision_ref": "RK", "confirm": True, "reason": "doplní se"}),
        DecisionKind.REPORT_APPROVE: (f"/api/v1/finance/budgets/{w.budget.pk}/approve/", {}),
        DecisionKind.REPORT_RETURN: (f"/api/v1/finance/budgets/{w.budget.pk}/return/", {"reason": "doložte"}),
        DecisionKind.ALLOCATION_APPROVE: (f"/api/v1/finance/allocations/{w.run.pk}/approve/", {"decision_ref": "RK"}),
        DecisionKind.PROPOSAL_DECIDE: None,  # no API: the page below
    }[kind]


def _page_call(kind: DecisionKind, w) -> tuple[str, dict] | None:
    r = w.requests
    return {
        DecisionKind.REQUEST_EVALUATE: (f"/sit/zamery/{r['district_review'].pk}/hodnoceni/", {"text": "ověřeno"}),
        DecisionKind.REQUEST_DECIDE: (f"/sit/zamery/{r['evaluated'].pk}/rozhodnuti/",
                                      {"admit": "1", "tier": f.tier(year=YEAR).pk, "reason": "potřebné",
                                       "confirm_failing": "on"}),
        DecisionKind.NETWORK_APPROVE: (f"/sit/verze/{w.network.pk}/schvalit/",
                                       {"decision_ref": "RK", "confirm_failing": "on", "reason": "doplní se"}),
        DecisionKind.REPORT_APPROVE: (f"/financovani/rozpocet/{w.budget.pk}/schvalit/", {}),
        DecisionKind.REPORT_RETURN: (f"/financovani/rozpocet/{w.budget.pk}/vratit/", {"reason": "doložte"}),
        DecisionKind.PROPOSAL_DECIDE: (f"/sit/navrh/{w.proposal.pk}/rozhodnuti/",
                                       {"state": "accepted", "note": "přijato"}),
    }.get(kind)


def _denied(response) -> bool:
    return response.status_code in (401, 403, 404) or (
        response.status_code == 302 and "/ucet/login/" in response.get("Location", ""))


@pytest.mark.parametrize("kind", list(DecisionKind), ids=str)
def test_pages_and_api_follow_the_table(kind, seats, world):
    calls = [("api", c) for c in [_api_call(kind, world)] if c] + [("page", c) for c in [_page_call(kind, world)] if c]
    assert calls, f"{kind}: neither a page nor an API takes this decision"
    for seat in [*SEATS, "anonymous"]:
        user = getattr(seats, seat, None)
        allowed = seat in EXPECTED[kind]
        for channel, (url, data) in calls:
            client = APIClient() if channel == "api" else Client()
            if user is not None:
                client.force_login(user)
            with transaction.atomic():
                if channel == "api":
                    response = client.post(url, data, format="json", **if_match(client, url))
                else:
                    response = client.post(url, data)
                ctx = (kind, seat, channel, response.status_code, response.content[:300])
                if allowed:
                    assert response.status_code in (200, 201, 302) and not _denied(response), ctx
                    assert _decided(kind, world), ctx + ("not decided",)
                else:
                    assert _denied(response), ctx
                    assert not _decided(kind, world), ctx + ("denied but decided",)
                transaction.set_rollback(True)
            _fresh(world)


def test_a_decision_locks_its_row_and_writes_its_history_in_the_same_transaction(seats, world):
    before = {
        "request": world.requests["evaluated"].history.count(), "network": world.network.history.count(),
        "budget": world.budget.history.count(), "run": world.run.history.count(),
        "proposal": world.proposal.history.count(),
    }
    for kind in (DecisionKind.REQUEST_DECIDE, DecisionKind.NETWORK_APPROVE, DecisionKind.REPORT_APPROVE,
                 DecisionKind.ALLOCATION_APPROVE, DecisionKind.PROPOSAL_DECIDE):
        _take(kind, seats.approver, world)
    _fresh(world)
    rows = {"request": world.requests["evaluated"], "network": world.network, "budget": world.budget,
            "run": world.run, "proposal": world.proposal}
    for name, obj in rows.items():
        assert obj.history.count() == before[name] + 1, name
        assert obj.history.first().history_user == seats.approver, name
    run = AllocationRun.objects.get(pk=world.run.pk)
    assert (run.state, run.approved_by, run.decision_ref) == ("approved", seats.approver, "RK 2/31")
    assert NetworkVersion.objects.get(pk=world.network.pk).approved_by == seats.approver
    assert DistrictProposal.objects.get(pk=world.proposal.pk).decided_by == seats.approver


def test_a_later_approved_allocation_supersedes_the_earlier_one(seats, world):
    first = finance_services.allocation_run_approve(actor=seats.approver, run=world.run)
    later = f.AllocationRunFactory(year=YEAR)
    with pytest.raises(ValidationError):  # superseding the allocation in force needs a reason
        finance_services.allocation_run_approve(actor=seats.approver, run=later)
    second = finance_services.allocation_run_approve(actor=seats.approver, run=later, reason="nový rozpočet")
    assert second.supersedes_id == first.pk and second.supersede_reason == "nový rozpočet"
    from socplan.accounts.immutability import ApprovedRecordImmutable, current_approved

    assert list(current_approved(AllocationRun.objects.filter(year=YEAR))) == [second]
    with pytest.raises(ApprovedRecordImmutable):
        finance_services.allocation_run_approve(actor=seats.approver, run=second)


def _docs_table() -> dict[str, tuple[set[str], bool]]:
    text = DOCS.read_text(encoding="utf-8")
    section = text.split("### Decisions: one table", 1)[1].split("\n### ", 1)[0]
    rows = {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 4 and re.fullmatch(r"`[a-z_]+`", cells[0]):
            roles = set(re.findall(r"`([a-z_]+)`", cells[2]))
            rows[cells[0].strip("`")] = (roles, {"yes": True, "no": False}[cells[3]])
    return rows


def test_the_documented_table_is_the_code_table():
    documented = _docs_table()
    code = {str(k): ({str(r) for r in rule.roles}, rule.needs_approval) for k, rule in DECISION_TABLE.items()}
    assert documented == code
