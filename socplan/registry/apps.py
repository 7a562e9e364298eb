"""App configuration for registry."""

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _load_codelists(sender, using="default", **kwargs):
    """After migrate (and after a test flush) make sure the shipped code lists are in the database."""
    from django.db import connections

    from .models import ServiceKind
    from .services import codelists_load

    if ServiceKind._meta.db_table not in connections[using].introspection.table_names():
        return
    if using != "default":
        return
    codelists_load()


class RegistryConfig(AppConfig):
    name = "socplan.registry"
    label = "registry"
    verbose_name = _("Registr služeb")

    def ready(self):
        post_migrate.connect(_load_codelists, sender=self, dispatch_uid="registry_load_codelists")
