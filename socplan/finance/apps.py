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

        panel_register(Panel("planning.measure", "finance/panels/measure_trace.html", _measure_panel_context))
        panel_register(Panel("network.entry", "finance/panels/service_year_links.html", _entry_panel_context))
        # the network's co-financing condition reads the required shares through this (dependency inversion)
        register_cofinancing_source(_CofinancingSource())

        from socplan.attachments.registry import attachment_parent_register, scoped

        from .models import GrantDecision, ProviderBudget, UnitReport

        for model in (ProviderBudget, UnitReport, GrantDecision):
            attachment_parent_register(scoped(model))


# The selectors and the trace import numpy and pandas (and the finance engine); start-up (every command, every
# worker) must not pay for them, so what is registered here imports them at the first use.

def _measure_panel_context(request, obj):
    from .trace import measure_panel_context

    return measure_panel_context(request, obj)


def _entry_panel_context(request, obj):
    from .trace import entry_panel_context

    return entry_panel_context(request, obj)


class _CofinancingSource:
    """``finance.selectors.CofinancingSource``, imported at the first call."""

    @staticmethod
    def _source():
        from .selectors import CofinancingSource

        return CofinancingSource()

    def required_by_entry(self, version):
        return self._source().required_by_entry(version)

    def shares_by_entry(self, version):
        return self._source().shares_by_entry(version)

    def share_for_request(self, request):
        return self._source().share_for_request(request)
