"""Generic write helpers used by every domain's services (HackSoft's `model_update`, plus optimistic locking)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F
from django.utils.translation import gettext as _


class StaleEdit(ValidationError):
    """Raised when a record changed since the editor loaded it. `changes` lists (field, theirs, yours)."""

    def __init__(self, message, changes):
        super().__init__(message, code="stale")
        self.changes = changes


@dataclass
class FieldChange:
    field: str
    label: str
    stored: Any
    submitted: Any


@transaction.atomic
def model_update(*, instance: models.Model, data: dict[str, Any], actor=None, expected_version: int | None = None,
                 reason: str = "") -> tuple[models.Model, bool]:
    """Update `instance` with `data`, validating it, and bump its version atomically.

    With `expected_version` the update happens only if nobody saved the row in between (compare-and-swap
    on the version column, so it holds under concurrent transactions on PostgreSQL too); otherwise a
    `StaleEdit` with the fields changed since is raised and nothing is written.
    Returns (instance, changed).
    """
    model = type(instance)
    has_version = any(f.name == "version" for f in model._meta.fields)
    if expected_version is not None and has_version:
        current = model._default_manager.select_for_update().get(pk=instance.pk)
        if current.version != expected_version:
            changes = [
                FieldChange(f, str(model._meta.get_field(f).verbose_name), getattr(current, f), v)
                for f, v in data.items()
                if getattr(current, f) != getattr(instance, f, None) or getattr(current, f) != v
            ]
            raise StaleEdit(
                _("Záznam mezitím změnil jiný uživatel (verze %(theirs)s, vy jste upravovali verzi %(yours)s). "
                  "Nic nebylo uloženo; načtěte záznam znovu a změny zopakujte.")
                % {"theirs": current.version, "yours": expected_version},
                changes,
            )
    changed = [f for f, v in data.items() if getattr(instance, f) != v]
    if not changed:
        return instance, False
    for f in changed:
        setattr(instance, f, data[f])
    instance.full_clean()
    if actor is not None:
        instance._history_user = actor
    if reason:
        instance._change_reason = reason
    update_fields = list(changed)
    if has_version:
        if expected_version is not None:
            # Compare-and-swap: the row must still have the version we checked above.
            updated = model._default_manager.filter(pk=instance.pk, version=expected_version).update(
                version=F("version") + 1
            )
            if not updated:  # pragma: no cover - guarded by select_for_update above
                raise StaleEdit(_("Záznam mezitím změnil jiný uživatel."), [])
            instance.version = expected_version + 1
        else:
            instance.version = (instance.version or 0) + 1
            update_fields.append("version")
    instance.save(update_fields=update_fields)
    return instance, True
