"""Edits of registry records from the pages and from the providers' spreadsheets.

Keyword-only functions `<entity>_<verb>(*, actor, ...)`, each atomic, each checking the permission layer
(`can(actor, "change", obj)`; `actor=None` is the system: commands and imports) and writing through
`socplan.core.services.model_update`, so every change is versioned (optimistic locking) and audited with
the actor in django-simple-history.

Provenance: a record whose values change takes the editor's source (`provider` for the provider's own
users and for the provider spreadsheet, `officer` otherwise) and `verified_at = now`. Submitting a record
unchanged through a one-record form (or the spreadsheet) only confirms it: `verified_at = now`, source kept.

Multi-row edits (capacities of a service, its territorial scope) are locked as a whole with a *state token*
("f12:1,c40:3" = record keys and versions when the editor opened the page): if any row changed, appeared or
disappeared since, `StaleEdit` lists what changed and nothing is written.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from socplan.accounts.models import Role
from socplan.accounts.scope import can, grants, is_region_staff
from socplan.core.models import Source
from socplan.core.services import FieldChange, StaleEdit, changes_since, model_update

from .models import (
    COST_FIELDS,
    REVENUE_FIELDS,
    Capacity,
    Economics,
    Service,
    ServiceArea,
    ServiceForm,
    ServiceTargetGroup,
    Staffing,
)
from .services import SHARE_TOLERANCE

SERVICE_FIELDS = ["name", "kind", "valid_from", "valid_to", "age_note", "web", "email", "phone"]
STAFFING_FIELDS = ["fte_direct", "fte_other"]
ECONOMICS_FIELDS = COST_FIELDS + REVENUE_FIELDS


# --- helpers --------------------------------------------------------------------------------------------------

def require_change(actor, obj) -> None:
    """PermissionDenied unless `actor` may change `obj` (None = the system, always allowed)."""
    if actor is not None and not can(actor, "change", obj):
        raise PermissionDenied(_("Na tuto změnu nemáte oprávnění."))


def actor_source(actor, service: Service) -> str:
    """`provider` for a user of the service's provider, else `officer` (region staff, system)."""
    if actor is not None:
        for g in grants(actor):
            if g.role == Role.PROVIDER_USER and g.provider_id == service.provider_id:
                return Source.PROVIDER
    return Source.OFFICER


def may_change_kind(actor) -> bool:
    """Kraj staff (of any kraj: the service's own scope is checked by `require_change`) or the system."""
    return actor is None or is_region_staff(actor)


def _differs(instance, data: dict) -> bool:
    return any(getattr(instance, f) != v for f, v in data.items())


def _save(instance, data: dict, *, actor, source: str, expected_version=None, confirm: bool = True,
          now=None) -> str:
    """Write `data` with provenance. Returns "updated", "confirmed" or "unchanged"."""
    now = now or timezone.now()
    if _differs(instance, data):
        values, result = {**data, "source": source, "verified_at": now}, "updated"
    elif confirm:
        values, result = {"verified_at": now}, "confirmed"
    else:
        return "unchanged"
    model_update(instance=instance, data=values, actor=actor, expected_version=expected_version)
    return result


def _create(obj, *, actor, source: str, now=None, exclude=None):
    obj.source = source
    obj.verified_at = now or timezone.now()
    obj.full_clean(exclude=exclude)
    if actor is not None:
        obj._history_user = actor
    obj.save()
    return obj


def _delete(obj, *, actor) -> None:
    if actor is not None:
        obj._history_user = actor
    obj.delete()


# --- state tokens (multi-row optimistic locking) -----------------------------------------------------------------

def state_token(objs) -> str:
    """"<prefix><pk>:<version>" of each record, sorted — what the editor saw."""
    return ",".join(sorted(f"{_prefix(o)}{o.pk}:{o.version}" for o in objs))


def _prefix(obj) -> str:
    return {ServiceForm: "f", Capacity: "c", ServiceArea: "a"}.get(type(obj), "x")


