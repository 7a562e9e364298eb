"""App configuration for territory."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TerritoryConfig(AppConfig):
    name = "socplan.territory"
    label = "territory"
    verbose_name = _("Území")

    def ready(self):
        from . import jobs  # noqa: F401  (registers the job kinds)
