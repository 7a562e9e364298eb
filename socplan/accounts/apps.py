"""App configuration for accounts."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "socplan.accounts"
    label = "accounts"
    verbose_name = _("Uživatelé a role")

    def ready(self):
        from socplan.core.job_views import register_job_scope

        from .scope import restrict

        register_job_scope(restrict)  # jobs of a kraj are visible to its staff (socplan.core.job_views)
