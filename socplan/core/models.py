"""Abstract building blocks shared by the domain apps: optimistic locking and record provenance."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Source(models.TextChoices):
    """Where a record's data came from — shown on every record (issue: registry)."""

    MPSV = "mpsv", _("import z registru MPSV")
    PROVIDER = "provider", _("poskytovatel")
    OFFICER = "officer", _("krajský úřad")
    SYNTHETIC = "synthetic", _("syntetická demo data")
    CSU = "csu", _("ČSÚ")


class VersionedModel(models.Model):
    """Optimistic locking: every save through `socplan.core.services.model_update` bumps `version`.

    An edit form carries the version it was loaded with; a save with a stale version is refused
    (see `socplan.core.services.StaleEdit`) instead of silently overwriting someone else's change.
    """

    version = models.PositiveIntegerField(_("verze záznamu"), default=1, editable=False)

    class Meta:
        abstract = True


class ProvenanceModel(models.Model):
    source = models.CharField(_("zdroj"), max_length=16, choices=Source.choices, default=Source.OFFICER)
    verified_at = models.DateTimeField(_("naposledy ověřeno"), null=True, blank=True)

    class Meta:
        abstract = True
