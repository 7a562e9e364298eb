"""App configuration for evaluation."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    name = "socplan.evaluation"
    label = "evaluation"
    verbose_name = _("Hodnocení")

    def ready(self):
        from . import jobs  # noqa: F401  (registers the job kinds)
