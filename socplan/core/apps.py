"""App configuration for core."""

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "socplan.core"
    label = "core"
    verbose_name = _("Společné")

    def ready(self):
        from .cache_table import create_cache_table

        post_migrate.connect(create_cache_table, sender=self, dispatch_uid="socplan.core.cache_table")
