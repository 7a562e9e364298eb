"""App configuration for notices (notifications, e-mail preferences, unsubscribe)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NoticesConfig(AppConfig):
    name = "socplan.notices"
    label = "notices"
    verbose_name = _("Upozornění")

    def ready(self):
        from . import jobs  # noqa: F401  (registers the e-mail job kind)
