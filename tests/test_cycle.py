"""The planning–network–money cycle driven end to end through the API, on rows built by the shared factories.

A need in an approved community plan of ORP Blansko (a measure) → a provider asks for more capacity of its
service that is already in the kraj's network → the ORP declares the need → the district team recommends it →
the kraj evaluates it → the year's network is approved → the approver admits the request, which lands in a new
draft amendment with the new capacity → the amendment is approved (confirming the entries that fail the entry
conditions) → finance computes the optimal support from that capacity → a budget allocation → the provider's
budgets are submitted and approved → the year is settled → the measure's page shows all of it, every link works.

The year (2031) is one the demo does not use, so nothing of the demo's network or finance takes part.
"""

from __future__ import annotations

import re
from decimal import Decimal
from html import unescape

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from socplan.core.money import format_czk

from . import factories as f
from .api_preconditions import if_match

pytestmark = pytest.mark.django_db

YEAR = 2031
REGION = "CZ064"


class Api:
    """An API client that logs in as the user of each step and checks the status of every answer."""

    def __init__(self):
        self.client = APIClient()

    def as_(self, user) -> Api:
        self.client.logout()
        self.client.force_login(user)
        return self

    def call(self, method: str, url: str, data=None, *, expect: int):
        headers = if_match(self.client, url) if method == "post" else {}
        response = getattr(self.client, method)(url, data or {}, format="json", **headers)
        body = response.json() if response.content and response["Content-Type"].startswith("application/json") \
            else response.content[:500]
        assert response.status_code == expect, f"{method.upper()} {url} → {response.status_code}: {body}"
        return body

    def get(self, url, *, expect: int = 200, **params):
        return self.call("get", url, params, expect=expect)

    def post(self, url, data=None, *, expect: int = 200):
        return self.call("post", url, data, expect=expect)


def _request_url(pk: int, action: str = "") -> str:
    return f"/api/v1/network/requests/{pk}/" + (f"{action}/" if action else "")


def _cycle_links(html: str) -> list[str]:
    match = re.search(r'<section[^>]*id="cycle"[^>]*>(.*?)</section>', html, re.S)
    assert match, "the measure page has no panel id=cycle"
    return [unescape(h) for h in re.findall(r'href="([^"]+)"', match.group(1))]


