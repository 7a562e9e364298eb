"""App configuration for planning."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlanningConfig(AppConfig):
    name = "socplan.planning"
    label = "planning"
    verbose_name = _("Plánování")

    def ready(self):
        from socplan.attachments.registry import attachment_parent_register, scoped

        from .models import Plan

        attachment_parent_register(scoped(Plan))
