"""App configuration for documents."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "socplan.documents"
    label = "documents"
    verbose_name = _("Dokumenty")

    def ready(self):
        from . import jobs, plans  # noqa: F401  (the document_render job kind; the plan document builders)
