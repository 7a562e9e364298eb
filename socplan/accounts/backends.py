"""Login throttling: django-axes' lockout backend, applied to every login that comes with a request.

Axes refuses `authenticate()` calls without a request (test clients, shell, commands). Those are not exposed
to password guessing over the network, so this subclass lets them through unchecked; every web and API login
(login page, admin, DRF basic auth) carries the request and is throttled. Settings: AXES_* in settings.py.

A user name comes from outside (the login form, an HTTP Basic header) and is both a lookup key and a lockout
key stored by axes. `lockout_username` (AXES_USERNAME_CALLABLE) makes the lockout key storable in any database:
control characters (a NUL cannot be stored in PostgreSQL text) become U+FFFD and the key is cut to the column's
255 characters. `ModelBackend` refuses a user name with a NUL outright (no user can have one: user names are
validated when they are created), instead of sending it to the database.
"""

from __future__ import annotations

import re

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.contrib.auth import backends, get_user_model

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
LOCKOUT_USERNAME_MAX = 255  # axes' AccessAttempt.username / AccessFailureLog.username


def lockout_username(request, credentials: dict | None) -> str | None:
    """The user name axes counts failed logins under (from the credentials, else the posted form)."""
    field = settings.AXES_USERNAME_FORM_FIELD
    if credentials:
        username = credentials.get(field)
    else:
        username = getattr(request, "data", request.POST).get(field) if request is not None else None
    if username is None:
        return None
    return _CONTROL.sub("\ufffd", str(username))[:LOCKOUT_USERNAME_MAX]


class LockoutBackend(AxesStandaloneBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


class ModelBackend(backends.ModelBackend):
    """Django's user/password backend that does not look up a user name no user can have (one with a NUL)."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        if isinstance(username, str) and "\x00" in username:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
