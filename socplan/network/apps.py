"""App configuration for network."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworkConfig(AppConfig):
    name = "socplan.network"
    label = "network"
    verbose_name = _("Síť služeb")

    def ready(self):
        from django.core import checks

        from .contracts import check_cofinancing_source

        checks.register(check_cofinancing_source)

        from socplan.attachments.registry import attachment_parent_register, scoped

        from .models import DevelopmentRequest

        attachment_parent_register(scoped(DevelopmentRequest))
