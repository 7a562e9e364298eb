"""Approved decisions are immutable: a change creates a new version.

Contract for apps with approvable records (network decisions, allocations, plans …):

1. The model inherits ``ImmutableWhenApproved`` (abstract; adds ``approved_at``, ``approved_by`` and
   ``supersedes``) and declares ``SCOPE`` and ``history = HistoricalRecords()``.
2. Approving goes through ``record_approve(actor=…, instance=…)``: it checks ``can(actor, "approve", obj)``
   (region staff of the kraj with ``can_approve``), stamps the approval and records it in the history.
3. Once approved, ``save()`` and ``delete()`` of that row raise ``ApprovedRecordImmutable`` — whoever
   calls them (pages, API, admin, commands). ``QuerySet.update()``/``delete()`` bypass model methods: do
   not use them on approvable models outside migrations.
4. To change an approved record call ``record_new_version(actor=…, instance=…, data={…})``: it copies the
   record (and its many-to-many values) into a new *draft* row with ``supersedes`` pointing at the approved
   one, applies ``data`` and saves it. The draft is edited and approved like any other; the approved
   original stays as it was. ``current_approved(queryset)`` gives the approved rows not superseded by a
   later approved version.
"""

from __future__ import annotations

import copy

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .scope import require


class ApprovedRecordImmutable(ValidationError):
    def __init__(self, obj=None):
        super().__init__(
            _("Schválený záznam nelze měnit ani mazat; změna vytvoří jeho novou verzi."), code="approved"
        )
        self.obj = obj


class ImmutableWhenApproved(models.Model):
    approved_at = models.DateTimeField(_("schváleno"), null=True, blank=True, editable=False)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    editable=False, related_name="+", verbose_name=_("schválil"))
    supersedes = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, editable=False,
                                   related_name="superseded_by", verbose_name=_("nahrazuje verzi"))

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self._stored_is_approved():
            raise ApprovedRecordImmutable(self)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self._stored_is_approved():
            raise ApprovedRecordImmutable(self)
        return super().delete(*args, **kwargs)

    @property
    def is_approved(self) -> bool:
        return self.approved_at is not None

    def _stored_is_approved(self) -> bool:
        if self.pk is None:
            return False
        return type(self)._default_manager.filter(pk=self.pk, approved_at__isnull=False).exists()


@transaction.atomic
def record_approve(*, actor, instance: ImmutableWhenApproved, reason: str = "") -> ImmutableWhenApproved:
    """Approve `instance` (must be a draft). Checks the actor's `approve` permission."""
    require(actor, "approve", instance)
    if instance._stored_is_approved():
        raise ApprovedRecordImmutable(instance)
    instance.approved_at = timezone.now()
    instance.approved_by = actor
    instance._history_user = actor
    instance._change_reason = reason or str(_("schváleno"))
    fields = ["approved_at", "approved_by"]
    if any(f.name == "version" for f in instance._meta.concrete_fields):
        instance.version = (instance.version or 0) + 1
        fields.append("version")
    instance.save(update_fields=fields)
    return instance


@transaction.atomic
def record_new_version(*, actor, instance: ImmutableWhenApproved, data: dict | None = None,
                       reason: str = "") -> ImmutableWhenApproved:
    """A new draft version of an approved record, with `data` applied. Needs `change` on the new draft."""
    model = type(instance)
    new = copy.copy(instance)
    new.pk = None
    new._state = copy.copy(instance._state)
    new._state.adding = True
    new._state.db = None
    new.approved_at = None
    new.approved_by = None
    new.supersedes = instance
    if any(f.name == "version" for f in model._meta.concrete_fields):
        new.version = 1
    m2m = {f.name: list(getattr(instance, f.name).all()) for f in model._meta.many_to_many}
    for key, value in (data or {}).items():
        if key in m2m:
            m2m[key] = list(value)
        else:
            setattr(new, key, value)
    require(actor, "change", new)
    new.full_clean()
    new._history_user = actor
    new._change_reason = reason or str(_("nová verze schváleného záznamu"))
    new.save()
    for name, values in m2m.items():
        getattr(new, name).set(values)
    return new


def current_approved(queryset):
    """Approved rows that no later *approved* version supersedes."""
    return queryset.filter(approved_at__isnull=False).exclude(superseded_by__approved_at__isnull=False)
