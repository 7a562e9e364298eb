"""Reads of notices: a user's own notifications and preference (nobody reads another user's)."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType

from .models import EmailMode, Notification, Preference, ReminderSetting


def notifications_for(user, *, unread_only: bool = False):
    if user is None or not user.is_authenticated:
        return Notification.objects.none()
    qs = Notification.objects.filter(recipient=user)
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return qs


def unread_count(user) -> int:
    return notifications_for(user, unread_only=True).count()


def email_mode(user) -> str:
    pref = Preference.objects.filter(user_id=user.pk).first()
    return pref.email_mode if pref else EmailMode.IMMEDIATELY


def reminder_days(model, ids) -> dict[int, int]:
    """Days before a deadline set for the objects `ids` of `model` (a plan, a subsidy programme); objects
    without their own setting are missing (the site's `SOCPLAN_REMIND_DAYS` applies: `default_remind_days`)."""
    ct = ContentType.objects.get_for_model(model, for_concrete_model=True)
    return dict(ReminderSetting.objects.filter(content_type=ct, object_id__in=list(ids))
                .values_list("object_id", "days_before"))


def default_remind_days() -> int:
    return settings.SOCPLAN_REMIND_DAYS
