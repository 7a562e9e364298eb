"""The development-request workflow through the API: every step with the same rules and permissions as the
pages (the same service functions), the answers (state, network entry, available actions), the version
approval with its 409, the entries by request and ``page_size`` on the lists.

Rows are built by the shared factories in a year (2031) the demo does not use.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from rest_framework.test import APIClient

from socplan.network.models import DevelopmentRequest, NetworkEntry, NetworkVersion, RequestState
from tests import factories as f
from tests.api_preconditions import if_match

pytestmark = pytest.mark.django_db

YEAR = 2031
REQUESTS = "/api/v1/network/requests/"


@pytest.fixture
def w(db):
    service = f.RegisteredServiceFactory(year=YEAR, capacity=20)
    base = f.NetworkEntryFactory(service=service, network=f.NetworkVersionFactory(year=YEAR)).network
    return SimpleNamespace(
        service=service, base=base, measure=f.approved_measure(f.BLANSKO_ORP),
        provider=f.provider_user(service.provider), coordinator=f.orp_coordinator(),
        other_coordinator=f.orp_coordinator("6220"), district_team=f.district_member(),
        other_district_team=f.district_member("CZ0647"), officer=f.officer(),
        approver=f.officer(can_approve=True), other_kraj_approver=f.officer(can_approve=True, region_code="CZ072"),
    )


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_login(user)
    return client


def post(user, url, data=None):
    client = api(user)
    return client.post(url, data or {}, format="json", **if_match(client, url))


def submit_body(w, **over):
    body = {"year": YEAR, "orp": f.BLANSKO_ORP, "request_kind": "capacity", "request_type": "B",
            "title": "Navýšení o 5 klientů", "service": w.service.pk, "kind": "40", "form": "ter", "capacity": 5,
            "capacity_type": "klient", "fte": "1.00", "expected_cost": "900000",
            "justification": "Čekatelé v ORP Blansko.", "measure": w.measure.pk}
    body.update(over)
    return body


def url(req_id, action=""):
    return f"{REQUESTS}{req_id}/" + (f"{action}/" if action else "")


def test_submit_checks_the_role_and_the_scope(w):
    assert post(None, REQUESTS, submit_body(w)).status_code in (401, 403)
    assert post(w.district_team, REQUESTS, submit_body(w)).status_code == 403  # district teams do not submit
    assert post(w.other_coordinator, REQUESTS, submit_body(w)).status_code == 403  # another ORP's request
    assert post(w.coordinator, REQUESTS, submit_body(w, kind="nope")).status_code == 400
    assert not DevelopmentRequest.objects.filter(year=YEAR).exists()
    answer = post(w.provider, REQUESTS, submit_body(w))
    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert (body["state"], body["orp"], body["capacity_type"], body["network_entry"]) == (
        "submitted", f.BLANSKO_ORP, "klient", None)
    assert body["available_actions"] == []  # the provider takes none of the steps
    assert api(w.coordinator).get(url(body["id"])).json()["available_actions"] == ["opinion", "return"]


def test_every_step_by_its_role_and_no_other(w):
    rid = post(w.coordinator, REQUESTS, submit_body(w)).json()["id"]

    opinion = {"need_declared": True, "measure": w.measure.pk, "text": "V souladu s plánem."}
    for other in (w.other_coordinator, w.district_team, w.provider):
        answer = post(other, url(rid, "opinion"), opinion)
        assert answer.status_code in (403, 404), (other, answer.status_code)
    denied = post(w.district_team, url(rid, "opinion"), opinion)
    assert "stanovisko ORP" in denied.json()["detail"]  # the reason of the decision table, in Czech
    assert post(w.coordinator, url(rid, "review"), {"recommends": True}).status_code == 403  # not its step
    body = post(w.coordinator, url(rid, "opinion"), opinion).json()
    assert (body["state"], body["need_declared"], body["measure"]) == ("orp_opinion", True, w.measure.pk)
    assert post(w.coordinator, url(rid, "opinion"), opinion).status_code == 400  # given already: a state error

    review = {"recommends": True, "tier": "zakladni", "text": "Doporučujeme."}
    assert post(w.other_district_team, url(rid, "review"), review).status_code == 403
    assert post(w.district_team, url(rid, "review"), {**review, "tier": "neni"}).status_code == 400
    body = post(w.district_team, url(rid, "review"), review).json()
    assert (body["state"], body["district_recommends"], body["district_tier"]) == (
        "district_review", True, "zakladni")

    assert post(w.district_team, url(rid, "evaluate"), {"text": "x"}).status_code == 403
    assert post(w.officer, url(rid, "evaluate"), {}).status_code == 400  # the evaluation needs its text
    body = post(w.officer, url(rid, "evaluate"), {"text": "Ověřeno."}).json()
    assert body["state"] == "evaluated" and body["evaluation"]
    assert body["available_actions"] == ["return"]  # the officer may not decide
    assert api(w.approver).get(url(rid)).json()["available_actions"] == ["decide", "return"]

    decide = {"admit": True, "tier": "zakladni", "reason": "Potřebnost doložena.", "confirm": True}
    for other in (w.officer, w.district_team, w.coordinator):
        assert post(other, url(rid, "decide"), decide).status_code == 403
    assert post(w.other_kraj_approver, url(rid, "decide"), decide).status_code in (403, 404)
    assert post(w.approver, url(rid, "decide"), {"admit": True}).status_code == 400  # admitting needs a tier
    assert post(w.approver, url(rid, "decide"), {"admit": False}).status_code == 400  # refusing needs a reason
    body = post(w.approver, url(rid, "decide"), decide).json()
    assert body["state"] == "admitted" and body["available_actions"] == []
    entry = NetworkEntry.objects.get(request_id=rid)
    assert body["network_entry"] == {"id": entry.pk, "version": w.base.pk, "version_status": "draft"}
    assert post(w.approver, url(rid, "decide"), decide).status_code == 400  # decided already


def test_return_and_resubmit(w):
    rid = post(w.provider, REQUESTS, submit_body(w)).json()["id"]
    assert post(w.coordinator, url(rid, "return"), {}).status_code == 400  # the reason is required
    assert post(w.district_team, url(rid, "return"), {"reason": "x"}).status_code == 403  # not its step
    body = post(w.coordinator, url(rid, "return"), {"reason": "Doplňte rozpočet."}).json()
    assert (body["state"], body["return_reason"]) == ("returned", "Doplňte rozpočet.")
    assert api(w.provider).get(url(rid)).json()["available_actions"] == ["resubmit"]
    assert post(w.district_team, url(rid, "resubmit"), {}).status_code == 403
    body = post(w.provider, url(rid, "resubmit"), {"text": "Doplněno."}).json()
    assert body["state"] == "submitted" and body["need_declared"] is None


def test_a_refused_request_has_no_entry(w):
    req = DevelopmentRequest.objects.get(pk=post(w.coordinator, REQUESTS, submit_body(w)).json()["id"])
    post(w.coordinator, url(req.pk, "opinion"), {"need_declared": False, "text": "Ne."})
    post(w.district_team, url(req.pk, "review"), {"recommends": False, "text": "Ne."})
    post(w.officer, url(req.pk, "evaluate"), {"text": "Nesplňuje."})
    body = post(w.approver, url(req.pk, "decide"), {"admit": False, "reason": "Bez potřebnosti."}).json()
    assert (body["state"], body["network_entry"]) == ("refused", None)
    assert not NetworkEntry.objects.filter(request=req).exists()


def _admitted_after_approval(w):
    rid = post(w.coordinator, REQUESTS, submit_body(w)).json()["id"]
    post(w.coordinator, url(rid, "opinion"), {"need_declared": True, "measure": w.measure.pk, "text": "ano"})
    post(w.district_team, url(rid, "review"), {"recommends": True, "tier": "zakladni", "text": "ano"})
    post(w.officer, url(rid, "evaluate"), {"text": "ok"})
    approved = post(w.approver, f"/api/v1/network/versions/{w.base.pk}/approve/",
                    {"decision_ref": "RK 1", "confirm": True, "reason": "Základní síť."})
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    return post(w.approver, url(rid, "decide"), {"admit": True, "tier": "zakladni", "reason": "ok",
                                                 "confirm": True}).json()


def test_version_approval_answers_409_with_the_failing_entries_until_confirmed(w):
    approve_url = f"/api/v1/network/versions/{w.base.pk}/approve/"
    assert post(w.officer, approve_url, {"decision_ref": "RK", "confirm": True, "reason": "x"}).status_code == 403
    assert post(w.other_kraj_approver, approve_url, {"decision_ref": "RK"}).status_code in (403, 404)
    refused = post(w.approver, approve_url, {"decision_ref": "RK 1/31"})
    assert refused.status_code == 409
    failing = refused.json()["failing_entries"]
    assert [e["entry_id"] for e in failing] == [w.base.entries.get().pk]
    assert failing[0]["failures"] and {"code", "name", "reason"} == set(failing[0]["failures"][0])
    assert post(w.approver, approve_url, {"decision_ref": "RK 1/31", "confirm": True}).status_code == 400
    assert not NetworkVersion.objects.get(pk=w.base.pk).is_approved
    body = post(w.approver, approve_url, {"decision_ref": "RK 1/31", "confirm": True,
                                          "reason": "Doplní se během roku."}).json()
    assert (body["status"], body["decision_ref"]) == ("approved", "RK 1/31")
    assert post(w.approver, approve_url, {"decision_ref": "znovu", "confirm": True, "reason": "x"}).status_code == 409


def test_a_decision_after_approval_answers_with_the_amendment_entry(w):
    body = _admitted_after_approval(w)
    entry = NetworkEntry.objects.get(request_id=body["id"])
    amendment = entry.network
    assert (amendment.amendment, amendment.is_approved) == (1, False)
    assert body["network_entry"] == {"id": entry.pk, "version": amendment.pk, "version_status": "draft"}
    shown = api(w.officer).get(f"/api/v1/network/entries/{entry.pk}/").json()
    assert (shown["network"], shown["request"], shown["capacity"], shown["capacity_type"]) == (
        amendment.pk, body["id"], 25, "klient")


def test_entries_by_request_and_page_size_on_every_list(w):
    body = _admitted_after_approval(w)
    client = api(w.officer)
    by_request = client.get("/api/v1/network/entries/", {"request": body["id"]}).json()
    assert by_request["count"] == 1 and by_request["results"][0]["request"] == body["id"]
    for _ in range(3):
        f.NetworkEntryFactory(network=w.base.superseded_by.get(), service=f.RegisteredServiceFactory(year=YEAR))
    page = client.get("/api/v1/network/entries/", {"network__year": YEAR, "page_size": 2}).json()
    assert len(page["results"]) == 2 and page["count"] == 5 and page["next"]  # base 1 + amendment 1 + 3
    for list_url in ("/api/v1/network/requests/", "/api/v1/network/versions/", "/api/v1/network/declarations/",
                     "/api/v1/finance/allocations/", "/api/v1/finance/budgets/", "/api/v1/territory/regions/"):
        answer = client.get(list_url, {"page_size": 1})
        assert answer.status_code in (200, 404), list_url
        if answer.status_code == 200:
            assert len(answer.json()["results"]) <= 1, list_url
    from socplan.core.pagination import MAX_PAGE_SIZE, PageSizePagination

    assert PageSizePagination.max_page_size == MAX_PAGE_SIZE == 1000
    assert PageSizePagination.page_size_query_param == "page_size"


def test_the_lists_say_what_the_caller_may_do(w):
    rid = post(w.provider, REQUESTS, submit_body(w)).json()["id"]
    rows = api(w.coordinator).get(REQUESTS, {"year": YEAR}).json()["results"]
    assert [(r["id"], r["available_actions"]) for r in rows] == [(rid, ["opinion", "return"])]
    assert api(w.other_coordinator).get(REQUESTS, {"year": YEAR}).json()["results"][0]["available_actions"] == []


def test_the_schema_describes_the_workflow(w):
    schema = api(w.officer).get("/api/v1/schema/", HTTP_ACCEPT="application/json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    for action in ("opinion", "review", "evaluate", "decide", "return", "resubmit"):
        assert f"/api/v1/network/requests/{{id}}/{action}/" in paths, action
    assert "/api/v1/network/versions/{id}/approve/" in paths
    assert "/api/v1/finance/allocations/{id}/approve/" in paths
    assert "/api/v1/finance/budgets/{id}/approve/" in paths
    assert RequestState.ADMITTED.value in str(schema.json()["components"]["schemas"])