def _parse_token(token: str) -> dict[str, int]:
    out = {}
    for part in (token or "").split(","):
        if ":" in part:
            key, _sep, version = part.partition(":")
            try:
                out[key] = int(version)
            except ValueError:
                continue
    return out


def check_state(current_objs, token: str) -> None:
    """Raise `StaleEdit` listing what changed if the records differ from the state in `token`."""
    loaded = _parse_token(token)
    current = {f"{_prefix(o)}{o.pk}": o for o in current_objs}
    if set(loaded) == set(current) and all(current[k].version == v for k, v in loaded.items()):
        return
    changes: list[FieldChange] = []
    for key in sorted(set(loaded) | set(current)):
        obj = current.get(key)
        if obj is None:
            changes.append(FieldChange(key, _("záznam #%(pk)s") % {"pk": key[1:]}, None, None,
                                       stored_display=_("smazáno"), submitted_display="—"))
        elif key not in loaded:
            changes.append(FieldChange(key, str(obj), None, None, stored_display=_("přidáno"),
                                       submitted_display="—"))
        elif obj.version != loaded[key]:
            for c in changes_since(obj, loaded[key]):
                c.label = f"{_short(obj)} – {c.label}"
                changes.append(c)
    raise StaleEdit(_("Údaje mezitím změnil jiný uživatel. Nic nebylo uloženo."), changes)


def _short(obj) -> str:
    if isinstance(obj, Capacity):
        return f"{obj.service_form.form} / {obj.capacity_type}"
    if isinstance(obj, ServiceForm):
        return str(obj.form)
    if isinstance(obj, ServiceArea):
        return str(obj.orp or obj.municipality)
    return str(obj)


# --- service basic data --------------------------------------------------------------------------------------

@transaction.atomic
def service_update(*, actor, service: Service, data: dict, expected_version: int | None) -> Service:
    """Basic data of a service (name, kind, dates, contacts, target groups)."""
    require_change(actor, service)
    data = dict(data)
    groups = data.pop("target_groups", None)
    unknown = set(data) - set(SERVICE_FIELDS)
    if unknown:
        raise ValueError(f"not editable here: {sorted(unknown)}")
    kind = data.get("kind")
    if kind is not None and kind.pk != service.kind_id:
        if not may_change_kind(actor):
            # The kind is part of the registration decision: only the kraj (the registering office) changes it.
            raise ValidationError({"kind": _("Druh služby je součástí rozhodnutí o registraci; změnit ho může "
                                             "jen krajský úřad.")})
        allowed = set(kind.allowed_forms.values_list("pk", flat=True))
        bad = [sf.form for sf in service.forms.select_related("form") if sf.form_id not in allowed]
        if allowed and bad:
            raise ValidationError({"kind": _("Druh „%(kind)s“ nelze poskytovat ve formě: %(forms)s.") % {
                "kind": kind, "forms": ", ".join(str(f) for f in bad)}})
    _save(service, data, actor=actor, source=actor_source(actor, service), expected_version=expected_version)
    if groups is not None:
        want = {g.pk for g in groups}
        have = {link.target_group_id: link for link in ServiceTargetGroup.objects.filter(service=service)}
        for pk in sorted(want - set(have)):
            link = ServiceTargetGroup(service=service, target_group_id=pk)
            if actor is not None:
                link._history_user = actor
            link.save()
        for pk in sorted(set(have) - want):
            _delete(have[pk], actor=actor)
    return service


# --- capacities per form -------------------------------------------------------------------------------------

def capacity_records(service: Service) -> list:
    forms = list(ServiceForm.objects.filter(service=service).select_related("form").order_by("form__order"))
    caps = list(Capacity.objects.filter(service_form__service=service)
                .select_related("service_form__form", "capacity_type").order_by("service_form__form__order",
                                                                                "capacity_type__order"))
    return forms + caps


