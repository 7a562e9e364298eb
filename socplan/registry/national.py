"""The national extract of the registry: the senior-relevant subset of MPSV registered services for the whole
country (`data/mpsv_cz_senior_*.csv`, provenance in data/README.md), loaded for every kraj other than the
demo kraj (which keeps its full demo from `mpsv_jmk_*.csv`).

Rules (docs/registry.md, "The national extract"):

* a service of the extract whose `sluzba_id` is in the demo kraj's file is left out (it is loaded by the demo
  kraj with its places there) — no service is loaded twice;
* only places in an obec of the territory are loaded (a place without an obec code cannot be placed); a service
  with no such place is left out;
* the service's kraj is the kraj most of its places lie in (`region_majority`, as the registry import does);
* no declared scope, target groups, staffing or economics are invented: field capacity of these services sits in
  the obce of their places (docs/availability.md).

Idempotent (a service whose `registry_id` is already in the database is skipped) and bulk.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from datetime import date

from django.db import transaction
from simple_history.utils import bulk_create_with_history

from socplan.core.models import Source
from socplan.territory.models import Municipality

from .models import (
    Capacity,
    CapacityType,
    DeliveryForm,
    Facility,
    Provider,
    Service,
    ServiceForm,
    ServiceKind,
)
from .mpsv_import.upsert import region_majority
from .services import DATA_DIR

SERVICES_FILE = "mpsv_cz_senior_sluzby.csv"
PLACES_FILE = "mpsv_cz_senior_mista.csv"
DEMO_SERVICES_FILE = "mpsv_jmk_sluzby.csv"
FORM_ORDER = ["amb", "ter", "pob"]
REASON = "celostátní výběr registru"


def _read(name: str) -> list[dict[str, str]]:
    with open(DATA_DIR / name, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def demo_region_ids() -> set[str]:
    """`sluzba_id`s the demo kraj loads itself (the services with a place in it)."""
    return {r["sluzba_id"] for r in _read(DEMO_SERVICES_FILE)}


def national_rows(only_ids: set[str] | None = None) -> tuple[list[dict], dict[str, list[dict]]]:
    """The extract's services outside the demo kraj and their places (`only_ids`: a subset, for tests)."""
    skip = demo_region_ids()
    rows = [r for r in _read(SERVICES_FILE) if r["sluzba_id"] not in skip
            and (only_ids is None or r["sluzba_id"] in only_ids)]
    wanted = {r["sluzba_id"] for r in rows}
    places: dict[str, list[dict]] = defaultdict(list)
    for p in _read(PLACES_FILE):
        if p["sluzba_id"] in wanted:
            places[p["sluzba_id"]].append(p)
    return rows, places


@transaction.atomic
def national_extract_load(*, actor=None, only_ids: set[str] | None = None) -> dict[str, int]:
    """Load the national extract (services outside the demo kraj). Returns counts of what was created
    ({"services": 0, …} on a second run) and of what was left out."""
    rows, places = national_rows(only_ids)
    munis = {c: (pk, region) for c, pk, region in Municipality.objects.values_list("code", "pk", "region_id")}
    present = set(Service.objects.filter(registry_id__in=[int(r["sluzba_id"]) for r in rows])
                  .values_list("registry_id", flat=True))
    counts = {"services": 0, "facilities": 0, "skipped_present": 0, "skipped_no_place": 0}
    todo = []
    for r in rows:
        if int(r["sluzba_id"]) in present:
            counts["skipped_present"] += 1
            continue
        usable = sorted((p for p in places.get(r["sluzba_id"], []) if p["kodObce"] in munis),
                        key=lambda p: p["misto_id"])
        if not usable:
            counts["skipped_no_place"] += 1
            continue
        todo.append((r, usable))
    if not todo:
        return counts
    kw = {"batch_size": 1000, "default_user": actor, "default_change_reason": REASON}
    kinds = {k.mpsv_od_id: k.pk for k in ServiceKind.objects.exclude(mpsv_od_id="")}
    forms = dict(DeliveryForm.objects.values_list("code", "pk"))
    cap_types = dict(CapacityType.objects.values_list("code", "pk"))

    names = {}
    for r, _p in todo:
        names.setdefault(r["poskytovatel_ico"], r["poskytovatel_nazev"])
    existing = dict(Provider.objects.filter(ico__in=list(names)).values_list("ico", "pk"))
    new = [Provider(ico=ico, name=name[:255], source=Source.MPSV) for ico, name in sorted(names.items())
           if ico not in existing]
    if new:
        bulk_create_with_history(new, Provider, **kw)
    providers = dict(Provider.objects.filter(ico__in=list(names)).values_list("ico", "pk"))

    services = []
    for r, usable in todo:
        services.append(Service(
            provider_id=providers[r["poskytovatel_ico"]], registry_id=int(r["sluzba_id"]),
            mpsv_uri=f"mpsv-{r['sluzba_id']}", name=r["nazev"][:255],
            kind_id=kinds[f"DruhSocialniSluzby/{r['druh_kod']}"],
            valid_from=date.fromisoformat(r["datum_od"]) if r["datum_od"] else None,
            valid_to=date.fromisoformat(r["datum_do"]) if r["datum_do"] else None,
            region_id=region_majority([munis[p["kodObce"]][1] for p in usable]), source=Source.MPSV,
            verified_at=None,
        ))
    services = bulk_create_with_history(services, Service, **kw)

    service_forms, form_caps, facilities = [], [], []
    for s, (r, usable) in zip(services, todo, strict=True):
        by_form: dict[str, list[tuple[str, int]]] = defaultdict(list)
        for cap in r["kapacity"].split("|"):
            if cap:
                form, ctype, n = cap.split(":")
                by_form[form].append((ctype, int(n)))
        for form in r["formy"].split("|"):
            if form:
                by_form.setdefault(form, [])
        for code in sorted(by_form, key=FORM_ORDER.index):
            service_forms.append(ServiceForm(service_id=s.pk, form_id=forms[code], continuous=code == "pob",
                                             source=Source.MPSV))
            form_caps.append(by_form[code])
        for p in usable:
            facilities.append(Facility(
                service_id=s.pk,
                name=f"{r['nazev']} – {p['obec']}"[:255] if len(usable) > 1 else r["nazev"][:255],
                address=p["obec"], address_point=int(p["kodAdresnihoMista"]) if p["kodAdresnihoMista"] else None,
                municipality_id=munis[p["kodObce"]][0], lat=float(p["lat"]) if p["lat"] else None,
                lon=float(p["lng"]) if p["lng"] else None, valid_from=s.valid_from, valid_to=s.valid_to,
                source=Source.MPSV,
            ))
    service_forms = bulk_create_with_history(service_forms, ServiceForm, **kw)
    caps = [Capacity(service_form_id=sf.pk, capacity_type_id=cap_types[t], count=n, source=Source.MPSV)
            for sf, cs in zip(service_forms, form_caps, strict=True) for t, n in cs]
    bulk_create_with_history(caps, Capacity, **kw)
    bulk_create_with_history(facilities, Facility, **kw)
    counts["services"] = len(services)
    counts["facilities"] = len(facilities)
    return counts
