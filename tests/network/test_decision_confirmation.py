"""Admitting a development request that fails the network's entry conditions needs an explicit confirmation and
a recorded reason: the service refuses without them (a Czech message naming the conditions), the page shows the
failed conditions and asks, the API answers 409 with them, and the history and timeline keep the reason."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from rest_framework.test import APIClient

from socplan.network import services
from socplan.network.models import DevelopmentRequest, EventKind, RequestState
from tests.api_preconditions import if_match

from .conftest import request_data

pytestmark = pytest.mark.django_db


def evaluated(t, users, kinds, demo, community_measure, **over):
    """A request for more FTE of a demo service of ORP Blansko, evaluated: no municipality declared its
    co-financing, so it fails the co-financing condition."""
    service = demo.d26.entries.filter(orps=t.orp_blansko, service__kind__financing_group="B").first().service
    req = services.development_request_submit(actor=users.orp_blansko, data=request_data(
        t, kinds, request_kind="fte", request_type="A", service=service, kind=service.kind, fte=Decimal("1.00"),
        capacity=0, expected_cost=Decimal(900_000), title="Navýšení úvazků", **over))
    services.development_request_opinion(actor=users.orp_blansko, request=req, need_declared=True,
                                         measure=community_measure.measure, text="V souladu s KP.")
    services.development_request_review(actor=users.district_blansko, request=req, recommends=True,
                                        tier=demo.d26.entries.first().tier, text="Doporučujeme.")
    services.development_request_evaluate(actor=users.officer, request=req,
                                          action_plan=community_measure.action_plan, text="Ověřeno.")
    return DevelopmentRequest.objects.get(pk=req.pk)


def test_the_service_refuses_without_confirmation_and_records_the_reason(t, users, kinds, demo, community_measure):
    req = evaluated(t, users, kinds, demo, community_measure)
    tier = demo.d26.entries.first().tier
    failing = [f["code"] for f in services.request_failures(req)]
    assert "cofinancing" in failing

    with pytest.raises(services.RequestFailsConditions) as exc:
        services.development_request_decide(actor=users.approver, request=req, admit=True, tier=tier,
                                            reason="V souladu s akčním plánem.")
    assert [f["code"] for f in exc.value.failures] == failing
    message = exc.value.messages[0]
    assert message.startswith("Záměr „Navýšení úvazků“ nesplňuje podmínky vstupu do sítě:")
    assert "výslovně potvrdit a odůvodnit" in message
    req.refresh_from_db()
    assert req.state == RequestState.EVALUATED and req.decided_at is None
    assert not req.events.filter(kind=EventKind.DECISION).exists()

    with pytest.raises(ValidationError) as exc:  # confirmed, but without a reason
        services.development_request_decide(actor=users.approver, request=req, admit=True, tier=tier,
                                            reason="  ", confirm_failing=True)
    assert "reason" in exc.value.message_dict
    assert "nesplňuje podmínky vstupu" in exc.value.message_dict["reason"][0]

    services.development_request_decide(actor=users.approver, request=req, admit=True, tier=tier,
                                        reason="Spolufinancování obce schválí zastupitelstvo v březnu.",
                                        confirm_failing=True)
    req.refresh_from_db()
    assert req.state == RequestState.ADMITTED
    assert req.decision_reason == "Spolufinancování obce schválí zastupitelstvo v březnu."
    event = req.events.get(kind=EventKind.DECISION)
    assert event.text.startswith("Spolufinancování obce schválí zastupitelstvo v březnu.")
    assert "Zařazeno s výslovným potvrzením, ačkoli záměr nesplňuje podmínky vstupu:" in event.text
    for f in exc_failures(req):
        assert f in event.text
    h = req.history.order_by("-history_date", "-history_id").first()
    assert h.history_user == users.approver
    assert h.history_change_reason.startswith("rozhodnutí kraje – potvrzeno přes nesplněné podmínky")
    assert h.decision_reason == "Spolufinancování obce schválí zastupitelstvo v březnu."


def exc_failures(req) -> list[str]:
    """The names of the conditions the evaluation recorded as failed (the decision lists the same ones)."""
    return [c["label"] for c in req.evaluation if not c["passed"]]


def test_refusal_needs_no_confirmation(t, users, kinds, demo, community_measure):
    req = evaluated(t, users, kinds, demo, community_measure)
    services.development_request_decide(actor=users.approver, request=req, admit=False, reason="Bez spolufinancování.")
    assert DevelopmentRequest.objects.get(pk=req.pk).state == RequestState.REFUSED


def test_the_page_lists_the_failed_conditions_and_asks(client, t, users, kinds, demo, community_measure):
    req = evaluated(t, users, kinds, demo, community_measure)
    tier = demo.d26.entries.first().tier
    client.force_login(users.approver)
    page = client.get(f"/sit/zamery/{req.pk}/").content.decode()
    assert 'data-testid="decision-failures"' in page
    for name in exc_failures(req):
        assert name in page
    assert 'name="confirm_failing"' in page

    url = f"/sit/zamery/{req.pk}/rozhodnuti/"
    r = client.post(url, {"admit": "1", "tier": tier.pk, "reason": "Důvod."})
    assert r.status_code == 400
    body = r.content.decode()
    assert "Potvrďte zařazení přes nesplněné podmínky a uveďte důvod." in body
    assert 'data-testid="decision-failures"' in body
    assert DevelopmentRequest.objects.get(pk=req.pk).state == RequestState.EVALUATED

    r = client.post(url, {"admit": "1", "tier": tier.pk, "reason": "", "confirm_failing": "on"})
    assert r.status_code == 400 and "Uveďte, proč se záměr zařazuje do sítě" in r.content.decode()

    r = client.post(url, {"admit": "1", "tier": tier.pk, "reason": "Obec deklaruje v březnu.",
                          "confirm_failing": "on"})
    assert r.status_code == 302
    req.refresh_from_db()
    assert req.state == RequestState.ADMITTED and req.decision_reason == "Obec deklaruje v březnu."
    page = client.get(f"/sit/zamery/{req.pk}/").content.decode()
    assert "Zařazeno s výslovným potvrzením" in page  # the timeline keeps it


def test_the_officer_without_the_right_sees_no_decision_form(client, t, users, kinds, demo, community_measure):
    req = evaluated(t, users, kinds, demo, community_measure)
    client.force_login(users.officer)
    page = client.get(f"/sit/zamery/{req.pk}/").content.decode()
    assert 'data-testid="decision-box"' not in page and 'name="confirm_failing"' not in page


def test_the_api_answers_409_with_the_failed_conditions(t, users, kinds, demo, community_measure):
    req = evaluated(t, users, kinds, demo, community_measure)
    tier = demo.d26.entries.first().tier
    api = APIClient()
    api.force_login(users.approver)
    url = f"/api/v1/network/requests/{req.pk}/decide/"
    r = api.post(url, {"admit": True, "tier": tier.code, "reason": "Důvod."}, format="json", **if_match(api, url))
    assert r.status_code == 409
    assert [c["code"] for c in r.json()["failing_conditions"]] == [f["code"] for f in services.request_failures(req)]
    assert "nesplňuje podmínky vstupu" in r.json()["detail"]
    r = api.post(url, {"admit": True, "tier": tier.code, "reason": "", "confirm": True}, format="json",
                 **if_match(api, url))
    assert r.status_code == 400 and "reason" in r.json()
    r = api.post(url, {"admit": True, "tier": tier.code, "reason": "Obec deklaruje v březnu.", "confirm": True},
                 format="json", **if_match(api, url))
    assert r.status_code == 200 and r.json()["state"] == RequestState.ADMITTED