@transaction.atomic
def capacities_update(*, actor, service: Service, expected_state: str, forms=(), rows=(), new=None) -> dict:
    """Registered capacities of a service, per form.

    `forms`: [{"service_form": ServiceForm, "continuous": bool}]; `rows`: [{"capacity": Capacity,
    "count": int, "description": str, "delete": bool}]; `new`: {"form": DeliveryForm, "capacity_type":
    CapacityType, "count": int, "description": str} — a new capacity, in a new form of the service if needed.
    Returns counts {"updated": n, "created": n, "deleted": n}.
    """
    require_change(actor, service)
    Service.objects.select_for_update().filter(pk=service.pk).first()
    check_state(capacity_records(service), expected_state)
    errors = []
    for row in rows:
        if not row.get("delete") and row["count"] is not None and row["count"] < 0:
            errors.append(_("Kapacita nesmí být záporná (%(what)s).") % {"what": _short(row["capacity"])})
        if row["capacity"].service_form.service_id != service.pk:
            raise PermissionDenied(_("Kapacita nepatří této službě."))
    for f in forms:
        if f["service_form"].service_id != service.pk:
            raise PermissionDenied(_("Forma nepatří této službě."))
    if new:
        if new["count"] is None or new["count"] < 0:
            errors.append(_("Kapacita nesmí být záporná (%(what)s).") % {
                "what": f"{new['form']} / {new['capacity_type']}"})
        allowed = set(service.kind.allowed_forms.values_list("pk", flat=True))
        if allowed and new["form"].pk not in allowed:
            errors.append(_("Druh „%(kind)s“ nelze poskytovat ve formě %(form)s.") % {
                "kind": service.kind, "form": new["form"]})
        if Capacity.objects.filter(service_form__service=service, service_form__form=new["form"],
                                   capacity_type=new["capacity_type"]).exists():
            errors.append(_("Forma %(form)s už kapacitu typu „%(type)s“ má; upravte ji v tabulce.") % {
                "form": new["form"], "type": new["capacity_type"]})
    if errors:
        raise ValidationError(errors)
    source = actor_source(actor, service)
    now = timezone.now()
    counts = {"updated": 0, "created": 0, "deleted": 0}
    for f in forms:
        sf = f["service_form"]
        if _save(sf, {"continuous": f["continuous"]}, actor=actor, source=source, confirm=False, now=now) == "updated":
            counts["updated"] += 1
    for row in rows:
        cap = row["capacity"]
        if row.get("delete"):
            _delete(cap, actor=actor)
            counts["deleted"] += 1
            continue
        data = {"count": row["count"], "description": row.get("description", "")}
        if _save(cap, data, actor=actor, source=source, confirm=False, now=now) == "updated":
            counts["updated"] += 1
    if new:
        sf = ServiceForm.objects.filter(service=service, form=new["form"]).first()
        if sf is None:
            sf = _create(ServiceForm(service=service, form=new["form"], continuous=new.get("continuous", False)),
                         actor=actor, source=source, now=now)
        _create(Capacity(service_form=sf, capacity_type=new["capacity_type"], count=new["count"],
                         description=new.get("description", "")), actor=actor, source=source, now=now)
        counts["created"] += 1
    return counts


# --- territorial scope ---------------------------------------------------------------------------------------

def area_records(service: Service) -> list[ServiceArea]:
    return list(ServiceArea.objects.filter(service=service).select_related("orp", "municipality")
                .order_by("-share", "orp__name", "municipality__name"))


def scope_errors(entries) -> list[str]:
    """Czech messages for a declared scope [(unit, share or None)]: duplicates, shares outside 0–100 %,
    a sum over 100 %."""
    errors = []
    seen = set()
    total = Decimal(0)
    for unit, share in entries:
        key = (type(unit).__name__, unit.pk)
        if key in seen:
            errors.append(_("Území %(u)s je uvedeno dvakrát.") % {"u": unit})
        seen.add(key)
        if share is not None:
            share = Decimal(share)
            if share < 0 or share > 100:
                errors.append(_("Podíl pro %(u)s musí být mezi 0 a 100 %%.") % {"u": unit})
            total += share
    if total > 100 + SHARE_TOLERANCE:
        errors.append(_("Součet deklarovaných podílů je %(t)s %%, smí být nejvýše 100 %%.") % {
            "t": f"{total.normalize():f}".replace(".", ",")})
    return errors


