"""Database side of the MPSV import: bulk upsert of parsed `ServiceRec`s (see parse.py for the rules).

Services are matched by registration identifier, else by registry id (portalId). A record whose fingerprint
equals the stored one is *unchanged* and nothing of it is touched (no writes, no history rows). The fingerprint
of the record's text (`Service.import_raw_fingerprint`, see stream.py) is stored too, outside the history: a
record whose text is the one imported last time comes from the reader as a `KnownRecord`, not parsed, and
counts as unchanged after the same duplicate checks; `raw_index_load` builds the index the reader uses. New records
are bulk-created with their history; changed ones are bulk-updated and their forms, capacities, facilities,
groups and MPSV-derived scope are diffed against the stored ones by natural keys. Services absent from the
file are left alone (a file may be a regional extract).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db import connection
from django.db.backends.base.operations import BaseDatabaseOperations
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from socplan.core.models import Source
from socplan.territory.models import Municipality

from ..models import (
    AgeGroup,
    Capacity,
    CapacityType,
    DeliveryForm,
    Facility,
    Provider,
    Service,
    ServiceAgeGroup,
    ServiceArea,
    ServiceForm,
    ServiceKind,
    ServiceTargetGroup,
    TargetGroup,
)
from .parse import (
    WARNING_LABELS,
    ColumnLimits,
    KnownRecord,
    Lookups,
    RawIndex,
    Rejection,
    ServiceRec,
    raw_salt,
    record_label,
)
from .write import RowWriter

REASON = "import registru MPSV"


def region_majority(region_ids) -> int | None:
    """The region most facilities (or scope units) lie in; ties go to the smallest id (deterministic)."""
    counts = Counter(r for r in region_ids if r is not None)
    if not counts:
        return None
    best = max(counts.values())
    return min(r for r, c in counts.items() if c == best)
BATCH = 1000


@dataclass
class ImportReport:
    file_name: str = ""
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    warnings: Counter = field(default_factory=Counter)
    providers_created: int = 0
    providers_updated: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)

    def lines(self) -> list[str]:
        out = [f"soubor: {self.file_name}"] if self.file_name else []
        out += [
            f"nové: {self.created}",
            f"změněné: {self.updated}",
            f"beze změny: {self.unchanged}",
            f"odmítnuté: {len(self.rejected)}",
        ]
        out += [f"  – {r.record_id}: {r.reason}" + (f" (pole {r.field})" if r.field else "") for r in self.rejected]
        out.append(f"poskytovatelé: noví {self.providers_created}, změnění {self.providers_updated}")
        for key, n in sorted(self.warnings.items()):
            out.append(f"upozornění – {WARNING_LABELS.get(key, key)}: {n}")
        return out

    def as_dict(self) -> dict:
        return {
            "file": self.file_name,
            "created": self.created, "updated": self.updated, "unchanged": self.unchanged,
            "rejected": [{"record": r.record_id, "field": r.field, "reason": r.reason} for r in self.rejected],
            "warnings": dict(self.warnings),
            "providers_created": self.providers_created, "providers_updated": self.providers_updated,
        }


def column_limits() -> ColumnLimits:
    """The columns the import writes: text lengths from the models, the largest whole numbers by the portable
    ranges of their field types (PostgreSQL's; SQLite would store more, so a file behaves alike on both)."""

    def length(model, name: str) -> int:
        return model._meta.get_field(name).max_length

    def top(model, name: str) -> int:
        return BaseDatabaseOperations.integer_field_ranges[model._meta.get_field(name).get_internal_type()][1]

    return ColumnLimits(
        text={
            **{f"service.{f}": length(Service, f) for f in ("name", "mpsv_uri", "age_note", "web", "email", "phone")},
            **{f"provider.{f}": length(Provider, f) for f in ("name", "dic", "web", "email", "phone")},
            **{f"facility.{f}": length(Facility, f) for f in ("name", "street", "house_number", "orientation_number",
                                                              "postcode", "address")},
            "capacity.description": length(Capacity, "description"),
            "group.mpsv_od_id": min(length(TargetGroup, "mpsv_od_id"), length(AgeGroup, "mpsv_od_id")),
        },
        integer={
            "service.registry_id": top(Service, "registry_id"),
            "capacity.count": top(Capacity, "count"),
            "facility.address_point": top(Facility, "address_point"),
        },
    )


def lookups_load() -> Lookups:
    allowed: dict[str, set[str]] = defaultdict(set)
    for kind_id, form_id in ServiceKind.allowed_forms.through.objects.values_list(
        "servicekind__mpsv_od_id", "deliveryform__mpsv_od_id"
    ):
        if kind_id:
            allowed[kind_id].add(form_id)
    return Lookups(
        kind_ids=set(ServiceKind.objects.exclude(mpsv_od_id=None).values_list("mpsv_od_id", flat=True)),
        form_ids=set(DeliveryForm.objects.values_list("mpsv_od_id", flat=True)),
        capacity_type_ids=set(CapacityType.objects.values_list("mpsv_od_id", flat=True)),
        municipality_codes=set(Municipality.objects.values_list("code", flat=True)),
        allowed_forms=dict(allowed),
        columns=column_limits(),
    )


def _resolve(identifier, registry_id, by_ident: dict, by_reg: dict) -> tuple[int | None, str | None]:
    """The stored service a record's identifier / portalId names: (pk, None), (None, None) for a new one, or
    (None, field) when they name different services (the record is rejected, see `import_records`)."""
    if identifier and identifier in by_ident:
        pk, stored_reg, _fp = by_ident[identifier]
        if registry_id is not None and stored_reg is not None and stored_reg != registry_id:
            other = by_reg.get(registry_id)
            if other is not None and other[0] != pk:
                return None, "portalId"
        return pk, None
    if registry_id is not None and registry_id in by_reg:
        pk, stored_ident, _fp = by_reg[registry_id]
        if identifier and stored_ident and stored_ident != identifier:
            return None, "identifikator"
        return pk, None
    return None, None


def _existing() -> list[tuple]:
    return list(Service.objects.values_list("pk", "identifier", "registry_id", "import_fingerprint",
                                            "import_raw_fingerprint"))


def raw_index_load(lookups: Lookups, limits=None) -> RawIndex:
    """The text fingerprints of the services imported before, in the order of their ids (the order of the
    file they came from, for a file imported whole). Only a service its own identifier / portalId resolves to
    is in it, so a known record stands for exactly the service a parse would have matched."""
    existing = _existing()
    by_ident = {i: (pk, r, fp) for pk, i, r, fp, _raw in existing if i}
    by_reg = {r: (pk, i, fp) for pk, i, r, fp, _raw in existing if r is not None}
    entries = [(raw, (pk, ident, reg)) for pk, ident, reg, fp, raw in sorted(existing)
               if raw and fp and _resolve(ident, reg, by_ident, by_reg) == (pk, None)]
    return RawIndex(raw_salt(lookups, limits), entries)


class _Ctx:
    """Id maps resolved once per import."""

    def __init__(self, records: list[ServiceRec], actor, now):
        self.actor = actor
        self.now = now
        self.kind = dict(ServiceKind.objects.exclude(mpsv_od_id=None).values_list("mpsv_od_id", "pk"))
        self.form = dict(DeliveryForm.objects.values_list("mpsv_od_id", "pk"))
        self.cap_type = dict(CapacityType.objects.values_list("mpsv_od_id", "pk"))
        self.muni = {code: (pk, orp, region) for code, pk, orp, region in
                     Municipality.objects.values_list("code", "pk", "orp_id", "region_id")}
        self.target = self._groups(TargetGroup, {g for r in records for g in r.target_group_ids},
                                   "Cílová skupina {}")
        self.age = self._groups(AgeGroup, {g for r in records for g in r.age_group_ids}, "Věková skupina {}")
        self._writers: dict = {}
        self.raw_digests: dict[int, str] = {}

    def insert(self, model, rows: list[dict]) -> list[int]:
        """Insert new rows of `model` with their history rows (see write.py); returns their pks in order."""
        if model not in self._writers:
            self._writers[model] = RowWriter(model, actor=self.actor, now=self.now, reason=REASON)
        return self._writers[model].insert(rows)

    def _groups(self, model, ids: set[str], label: str) -> dict[str, int]:
        known = dict(model.objects.exclude(mpsv_od_id=None).values_list("mpsv_od_id", "pk"))
        missing = sorted(ids - set(known))
        if missing:
            # Codes the shipped table does not name yet: keep them under a placeholder name, to be named
            # from the official code list (`socplan import-codelist`).
            objs = [model(mpsv_od_id=i, name=label.format(i), name_confirmed=False, order=900) for i in missing]
            bulk_create_with_history(objs, model, batch_size=BATCH, default_user=self.actor,
                                     default_change_reason=REASON)
            known = dict(model.objects.exclude(mpsv_od_id=None).values_list("mpsv_od_id", "pk"))
        return known

    def region_of(self, rec: ServiceRec) -> int | None:
        regions = [self.muni[f.municipality_code][2] for f in rec.facilities if f.municipality_code]
        if not regions:
            regions = [self.muni[c][2] for c in rec.area_municipality_codes]
        return region_majority(regions)

    def orps_of(self, rec: ServiceRec) -> list[int]:
        return sorted({self.muni[f.municipality_code][1] for f in rec.facilities if f.municipality_code})


def _service_values(rec: ServiceRec, ctx: _Ctx, provider_id: int, fingerprint: str) -> dict:
    return {
        "import_raw_fingerprint": ctx.raw_digests.get(rec.index, ""),
        "provider_id": provider_id, "identifier": rec.identifier, "registry_id": rec.registry_id,
        "mpsv_uri": rec.uri, "name": rec.name, "kind_id": ctx.kind[rec.kind_id],
        "valid_from": rec.valid_from, "valid_to": rec.valid_to, "age_note": rec.age_note,
        "region_id": ctx.region_of(rec), "web": rec.web, "email": rec.email, "phone": rec.phone,
        "import_fingerprint": fingerprint, "source": Source.MPSV,
    }


def _facility_values(f, ctx: _Ctx) -> dict:
    muni = ctx.muni.get(f.municipality_code) if f.municipality_code else None
    return {
        "name": f.name, "street": f.street, "house_number": f.house_number,
        "orientation_number": f.orientation_number, "postcode": f.postcode, "address": f.address,
        "address_point": f.address_point, "municipality_id": muni[0] if muni else None,
        "valid_from": f.valid_from, "valid_to": f.valid_to, "confidential": f.confidential,
    }


def import_records(records: list[ServiceRec | KnownRecord], rejections: list[Rejection], *, actor=None,
                   file_name: str = "", raw_digests: dict[int, str] | None = None) -> ImportReport:
    """Upsert parsed records (call inside a transaction: the good records of a file are written in one
    transaction; the parser has refused the bad ones against the same column limits, so none fails here).

    `records` may hold `KnownRecord`s (texts imported before, not parsed) in their places in the file;
    `raw_digests` are the text fingerprints of the parsed records by index (`parse_file`), stored with them."""
    report = ImportReport(file_name=file_name, rejected=list(rejections))
    now = timezone.now()
    raw_digests = raw_digests or {}
    existing = _existing()
    by_ident = {i: (pk, r, fp) for pk, i, r, fp, _raw in existing if i}
    by_reg = {r: (pk, i, fp) for pk, i, r, fp, _raw in existing if r is not None}
    fingerprints = {pk: fp for pk, _i, _r, fp, _raw in existing}
    raw_stored = {pk: raw for pk, _i, _r, _fp, raw in existing}

    new: list[tuple[ServiceRec, str]] = []
    changed: list[tuple[ServiceRec, str, int]] = []
    raw_fill: list[tuple[str, int]] = []  # unchanged services whose text fingerprint is new (or was empty)
    seen_ident: set[str] = set()
    seen_reg: set[int] = set()
    seen_pk: set[int] = set()
    for rec in records:
        known = type(rec) is KnownRecord
        if known:
            known_pk, identifier, registry_id = rec.payload
            record_id = record_label(identifier, registry_id, rec.index)
        else:
            identifier, registry_id, record_id = rec.identifier, rec.registry_id, rec.record_id
        if (identifier and identifier in seen_ident) or (registry_id is not None and registry_id in seen_reg):
            report.rejected.append(Rejection(record_id, "duplicitní záznam v souboru (stejný identifikátor "
                                                        "nebo portalId jako dřívější záznam)",
                                             "identifikator" if identifier in seen_ident else "portalId"))
            continue
        pk, conflict = _resolve(identifier, registry_id, by_ident, by_reg)
        if conflict == "portalId":
            report.rejected.append(Rejection(record_id, f"portalId {registry_id} patří v databázi "
                                                        f"jiné službě než identifikátor", "portalId"))
            continue
        if conflict == "identifikator":
            report.rejected.append(Rejection(
                record_id, f"portalId {registry_id} má v databázi jiný identifikátor ({by_reg[registry_id][1]})",
                "identifikator"))
            continue
        if pk is not None and pk in seen_pk:
            report.rejected.append(Rejection(record_id, "duplicitní záznam v souboru", "identifikator"))
            continue
        if identifier:
            seen_ident.add(identifier)
        if registry_id is not None:
            seen_reg.add(registry_id)
        if known:
            if pk != known_pk or raw_stored.get(pk) != rec.digest:
                # The stored service changed between reading the file and writing (another import): the
                # record was not parsed, so it cannot be compared now.
                report.rejected.append(Rejection(record_id, "služba se během importu změnila v databázi; "
                                                            "spusťte import znovu", "identifikator"))
                continue
            seen_pk.add(pk)
            report.unchanged += 1
            continue
        fp = rec.fingerprint()
        if pk is None:
            new.append((rec, fp))
        else:
            seen_pk.add(pk)
            if fingerprints.get(pk) == fp:
                report.unchanged += 1
                raw = raw_digests.get(rec.index, "")
                if raw != raw_stored.get(pk):
                    raw_fill.append((raw, pk))
                continue
            changed.append((rec, fp, pk))
        report.warnings.update(rec.warnings)

    _raw_fill(raw_fill)
    if not new and not changed:
        return report
    ctx = _Ctx([r for r, _fp in new] + [r for r, _fp, _pk in changed], actor, now)
    ctx.raw_digests = raw_digests
    provider_pk = _providers_upsert([r for r, _fp in new] + [r for r, _fp, _pk in changed], ctx, report)
    if new:
        _create(new, ctx, provider_pk)
        report.created = len(new)
    if changed:
        _update(changed, ctx, provider_pk)
        report.updated = len(changed)
    return report


def _raw_fill(pairs: list[tuple[str, int]]) -> None:
    """Store the text fingerprints of unchanged services: bookkeeping of the import, outside the history and
    the version (nothing of the service changed)."""
    if not pairs:
        return
    table = connection.ops.quote_name(Service._meta.db_table)
    column = connection.ops.quote_name(Service._meta.get_field("import_raw_fingerprint").column)
    with connection.cursor() as cursor:
        cursor.executemany(f"UPDATE {table} SET {column} = %s WHERE id = %s", pairs)


def _providers_upsert(records: list[ServiceRec], ctx: _Ctx, report: ImportReport) -> dict[str, int]:
    wanted: dict[str, dict] = {}
    for rec in records:
        p = rec.provider
        wanted.setdefault(p.ico, {"name": p.name, "dic": p.dic, "web": p.web, "email": p.email, "phone": p.phone})
    existing = {p.ico: p for p in Provider.objects.filter(ico__in=list(wanted))}
    to_create, to_update, fields = [], [], set()
    for ico, values in wanted.items():
        obj = existing.get(ico)
        if obj is None:
            to_create.append({"ico": ico, "source": Source.MPSV, "verified_at": ctx.now, **values})
            continue
        diff = [f for f, v in values.items() if getattr(obj, f) != v]
        if diff:
            for f in diff:
                setattr(obj, f, values[f])
            obj.version += 1
            obj.verified_at = ctx.now
            fields.update(diff)
            to_update.append(obj)
    ctx.insert(Provider, to_create)
    if to_update:
        bulk_update_with_history(to_update, Provider, sorted(fields | {"version", "verified_at"}), batch_size=BATCH,
                                 default_user=ctx.actor, default_change_reason=REASON)
    report.providers_created += len(to_create)
    report.providers_updated += len(to_update)
    return dict(Provider.objects.filter(ico__in=list(wanted)).values_list("ico", "pk"))


def _create(new: list[tuple[ServiceRec, str]], ctx: _Ctx, provider_pk: dict[str, int]) -> None:
    pks = ctx.insert(Service, [{"verified_at": ctx.now, **_service_values(rec, ctx, provider_pk[rec.provider.ico], fp)}
                               for rec, fp in new])
    _children_create([(rec, pk) for (rec, _fp), pk in zip(new, pks, strict=True)], ctx)


def _form_values(spk: int, f, ctx: _Ctx) -> dict:
    return {"service_id": spk, "form_id": ctx.form[f.form_id], "continuous": f.continuous, "source": Source.MPSV,
            "verified_at": ctx.now}


def _capacity_values(sfpk: int, c, ctx: _Ctx) -> dict:
    return {"service_form_id": sfpk, "capacity_type_id": ctx.cap_type[c.type_id], "count": c.count,
            "description": c.description, "source": Source.MPSV, "verified_at": ctx.now}


def _children_create(pairs: list[tuple[ServiceRec, int]], ctx: _Ctx) -> None:
    """Create all children of freshly created services (pairs of record and service pk), rows and history in
    the order the model objects were created before (forms, capacities, facilities, groups, scope)."""
    forms, form_caps = [], []
    facilities, tgs, ags, areas = [], [], [], []
    for rec, spk in pairs:
        for f in rec.forms:
            forms.append(_form_values(spk, f, ctx))
            form_caps.append(f.capacities)
        facilities += [{"service_id": spk, "source": Source.MPSV, "verified_at": ctx.now,
                        **_facility_values(f, ctx)} for f in rec.facilities]
        tgs += [{"service_id": spk, "target_group_id": ctx.target[g]} for g in rec.target_group_ids]
        ags += [{"service_id": spk, "age_group_id": ctx.age[g]} for g in rec.age_group_ids]
        areas += _areas_for(rec, spk, ctx)
    form_pks = ctx.insert(ServiceForm, forms)
    ctx.insert(Capacity, [_capacity_values(sfpk, c, ctx)
                          for sfpk, cs in zip(form_pks, form_caps, strict=True) for c in cs])
    ctx.insert(Facility, facilities)
    ctx.insert(ServiceTargetGroup, tgs)
    ctx.insert(ServiceAgeGroup, ags)
    ctx.insert(ServiceArea, areas)


def _areas_for(rec: ServiceRec, spk: int, ctx: _Ctx, skip_orps=(), skip_munis=()) -> list[dict]:
    out = [{"service_id": spk, "orp_id": o, "source": Source.MPSV, "verified_at": ctx.now}
           for o in ctx.orps_of(rec) if o not in skip_orps]
    out += [{"service_id": spk, "municipality_id": ctx.muni[c][0], "source": Source.MPSV, "verified_at": ctx.now}
            for c in rec.area_municipality_codes if ctx.muni[c][0] not in skip_munis]
    return out


SERVICE_FIELDS = ["provider_id", "identifier", "registry_id", "mpsv_uri", "name", "kind_id", "valid_from",
                  "valid_to", "age_note", "region_id", "web", "email", "phone", "import_fingerprint", "source",
                  "import_raw_fingerprint"]


def _update(changed: list[tuple[ServiceRec, str, int]], ctx: _Ctx, provider_pk: dict[str, int]) -> None:
    kw = {"batch_size": BATCH, "default_user": ctx.actor, "default_change_reason": REASON}
    pks = [pk for _r, _fp, pk in changed]
    services = Service.objects.in_bulk(pks)
    for rec, fp, pk in changed:
        s = services[pk]
        for f, v in _service_values(rec, ctx, provider_pk[rec.provider.ico], fp).items():
            setattr(s, f, v)
        s.version += 1
        s.verified_at = ctx.now
    bulk_update_with_history(list(services.values()), Service, SERVICE_FIELDS + ["version", "verified_at"], **kw)

    # Forms and capacities, by form id and capacity type.
    stored_forms = defaultdict(dict)
    for sf in ServiceForm.objects.filter(service_id__in=pks).select_related("form"):
        stored_forms[sf.service_id][sf.form.mpsv_od_id] = sf
    stored_caps = defaultdict(dict)
    for c in Capacity.objects.filter(service_form__service_id__in=pks).select_related("capacity_type"):
        stored_caps[c.service_form_id][c.capacity_type.mpsv_od_id] = c
    form_delete, form_update, form_new, form_new_caps = [], [], [], []
    cap_new, cap_update, cap_delete = [], [], []
    for rec, _fp, pk in changed:
        have = stored_forms[pk]
        want = {f.form_id: f for f in rec.forms}
        form_delete += [sf.pk for fid, sf in have.items() if fid not in want]
        for fid, f in want.items():
            sf = have.get(fid)
            if sf is None:
                form_new.append(_form_values(pk, f, ctx))
                form_new_caps.append(f.capacities)
                continue
            if sf.continuous != f.continuous:
                sf.continuous = f.continuous
                sf.version += 1
                form_update.append(sf)
            caps_have = stored_caps[sf.pk]
            caps_want = {c.type_id: c for c in f.capacities}
            cap_delete += [c.pk for tid, c in caps_have.items() if tid not in caps_want]
            for tid, c in caps_want.items():
                obj = caps_have.get(tid)
                if obj is None:
                    cap_new.append(_capacity_values(sf.pk, c, ctx))
                elif (obj.count, obj.description) != (c.count, c.description):
                    obj.count, obj.description = c.count, c.description
                    obj.version += 1
                    obj.verified_at = ctx.now
                    cap_update.append(obj)
    _delete(Capacity, cap_delete, ctx)
    _delete(ServiceForm, form_delete, ctx)
    if form_update:
        bulk_update_with_history(form_update, ServiceForm, ["continuous", "version"], **kw)
    if cap_update:
        bulk_update_with_history(cap_update, Capacity, ["count", "description", "version", "verified_at"], **kw)
    created_forms = ctx.insert(ServiceForm, form_new)
    cap_new += [_capacity_values(sfpk, c, ctx) for sfpk, cs in zip(created_forms, form_new_caps, strict=True)
                for c in cs]
    ctx.insert(Capacity, cap_new)

    # Facilities, by (name, address point, from, to).
    stored_fac = defaultdict(dict)
    for fac in Facility.objects.filter(service_id__in=pks):
        stored_fac[fac.service_id].setdefault((fac.name, fac.address_point, fac.valid_from, fac.valid_to), fac)
    fac_new, fac_update, fac_delete, fac_fields = [], [], [], set()
    for rec, _fp, pk in changed:
        have = stored_fac[pk]
        want = {f.key: f for f in rec.facilities}
        fac_delete += [fac.pk for key, fac in have.items() if key not in want]
        for key, f in want.items():
            values = _facility_values(f, ctx)
            fac = have.get(key)
            if fac is None:
                fac_new.append({"service_id": pk, "source": Source.MPSV, "verified_at": ctx.now, **values})
                continue
            diff = [k for k, v in values.items() if getattr(fac, k) != v]
            if diff:
                for k in diff:
                    setattr(fac, k, values[k])
                fac.version += 1
                fac_fields.update(diff)
                fac_update.append(fac)
    _delete(Facility, fac_delete, ctx)
    if fac_update:
        bulk_update_with_history(fac_update, Facility, sorted(fac_fields | {"version"}), **kw)
    ctx.insert(Facility, fac_new)

    # Target and age groups.
    for model, attr, id_map, rec_attr in (
        (ServiceTargetGroup, "target_group_id", ctx.target, "target_group_ids"),
        (ServiceAgeGroup, "age_group_id", ctx.age, "age_group_ids"),
    ):
        have = defaultdict(dict)
        for link in model.objects.filter(service_id__in=pks):
            have[link.service_id][getattr(link, attr)] = link.pk
        add, remove = [], []
        for rec, _fp, pk in changed:
            want = {id_map[g] for g in getattr(rec, rec_attr)}
            remove += [lpk for gid, lpk in have[pk].items() if gid not in want]
            add += [{"service_id": pk, attr: gid} for gid in sorted(want - set(have[pk]))]
        _delete(model, remove, ctx)
        ctx.insert(model, add)

    # Scope derived from the registry (source MPSV); declared scope (officer / provider) is left alone.
    areas_have = defaultdict(list)
    for a in ServiceArea.objects.filter(service_id__in=pks):
        areas_have[a.service_id].append(a)
    area_new, area_delete = [], []
    for rec, _fp, pk in changed:
        mine = [a for a in areas_have[pk] if a.source == Source.MPSV]
        others = [a for a in areas_have[pk] if a.source != Source.MPSV]
        want_orps = set(ctx.orps_of(rec))
        want_munis = {ctx.muni[c][0] for c in rec.area_municipality_codes}
        area_delete += [a.pk for a in mine if (a.orp_id and a.orp_id not in want_orps)
                        or (a.municipality_id and a.municipality_id not in want_munis)]
        skip_orps = {a.orp_id for a in areas_have[pk] if a.orp_id and (a in others or a.orp_id in want_orps)}
        skip_munis = {a.municipality_id for a in areas_have[pk]
                      if a.municipality_id and (a in others or a.municipality_id in want_munis)}
        area_new += _areas_for(rec, pk, ctx, skip_orps, skip_munis)
    _delete(ServiceArea, area_delete, ctx)
    ctx.insert(ServiceArea, area_new)


def _delete(model, pks: list[int], ctx: _Ctx) -> None:
    """Delete one by one so each deletion gets its history row (few rows: only for changed services)."""
    for obj in model.objects.filter(pk__in=pks):
        obj._history_user = ctx.actor
        obj._change_reason = REASON
        obj.delete()
