"""App configuration for documents."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "socplan.documents"
    label = "documents"
    verbose_name = _("Dokumenty")

    def ready(self):
        from socplan.core.panels import Panel, panel_register

        from . import decisions, finance_chapter, jobs, plans  # noqa: F401  (the document_render job kind; the document builders)

        panel_register(Panel("planning.action_plan", "documents/panels/action_plan_network.html",
                             _action_plan_panel_context))


def _action_plan_panel_context(request, obj):
    # imported at the first use: the panel reads the network selectors (numpy, pandas), which start-up must not pay for
    from .panels import action_plan_panel_context

    return action_plan_panel_context(request, obj)
