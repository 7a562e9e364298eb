"""Writes for the registry: shipped code lists, the MPSV open-data import, territorial scope.

Keyword-only functions `<entity>_<verb>(*, actor, ...)`, each atomic.
"""

from __future__ import annotations

import csv
import hashlib
import unicodedata
from decimal import Decimal
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import (
    ACT_BASIS,
    ACT_START,
    AgeGroup,
    CapacityType,
    DeliveryForm,
    RegistryImport,
    Service,
    ServiceArea,
    ServiceKind,
    ServiceYearCapacity,
    TargetGroup,
)

DATA_DIR = Path(__file__).resolve().parent / "data"


# --- code lists -----------------------------------------------------------------------------------------------

def _read_csv(name: str) -> list[dict[str, str]]:
    with open(DATA_DIR / name, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _int_or_none(text: str) -> int | None:
    return int(text) if text.strip() else None


OUTSIDE_ACT_BASIS = "číselník druhů sociálních služeb MPSV (druh mimo zákon č. 108/2006 Sb.)"


def initial_validity(values: dict) -> dict:
    """The validity a shipped entry gets when it is first created (as migration 0006 gave the stored ones):
    from the Act's start on the basis of Act 108/2006 Sb.; a kind outside the Act has no confirmed start.
    Later runs never touch validity: it is changed only through approved code-list changes."""
    if values.get("in_act", True) is False:
        return {"valid_from": None, "legal_basis": OUTSIDE_ACT_BASIS}
    return {"valid_from": ACT_START, "legal_basis": ACT_BASIS}


def _sync(model, key: str, rows: list[dict]) -> dict:
    """Create or update rows of a small code-list `model` keyed by `key`; untouched when equal. key → object.
    A new row gets its initial validity; validity of existing rows is never overwritten."""
    existing = {getattr(o, key): o for o in model.objects.all()}
    out = {}
    for values in rows:
        k = values[key]
        obj = existing.get(k)
        if obj is None:
            obj = model.objects.create(**values, **initial_validity(values))
        else:
            diff = {f: v for f, v in values.items() if getattr(obj, f) != v}
            if diff:
                for f, v in diff.items():
                    setattr(obj, f, v)
                obj.save(update_fields=list(diff))
        out[k] = obj
    return out


@transaction.atomic
def codelists_load() -> None:
    """Load the shipped code lists (socplan/registry/data/*.csv). Idempotent; keeps ids learned from MPSV
    code-list files (`codelist_sync_file`) and placeholder groups created by imports."""
    forms = _sync(DeliveryForm, "code", [
        {"code": r["code"], "name": r["name"], "mpsv_od_id": r["mpsv_od_id"],
         "mpsv_rest_id": _int_or_none(r["mpsv_rest_id"]), "order": int(r["order"])}
        for r in _read_csv("forms.csv")
    ])
    _sync(CapacityType, "code", [
        {"code": r["code"], "name": r["name"], "unit": r["unit"], "minutes": _int_or_none(r["minutes"]),
         "mpsv_od_id": r["mpsv_od_id"], "order": int(r["order"])}
        for r in _read_csv("capacity_types.csv")
    ])
    kind_rows = _read_csv("kinds.csv")
    confirmed_ids = set(ServiceKind.objects.filter(mpsv_od_id_confirmed=True).values_list("code", flat=True))
    rows = []
    for r in kind_rows:
        values = {
            "code": r["code"], "paragraph": r["paragraph"], "name": r["name"], "short_name": r["short_name"],
            "category": r["category"], "mpsv_rest_id": _int_or_none(r["mpsv_rest_id"]),
            "financing_group": r["financing_group"],
            "financing_group_residential": r["financing_group_residential"],
            "in_act": r["in_act"] == "1", "order": int(r["order"]),
        }
        if r["code"] not in confirmed_ids or r["mpsv_od_confirmed"] == "1":
            # A mapping confirmed from the official code list (codelist_sync_file) wins over an inferred one.
            values["mpsv_od_id"] = f"DruhSocialniSluzby/{r['mpsv_od_n']}" if r["mpsv_od_n"] else None
            values["mpsv_od_id_confirmed"] = r["mpsv_od_confirmed"] == "1"
        rows.append(values)
    # Free the ids that move before assigning them (unique column).
    wanted = {v["code"]: v.get("mpsv_od_id") for v in rows if "mpsv_od_id" in v}
    for kind in ServiceKind.objects.exclude(mpsv_od_id=None):
        if kind.code in wanted and wanted[kind.code] != kind.mpsv_od_id:
            kind.mpsv_od_id = None
            kind.save(update_fields=["mpsv_od_id"])
    kinds = _sync(ServiceKind, "code", rows)
    for r in kind_rows:
        want = {forms[c].pk for c in r["forms"].split("|") if c}
        kind = kinds[r["code"]]
        have = set(kind.allowed_forms.values_list("pk", flat=True))
        if want != have:
            kind.allowed_forms.set(want)
    _sync_groups(TargetGroup, [
        {"mpsv_od_id": r["mpsv_od_id"] or None, "name": r["name"], "name_confirmed": r["name_confirmed"] == "1",
         "planning_group": _int_or_none(r["planning_group"]), "order": int(r["order"])}
        for r in _read_csv("target_groups.csv")
    ])
    _sync_groups(AgeGroup, [
        {"mpsv_od_id": r["mpsv_od_id"] or None, "name": r["name"], "name_confirmed": r["name_confirmed"] == "1",
         "age_from": _int_or_none(r["age_from"]), "age_to": _int_or_none(r["age_to"]), "order": int(r["order"])}
        for r in _read_csv("age_groups.csv")
    ])


def _sync_groups(model, rows: list[dict]) -> None:
    """Target / age groups: matched by MPSV id when the row has one, else by name. A group that already has
    an id learned from an MPSV code list keeps it (and its official name)."""
    by_id = {o.mpsv_od_id: o for o in model.objects.exclude(mpsv_od_id=None)}
    by_name = {_norm(o.name): o for o in model.objects.all()}
    for values in rows:
        obj = by_id.get(values["mpsv_od_id"]) if values["mpsv_od_id"] else by_name.get(_norm(values["name"]))
        if obj is None:
            extra = initial_validity(values) if model is TargetGroup else {}
            model.objects.create(**values, **extra)
            continue
        if obj.mpsv_od_id and values["mpsv_od_id"] is None:
            values = {k: v for k, v in values.items() if k not in ("mpsv_od_id", "name", "name_confirmed")}
        diff = {f: v for f, v in values.items() if getattr(obj, f) != v}
        if diff:
            for f, v in diff.items():
                setattr(obj, f, v)
            obj.save(update_fields=list(diff))


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode().lower()
    return " ".join(text.replace("/", " ").replace(",", " ").split())


@transaction.atomic
def codelist_sync_file(*, path) -> list[str]:
    """Learn MPSV open-data ids and names from an official code-list file (`…/ciselniky/<name>.json`:
    `{"polozky": [{"id": "DruhSocialniSluzby/13", "nazev": {"cs": "domovy pro seniory"}}, …]}`).

    Kinds are matched by name and get a *confirmed* open-data id; target and age groups are matched by id
    (else by name) and get the official name. Returns human-readable lines of what changed.
    """
    from .mpsv_import.stream import FileRefused, iter_records

    with open(path, "rb") as fh:  # the registry import's bounded reader: nesting, size and digits limited
        stream = iter_records(fh, key="polozky", name=Path(path).name)
        try:
            items = list(stream)
        except FileRefused as exc:
            raise ValidationError(_("Číselník není platný JSON: %(e)s") % {"e": exc})
    if not stream.saw_array or not items:
        raise ValidationError(_("Číselník nemá pole „polozky“."))
    lines = []
    entries = []
    for item in items:
        if not isinstance(item, dict) or not item.get("id"):
            continue
        name = item.get("nazev")
        name = name.get("cs") if isinstance(name, dict) else name
        entries.append((str(item["id"]), str(name or "")))
    prefix = entries[0][0].split("/", 1)[0] if entries else ""
    if prefix == "DruhSocialniSluzby":
        kinds = {_norm(k.name): k for k in ServiceKind.objects.all()}
        matched = []
        for code_id, name in entries:
            kind = kinds.get(_norm(name))
            if kind is None:
                lines.append(_("Druh „%(n)s“ (%(id)s) nebyl v tabulce druhů nalezen.") % {"n": name, "id": code_id})
                continue
            matched.append((kind, code_id))
        ServiceKind.objects.filter(mpsv_od_id__in=[c for _k, c in matched]).exclude(
            pk__in=[k.pk for k, _c in matched]).update(mpsv_od_id=None, mpsv_od_id_confirmed=False)
        for kind, code_id in matched:
            if kind.mpsv_od_id != code_id or not kind.mpsv_od_id_confirmed:
                lines.append(f"{kind.name}: {kind.mpsv_od_id or '—'} → {code_id}")
                ServiceKind.objects.filter(mpsv_od_id=code_id).exclude(pk=kind.pk).update(mpsv_od_id=None)
                kind.mpsv_od_id, kind.mpsv_od_id_confirmed = code_id, True
                kind.save(update_fields=["mpsv_od_id", "mpsv_od_id_confirmed"])
    elif prefix in ("CilovaSkupinaOsoby", "VekovaSkupinaOsoby"):
        model = TargetGroup if prefix == "CilovaSkupinaOsoby" else AgeGroup
        by_id = {o.mpsv_od_id: o for o in model.objects.exclude(mpsv_od_id=None)}
        by_name = {_norm(o.name): o for o in model.objects.filter(mpsv_od_id=None)}
        for code_id, name in entries:
            obj = by_id.get(code_id) or by_name.get(_norm(name))
            if obj is None:
                model.objects.create(mpsv_od_id=code_id, name=name, name_confirmed=True, order=500)
                lines.append(f"+ {code_id} {name}")
            elif (obj.mpsv_od_id, obj.name, obj.name_confirmed) != (code_id, name, True):
                lines.append(f"{obj.mpsv_od_id or '—'} {obj.name} → {code_id} {name}")
                obj.mpsv_od_id, obj.name, obj.name_confirmed = code_id, name, True
                obj.save(update_fields=["mpsv_od_id", "name", "name_confirmed"])
    else:
        raise ValidationError(_("Neznámý číselník (položky %(p)s…); podporované: druhy sociálních služeb, "
                                "cílové skupiny, věkové skupiny.") % {"p": prefix})
    return lines


# --- MPSV open-data import ------------------------------------------------------------------------------------

def _sha256(path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def registry_import_file(*, actor=None, path, wrap=None, log: bool = True):
    """Import an MPSV registry open-data file (rpss.json). Returns an `ImportReport`.

    Two phases: the file is streamed and validated first (nothing is written); only then does one
    transaction upsert the records. A file that is not valid JSON or not of the registry's shape raises
    `FileRefused` and changes nothing. `wrap(fh)` may wrap the open file (progress bar).
    """
    from .mpsv_import.parse import parse_file
    from .mpsv_import.upsert import import_records, lookups_load, raw_index_load

    codelists_load()
    lookups = lookups_load()
    known, raw_digests = raw_index_load(lookups), {}
    with open(path, "rb") as raw_fh:
        fh = wrap(raw_fh) if wrap else raw_fh
        records, rejections = parse_file(fh, lookups, name=Path(path).name, known=known, raw_digests=raw_digests)
    with transaction.atomic():
        report = import_records(records, rejections, actor=actor, file_name=Path(path).name,
                                raw_digests=raw_digests)
        if log:
            RegistryImport.objects.create(
                file_name=str(path)[-500:], file_sha256=_sha256(path), finished_at=timezone.now(),
                created=report.created, updated=report.updated, unchanged=report.unchanged,
                rejected=len(report.rejected), report=report.as_dict(),
            )
    return report


# --- territorial scope ----------------------------------------------------------------------------------------

SHARE_TOLERANCE = Decimal("0.01")


@transaction.atomic
def service_scope_set(*, actor=None, service: Service, orps=(), municipalities=(), source=None) -> list[ServiceArea]:
    """Replace the declared territorial scope of `service`.

    `orps` / `municipalities`: iterables of (unit, share or None). Shares are 0–100 % each and may add up to
    at most 100 % over the service (a service may also serve territory outside the list).
    """
    from socplan.core.models import Source

    entries = [(o, None, s) for o, s in orps] + [(None, m, s) for m, s in municipalities]
    errors = []
    total = Decimal(0)
    seen = set()
    for orp, muni, share in entries:
        unit = orp or muni
        key = ("orp", orp.pk) if orp else ("obec", muni.pk)
        if key in seen:
            errors.append(_("Území %(u)s je uvedeno dvakrát.") % {"u": unit})
        seen.add(key)
        if share is not None:
            share = Decimal(share)
            if share < 0 or share > 100:
                errors.append(_("Podíl pro %(u)s musí být mezi 0 a 100 %%.") % {"u": unit})
            total += share
    if total > 100 + SHARE_TOLERANCE:
        errors.append(_("Součet podílů je %(t)s %%, smí být nejvýše 100 %%.") % {"t": total})
    if errors:
        raise ValidationError(errors)
    for area in ServiceArea.objects.filter(service=service):
        if actor is not None:
            area._history_user = actor
        area.delete()
    created = []
    for orp, muni, share in entries:
        area = ServiceArea(service=service, orp=orp, municipality=muni,
                           share=Decimal(share) if share is not None else None,
                           source=source or Source.OFFICER)
        if actor is not None:
            area._history_user = actor
        area.full_clean(exclude=["service"])
        area.save()
        created.append(area)
    return created


# --- capacity of a service in a year stated by the kraj's network -------------------------------------------

def _code(value) -> str | None:
    """A form / capacity type given as a model instance or as its code."""
    if value is None or value == "":
        return None
    return value if isinstance(value, str) else value.code


def _year_capacity_errors(sid: int, name: str, form: str | None, unit: str | None, count: int, registered) -> list:
    errors = []
    if count < 0:
        errors.append(_("%(s)s: kapacita nesmí být záporná.") % {"s": name})
    if count > 0 and unit is None:
        errors.append(_("%(s)s: nenulová kapacita musí mít jednotku.") % {"s": name})
    if registered is None:
        errors.append(_("Služba %(id)s neexistuje.") % {"id": sid})
        return errors
    if registered.form is not None and form != registered.form:
        errors.append(_("%(s)s: forma %(f)s není hlavní formou služby v registru (%(r)s).")
                      % {"s": name, "f": form or "–", "r": registered.form})
    if count > 0 and registered.capacity_type is not None and unit != registered.capacity_type:
        errors.append(_("%(s)s: jednotka %(u)s neodpovídá jednotce hlavní formy v registru (%(r)s).")
                      % {"s": name, "u": unit or "–", "r": registered.capacity_type})
    return errors


def _code_ids() -> tuple[dict[str, int], dict[str, int]]:
    return (dict(DeliveryForm.objects.values_list("code", "pk")),
            dict(CapacityType.objects.values_list("code", "pk")))


def _year_capacity_values(form: str | None, unit: str | None, count: int, ref: str, region, ids) -> dict:
    forms, units = ids
    return {"form_id": forms[form] if form else None, "capacity_type_id": units[unit] if unit else None,
            "count": int(count), "ref": ref[:300], "region_id": getattr(region, "pk", region)}


@transaction.atomic
def service_year_capacity_set(*, actor, service: Service, year: int, form, capacity_type, count: int,
                              ref: str = "", region=None) -> ServiceYearCapacity:
    """State the capacity of `service` in `year` (the network's figure every module then reads).

    `form` / `capacity_type`: instances or codes. Refused (ValidationError) unless `form` is the service's
    main form in the registry and `capacity_type` the unit of that form (``registry.selectors.main_form`` /
    ``main_unit``) – a figure in another unit would be summed with apples and pears by the readers. A service
    whose main form registers nothing may be stated in any unit. `region`: the kraj whose network states it.
    """
    from .selectors import service_capacities

    form_code, unit = _code(form), _code(capacity_type)
    registered = service_capacities([service.pk], year, registry_only=True).get(service.pk)
    errors = _year_capacity_errors(service.pk, service.name, form_code, unit, int(count), registered)
    if errors:
        raise ValidationError(errors)
    values = _year_capacity_values(form_code, unit, count, ref, region, _code_ids())
    row = ServiceYearCapacity.objects.select_for_update().filter(service=service, year=year).first()
    if row is None:
        row = ServiceYearCapacity(service=service, year=year)
    for f, v in values.items():
        setattr(row, f, v)
    row._history_user = actor
    row.save()
    return row


@transaction.atomic
def service_year_capacity_clear(*, actor, service: Service, year: int) -> bool:
    """Forget the network's figure for `service` in `year` (readers fall back to the registry). True if a row
    was deleted."""
    row = ServiceYearCapacity.objects.select_for_update().filter(service=service, year=year).first()
    if row is None:
        return False
    row._history_user = actor
    row.delete()
    return True


@transaction.atomic
def service_year_capacities_replace(*, actor, year: int, region, rows, ref: str) -> dict:
    """Replace, all at once, the capacities the kraj's network states for `year`.

    How to call it (network approval): after a version of `region`'s network for `year` is approved, pass one
    row per service of the version – an object with ``service_id``, ``form`` (main form code), ``capacity``
    (int) and ``capacity_type`` (CapacityType code), e.g. a ``registry.selectors.ServiceCapacity`` built from
    ``service_capacity(service, year)`` with ``capacity`` replaced by the sum of the service's entries counted
    in that unit – and ``ref`` naming the version ("síť kraje 2026, verze 2 (schválená)"). Rows of the kraj's
    year that are not passed are deleted (a service dropped from the network falls back to the registry);
    unchanged rows are not rewritten; a service stated earlier by another kraj's network is taken over.

    All rows are validated first (see :func:`service_year_capacity_set`); any error refuses the whole write
    with a ValidationError listing every error. Returns {"created", "updated", "deleted", "unchanged"}.
    """
    from .selectors import service_capacities

    rows = list(rows)
    by_service: dict[int, object] = {}
    errors = []
    for r in rows:
        if int(r.service_id) in by_service:
            errors.append(_("Služba %(id)s je uvedena dvakrát.") % {"id": r.service_id})
        by_service[int(r.service_id)] = r
    registered = service_capacities(list(by_service), year, registry_only=True)
    names = dict(Service.objects.filter(pk__in=list(by_service)).values_list("pk", "name"))
    for sid, r in by_service.items():
        errors += _year_capacity_errors(sid, names.get(sid, str(sid)), _code(r.form), _code(r.capacity_type),
                                        int(r.capacity), registered[sid] if sid in names else None)
    if errors:
        raise ValidationError(errors)
    region_id = getattr(region, "pk", region)
    existing = {row.service_id: row for row in ServiceYearCapacity.objects.select_for_update().filter(
        Q(region_id=region_id) | Q(service_id__in=list(by_service)), year=year)}
    counts = {"created": 0, "updated": 0, "deleted": 0, "unchanged": 0}
    for sid, row in existing.items():
        if sid not in by_service and row.region_id == region_id:
            row._history_user = actor
            row.delete()
            counts["deleted"] += 1
    new = []
    ids = _code_ids()
    for sid, r in by_service.items():
        values = _year_capacity_values(_code(r.form), _code(r.capacity_type), int(r.capacity), ref, region_id, ids)
        row = existing.get(sid)
        if row is None:
            new.append(ServiceYearCapacity(service_id=sid, year=year, **values))
            continue
        diff = {f: v for f, v in values.items() if getattr(row, f) != v}
        if not diff:
            counts["unchanged"] += 1
            continue
        for f, v in diff.items():
            setattr(row, f, v)
        row._history_user = actor
        row.save()
        counts["updated"] += 1
    if new:
        from simple_history.utils import bulk_create_with_history

        bulk_create_with_history(new, ServiceYearCapacity, batch_size=500, default_user=actor)
        counts["created"] = len(new)
    return counts
