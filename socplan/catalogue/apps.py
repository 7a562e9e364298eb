"""App configuration for catalogue."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogueConfig(AppConfig):
    name = "socplan.catalogue"
    label = "catalogue"
    verbose_name = _("Katalog")

    def ready(self):
        from . import jobs, signals  # noqa: F401  (job kinds and registry signal handlers)
