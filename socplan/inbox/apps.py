"""App configuration for the inbox."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InboxConfig(AppConfig):
    name = "socplan.inbox"
    label = "inbox"
    verbose_name = _("Moje práce")

    def ready(self):
        from . import jobs  # noqa: F401  (registers the reminder job kind)