@transaction.atomic
def service_scope_update(*, actor, service: Service, entries, expected_state: str) -> dict:
    """Declared territorial scope: `entries` = [(Orp or Municipality, share % or None)]. Rows are updated in
    place (their history continues), added or removed."""
    from socplan.territory.models import Orp

    require_change(actor, service)
    Service.objects.select_for_update().filter(pk=service.pk).first()
    current = area_records(service)
    check_state(current, expected_state)
    errors = scope_errors(entries)
    if errors:
        raise ValidationError(errors)
    source = actor_source(actor, service)
    now = timezone.now()
    have = {("orp", a.orp_id) if a.orp_id else ("obec", a.municipality_id): a for a in current}
    counts = {"updated": 0, "created": 0, "deleted": 0}
    wanted = set()
    for unit, share in entries:
        is_orp = isinstance(unit, Orp)
        key = ("orp" if is_orp else "obec", unit.pk)
        wanted.add(key)
        share = Decimal(share) if share is not None else None
        area = have.get(key)
        if area is None:
            _create(ServiceArea(service=service, orp=unit if is_orp else None, municipality=None if is_orp else unit,
                                share=share), actor=actor, source=source, now=now)
            counts["created"] += 1
        elif _save(area, {"share": share}, actor=actor, source=source, confirm=False, now=now) == "updated":
            counts["updated"] += 1
    for key, area in have.items():
        if key not in wanted:
            _delete(area, actor=actor)
            counts["deleted"] += 1
    return counts


# --- staffing and economics per year ----------------------------------------------------------------------------

def _year_upsert(model, fields, *, actor, service, year, data, expected_version, source, confirm) -> tuple:
    unknown = set(data) - set(fields)
    if unknown:
        raise ValueError(f"unknown fields {sorted(unknown)}")
    require_change(actor, model(service=service, year=year))
    source = source or actor_source(actor, service)
    current = model._default_manager.select_for_update().filter(service=service, year=year).first()
    if current is None:
        if expected_version not in (None, 0):
            raise StaleEdit(_("Údaje za rok %(y)s mezitím smazal jiný uživatel. Nic nebylo uloženo.") % {"y": year},
                            [], stored_version=0)
        obj = _create(model(service=service, year=year, **data), actor=actor, source=source)
        return obj, "created"
    if expected_version == 0:
        raise StaleEdit(_("Údaje za rok %(y)s mezitím zadal jiný uživatel. Nic nebylo uloženo.") % {"y": year},
                        changes_since(current, 0, data), stored_version=current.version)
    result = _save(current, data, actor=actor, source=source, expected_version=expected_version, confirm=confirm)
    return current, result


@transaction.atomic
def staffing_upsert(*, actor, service: Service, year: int, data: dict, expected_version: int | None = None,
                    source: str | None = None, confirm: bool = True) -> tuple[Staffing, str]:
    """Staffing (FTE) of a service in `year`: created or updated. `expected_version`: the version the editor
    loaded (0 = there was none; None = no check). Returns (record, "created" | "updated" | "confirmed")."""
    return _year_upsert(Staffing, STAFFING_FIELDS, actor=actor, service=service, year=year, data=data,
                        expected_version=expected_version, source=source, confirm=confirm)


@transaction.atomic
def economics_upsert(*, actor, service: Service, year: int, data: dict, expected_version: int | None = None,
                     source: str | None = None, confirm: bool = True) -> tuple[Economics, str]:
    """Costs and revenues of a service in `year` (whole CZK); see `staffing_upsert`."""
    return _year_upsert(Economics, ECONOMICS_FIELDS, actor=actor, service=service, year=year, data=data,
                        expected_version=expected_version, source=source, confirm=confirm)
