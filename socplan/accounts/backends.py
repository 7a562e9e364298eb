"""Login throttling: django-axes' lockout backend, applied to every login that comes with a request.

Axes refuses `authenticate()` calls without a request (test clients, shell, commands). Those are not exposed
to password guessing over the network, so this subclass lets them through unchecked; every web and API login
(login page, admin, DRF basic auth) carries the request and is throttled. Settings: AXES_* in settings.py.
"""

from axes.backends import AxesStandaloneBackend


class LockoutBackend(AxesStandaloneBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
