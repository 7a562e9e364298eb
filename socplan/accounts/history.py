"""Readable audit history of any model with ``history = HistoricalRecords()`` (django-simple-history).

``history_rows(obj, user=...)`` gives rows newest first: when, who, what (created / changed / deleted),
why (change reason) and each changed field as "label: before → after" with verbose names, choice labels,
related objects' names and Czech formats. Detail pages include it with::

    {% load accounts_tags %}{% history_table object %}

(or ``{% include "accounts/_history.html" with history_rows=rows %}``). Fields listed in the model's
``PRIVATE_FIELDS`` are left out for users who may not ``view_private`` the object; fields in
``HISTORY_EXCLUDE`` are never shown.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from socplan.core.display import display_value, related_names
from socplan.core.services import history_attnames

ALWAYS_EXCLUDED = {"version"}
ACTION_LABELS = {"+": gettext_lazy("vytvořeno"), "~": gettext_lazy("změněno"), "-": gettext_lazy("smazáno")}


@dataclass
class HistoryChange:
    field: str
    label: str
    before: str
    after: str


@dataclass
class HistoryRow:
    when: dt.datetime
    who: str
    action: str  # "+", "~", "-"
    action_label: str
    reason: str
    version: int | None
    changes: list[HistoryChange] = field(default_factory=list)


def is_audited(model) -> bool:
    return getattr(model, "history", None) is not None and hasattr(model._meta, "simple_history_manager_attribute")


def _fields(model, user, obj, exclude) -> list[models.Field]:
    skip = set(ALWAYS_EXCLUDED) | set(exclude) | set(getattr(model, "HISTORY_EXCLUDE", ()))
    private = set(getattr(model, "PRIVATE_FIELDS", ()))
    if private and user is not None:
        from .scope import can

        if not can(user, "view_private", obj):
            skip |= private
    elif private:
        skip |= private
    recorded = history_attnames(model)  # fields kept out of the history have no column there
    return [f for f in model._meta.concrete_fields
            if not f.primary_key and f.name not in skip and f.attname in recorded
            and not getattr(f, "auto_now", False)]


def _who(record) -> str:
    user = getattr(record, "history_user", None)
    if user is not None:
        return user.get_full_name() or user.get_username()
    return _("systém (import / příkaz)")


def history_rows(obj, *, user=None, exclude=(), limit: int | None = None) -> list[HistoryRow]:
    """The history of `obj`, newest first. `user` hides PRIVATE_FIELDS the user may not see (None = hide)."""
    model = type(obj)
    if not is_audited(model):
        return []
    records = list(
        model.history.filter(**{model._meta.pk.attname: obj.pk})
        .select_related("history_user").order_by("history_date", "history_id")
    )
    fields = _fields(model, user, obj, exclude)
    # Resolve every referenced related object once.
    ids = defaultdict(set)
    for f in fields:
        if f.is_relation:
            for r in records:
                ids[f.name].add(getattr(r, f.attname))
    names = {f.name: related_names(f, ids[f.name]) for f in fields if f.is_relation}

    rows = []
    previous = None
    for r in records:
        changes = []
        if r.history_type == "~" and previous is not None:
            for f in fields:
                before, after = getattr(previous, f.attname), getattr(r, f.attname)
                if before != after:
                    changes.append(HistoryChange(f.name, str(f.verbose_name),
                                                 display_value(f, before, names.get(f.name)),
                                                 display_value(f, after, names.get(f.name))))
        elif r.history_type == "+":
            for f in fields:
                value = getattr(r, f.attname)
                if value not in (None, "") and not (isinstance(value, (list, dict)) and not value):
                    changes.append(HistoryChange(f.name, str(f.verbose_name), "—",
                                                 display_value(f, value, names.get(f.name))))
        previous = r
        if r.history_type == "~" and not changes and not r.history_change_reason:
            continue  # a save that changed nothing visible
        rows.append(HistoryRow(
            when=r.history_date, who=_who(r), action=r.history_type,
            action_label=str(ACTION_LABELS.get(r.history_type, r.history_type)),
            reason=r.history_change_reason or "", version=getattr(r, "version", None), changes=changes,
        ))
    rows.reverse()
    return rows[:limit] if limit else rows
