"""Abstract building blocks shared by the domain apps: optimistic locking, parameter editions and record provenance."""

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


class EditionQuerySet(models.QuerySet):
    """Yearly parameters kept in editions (``edition``, ``supersedes`` → related name ``superseded_by``)."""

    def current(self):
        """The newest set of each kraj and year: the one no later set supersedes."""
        return self.filter(superseded_by__isnull=True)


class EditionMixin:
    """Label and state of a yearly parameter set kept in editions: a frozen set is not changed, a new edition
    supersedes it (network settings, finance parameters). The model declares ``edition`` and ``supersedes``."""

    def __str__(self):
        label = f"{self.region} {self.year}"
        if self.edition > 1:
            label += " (" + _("vydání %(n)s") % {"n": self.edition} + ")"
        return label

    @property
    def is_current(self) -> bool:
        """No later set of the kraj and year supersedes this one."""
        return not type(self).objects.filter(supersedes_id=self.pk).exists()


class ProvenanceModel(models.Model):
    source = models.CharField(_("zdroj"), max_length=16, choices=Source.choices, default=Source.OFFICER)
    verified_at = models.DateTimeField(_("naposledy ověřeno"), null=True, blank=True)

    class Meta:
        abstract = True


class Job(models.Model):
    """A long-running piece of work (national import, document generation, optimisation run).

    The work itself runs in a Django task (django-tasks, database-backed worker `socplan db_worker`);
    this row is what users and the CLI watch: status, progress 0–100 %, a message and the result.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("čeká ve frontě")
        RUNNING = "running", _("běží")
        DONE = "done", _("dokončeno")
        FAILED = "failed", _("selhalo")

    kind = models.CharField(_("druh úlohy"), max_length=64)
    params = models.JSONField(_("parametry"), default=dict, blank=True)
    status = models.CharField(_("stav"), max_length=16, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(_("průběh (%)"), default=0)
    message = models.TextField(_("zpráva"), blank=True)
    result = models.JSONField(_("výsledek"), null=True, blank=True)
    created_by = models.ForeignKey("auth.User", null=True, blank=True, on_delete=models.SET_NULL,
                                   verbose_name=_("zadal"))
    created_at = models.DateTimeField(_("zadáno"), auto_now_add=True)
    started_at = models.DateTimeField(_("spuštěno"), null=True, blank=True)
    finished_at = models.DateTimeField(_("dokončeno"), null=True, blank=True)
    task_id = models.CharField(_("id úlohy ve frontě"), max_length=64, blank=True)
    region = models.ForeignKey("territory.Region", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+", editable=False, verbose_name=_("kraj"),
                               help_text=_("Kraj, jehož data úloha zpracovává; její průběh vidí pracovníci kraje."))

    # the staff of the job's kraj see it (besides its starter and superusers); nobody changes a job through the
    # permission layer (`socplan.core.job_views.visible_jobs`)
    SCOPE = {"region": "region", "district": None, "orp": None, "provider": None, "private": True,
             "view_roles": ("region_admin", "region_officer"), "edit_roles": ()}

    class Meta:
        verbose_name = _("úloha na pozadí")
        verbose_name_plural = _("úlohy na pozadí")
        ordering = ["-created_at"]
        constraints = [models.CheckConstraint(condition=models.Q(progress__lte=100), name="job_progress_max_100")]

    def __str__(self):
        return f"{self.kind} #{self.pk} ({self.get_status_display()})"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)
