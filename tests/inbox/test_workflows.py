"""Each workflow step notifies exactly the right users (scope and role) and e-mails them, and nobody else; the
inbox lists what waits for each user; the start page per role; the safe approval of a plan."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from socplan.accounts.models import Role
from socplan.finance import services as finance_services
from socplan.inbox.selectors import inbox_counts, inbox_items
from socplan.notices.models import Notification
from socplan.planning import services as planning_services
from socplan.planning.models import PlanStatus
from socplan.planning.services import ApprovalNeedsConfirmation
from tests import factories as f
from tests.finance import test_adapter_world as world
from tests.finance.test_adapter_world import YEAR

_fast_password_hashing, zlk, zlk_users = world._fast_password_hashing, world.zlk, world.zlk_users  # fixtures

pytestmark = pytest.mark.django_db

PLAN = {"cost_personnel": Decimal(1_000_000), "cost_operating": Decimal(440_000), "public_state": Decimal(1_224_000),
        "public_region": Decimal(86_400), "public_municipalities": Decimal(129_600)}


def told(topic: str) -> set[int]:
    return set(Notification.objects.filter(topic=topic).values_list("recipient_id", flat=True))


def mailed() -> list[str]:
    return sorted(a for m in mail.outbox for a in m.to)


def test_report_steps_notify_exactly_the_right_users(zlk, zlk_users, django_capture_on_commit_callbacks):
    u = zlk_users
    for user in vars(u).values():
        user.email = f"{user.username}@example.org"
        user.save()
    colleague = f.user_with_role(Role.PROVIDER_USER, provider=zlk.p1)  # another user of the same provider
    Notification.objects.all().delete()  # those of the demo's own steps
    b = finance_services.provider_budget_save(actor=u.provider1, service=zlk.a, year=YEAR, term="plan", data=PLAN)
    with django_capture_on_commit_callbacks(execute=True):
        finance_services.provider_report_submit(actor=u.provider1, report=b)
    # the kraj's approvers only: not the officer without the right, not the other kraj, not the provider
    assert told("report.submitted") == {u.approver.pk}
    assert mailed() == [u.approver.email]
    assert zlk.a.name in Notification.objects.get(topic="report.submitted").text
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        finance_services.provider_report_return(actor=u.approver, report=b, reason="Chybí rozpis nákladů.")
    # the provider's users (the submitter and the colleague), not the other provider
    assert told("report.returned") == {u.provider1.pk, colleague.pk}
    assert mailed() == sorted([u.provider1.email, colleague.email])
    assert "Chybí rozpis nákladů." in mail.outbox[0].body
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        finance_services.provider_report_submit(actor=colleague, report=b)
        finance_services.provider_report_approve(actor=u.approver, report=b)
    assert told("report.approved") == {u.provider1.pk, colleague.pk}
    assert Notification.objects.filter(topic="report.submitted", recipient=u.approver).count() == 2
    assert not Notification.objects.filter(recipient__in=[u.provider2, u.officer, u.other_region, u.nobody]).exists()


def test_the_inbox_follows_the_report(zlk, zlk_users):
    u = zlk_users
    b = finance_services.provider_budget_save(actor=u.provider1, service=zlk.a, year=YEAR, term="plan", data=PLAN)
    url = reverse("finance:budget_detail", args=[b.pk])

    def urls(user):
        return [i.url for i in inbox_items(user)]

    assert url in urls(u.provider1) and url not in urls(u.approver)  # a draft: the provider finishes it
    finance_services.provider_report_submit(actor=u.provider1, report=b)
    assert url not in urls(u.provider1) and url in urls(u.approver)
    assert url not in urls(u.officer) and url not in urls(u.other_region) and url not in urls(u.provider2)
    before = inbox_counts(u.approver).items
    finance_services.provider_report_return(actor=u.approver, report=b, reason="Oprava.")
    assert inbox_counts(u.approver).items == before - 1 and url in urls(u.provider1)
    assert inbox_counts(u.provider1).unread == 1


def test_plan_comment_steps(django_capture_on_commit_callbacks):
    coordinator, other_orp = f.orp_coordinator(), f.orp_coordinator("6220")
    citizen = f.UserFactory()
    plan = f.CommunityPlanFactory()
    f.PriorityFactory(plan=plan)
    planning_services.plan_publish_for_comments(actor=coordinator, plan=plan,
                                                comments_until=timezone.localdate() + timedelta(days=30))
    Notification.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        comment = planning_services.comment_submit(actor=citizen, plan=plan, text="Chybí odlehčovací služby.")
    assert coordinator.pk in told("planning.comment") and other_orp.pk not in told("planning.comment")
    assert citizen.pk not in told("planning.comment")
    assert any(i.url == reverse("planning:plan_detail", args=[plan.pk]) and "vypořádat" in i.action
               for i in inbox_items(coordinator))
    assert not any(i.url == reverse("planning:plan_detail", args=[plan.pk]) for i in inbox_items(other_orp))
    planning_services.comment_resolve(actor=coordinator, comment=comment, resolution="accepted",
                                      reasoning="Doplněno do opatření 2.1.")
    assert told("planning.comment_resolved") == {citizen.pk}


def test_plan_approved_before_the_comment_period_ends_needs_confirmation():
    coordinator = f.orp_coordinator()
    plan = f.CommunityPlanFactory()
    f.PriorityFactory(plan=plan)
    until = timezone.localdate() + timedelta(days=30)
    planning_services.plan_publish_for_comments(actor=coordinator, plan=plan, comments_until=until)
    with pytest.raises(ApprovalNeedsConfirmation) as exc:
        planning_services.plan_approve(actor=coordinator, plan=plan, approved_on=timezone.localdate())
    assert "Připomínkování ještě neskončilo" in exc.value.problems[0]
    plan.refresh_from_db()
    assert plan.status == PlanStatus.COMMENT
    with pytest.raises(Exception, match="Uveďte, proč"):
        planning_services.plan_approve(actor=coordinator, plan=plan, approved_on=timezone.localdate(), confirm=True)
    plan = planning_services.plan_approve(actor=coordinator, plan=plan, approved_on=timezone.localdate(),
                                          confirm=True, reason="Zastupitelstvo zasedá jen dnes.")
    assert plan.status == PlanStatus.APPROVED and plan.approval_reason == "Zastupitelstvo zasedá jen dnes."
    assert plan.approval_problems == exc.value.problems
    assert "Zastupitelstvo zasedá jen dnes." in plan.history.first().history_change_reason


def test_plan_approval_page_lists_the_problem(client):
    coordinator = f.orp_coordinator()
    plan = f.CommunityPlanFactory()
    f.PriorityFactory(plan=plan)
    planning_services.plan_publish_for_comments(actor=coordinator, plan=plan,
                                                comments_until=timezone.localdate() + timedelta(days=30))
    client.force_login(coordinator)
    url = reverse("planning:plan_adopt_update", args=[plan.pk])
    resp = client.post(url, {"approved_on": timezone.localdate().isoformat()})
    assert resp.status_code == 200 and "Připomínkování ještě neskončilo" in resp.content.decode()
    resp = client.post(url, {"approved_on": timezone.localdate().isoformat(), "confirm": "on",
                             "reason": "Usnesení zastupitelstva."})
    assert resp.status_code == 302
    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPROVED
    assert "Usnesení zastupitelstva." in client.get(reverse("planning:plan_detail", args=[plan.pk])).content.decode()


@pytest.mark.parametrize("role", ["officer", "orp", "provider"])
def test_start_page_per_role(client, role):
    if role == "officer":
        user, action = f.officer(can_approve=True), "Výkazy poskytovatelů"
    elif role == "orp":
        user, action = f.orp_coordinator(), "Komunitní plán"
    else:
        user, action = f.provider_user(f.ServiceFactory().provider), "Výkazy a rozpočty"
    client.force_login(user)
    page = client.get("/?rok=2027").content.decode()
    assert 'data-testid="start-seat"' in page and "2027" in page and action in page
    assert 'data-testid="header-inbox-count"' in page
    client.logout()
    assert 'data-testid="start-seat"' not in client.get("/").content.decode()
