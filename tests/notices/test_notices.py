"""Notifications: who is told, e-mails at once / in the digest / not at all, one-click unsubscribe, the worker's
periodic jobs, and reminders sent once per deadline."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from socplan.accounts.models import RoleAssignment
from socplan.core import worker
from socplan.inbox.jobs import reminders_send
from socplan.notices import services
from socplan.notices.models import EmailMode, EmailState, Notification, Preference
from socplan.planning import services as planning_services
from socplan.planning.models import PlanStatus
from tests import factories as f

pytestmark = pytest.mark.django_db


def texts(user):
    return list(Notification.objects.filter(recipient=user).values_list("text", flat=True))


def test_notify_skips_the_actor_and_mails_at_once(django_capture_on_commit_callbacks):
    a, b, actor = f.UserFactory(), f.UserFactory(), f.UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        services.notify({a.pk, b.pk, actor.pk, None}, actor=actor, text="Výkaz vrácen k opravě.", url="/x/")
    assert texts(a) == texts(b) == ["Výkaz vrácen k opravě."] and texts(actor) == []
    assert sorted(m.to[0] for m in mail.outbox) == sorted([a.email, b.email])
    msg = mail.outbox[0]
    assert "Výkaz vrácen k opravě." in msg.subject and "http://" in msg.body and "/x/" in msg.body
    assert msg.alternatives and msg.alternatives[0][1] == "text/html"
    assert msg.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert set(Notification.objects.filter(recipient__in=[a, b]).values_list("email_state", flat=True)) == {"sent"}


def test_nothing_is_mailed_when_the_step_rolls_back(django_capture_on_commit_callbacks):
    a = f.UserFactory()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.notify({a.pk}, actor=None, text="x")
    assert callbacks and mail.outbox == []  # sent only by the commit of the step's transaction


def test_preferences_off_and_digest(django_capture_on_commit_callbacks):
    now_user, digest_user, off_user = f.UserFactory(), f.UserFactory(), f.UserFactory()
    services.preference_set(actor=digest_user, email_mode=EmailMode.DIGEST)
    services.preference_set(actor=off_user, email_mode=EmailMode.OFF)
    with django_capture_on_commit_callbacks(execute=True):
        services.notify({now_user.pk, digest_user.pk, off_user.pk}, actor=None, text="První.")
        services.notify({now_user.pk, digest_user.pk, off_user.pk}, actor=None, text="Druhé.")
    assert [m.to for m in mail.outbox] == [[now_user.email], [now_user.email]]
    assert len(texts(off_user)) == 2  # shown in the app all the same
    assert set(Notification.objects.filter(recipient=off_user).values_list("email_state", flat=True)) == {"skipped"}
    mail.outbox.clear()
    assert services.emails_send_digests() == 1
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [digest_user.email]
    assert "První." in mail.outbox[0].body and "Druhé." in mail.outbox[0].body
    assert "2 nová upozornění" in mail.outbox[0].subject  # Czech plural for 2–4
    # once a day: a new notification waits for tomorrow's digest
    services.notify({digest_user.pk}, actor=None, text="Třetí.")
    assert services.emails_send_digests() == 0
    assert services.emails_send_digests(now=timezone.now() + timedelta(days=1)) == 1
    assert "Třetí." in mail.outbox[-1].body and "První." not in mail.outbox[-1].body


def test_one_click_unsubscribe(client):
    user = f.UserFactory()
    url = reverse("notices:unsubscribe", args=[services.unsubscribe_token(user)])
    assert client.get(url).status_code == 200  # asks first: a link checker must not unsubscribe anyone
    assert not Preference.objects.filter(user=user).exists()
    resp = client.post(url, {"List-Unsubscribe": "One-Click"})  # as a mail client posts it, without CSRF
    assert resp.status_code == 200
    assert Preference.objects.get(user=user).email_mode == EmailMode.OFF
    assert client.post(url[:-5] + "xxxx/").status_code == 404  # a damaged token
    other = f.UserFactory()
    forged = reverse("notices:unsubscribe", args=[services.unsubscribe_token(user).replace(
        str(user.pk), str(other.pk), 1)])
    client.post(forged)
    assert not Preference.objects.filter(user=other, email_mode=EmailMode.OFF).exists()


def test_preferences_page_and_own_notifications_only(client):
    user, other = f.UserFactory(), f.UserFactory()
    mine = services.notify({user.pk}, actor=None, text="Moje.")[0]
    theirs = services.notify({other.pk}, actor=None, text="Cizí.")[0]
    client.force_login(user)
    page = client.get(reverse("notices:list")).content.decode()
    assert "Moje." in page and "Cizí." not in page
    assert client.post(reverse("notices:read", args=[theirs.pk])).status_code == 404
    client.post(reverse("notices:read", args=[mine.pk]))
    mine.refresh_from_db()
    assert mine.read_at is not None
    client.post(reverse("notices:preferences"), {"email_mode": "digest"})
    assert Preference.objects.get(user=user).email_mode == EmailMode.DIGEST
    resp = client.post(reverse("notices:preferences"), {"email_mode": "weekly"})
    assert resp.status_code == 200 and Preference.objects.get(user=user).email_mode == EmailMode.DIGEST


def test_the_job_retries_what_the_mail_server_refused(settings, django_capture_on_commit_callbacks):
    user = f.UserFactory()
    settings.EMAIL_BACKEND = "tests.notices.failing_backend.Backend"
    with django_capture_on_commit_callbacks(execute=True):
        n = services.notify({user.pk}, actor=None, text="Zkusit znovu.")[0]
    n.refresh_from_db()
    assert n.email_state == EmailState.PENDING
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert services.emails_send_immediate() == 1 and mail.outbox[-1].to == [user.email]
    assert services.emails_send_immediate() == 0


# --- reminders ------------------------------------------------------------------------------------------------

def _plan_in_comment(until):
    plan = f.CommunityPlanFactory()
    f.PriorityFactory(plan=plan)
    return planning_services.plan_publish_for_comments(actor=None, plan=plan, comments_until=until)


def test_reminders_once_per_deadline_and_once_when_overdue(django_capture_on_commit_callbacks):
    today = timezone.localdate()
    coordinator = f.orp_coordinator()
    other_orp = f.orp_coordinator("6220")  # Znojmo: not this plan's team
    plan = _plan_in_comment(today + timedelta(days=3))
    far = _plan_in_comment(today + timedelta(days=60))
    url, far_url = (reverse("planning:plan_detail", args=[p.pk]) for p in (plan, far))
    Notification.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        reminders_send(today)
        reminders_send(today)  # idempotent: a second run sends nothing
    told = Notification.objects.filter(recipient=coordinator, topic="reminder.before", url=url)
    assert told.count() == 1 and "Blíží se termín" in told.get().text
    assert [m.to for m in mail.outbox].count([coordinator.email]) >= 1
    assert not Notification.objects.filter(url=far_url).exists()  # 60 days ahead: not yet
    assert not Notification.objects.filter(recipient=other_orp).exists()
    # the day after the deadline: one overdue note, once
    reminders_send(today + timedelta(days=4))
    reminders_send(today + timedelta(days=4))
    assert Notification.objects.filter(recipient=coordinator, topic="reminder.overdue", url=url).count() == 1
    assert Notification.objects.filter(recipient=coordinator, topic="reminder.before", url=url).count() == 1


def test_periodic_kinds_and_heartbeat():
    assert {"reminders_send", "notices_send"} <= set(worker.PERIODIC)
    assert worker.periodic_due(1000.0, {}) and worker.periodic_due(1000.0, {k: 999.0 for k in worker.PERIODIC}) == []
    worker.heartbeat(timezone.now() - timedelta(minutes=10))
    assert not worker.worker_alive()
    worker.heartbeat()
    assert worker.worker_alive()


def test_job_pages_warn_without_a_worker(client):
    from django.core.cache import cache

    user = f.UserFactory()
    client.force_login(user)
    cache.delete(worker.HEARTBEAT_KEY)
    assert 'data-testid="worker-warning"' in client.get(reverse("core:job_list")).content.decode()
    worker.heartbeat()
    assert worker.worker_alive(), cache.get(worker.HEARTBEAT_KEY)
    assert 'data-testid="worker-warning"' not in client.get(reverse("core:job_list")).content.decode()


def test_role_assignments_decide_who_is_told(django_capture_on_commit_callbacks):
    active, inactive = f.orp_coordinator(), f.orp_coordinator()
    RoleAssignment.objects.filter(user=inactive).update(is_active=False)
    plan = _plan_in_comment(timezone.localdate() + timedelta(days=20))
    assert plan.status == PlanStatus.COMMENT
    assert texts(active) and not texts(inactive)
