"""Provider self-service of the catalogue: free capacity.

`free_capacity_state(*, actor, service, places_free, waiting_list, stated_on)` records a provider's statement
(places free now, the waiting list, the date it holds for). It is published at once: the statement row is the
history, and the service's catalogue entry is rebuilt in the same transaction. Who may state it is decided by
the permission layer (`accounts.scope.require(actor, "change", statement)`: the provider's own users and the
region's staff, through the statement's `SCOPE`).

`free_capacity_history(service)` lists the statements, newest first. A statement older than `STALE_DAYS`
is marked as such on the public page ("údaj může být zastaralý").
"""

from __future__ import annotations

from datetime import date, timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from socplan.accounts.scope import require
from socplan.registry.models import Service

from .models import FreeCapacityStatement
from .services import catalogue_refresh

MAX_COUNT = 100_000
STALE_DAYS = 30
OLDEST_DAYS = 366


def _count(value, what: str, *, optional: bool = False) -> int | None:
    if value in (None, "") and optional:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_COUNT:
        raise ValidationError(f"{what} musí být celé číslo 0–{MAX_COUNT}.")
    return value


@transaction.atomic
def free_capacity_state(*, actor, service: Service, places_free: int, waiting_list: int | None,
                        stated_on: date) -> FreeCapacityStatement:
    """Record and publish a statement of free capacity (see the module docstring)."""
    today = timezone.localdate()
    places = _count(places_free, "Počet volných míst")
    waiting = _count(waiting_list, "Počet čekatelů", optional=True)
    if not isinstance(stated_on, date):
        raise ValidationError("Datum údaje chybí.")
    if stated_on > today:
        raise ValidationError("Datum údaje nesmí být v budoucnosti.")
    if stated_on < today - timedelta(days=OLDEST_DAYS):
        raise ValidationError("Datum údaje je starší než rok.")
    locked = Service.objects.select_for_update().get(pk=service.pk)
    statement = FreeCapacityStatement(service=locked, places_free=places, waiting_list=waiting,
                                      stated_on=stated_on, created_by=actor if actor is not None and actor.is_authenticated else None)
    require(actor, "change", statement)
    statement.save()
    catalogue_refresh(actor=actor, service_ids=[locked.pk])
    return statement


def free_capacity_history(service: Service, limit: int = 50) -> list[FreeCapacityStatement]:
    return list(FreeCapacityStatement.objects.filter(service=service).select_related("created_by")[:limit])


def is_stale(stated_on: str | date | None, today: date | None = None) -> bool:
    if not stated_on:
        return False
    day = date.fromisoformat(stated_on) if isinstance(stated_on, str) else stated_on
    return ((today or timezone.localdate()) - day).days > STALE_DAYS


class FreeCapacityForm(forms.Form):
    places_free = forms.IntegerField(label=_("Volná místa nyní"), min_value=0, max_value=MAX_COUNT)
    waiting_list = forms.IntegerField(label=_("Čekatelé v pořadníku"), min_value=0, max_value=MAX_COUNT,
                                      required=False)
    stated_on = forms.DateField(label=_("Údaj ke dni"), help_text=_("RRRR-MM-DD"))
