"""Reads of notices: a user's own notifications and preference (nobody reads another user's)."""

from .models import EmailMode, Notification, Preference


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
