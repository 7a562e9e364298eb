"""Reminders of subsidy-programme deadlines (applications, decisions, settlement, refunds) and of comment periods:
N days before (N set per programme and per plan, else the site's setting), once per deadline whatever the number
of runs, and to the people who must act — providers for their applications and settlement reports, the kraj's
staff for decisions and the check of reports — through notifications and e-mail. The clock is fixed: every run
is given its day."""

from __future__ import annotations

import datetime as dt
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse

from socplan.finance import inbox as finance_inbox
from socplan.finance import programmes, services
from socplan.inbox.jobs import reminders_send
from socplan.notices.models import Notification, ReminderSetting
from socplan.notices.services import reminder_days_set
from socplan.planning import services as planning_services
from tests import factories as f
from tests.finance import test_adapter_world as world
from tests.finance.test_adapter_world import YEAR

_fast_password_hashing, zlk, zlk_users = world._fast_password_hashing, world.zlk, world.zlk_users  # fixtures

pytestmark = pytest.mark.django_db

APPLICATIONS_TO = dt.date(YEAR - 1, 10, 31)
DECISIONS_BY = dt.date(YEAR, 3, 31)
REPORTS_BY = dt.date(YEAR + 1, 2, 15)
BUDGET = {"cost_personnel": Decimal(1_000_000), "cost_operating": Decimal(440_000), "public_state": Decimal(1_224_000),
          "public_region": Decimal(86_400), "public_municipalities": Decimal(129_600)}


def actual_budget(u, service, *, approve: bool):
    """The planned and adjusted budgets approved, then the actual one submitted (and approved if asked)."""
    for term in ("plan", "adjusted", "actual"):
        b = services.provider_budget_save(actor=u.provider1, service=service, year=YEAR, term=term, data=BUDGET)
        services.provider_report_submit(actor=u.provider1, report=b)
        if term != "actual" or approve:
            services.provider_report_approve(actor=u.approver, report=b)
    return b


def make_round(zlk, code="zlk-test"):
    programme = programmes.programme_create(
        actor=None, region=zlk.region, year=YEAR, code=code, name=f"Program {code}", legal_basis="state_101a",
        budget=Decimal(20_000_000), entrustment_from=YEAR, entrustment_to=YEAR + 3)
    return programmes.programme_round_create(
        actor=None, programme=programme, number=1, budget=Decimal(6_853_500), applications_from=dt.date(YEAR - 1, 9, 1),
        applications_to=APPLICATIONS_TO, decisions_by=DECISIONS_BY, reports_by=REPORTS_BY)


def told(user, what: str) -> list[str]:
    """The keys of `user`'s reminders of this round's date `what` (applications_to, decisions_by, reports_by)."""
    return sorted(Notification.objects.filter(recipient=user, key__contains=f".{what}.")
                  .filter(key__startswith="finance.").values_list("key", flat=True))


@pytest.fixture
def u(zlk, zlk_users):
    for user in vars(zlk_users).values():
        user.email = f"{user.username}@example.org"
        user.save()
    Notification.objects.all().delete()
    return zlk_users


