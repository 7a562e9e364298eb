"""Service functions: approval and immutability, amendments, publication, the development-request path with
its notifications and audit, co-financing declarations, district negotiation."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from socplan.accounts.immutability import ApprovedRecordImmutable
from socplan.accounts.models import Role
from socplan.network import selectors, services
from socplan.network.models import (
    DevelopmentRequest,
    EventKind,
    NetworkEntry,
    NetworkVersion,
    RequestState,
)
from socplan.notices.models import Notification

from .conftest import request_data

pytestmark = pytest.mark.django_db


# --- approval and immutability ------------------------------------------------------------------------------

def approve(actor, network, **kwargs):
    """Approve a draft whose entries fail entry conditions (the test drafts lack co-financing declarations)."""
    return services.network_year_approve(actor=actor, network=network, confirm_failing=True,
                                         reason="Podmínky se doplní během roku.", **kwargs)


def test_only_officers_with_the_right_to_approve_approve(draft, users):
    with pytest.raises(PermissionDenied):
        approve(users.officer, draft.version)
    with pytest.raises(PermissionDenied):
        approve(users.officer_zlk, draft.version)  # other kraj
    with pytest.raises(PermissionDenied):
        approve(users.orp_blansko, draft.version)
    v = approve(users.approver, draft.version, decision_ref="usn. 1/27")
    v.refresh_from_db()
    assert v.is_approved and v.approved_by == users.approver and v.decision_ref == "usn. 1/27"
    assert v.history.first().history_user == users.approver


def test_approving_entries_that_fail_conditions_needs_confirmation_and_a_reason(draft, users):
    with pytest.raises(services.FailingEntriesNotConfirmed) as refused:
        services.network_year_approve(actor=users.approver, network=draft.version, decision_ref="usn. 2/27")
    failing = refused.value.entries
    assert {f["entry_id"] for f in failing} == {e.pk for e in draft.entries}
    assert all(f["failures"] and {"code", "name", "reason"} <= set(f["failures"][0]) for f in failing)
    with pytest.raises(ValidationError) as no_reason:
        services.network_year_approve(actor=users.approver, network=draft.version, confirm_failing=True,
                                      reason=" ")
    assert "reason" in no_reason.value.message_dict
    assert not NetworkVersion.objects.get(pk=draft.version.pk).is_approved
    services.network_year_approve(actor=users.approver, network=draft.version, confirm_failing=True,
                                  reason="Spolufinancování se doloží do června.")
    v = NetworkVersion.objects.get(pk=draft.version.pk)
    assert v.is_approved and v.approval_reason == "Spolufinancování se doloží do června."
    assert [f["entry_id"] for f in v.approval_exceptions] == [f["entry_id"] for f in failing]
    assert "potvrzeno 3 položek" in v.history.first().history_change_reason


def test_approved_version_and_its_entries_cannot_change(draft, users, t):
    v = approve(users.approver, draft.version)
    entry = NetworkEntry.objects.get(pk=draft.entries[0].pk)
    with pytest.raises(ApprovedRecordImmutable):
        services.network_entry_update(actor=users.approver, entry=entry, data={"capacity": 99})
    with pytest.raises(ApprovedRecordImmutable):
        services.network_entry_remove(actor=users.approver, entry=entry)
    with pytest.raises(ApprovedRecordImmutable):
        services.network_entry_add(actor=users.approver, network=v, service=draft.services[0], tier=draft.tier)
    entry.capacity = 99
    with pytest.raises(ApprovedRecordImmutable):
        entry.save()  # whoever calls save(): pages, API, admin, shell
    with pytest.raises(ApprovedRecordImmutable):
        entry.delete()
    with pytest.raises(ApprovedRecordImmutable), transaction.atomic():
        entry.orps.set([t.orp_znojmo])
    with pytest.raises(ApprovedRecordImmutable), transaction.atomic():
        t.orp_znojmo.network_entries.add(entry)  # the reverse side of the relation too
    v.title = "jiný název"
    with pytest.raises(ApprovedRecordImmutable):
        v.save()
    with pytest.raises(ApprovedRecordImmutable):
        approve(users.approver, v)
    stored = NetworkEntry.objects.get(pk=entry.pk)
    assert stored.capacity == 10 and list(stored.orps.values_list("code", flat=True)) == ["6201"]


def test_a_change_of_an_approved_network_is_a_numbered_amendment(draft, users, t):
    v = approve(users.approver, draft.version)
    with pytest.raises(ValidationError):
        services.network_amendment_create(actor=users.approver, network=v, reason=" ")
    with pytest.raises(PermissionDenied):
        services.network_amendment_create(actor=users.orp_blansko, network=v, reason="změna")
    a1 = services.network_amendment_create(actor=users.officer, network=v, reason="Navýšení kapacity.")
    assert (a1.amendment, a1.supersedes_id, a1.is_approved) == (1, v.pk, False)
    copied = {e.service_id: e for e in a1.entries.prefetch_related("orps")}
    assert set(copied) == {s.pk for s in draft.services}
    assert all([o.code for o in e.orps.all()] == ["6201"] for e in copied.values())
    # edit the draft amendment; the approved original stays as it was
    first = copied[draft.services[0].pk]
    services.network_entry_update(actor=users.officer, entry=first, data={"capacity": 15},
                                  expected_version=first.version)
    services.network_entry_remove(actor=users.officer, entry=copied[draft.services[2].pk])
    assert NetworkEntry.objects.get(pk=draft.entries[0].pk).capacity == 10
    d = selectors.version_diff(v, a1)
    assert [c.key[0] for c in d.changed] == [draft.services[0].pk] and d.changed[0].capacity_delta == {first.capacity_type.code: 5}
    assert [r.key[0] for r in d.removed] == [draft.services[2].pk] and not d.added and d.reconciles
    # only the latest version gets an amendment; approve it; it becomes the current network
    with pytest.raises(ValidationError):
        services.network_amendment_create(actor=users.officer, network=v, reason="další")
    approve(users.approver, a1)
    assert selectors.current_version(t.jmk, 2027).pk == a1.pk
    a2 = services.network_amendment_create(actor=users.officer, network=NetworkVersion.objects.get(pk=a1.pk),
                                           reason="Dodatek 2")
    assert a2.amendment == 2 and selectors.current_version(t.jmk, 2027).pk == a1.pk  # drafts are not current


def test_publish_only_approved_versions(draft, users):
    with pytest.raises(ValidationError):
        services.network_year_publish(actor=users.officer, network=draft.version)
    v = approve(users.approver, draft.version)
    with pytest.raises(PermissionDenied):
        services.network_year_publish(actor=users.orp_blansko, network=v)
    services.network_year_publish(actor=users.officer, network=v)
    assert NetworkVersion.objects.get(pk=v.pk).status == "published"
    with pytest.raises(ValidationError):
        services.network_year_publish(actor=users.officer, network=v)


def test_new_year_copies_the_previous_network_with_tiers_by_code(users, t, demo):
    v = services.network_year_create(actor=users.officer, region=t.jmk, year=2028, copy_from=demo.v25_2)
    assert v.entries.count() == demo.v25_2.entries.count()
    assert set(v.entries.values_list("tier__parameters__year", flat=True)) == {2028}
    assert set(v.entries.values_list("status", flat=True)) == {"existing"}
    assert selectors.version_diff(demo.v25_2, v).changed == []
    assert {r.code for r in v.region.network_parameters.get(year=2028).rules.all()} == {
        "registration", "territory", "cofinancing", "points", "need", "budget", "action_plan"}


def test_entries_are_audited_with_the_actor(draft, users):
    e = draft.entries[0]
    services.network_entry_update(actor=users.officer, entry=e, data={"fte": Decimal("3.00")}, reason="úprava")
    h = e.history.first()
    assert h.history_user == users.officer and h.history_change_reason == "úprava" and h.fte == Decimal("3.00")


# --- development requests -----------------------------------------------------------------------------------

def notified(user):
    return list(Notification.objects.filter(recipient=user).values_list("text", flat=True))


def test_request_path_with_notifications_events_and_entry(t, users, kinds, make_user, community_measure, demo):
    colleague = make_user("net-orp-blansko-2", Role.ORP_COORDINATOR, orp=t.orp_blansko)
    service = demo.d26.entries.filter(orps=t.orp_blansko, service__kind__financing_group="B").first().service
    req = services.development_request_submit(actor=users.orp_blansko, data=request_data(
        t, kinds, request_kind="fte", request_type="A", service=service, kind=service.kind, fte=Decimal("1.00"),
        capacity=0, expected_cost=Decimal(900_000), title="Navýšení úvazků"))
    assert req.state == RequestState.SUBMITTED and req.provider_id == service.provider_id
    assert notified(colleague) == ["Nový rozvojový záměr „Navýšení úvazků“ čeká na stanovisko ORP."]
    assert notified(users.orp_blansko) == []  # not the actor

    # the ORP gives its opinion; a measure of another ORP's plan is refused
    with pytest.raises(ValidationError):
        services.development_request_opinion(actor=users.orp_blansko, request=req, need_declared=True,
                                             measure=community_measure.other_measure, text="ano")
    with pytest.raises(ValidationError):  # not the district's turn yet
        services.development_request_review(actor=users.district_blansko, request=req, recommends=True)
    services.development_request_opinion(actor=users.orp_blansko, request=req, need_declared=True,
                                         measure=community_measure.measure, text="V souladu s KP.")
    assert notified(users.district_blansko) == [
        "ORP Blansko deklaruje potřebnost k záměru „Navýšení úvazků“; čeká na projednání v okrese."]
    assert notified(users.district_znojmo) == []

    with pytest.raises(PermissionDenied):
        services.development_request_review(actor=users.district_znojmo, request=req, recommends=True)
    services.development_request_review(actor=users.district_blansko, request=req, recommends=True,
                                        tier=demo.d26.entries.first().tier, text="Doporučujeme.")
    assert "Okresní tým projednal záměr „Navýšení úvazků“; čeká na hodnocení kraje." in notified(users.officer)

    with pytest.raises(PermissionDenied):
        services.development_request_evaluate(actor=users.district_blansko, request=req)
    services.development_request_evaluate(actor=users.officer, request=req,
                                          action_plan=community_measure.action_plan, text="Ověřeno.")
    req.refresh_from_db()
    assert req.state == RequestState.EVALUATED
    names = [c["name"] for c in req.evaluation]
    assert names == ["registration", "territory", "cofinancing", "points", "need", "budget", "action_plan"]
    results = {c["name"]: c for c in req.evaluation}
    assert results["need"]["passed"] and results["need"]["reason"] == (
        "ORP Blansko deklarovala potřebnost; opatření 2.1 „Rozvoj terénních služeb“ komunitního plánu.")
    assert results["action_plan"]["reason"] == "Záměr je zařazen do akčního plánu na rok 2026 (Akční plán 2026)."
    # no municipality declared anything for the request yet
    assert not results["cofinancing"]["passed"]

    before = demo.d26.entries.get(service=service)
    with pytest.raises(PermissionDenied):  # deciding needs the right to approve
        services.development_request_decide(actor=users.officer, request=req, admit=True, tier=before.tier)
    with pytest.raises(ValidationError):
        services.development_request_decide(actor=users.approver, request=req, admit=True, tier=None)
    with pytest.raises(services.RequestFailsConditions):  # no co-financing declared: confirm it explicitly
        services.development_request_decide(actor=users.approver, request=req, admit=True,
                                            tier=before.tier, reason="V souladu s akčním plánem.")
    services.development_request_decide(actor=users.approver, request=req, admit=True,
                                        tier=before.tier, reason="V souladu s akčním plánem.", confirm_failing=True)
    req.refresh_from_db()
    assert req.state == RequestState.ADMITTED and req.decided_by == users.approver
    after = demo.d26.entries.get(service=service)
    assert after.fte == before.fte + Decimal("1.00") and after.status == "expanded" and after.request_id == req.pk
    assert ("Záměr „Navýšení úvazků“ byl zařazen do sítě (základní síť), do verze „Síť 2026, základní znění“. "
            "Platnost nabude schválením této verze.") in notified(users.orp_blansko)
    # the (other) approvers of the kraj are told which version to approve, with its link
    from django.contrib.auth import get_user_model

    other_approver = get_user_model().objects.get(username="kraj-schvalovatel")  # a demo user
    told = Notification.objects.get(recipient=other_approver, topic="network.request", url__startswith="/sit/verze/")
    assert told.text == "Záměr „Navýšení úvazků“ je zařazen do návrhu „Síť 2026, základní znění“; verzi je třeba schválit."
    assert told.url == f"/sit/verze/{demo.d26.pk}/"
    assert not Notification.objects.filter(recipient=users.officer, url__startswith="/sit/verze/").exists()
    kinds_seen = list(req.events.values_list("kind", flat=True))
    assert kinds_seen == [EventKind.SUBMITTED, EventKind.OPINION, EventKind.REVIEW, EventKind.EVALUATION,
                          EventKind.DECISION]
    assert [h.history_user for h in req.history.order_by("history_date")][:2] == [users.orp_blansko,
                                                                                   users.orp_blansko]


def test_return_and_resubmit(t, users, kinds):
    req = services.development_request_submit(actor=users.orp_blansko, data=request_data(t, kinds))
    with pytest.raises(PermissionDenied):
        services.development_request_return(actor=users.district_blansko, request=req, reason="x")  # not its step
    with pytest.raises(ValidationError):
        services.development_request_return(actor=users.orp_blansko, request=req, reason=" ")
    services.development_request_return(actor=users.officer, request=req, reason="Doplňte rozpočet.")
    req.refresh_from_db()
    assert req.state == RequestState.RETURNED and req.return_reason == "Doplňte rozpočet."
    assert notified(users.orp_blansko) == ["Záměr „Nová pečovatelská služba“ byl vrácen k doplnění: Doplňte rozpočet."]
    services.development_request_update(actor=users.orp_blansko, request=req,
                                        data={"expected_cost": Decimal(3_000_000)}, expected_version=req.version)
    services.development_request_resubmit(actor=users.orp_blansko, request=DevelopmentRequest.objects.get(pk=req.pk))
    req.refresh_from_db()
    assert req.state == RequestState.SUBMITTED and req.expected_cost == 3_000_000
    with pytest.raises(ValidationError):
        services.development_request_decide(actor=users.approver, request=req, admit=False, reason="ne")


def test_refusal_needs_reasons_and_lists_every_violated_condition(t, users, kinds):
    req = services.development_request_submit(actor=users.orp_blansko, data=request_data(
        t, kinds, expected_cost=Decimal(5_000_000)))
    services.development_request_opinion(actor=users.orp_blansko, request=req, need_declared=False, text="Ne.")
    services.development_request_review(actor=users.district_blansko, request=req, recommends=False, text="Ne.")
    services.development_request_evaluate(actor=users.officer, request=req)
    req.refresh_from_db()
    assert req.eligible is False
    failed = {c["name"]: c["reason"] for c in req.evaluation if not c["passed"]}
    assert list(failed) == ["registration", "cofinancing", "need", "budget", "action_plan"]
    assert failed["registration"] == "Služba není registrována."
    assert failed["need"] == ("ORP Blansko potřebnost nedeklarovala; chybí odkaz na opatření komunitního plánu "
                              "ORP Blansko.")
    assert failed["action_plan"] == "Záměr není zařazen do akčního plánu na rok 2026."
    with pytest.raises(ValidationError):
        services.development_request_decide(actor=users.approver, request=req, admit=False, reason="")
    services.development_request_decide(actor=users.approver, request=req, admit=False,
                                        reason="Nesplňuje podmínky vstupu.")
    assert DevelopmentRequest.objects.get(pk=req.pk).state == RequestState.REFUSED


def test_comments_at_any_step(t, users, kinds):
    req = services.development_request_submit(actor=users.orp_blansko, data=request_data(t, kinds))
    ev = services.development_request_comment(actor=users.district_blansko, request=req, text="Doplňte cílovou skupinu.")
    assert ev.kind == EventKind.COMMENT and ev.author == users.district_blansko
    assert "Nový komentář k záměru „Nová pečovatelská služba“." in notified(users.orp_blansko)
    with pytest.raises(PermissionDenied):
        services.development_request_comment(actor=users.district_znojmo, request=req, text="cizí okres")


# --- co-financing -------------------------------------------------------------------------------------------

def test_declarations_by_orp_coordinators_for_their_municipalities(t, users, demo):
    service = demo.d26.entries.filter(orps=t.orp_blansko).first().service
    d = services.cofinancing_declaration_submit(actor=users.orp_blansko, municipality=t.muni_blansko, year=2026,
                                                amount=Decimal(100_000), declared_on=date(2025, 5, 1),
                                                service=service)
    assert d.region == t.jmk and d.history.first().history_user == users.orp_blansko
    with pytest.raises(PermissionDenied):
        services.cofinancing_declaration_submit(actor=users.orp_blansko, municipality=t.muni_znojmo, year=2026,
                                                amount=Decimal(1), declared_on=date(2025, 5, 1), service=service)
    with pytest.raises(PermissionDenied):
        services.cofinancing_declaration_update(actor=users.orp_blansko, declaration=d,
                                                data={"municipality": t.muni_znojmo})
    commitments = selectors.municipality_commitments(t.muni_blansko, user=users.officer)
    assert commitments[0]["year"] == 2026 and d in commitments[0]["declarations"]
    assert commitments[0]["total"] == sum(x.amount for x in commitments[0]["declarations"])


# --- district negotiation -----------------------------------------------------------------------------------

def test_district_team_comments_and_proposes_for_its_okres_the_region_decides(t, users):
    services.district_comment_add(actor=users.district_blansko, district=t.blansko_district, year=2026,
                                  text="Chybí odlehčovací služba.")
    with pytest.raises(PermissionDenied):
        services.district_comment_add(actor=users.district_blansko, district=t.znojmo_district, year=2026,
                                      text="cizí okres")
    p = services.district_proposal_submit(actor=users.district_blansko, district=t.blansko_district, year=2026,
                                          title="Návrh", text="Zařadit odlehčovací službu.")
    assert "Okresní tým Blansko předložil návrh sítě „Návrh“." in notified(users.officer)
    with pytest.raises(PermissionDenied):
        services.district_proposal_decide(actor=users.district_blansko, proposal=p, state="accepted", note="ok")
    services.district_proposal_decide(actor=users.officer, proposal=p, state="partly", note="Zčásti.")
    assert notified(users.district_blansko)[0] == "Kraj rozhodl o návrhu „Návrh“: přijat částečně."
