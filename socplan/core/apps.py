"""App configuration for core."""

from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "socplan.core"
    label = "core"
    verbose_name = _("Společné")

    def ready(self):
        from .cache_table import create_cache_table
        from .czech import register_sqlite

        connection_created.connect(register_sqlite, dispatch_uid="socplan.core.czech_collation")

        post_migrate.connect(create_cache_table, sender=self, dispatch_uid="socplan.core.cache_table")