def test_measure_to_money_through_the_api():
    # --- the world of one service, built by factories ---------------------------------------------------------
    measure = f.approved_measure(f.BLANSKO_ORP, title="Senioři doma: více terénní péče")
    service = f.RegisteredServiceFactory(kind="40", form="ter", capacity_type="klient", capacity=20,
                                         area=f.BLANSKO_ORP, year=YEAR, fte=Decimal("4.00"))
    base = f.NetworkEntryFactory(service=service).network  # the 2031 network (draft) with the service, 20 clients
    f.FinanceParamsFactory(year=YEAR)
    provider = f.provider_user(service.provider)
    coordinator = f.orp_coordinator(f.BLANSKO_ORP)
    district_team = f.district_member(f.BLANSKO_DISTRICT)
    officer = f.officer()
    approver = f.officer(can_approve=True)
    api = Api()

    # --- the provider submits a capacity increase naming the measure ------------------------------------------
    submitted = api.as_(provider).post("/api/v1/network/requests/", {
        "year": YEAR, "orp": f.BLANSKO_ORP, "request_kind": "capacity", "request_type": "B",
        "title": "Navýšení pečovatelské služby o 5 klientů", "service": service.pk, "kind": "40", "form": "ter",
        "capacity": 5, "capacity_type": "klient", "fte": "1.00", "expected_cost": "900000",
        "justification": "Komunitní plán ORP Blansko: senioři čekají na terénní péči.", "measure": measure.pk,
    }, expect=201)
    rid = submitted["id"]
    assert submitted["state"] == "submitted"
    assert submitted["measure"] == measure.pk
    assert submitted["available_actions"] == []  # a provider takes none of the steps

    # --- ORP opinion, district review, evaluation: each by its own role ----------------------------------------
    api.as_(district_team).post(_request_url(rid, "opinion"), {"need_declared": True, "measure": measure.pk,
                                                                "text": "x"}, expect=403)
    seen = api.as_(coordinator).get(_request_url(rid))
    assert "opinion" in seen["available_actions"]
    opinion = api.post(_request_url(rid, "opinion"), {
        "need_declared": True, "measure": measure.pk, "text": "V souladu s komunitním plánem, opatření 2.1."})
    assert (opinion["state"], opinion["need_declared"], opinion["measure"]) == ("orp_opinion", True, measure.pk)

    review = api.as_(district_team).post(_request_url(rid, "review"), {
        "recommends": True, "tier": "zakladni", "text": "Okresní tým doporučuje."})
    assert (review["state"], review["district_recommends"]) == ("district_review", True)

    evaluation = api.as_(officer).post(_request_url(rid, "evaluate"), {"text": "Podmínky ověřeny."})
    assert evaluation["state"] == "evaluated"
    assert "decide" not in evaluation["available_actions"]  # an officer without the right to approve

    # --- the year's network is approved before the decision ----------------------------------------------------
    approved = api.as_(approver).post(f"/api/v1/network/versions/{base.pk}/approve/", {
        "decision_ref": "RK 2030/12/1", "confirm": True, "reason": "Základní síť roku 2031."})
    assert approved["status"] == "approved"

    # --- the decision: not by the officer, by the approver ------------------------------------------------------
    api.as_(officer).post(_request_url(rid, "decide"), {"admit": True, "tier": "zakladni", "reason": "x"},
                          expect=403)
    decided = api.as_(approver).post(_request_url(rid, "decide"), {
        "admit": True, "tier": "zakladni", "reason": "Potřebnost doložena komunitním plánem.", "confirm": True})
    assert decided["state"] == "admitted"
    entry_ref = decided["network_entry"]
    assert entry_ref["version"] != base.pk and entry_ref["version_status"] == "draft"  # to be approved
    amendment = api.get(f"/api/v1/network/versions/{entry_ref['version']}/")
    assert (amendment["year"], amendment["amendment"], amendment["status"]) == (YEAR, 1, "draft")
    entry = api.get(f"/api/v1/network/entries/{entry_ref['id']}/")
    assert (entry["network"], entry["request"], entry["capacity"], entry["capacity_type"]) == (
        amendment["id"], rid, 25, "klient")
    by_request = api.get("/api/v1/network/entries/", request=rid, page_size=5)
    assert [e["id"] for e in by_request["results"]] == [entry["id"]]  # exactly one entry names the request

    # --- the amendment: refused without confirmation (its entries fail conditions), then confirmed -----------
    refused = api.post(f"/api/v1/network/versions/{amendment['id']}/approve/", {"decision_ref": "RK 2031/3/7"},
                       expect=409)
    failing = refused["failing_entries"] if isinstance(refused, dict) else None
    assert failing and entry["id"] in {e["entry_id"] for e in failing}
    approved = api.post(f"/api/v1/network/versions/{amendment['id']}/approve/", {
        "decision_ref": "RK 2031/3/7", "confirm": True,
        "reason": "Spolufinancování obcí se doloží do 30. 6.; zařazení do akčního plánu proběhne dodatkem."})
    assert approved["status"] == "approved"
    assert api.get(_request_url(rid))["network_entry"] == {**entry_ref, "version_status": "approved"}

    # --- optimal support from the amendment's capacity -----------------------------------------------------------
    support = api.get(f"/api/v1/finance/{REGION}/{YEAR}/support/")
    assert support["network_source"] == "network"
    (row,) = [r for r in support["services"] if r["service_id"] == service.pk]
    assert (row["capacity"], row["capacity_type"]) == (entry["capacity"], entry["capacity_type"])
    assert Decimal(row["optimal_support"]) > 0

    # --- an allocation of the year's budget, approved -------------------------------------------------------------
    run = api.post(f"/api/v1/finance/{REGION}/{YEAR}/allocation/", {"budget": "1000000000", "mode": "rules"},
                   expect=201)
    (alloc_row,) = [r for r in run["services"] if r["service_id"] == service.pk]
    allocated = Decimal(alloc_row["allocated"])
    assert allocated > 0
    api.as_(officer).post(f"/api/v1/finance/allocations/{run['run_id']}/approve/", expect=403)
    approved_run = api.as_(approver).post(f"/api/v1/finance/allocations/{run['run_id']}/approve/")
    assert approved_run["approved"] is True

    # --- the provider's budgets: plan, adjusted, actual – each submitted and approved ----------------------------
    budgets = {}
    for term in ("plan", "adjusted", "actual"):
        budget = f.ProviderBudgetFactory(service=service, year=YEAR, term=term, actor=provider)
        submitted_budget = api.as_(provider).post(f"/api/v1/finance/budgets/{budget.pk}/submit/")
        assert submitted_budget["state"] == "submitted"
        api.as_(officer).post(f"/api/v1/finance/budgets/{budget.pk}/approve/", expect=403)
        approved_budget = api.as_(approver).post(f"/api/v1/finance/budgets/{budget.pk}/approve/")
        assert approved_budget["state"] == "approved"
        budgets[term] = budget

    # --- the settlement of the year ---------------------------------------------------------------------------------
    from socplan.finance.services import settlement_compute

    settlement = settlement_compute(actor=officer, service=service, year=YEAR)
    assert settlement.budget_id == budgets["actual"].pk

    # --- the measure's page: request, entry, allocated amount, reports, settlement – all links work --------------
    page = Client()
    page.force_login(officer)
    response = page.get(f"/planovani/opatreni/{measure.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    links = _cycle_links(html)
    expected = {
        "request": reverse("network:request", args=[rid]),
        "entry": reverse("network:entry", args=[entry["id"]]),
        "version": reverse("network:version", args=[amendment["id"]]),
        "allocation": reverse("finance:allocation_detail", args=[run["run_id"]]),
        **{f"report {t}": reverse("finance:budget_detail", args=[b.pk]) for t, b in budgets.items()},
        "settlement": reverse("finance:settlement_detail", args=[service.pk, YEAR]),
    }
    missing = {k: u for k, u in expected.items() if u not in links}
    assert not missing, f"the cycle panel lacks {missing}; it links {links}"
    assert format_czk(allocated) in unescape(html)
    for url in links:
        assert page.get(url).status_code == 200, url
    # … and back: the request names its measure, the entry its request
    measure_url = reverse("planning:measure_detail", args=[measure.pk])
    assert measure_url in page.get(expected["request"]).content.decode()
    assert expected["request"] in page.get(expected["entry"]).content.decode()


def test_the_entry_of_an_admitted_request_cannot_be_removed_from_the_draft():
    """The draft entry naming an admitted request carries the admission: the API and the page refuse to remove
    it with an answer (a validation error), not a server error, and the entry stays."""
    from socplan.network import services
    from socplan.network.models import NetworkEntry

    measure = f.approved_measure(f.BLANSKO_ORP)
    service = f.RegisteredServiceFactory(year=YEAR)
    base = f.NetworkEntryFactory(service=service).network
    f.network_approve(base, confirm_failing=True, reason="Základní síť.")
    coordinator, district_team, officer = f.orp_coordinator(), f.district_member(), f.officer()
    req = services.development_request_submit(actor=coordinator, data={
        "year": YEAR, "orp": f.orp(), "request_kind": "capacity", "request_type": "B", "title": "Navýšení",
        "service": service, "kind": service.kind, "form": service.forms.get().form, "capacity": 3,
        "capacity_type": service.forms.get().capacities.get().capacity_type, "justification": "Potřeba.",
        "expected_cost": Decimal(300_000), "measure": measure})
    services.development_request_opinion(actor=coordinator, request=req, need_declared=True, measure=measure)
    services.development_request_review(actor=district_team, request=req, recommends=True)
    services.development_request_evaluate(actor=officer, request=req)
    services.development_request_decide(actor=f.officer(can_approve=True), request=req, admit=True,
                                        tier=f.tier(year=YEAR), reason="Zařazeno.", confirm_failing=True)
    entry = NetworkEntry.objects.get(request=req)
    assert not entry.network.is_approved

    api = APIClient(raise_request_exception=False)
    api.force_login(officer)
    answer = api.delete(f"/api/v1/network/entries/{entry.pk}/", HTTP_IF_MATCH=f'"{entry.version}"')
    assert answer.status_code in (400, 409), (answer.status_code, answer.content[:300])
    page = Client(raise_request_exception=False)
    page.force_login(officer)
    answer = page.post(reverse("network:network_entry_delete", args=[entry.pk]))
    assert answer.status_code in (200, 302, 400, 409), answer.status_code
    assert NetworkEntry.objects.filter(pk=entry.pk, request=req).exists()
