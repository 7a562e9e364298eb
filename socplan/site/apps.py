"""App configuration for site: the assembled product, above every domain app."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SiteConfig(AppConfig):
    name = "socplan.site"
    label = "site"
    verbose_name = _("Aplikace socplan")
