"""App configuration for availability."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AvailabilityConfig(AppConfig):
    name = "socplan.availability"
    label = "availability"
    verbose_name = _("Dostupnost")

    def ready(self):
        from . import jobs  # noqa: F401  (registers the job kinds)
