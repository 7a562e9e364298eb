"""Writes of notices: `notify` (called by every domain app in the transaction of its step), marking read,
the user's e-mail preference and the unsubscribe link, and the sending of e-mails (at once or as a daily digest).

E-mails go through Django's e-mail framework (SMTP from the environment, the console in the demo, the locmem
outbox in tests) after the step's transaction commits, so a step that fails sends nothing.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from socplan.accounts.models import RoleAssignment
from socplan.accounts.scope import require

from .emails import digest_message, notice_message
from .models import EmailMode, EmailState, Notification, Preference, ReminderSetting

log = logging.getLogger(__name__)

UNSUBSCRIBE_SALT = "socplan.notices.unsubscribe"
MAX_REMIND_DAYS = 365


def recipients(*, roles: Iterable[str], region_id=None, district_id=None, orp_id=None, provider_id=None,
               approvers: bool = False) -> set[int]:
    """Users holding an active assignment of one of `roles` in the given unit (the people a step concerns)."""
    qs = RoleAssignment.objects.active().filter(role__in=list(roles), user__is_active=True)
    for field, value in (("region_id", region_id), ("district_id", district_id), ("orp_id", orp_id),
                         ("provider_id", provider_id)):
        if value is not None:
            qs = qs.filter(**{field: value})
    if approvers:
        qs = qs.filter(can_approve=True)
    return set(qs.values_list("user_id", flat=True))


def notify(user_ids: Iterable[int | None], *, actor, text: str, url: str = "", region_id: int | None = None,
           topic: str = "", key: str = "") -> list[Notification]:
    """Tell `user_ids` (without the actor, who did it) about a step. With `key`, a recipient who already has a
    notification of that key gets nothing new (reminders are sent once per deadline)."""
    skip = getattr(actor, "pk", None)
    ids = sorted({u for u in user_ids if u and u != skip})
    if key:
        have = set(Notification.objects.filter(key=key[:120], recipient_id__in=ids)
                   .values_list("recipient_id", flat=True))
        ids = [u for u in ids if u not in have]
    if not ids:
        return []
    modes = dict(Preference.objects.filter(user_id__in=ids).values_list("user_id", "email_mode"))
    rows = [Notification(recipient_id=uid, region_id=region_id, text=text[:500], url=url[:300], topic=topic[:60],
                         key=key[:120],
                         email_state=(EmailState.SKIPPED if modes.get(uid) == EmailMode.OFF else EmailState.PENDING))
            for uid in ids]
    created = Notification.objects.bulk_create(rows)
    now_ids = [uid for uid in ids if modes.get(uid, EmailMode.IMMEDIATELY) == EmailMode.IMMEDIATELY]
    if now_ids:
        transaction.on_commit(lambda: emails_send_immediate(recipient_ids=now_ids))
    return created


@transaction.atomic
def notification_mark_read(*, actor, notification: Notification) -> Notification:
    if notification.recipient_id != getattr(actor, "pk", None):
        raise PermissionDenied
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


@transaction.atomic
def notifications_mark_all_read(*, actor) -> int:
    return Notification.objects.filter(recipient_id=actor.pk, read_at__isnull=True).update(read_at=timezone.now())


@transaction.atomic
def preference_set(*, actor, email_mode: str) -> Preference:
    if email_mode not in EmailMode.values:
        raise ValidationError(_("Neznámé nastavení e-mailů."))
    pref, _created = Preference.objects.select_for_update().get_or_create(user_id=actor.pk)
    pref.email_mode = email_mode
    pref.save(update_fields=["email_mode"])
    if email_mode == EmailMode.OFF:
        Notification.objects.filter(recipient_id=actor.pk, email_state=EmailState.PENDING).update(
            email_state=EmailState.SKIPPED)
    return pref


def unsubscribe_token(user) -> str:
    return signing.dumps({"u": user.pk}, salt=UNSUBSCRIBE_SALT)


def unsubscribe_user(token: str):
    """The user a signed unsubscribe token names, or None when the token is forged or damaged."""
    try:
        data = signing.loads(token[:300], salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    return get_user_model().objects.filter(pk=data.get("u"), is_active=True).first()


@transaction.atomic
def unsubscribe(*, token: str):
    """One-click unsubscribe: the token is the permission (it was sent to the user's own address)."""
    user = unsubscribe_user(token)
    if user is None:
        raise ValidationError(_("Odkaz pro odhlášení není platný."))
    preference_set(actor=user, email_mode=EmailMode.OFF)
    return user


# --- sending --------------------------------------------------------------------------------------------------

def _send(message) -> bool:
    try:
        message.send()
    except (OSError, smtplib.SMTPException):
        # The mail server is down: the notification stays pending and the periodic job tries again.
        log.warning("e-mail to %s not sent", message.to, exc_info=True)
        return False
    return True


def emails_send_immediate(*, recipient_ids: Iterable[int] | None = None) -> int:
    """Send the pending notifications of users who want them at once (one e-mail per notification)."""
    qs = Notification.objects.filter(email_state=EmailState.PENDING).select_related("recipient")
    qs = qs.exclude(recipient__notice_preference__email_mode__in=[EmailMode.DIGEST, EmailMode.OFF])
    if recipient_ids is not None:
        qs = qs.filter(recipient_id__in=list(recipient_ids))
    sent = 0
    for n in qs.order_by("pk")[:1000]:
        if not n.recipient.email:
            Notification.objects.filter(pk=n.pk).update(email_state=EmailState.SKIPPED)
            continue
        if _send(notice_message(n, unsubscribe_token(n.recipient))):
            Notification.objects.filter(pk=n.pk).update(email_state=EmailState.SENT, emailed_at=timezone.now())
            sent += 1
    return sent


def emails_send_digests(*, now=None) -> int:
    """Send one digest per user who wants a daily digest and has pending notifications (at most once a day)."""
    now = now or timezone.now()
    sent = 0
    prefs = Preference.objects.filter(email_mode=EmailMode.DIGEST).select_related("user")
    for pref in prefs:
        if pref.last_digest_at and now - pref.last_digest_at < timedelta(hours=20):
            continue
        items = list(Notification.objects.filter(recipient_id=pref.user_id, email_state=EmailState.PENDING)
                     .order_by("created_at", "pk")[:200])
        if not items:
            continue
        if not pref.user.email:
            Notification.objects.filter(pk__in=[n.pk for n in items]).update(email_state=EmailState.SKIPPED)
            continue
        if _send(digest_message(pref.user, items, unsubscribe_token(pref.user))):
            with transaction.atomic():
                Notification.objects.filter(pk__in=[n.pk for n in items]).update(
                    email_state=EmailState.SENT, emailed_at=now)
                Preference.objects.filter(pk=pref.pk).update(last_digest_at=now)
            sent += 1
    return sent


def base_url() -> str:
    return settings.SOCPLAN_BASE_URL.rstrip("/")


# --- reminder settings ----------------------------------------------------------------------------------------

@transaction.atomic
def reminder_days_set(*, actor, obj, days: int | None) -> ReminderSetting | None:
    """How many days before its deadlines `obj` (a plan, a subsidy programme) is reminded of; None = the site's
    setting (`SOCPLAN_REMIND_DAYS`). Whoever may change the object sets it; the change is in the history."""
    require(actor, "change", obj)
    ct = ContentType.objects.get_for_model(obj, for_concrete_model=True)
    current = ReminderSetting.objects.select_for_update().filter(content_type=ct, object_id=obj.pk).first()
    if days is None:
        if current is not None:
            current._history_user = actor if getattr(actor, "pk", None) else None
            current.delete()
        return None
    if not 0 <= int(days) <= MAX_REMIND_DAYS:
        raise ValidationError({"days_before": _("Počet dní před termínem musí být 0 až %(max)s.")
                               % {"max": MAX_REMIND_DAYS}})
    setting = current or ReminderSetting(content_type=ct, object_id=obj.pk)
    setting.days_before = int(days)
    setting.updated_by = actor if getattr(actor, "pk", None) else None
    setting._history_user = setting.updated_by
    setting.save()
    return setting