def test_programme_deadlines_reach_the_right_people_n_days_before_once(zlk, u, django_capture_on_commit_callbacks):
    rnd = make_round(zlk)
    reminder_days_set(actor=u.approver, obj=rnd.programme, days=10)  # the programme's own N
    providers, staff = [u.provider1, u.provider2], [u.approver, u.officer]

    # applications: the providers of the kraj's services, 10 days before (not 11), once
    reminders_send(APPLICATIONS_TO - timedelta(days=11))
    assert all(told(x, "applications_to") == [] for x in providers)
    with django_capture_on_commit_callbacks(execute=True):
        reminders_send(APPLICATIONS_TO - timedelta(days=10))
        reminders_send(APPLICATIONS_TO - timedelta(days=3))  # again: nothing new
    key = f"finance.round.{rnd.pk}.applications_to.{APPLICATIONS_TO.isoformat()}.before"
    assert all(told(x, "applications_to") == [key] for x in providers)
    assert all(told(x, "applications_to") == [] for x in staff + [u.other_region, u.nobody])
    ours = {x.email for x in vars(u).values()}  # (the demo kraj's own programmes remind the demo's users)
    assert sorted(a for m in mail.outbox for a in m.to if a in ours) == sorted(x.email for x in providers)
    n = Notification.objects.get(recipient=u.provider1, key=key)
    assert n.text == (f"Blíží se termín: Příjem žádostí do programu Program zlk-test, 1. kolo končí "
                      f"{APPLICATIONS_TO.day}. {APPLICATIONS_TO.month}. {APPLICATIONS_TO.year}.")
    assert n.url == reverse("finance:programme_detail", args=[rnd.programme_id])

    # decisions: the kraj's staff; overdue once when the round has no approved allocation
    reminders_send(DECISIONS_BY - timedelta(days=10))
    assert all(len(told(x, "decisions_by")) == 1 for x in staff)
    assert all(told(x, "decisions_by") == [] for x in providers + [u.other_region])
    reminders_send(DECISIONS_BY + timedelta(days=1))
    reminders_send(DECISIONS_BY + timedelta(days=2))
    assert all(len(told(x, "decisions_by")) == 2 for x in staff)  # before + overdue
    assert Notification.objects.filter(recipient=u.approver, key__endswith="decisions_by."
                                       f"{DECISIONS_BY.isoformat()}.overdue").count() == 1

    # settlement: each provider with a decision of the round (for its decision), the staff to check the reports
    run = services.allocation_run_approve(actor=u.approver, run=services.allocation_run(
        actor=None, region=zlk.region, year=YEAR, budget=rnd.budget, programme_round=rnd))
    decisions = {d.provider_id: d for d in programmes.decisions_issue(actor=u.approver, run=run,
                                                                      issued_on=dt.date(YEAR, 2, 10))}
    reminders_send(REPORTS_BY - timedelta(days=10))
    for user, provider in ((u.provider1, zlk.p1), (u.provider2, zlk.p2)):
        assert told(user, "reports_by") == [
            f"finance.decision.{decisions[provider.pk].pk}.reports_by.{REPORTS_BY.isoformat()}.before"]
        note = Notification.objects.get(recipient=user, key__contains=".reports_by.")
        assert decisions[provider.pk].number in note.text
        assert note.url == reverse("finance:decision_detail", args=[decisions[provider.pk].pk])
    assert all(told(x, "reports_by") == [f"finance.round.{rnd.pk}.reports_by.{REPORTS_BY.isoformat()}.before"]
               for x in staff)
    # provider 1 submits the actual budget of its service: its overdue note does not come; provider 2's does
    actual_budget(u, zlk.a, approve=False)
    reminders_send(REPORTS_BY + timedelta(days=1))
    assert not any(k.endswith(".overdue") for k in told(u.provider1, "reports_by"))
    assert any(k.endswith(".overdue") for k in told(u.provider2, "reports_by"))


def test_the_site_setting_applies_without_a_programme_setting(zlk, u, settings):
    settings.SOCPLAN_REMIND_DAYS = 5
    rnd = make_round(zlk)
    reminders_send(DECISIONS_BY - timedelta(days=6))
    assert told(u.approver, "decisions_by") == []
    reminders_send(DECISIONS_BY - timedelta(days=5))
    assert len(told(u.approver, "decisions_by")) == 1
    # two programmes, two settings: the other programme's N does not move this one
    other = make_round(zlk, code="zlk-jiny")
    reminder_days_set(actor=u.approver, obj=other.programme, days=30)
    reminders_send(DECISIONS_BY - timedelta(days=30))
    assert told(u.officer, "decisions_by") == sorted(
        f"finance.round.{r.pk}.decisions_by.{DECISIONS_BY.isoformat()}.before" for r in (rnd, other))
    assert Notification.objects.filter(key__startswith=f"finance.round.{rnd.pk}.").count() == 2  # still once each


