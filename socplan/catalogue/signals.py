"""Keep the catalogue in step with the registry.

- A registry row saved or deleted one at a time (an officer's edit, the admin) marks its service; when the
  transaction commits, the catalogue entries of the marked services are rebuilt once
  (`catalogue_refresh(service_ids=…)`, in `transaction.on_commit`, so the registry edit itself is already
  committed; a failing rebuild is an error like any other, not a silent skip).
- Bulk writes send no signals. The MPSV import writes a `RegistryImport` log row at its end: saving it
  enqueues a full `catalogue_refresh` job after the import commits (the import itself is not slowed down).
  After other bulk loads run `socplan catalogue-refresh` (the demo does it itself).
"""

from __future__ import annotations

import threading

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from socplan.core.jobs import job_enqueue
from socplan.registry.models import (
    Capacity,
    Facility,
    Provider,
    RegistryImport,
    Service,
    ServiceArea,
    ServiceForm,
    ServiceTargetGroup,
)

_pending = threading.local()


def _service_ids(sender, instance) -> list[int]:
    if sender is Service:
        return [instance.pk]
    if sender is Provider:
        return list(Service.objects.filter(provider_id=instance.pk).values_list("pk", flat=True))
    if sender is Capacity:
        sf = ServiceForm.objects.filter(pk=instance.service_form_id).values_list("service_id", flat=True).first()
        return [sf] if sf else []
    return [instance.service_id]  # ServiceForm, Facility, ServiceArea, ServiceTargetGroup: a required service


def _flush():
    ids = getattr(_pending, "ids", set())
    _pending.ids = set()
    if not ids:
        return
    from .services import catalogue_refresh

    catalogue_refresh(service_ids=ids)


def _mark(sender, instance, **kwargs):
    if kwargs.get("raw"):
        return
    ids = [i for i in _service_ids(sender, instance) if i]
    if not ids:
        return
    pending = getattr(_pending, "ids", None)
    if pending is None:
        pending = _pending.ids = set()
    pending.update(ids)
    # one callback per mark: the first to run after the commit rebuilds all marked services, the rest find
    # nothing to do (a rolled-back transaction drops its callbacks; its marks are rebuilt with the next commit)
    transaction.on_commit(_flush)


for _model in (Service, Provider, ServiceForm, Capacity, Facility, ServiceArea, ServiceTargetGroup):
    post_save.connect(_mark, sender=_model, dispatch_uid=f"catalogue-mark-{_model.__name__}")
    post_delete.connect(_mark, sender=_model, dispatch_uid=f"catalogue-mark-del-{_model.__name__}")


@receiver(post_save, sender=RegistryImport, dispatch_uid="catalogue-after-import")
def _after_import(sender, instance, created, raw=False, **kwargs):
    if not created or raw:
        return

    def enqueue():
        job_enqueue(actor=None, kind="catalogue_refresh")

    transaction.on_commit(enqueue)
