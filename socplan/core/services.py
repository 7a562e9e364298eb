"""Generic write helpers used by every domain's services (HackSoft's `model_update`, plus optimistic locking).

Optimistic locking: an editor loads a record at `version` n; its save passes `expected_version=n`. The save
locks the row (SELECT … FOR UPDATE on PostgreSQL; SQLite serialises writers), and goes ahead only if the
stored version is still n, bumping it with a compare-and-swap. Otherwise it raises `StaleEdit` listing what
the other user changed (from the audit history when the model has one), and writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from .display import display_value, related_names

SKIP_FIELDS = {"version"}


class StaleEdit(ValidationError):
    """Raised when a record changed since the editor loaded it. `changes` is a list of `FieldChange`."""

    def __init__(self, message, changes, *, stored_version: int | None = None):
        super().__init__(message, code="stale")
        self.changes = changes
        self.stored_version = stored_version


@dataclass
class FieldChange:
    """One field that differs: `loaded` = when the editor opened the record (if known), `stored` = now in
    the database, `submitted` = what the editor sends. The `*_display` strings are for people."""

    field: str
    label: str
    stored: Any
    submitted: Any
    loaded: Any = None
    stored_display: str = ""
    submitted_display: str = ""
    loaded_display: str = ""
    loaded_known: bool = False


def has_version(model) -> bool:
    return any(f.name == "version" for f in model._meta.concrete_fields)


def history_attnames(model) -> set[str] | None:
    """The columns the model's history records (None: no history). A field the model keeps out of its history
    (e.g. the registry's import fingerprint) is bookkeeping, not part of the record people edit or read."""
    history = getattr(model, "history", None)
    return {f.attname for f in history.model._meta.concrete_fields} if history is not None else None


def _comparable_fields(model) -> list[models.Field]:
    """The fields an editor can see change (those the history records)."""
    recorded = history_attnames(model)
    return [f for f in model._meta.concrete_fields if not f.primary_key and f.name not in SKIP_FIELDS
            and (recorded is None or f.attname in recorded)]


def _loaded_state(current: models.Model, expected_version: int, fallback: models.Model | None):
    """The record as it was at `expected_version`: from the audit history, else the caller's instance."""
    history = getattr(type(current), "history", None)
    # the history holds `version` when the model has it, unless the history excludes the field
    if history is not None and has_version(type(current)) and has_version(history.model):
        record = (current.history.filter(version=expected_version)
                  .order_by("-history_date", "-history_id").first())
        if record is not None:
            return record
    if fallback is not None and getattr(fallback, "version", None) == expected_version:
        return fallback
    return None


def changes_since(current: models.Model, expected_version: int, data: dict[str, Any] | None = None,
                  fallback: models.Model | None = None) -> list[FieldChange]:
    """What changed in `current` since `expected_version` (with what the editor submits in `data`)."""
    data = data or {}
    model = type(current)
    loaded = _loaded_state(current, expected_version, fallback)
    changes = []
    for f in _comparable_fields(model):
        stored = getattr(current, f.attname)
        if loaded is not None:
            if getattr(loaded, f.attname, None) == stored:
                continue
        elif f.name not in data or _raw(f, data[f.name]) == stored:
            continue
        submitted = _raw(f, data[f.name]) if f.name in data else stored
        changes.append(FieldChange(
            f.name, str(f.verbose_name), stored, submitted,
            loaded=getattr(loaded, f.attname, None) if loaded is not None else None,
            loaded_known=loaded is not None,
        ))
    _fill_display(model, changes)
    return changes


def _raw(field: models.Field, value):
    """Related objects are compared by primary key."""
    if field.is_relation and isinstance(value, models.Model):
        return value.pk
    return value


def _fill_display(model, changes: list[FieldChange]) -> None:
    for c in changes:
        field = model._meta.get_field(c.field)
        names = related_names(field, [c.stored, c.submitted, c.loaded]) if field.is_relation else None
        c.stored_display = display_value(field, c.stored, names)
        c.submitted_display = display_value(field, c.submitted, names)
        c.loaded_display = display_value(field, c.loaded, names) if c.loaded_known else ""


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
    versioned = has_version(model)
    if expected_version is not None and versioned:
        current = model._default_manager.select_for_update().get(pk=instance.pk)
        if current.version != expected_version:
            raise StaleEdit(
                _("Záznam mezitím změnil jiný uživatel (verze %(theirs)s, vy jste upravovali verzi %(yours)s). "
                  "Nic nebylo uloženo.")
                % {"theirs": current.version, "yours": expected_version},
                changes_since(current, expected_version, data, fallback=instance),
                stored_version=current.version,
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
    if versioned:
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