def test_the_comment_period_of_each_plan_has_its_own_n():
    coordinator = f.orp_coordinator()
    until = dt.date(2031, 1, 31)
    plans = []
    for _ in range(2):
        plan = f.CommunityPlanFactory()
        f.PriorityFactory(plan=plan)
        plans.append(planning_services.plan_publish_for_comments(actor=None, plan=plan, comments_until=until))
    early, default = plans
    officer = f.officer()
    reminder_days_set(actor=officer, obj=early, days=21)
    Notification.objects.all().delete()
    reminders_send(until - timedelta(days=21))
    urls = set(Notification.objects.filter(recipient=coordinator).values_list("url", flat=True))
    assert urls == {reverse("planning:plan_detail", args=[early.pk])}
    reminders_send(until - timedelta(days=7))  # the site's default reaches the other plan
    urls = set(Notification.objects.filter(recipient=coordinator).values_list("url", flat=True))
    assert urls == {reverse("planning:plan_detail", args=[p.pk]) for p in plans}
    assert Notification.objects.filter(recipient=coordinator).count() == 2


def test_who_may_set_n_and_its_history(zlk, u, client):
    rnd = make_round(zlk)
    with pytest.raises(Exception) as exc:
        reminder_days_set(actor=u.provider1, obj=rnd.programme, days=3)
    assert type(exc.value).__name__ == "PermissionDenied"
    with pytest.raises(Exception) as exc:
        reminder_days_set(actor=u.approver, obj=rnd.programme, days=400)
    assert "0 až 365" in str(exc.value)
    setting = reminder_days_set(actor=u.officer, obj=rnd.programme, days=14)
    assert setting.history.first().history_user == u.officer
    # the page: the officer sets it, the provider sees no programme to set
    client.force_login(u.officer)
    page = client.get("/prace/terminy/").content.decode()
    assert f'data-testid="reminder-finance.programme-{rnd.programme_id}"' in page
    r = client.post("/prace/terminy/", {"source": "finance.programme", "pk": rnd.programme_id, "days": "3"})
    assert r.status_code == 302
    assert ReminderSetting.objects.get(object_id=rnd.programme_id).days_before == 3
    r = client.post("/prace/terminy/", {"source": "finance.programme", "pk": rnd.programme_id, "days": "-1"})
    assert r.status_code == 400
    r = client.post("/prace/terminy/", {"source": "finance.programme", "pk": rnd.programme_id, "days": ""})
    assert r.status_code == 302 and not ReminderSetting.objects.filter(object_id=rnd.programme_id).exists()
    client.force_login(u.provider1)
    page = client.get("/prace/terminy/").content.decode()
    assert f'data-testid="reminder-finance.programme-{rnd.programme_id}"' not in page
    r = client.post("/prace/terminy/", {"source": "finance.programme", "pk": rnd.programme_id, "days": "3"})
    assert r.status_code == 403


def test_the_inbox_shows_the_programme_deadlines_of_the_next_weeks(zlk, u):
    rnd = make_round(zlk)
    today = DECISIONS_BY - timedelta(days=20)
    staff_items = finance_inbox.deadline_items(u.officer, today)
    assert [(i.action, i.due) for i in staff_items] == [("schválit rozdělení kola", DECISIONS_BY)]
    assert finance_inbox.deadline_items(u.provider1, today) == []
    assert finance_inbox.deadline_items(u.officer, DECISIONS_BY - timedelta(days=90)) == []  # too far ahead
    run = services.allocation_run_approve(actor=u.approver, run=services.allocation_run(
        actor=None, region=zlk.region, year=YEAR, budget=rnd.budget, programme_round=rnd))
    programmes.decisions_issue(actor=u.approver, run=run, issued_on=dt.date(YEAR, 2, 10))
    assert finance_inbox.deadline_items(u.officer, today) == []  # decided
    later = REPORTS_BY + timedelta(days=2)
    items = finance_inbox.deadline_items(u.provider2, later)
    assert [(i.action, i.due, i.state) for i in items] == [("předložit vyúčtování dotace", REPORTS_BY, "po termínu")]
    assert all(i.module == "finance" for i in items)
