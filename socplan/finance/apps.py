"""App configuration for finance."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FinanceConfig(AppConfig):
    name = "socplan.finance"
    label = "finance"
    verbose_name = _("Financování")

    def ready(self):
        from socplan.core.panels import Panel, panel_register
        from socplan.network.contracts import register_cofinancing_source

        from . import jobs  # noqa: F401  (registers the job kinds)
        from .selectors import CofinancingSource
        from .trace import entry_panel_context, measure_panel_context

        panel_register(Panel("planning.measure", "finance/panels/measure_trace.html", measure_panel_context))
        panel_register(Panel("network.entry", "finance/panels/service_year_links.html", entry_panel_context))
        # the network's co-financing condition reads the required shares through this (dependency inversion)
        register_cofinancing_source(CofinancingSource())
