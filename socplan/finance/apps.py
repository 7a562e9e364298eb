"""App configuration for finance."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FinanceConfig(AppConfig):
    name = "socplan.finance"
    label = "finance"
    verbose_name = _("Financování")

    def ready(self):
        from . import jobs  # noqa: F401  (registers the job kinds)
