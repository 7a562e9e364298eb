"""Writes of the catalogue: rebuilding its read model from the registry.

`catalogue_refresh(service_ids=None)` rebuilds the catalogue entries and places of all services (or of the
given ones) in one transaction, with a handful of bulk queries (no per-service queries), and records a
fingerprint of the content in `CatalogueState`; the pages and the API derive their ETags from it.

It runs
- from `socplan catalogue-refresh` and the `catalogue_refresh` job;
- from the catalogue demo (`demo.demo_load`);
- after every MPSV registry import (a `catalogue_refresh` job is enqueued when the import's log row is saved);
- for single services after edits through the ORM (`signals.py`: registry rows saved or deleted one by one).
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Callable, Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from socplan.core.models import Source
from socplan.registry.models import (
    Capacity,
    Facility,
    Service,
    ServiceAgeGroup,
    ServiceArea,
    ServiceForm,
    ServiceTargetGroup,
)

from . import engine
from .content import opening_lines
from .models import (
    CatalogueDetail,
    CatalogueEntry,
    CataloguePlace,
    CatalogueState,
    ContentProposal,
    FreeCapacityStatement,
    ProposalPhoto,
    ProposalState,
)
from .network_link import network_membership
from .situations import FORM_ORDER, situations

PLACE_LABEL_MAX = 3
CONFIDENTIAL_NAME = "Místo s utajenou adresou"


def _pack(values: Iterable) -> str:
    """Codes as "|a|b|" (sorted, distinct) so that `contains("|a|")` is an exact token match."""
    vals = sorted({str(v) for v in values if v not in (None, "")})
    return "|" + "|".join(vals) + "|" if vals else ""


def _address(street: str, house: str, orientation: str, postcode: str, address: str, municipality: str) -> str:
    number = "/".join(x for x in (house, orientation) if x)
    first = " ".join(x for x in (street, number) if x)
    town = " ".join(x for x in (postcode[:3] + " " + postcode[3:] if len(postcode) == 5 else postcode,
                                municipality) if x)
    if first:
        return f"{first}, {town}" if town else first
    if address and address != municipality:
        return address
    return town


def state() -> CatalogueState:
    obj, _created = CatalogueState.objects.get_or_create(pk=1)
    return obj


def _collect(service_ids: list[int] | None, regions: list[str]) -> dict:
    if regions:
        scoped = Service.objects.filter(region__code__in=regions).values_list("pk", flat=True)
        service_ids = sorted(set(scoped) if service_ids is None else set(scoped) & set(service_ids))

    def narrow(qs, field="service_id"):
        return qs.filter(**{f"{field}__in": service_ids}) if service_ids is not None else qs

    services = list(narrow(Service.objects.all(), "pk").values_list(
        "pk", "name", "provider__name", "provider__ico", "kind__code", "kind__name", "kind__short_name",
        "valid_from", "valid_to", "region__code", "identifier", "kind__paragraph", "age_note",
        "phone", "email", "web", "provider__phone", "provider__email", "provider__web", "source",
        "verified_at").order_by("pk"))
    forms = defaultdict(list)
    for sid, code, name, continuous in narrow(ServiceForm.objects.all()).values_list(
            "service_id", "form__code", "form__name", "continuous").order_by("service_id", "form__order"):
        forms[sid].append((code, name, continuous))
    capacities = defaultdict(list)
    for sid, form, ctype, cname, count in narrow(Capacity.objects.all(), "service_form__service_id").values_list(
            "service_form__service_id", "service_form__form__code", "capacity_type__code", "capacity_type__name",
            "count").order_by("service_form__service_id", "service_form__form__order", "capacity_type__order"):
        capacities[sid].append((form, ctype, cname, count))
    groups = defaultdict(list)
    for sid, gid, gname in narrow(ServiceTargetGroup.objects.all()).values_list(
            "service_id", "target_group_id", "target_group__name").order_by(
            "service_id", "target_group__order", "target_group__name"):
        groups[sid].append((gid, gname))
    ages = defaultdict(list)
    for sid, aname in narrow(ServiceAgeGroup.objects.all()).values_list("service_id", "age_group__name").order_by(
            "service_id", "age_group__order", "age_group__name"):
        ages[sid].append(aname)
    facilities = defaultdict(list)
    for row in narrow(Facility.objects.all()).values_list(
            "pk", "service_id", "name", "street", "house_number", "orientation_number", "postcode", "address",
            "municipality__code", "municipality__name", "municipality__orp__code", "municipality__orp__name",
            "lat", "lon", "valid_to", "confidential", "municipality__lat", "municipality__lon").order_by(
            "service_id", "name", "pk"):
        facilities[row[1]].append(row)
    areas = defaultdict(list)
    for row in narrow(ServiceArea.objects.all()).values_list(
            "service_id", "orp__code", "orp__name", "municipality__code", "municipality__name",
            "municipality__orp__code").order_by("service_id", "-share", "pk"):
        areas[row[0]].append(row)
    free = {}
    for sid, places, waiting, stated in narrow(FreeCapacityStatement.objects.all()).order_by(
            "service_id", "-stated_on", "-created_at", "-pk").values_list(
            "service_id", "places_free", "waiting_list", "stated_on"):
        free.setdefault(sid, {"places_free": places, "waiting_list": waiting, "stated_on": stated.isoformat()})
    return {"free": free, "content": _approved_content(narrow), "services": services, "forms": forms, "capacities": capacities, "groups": groups, "ages": ages,
            "facilities": facilities, "areas": areas}


def _approved_content(narrow) -> dict[int, dict]:
    """The newest approved proposal of each service as the catalogue shows it (see `proposals`)."""
    newest: dict[int, ContentProposal] = {}
    for p in narrow(ContentProposal.objects.filter(state=ProposalState.APPROVED)).order_by(
            "service_id", "-decided_at", "-pk"):
        newest.setdefault(p.service_id, p)
    photos = defaultdict(list)
    for pid, proposal_id, caption, width, height, dw, dh, tw, th in ProposalPhoto.objects.filter(
            proposal_id__in=[p.pk for p in newest.values()]).order_by("proposal_id", "order", "pk").values_list(
            "pk", "proposal_id", "caption", "width", "height", "display_width", "display_height", "thumb_width",
            "thumb_height"):
        # the public size is the bounded derivative's (the original when it has none)
        width, height = (dw, dh) if dw else (width, height)
        photos[proposal_id].append({"id": pid, "caption": caption, "width": width, "height": height,
                                    "thumb_width": tw or width, "thumb_height": th or height})
    return {sid: {
        "proposal_id": p.pk,
        "description": p.description,
        "how_to_apply": p.how_to_apply,
        "opening_hours": p.opening_hours,
        "opening_lines": opening_lines(p.opening_hours),
        "opening_note": p.opening_note,
        "prices": p.prices,
        "price_note": p.price_note,
        "photos": photos[p.pk],
        "approved_on": timezone.localdate(p.decided_at).isoformat() if p.decided_at else "",
        "contact": {"phone": p.phone, "email": p.email, "web": p.web},
    } for sid, p in newest.items()}


def _build(data: dict, network: set[int] | None, today):
    sits = situations()
    entries, places, details = [], [], []
    for (sid, name, provider, ico, kind_code, kind_name, kind_short, vfrom, vto, region, identifier, paragraph,
         age_note, phone, email, web, pphone, pemail, pweb, source, verified_at) in data["services"]:
        forms = sorted(data["forms"][sid], key=lambda f: FORM_ORDER.index(f[0]) if f[0] in FORM_ORDER else 9)
        group_names = {g for _i, g in data["groups"][sid]}
        situation_list = [s for s in sits if s.matches(kind_code, group_names)]
        facs = [f for f in data["facilities"][sid] if f[14] is None or f[14] >= today]
        area_rows = data["areas"][sid]
        muni_names, orp_codes, muni_codes, orp_names = [], set(), set(), []
        fac_detail, searchable_names = [], []
        for f in facs:
            (fid, _s, fname, street, house, orient, postcode, address, mcode, mname, ocode, oname, lat, lon,
             _vto, confidential, mlat, mlon) = f
            if confidential:
                # Only the obec of a confidential address is ever shown (its name may say where it is; its
                # point is the obec's, so distances still work).
                fname, full_address, lat, lon = CONFIDENTIAL_NAME, mname or "", mlat, mlon
            else:
                full_address = _address(street, house, orient, postcode, address, mname or "")[:300]
                searchable_names.append(fname)
            places.append(CataloguePlace(
                entry_id=sid, facility_id=fid, name=fname[:255], address=full_address,
                municipality_code=mcode or "", municipality_name=mname or "", orp_code=ocode or "",
                lat=lat, lon=lon, confidential=confidential,
            ))
            fac_detail.append({"name": fname, "address": full_address, "municipality": mname or "",
                               "municipality_code": mcode or "", "orp": oname or "", "lat": lat, "lon": lon,
                               "confidential": confidential})
            if mname and mname not in muni_names:
                muni_names.append(mname)
            if mcode:
                muni_codes.add(mcode)
            if ocode:
                orp_codes.add(ocode)
                if oname and oname not in orp_names:
                    orp_names.append(oname)
        area_detail = []
        for _s, ocode, oname, mcode, mname, m_orp in area_rows:
            if ocode:
                orp_codes.add(ocode)
                area_detail.append({"type": "orp", "code": ocode, "name": oname})
                if oname and oname not in orp_names:
                    orp_names.append(oname)
            if mcode:
                muni_codes.add(mcode)
                area_detail.append({"type": "obec", "code": mcode, "name": mname})
                if mname and mname not in muni_names:
                    muni_names.append(mname)
            if m_orp:
                orp_codes.add(m_orp)
        if muni_names:
            label = ", ".join(muni_names[:PLACE_LABEL_MAX]) + (" a další" if len(muni_names) > PLACE_LABEL_MAX else "")
        elif orp_names:
            label = "působí v ORP " + ", ".join(orp_names[:PLACE_LABEL_MAX]) + (
                " a dalších" if len(orp_names) > PLACE_LABEL_MAX else "")
        else:
            label = ""
        form_codes = [c for c, _n, _c in forms]
        # Per-service words only; the texts shared by many services (plain description of the kind, form
        # wording, life-situation labels) are matched once per query in `selectors` (see docs/catalogue.md).
        search = engine.index_text([
            name, provider, kind_name, kind_short or "", identifier or "", " ".join(sorted(group_names)),
            " ".join(muni_names), " ".join(orp_names), " ".join(searchable_names),
            (data["content"].get(sid) or {}).get("description", ""),
        ])
        caps = data["capacities"][sid]
        approved = data["content"].get(sid)
        own = approved["contact"] if approved else {"phone": "", "email": "", "web": ""}
        detail = {
            "identifier": identifier,
            "kind": {"code": kind_code, "name": kind_name, "paragraph": paragraph or ""},
            "provider": {"name": provider, "ico": ico},
            "forms": [{"code": c, "name": n, "continuous": cont,
                       "capacities": [{"type": t, "type_name": tn, "count": k} for f, t, tn, k in caps if f == c]}
                      for c, n, cont in forms],
            "facilities": fac_detail,
            "areas": area_detail,
            "target_groups": [{"id": i, "name": g} for i, g in data["groups"][sid]],
            "age_groups": data["ages"][sid],
            "age_note": age_note or "",
            # contacts the kraj approved come before the registry's
            "contact": {"phone": own["phone"] or phone or pphone or "", "email": own["email"] or email or pemail or "",
                        "web": own["web"] or web or pweb or ""},
            "content": approved,
            # a synthetic demo record says so wherever it is shown (its contacts are never invented)
            "demo": source == Source.SYNTHETIC,
            "verified_on": timezone.localdate(verified_at).isoformat() if verified_at else "",
            # the provider's newest statement of free capacity (published at once; history in the statements)
            "free_capacity": data["free"].get(sid),
        }
        entries.append(CatalogueEntry(
            service_id=sid, name=name[:255], provider_name=provider[:255], provider_ico=ico, kind_code=kind_code,
            kind_name=kind_name, forms=_pack(form_codes), target_groups=_pack(i for i, _g in data["groups"][sid]),
            situations=_pack(s.slug for s in situation_list), orp_codes=_pack(orp_codes),
            municipality_codes=_pack(muni_codes), place_label=label[:300], search_text=search,
            name_text=engine.index_text([name, kind_name]),
            valid_from=vfrom, valid_to=vto, in_network=(sid in network) if network is not None else None,
            region_code=region or "",
        ))
        details.append(CatalogueDetail(entry_id=sid, data=detail))
    return entries, places, details


def _digest(entries: list[CatalogueEntry], places: list[CataloguePlace], details: list[CatalogueDetail]) -> str:
    h = hashlib.sha256()
    for e in sorted(entries, key=lambda e: e.service_id):
        h.update(repr((e.service_id, e.name, e.provider_name, e.provider_ico, e.kind_code, e.kind_name, e.forms,
                       e.target_groups, e.situations, e.orp_codes, e.municipality_codes, e.place_label,
                       e.search_text, e.valid_from, e.valid_to, e.in_network, e.region_code)).encode())
    for d in sorted(details, key=lambda d: d.entry_id):
        h.update(json.dumps([d.entry_id, d.data], sort_keys=True, default=str).encode())
    for p in sorted(places, key=lambda p: (p.entry_id, p.facility_id or 0, p.name)):
        h.update(repr((p.entry_id, p.facility_id, p.name, p.address, p.municipality_code, p.lat, p.lon,
                       p.confidential)).encode())
    return h.hexdigest()


@transaction.atomic
def catalogue_refresh(*, actor=None, service_ids: Iterable[int] | None = None,
                      progress: Callable[[float, str], None] | None = None) -> dict:
    """Rebuild the catalogue entries of all services (or of `service_ids`). Returns counts and whether the
    content changed. Entries of services that no longer exist disappear with them (cascade)."""
    step = progress or (lambda pct, msg: None)
    ids = sorted(set(service_ids)) if service_ids is not None else None
    step(5, "čtení registru")
    st = CatalogueState.objects.select_for_update().get_or_create(pk=1)[0]
    data = _collect(ids, st.regions)
    network, year = network_membership()
    step(40, "sestavení položek katalogu")
    entries, places, details = _build(data, network, timezone.localdate())
    digest = _digest(entries, places, details)
    if ids is None:
        changed = digest != st.fingerprint
        new_fingerprint = digest
    else:
        changed = True
        new_fingerprint = hashlib.sha256(f"{st.fingerprint}|{ids}|{digest}".encode()).hexdigest()
    if changed:
        step(60, "zápis položek katalogu")
        if ids is None:
            CataloguePlace.objects.all().delete()
            CatalogueDetail.objects.all().delete()
            CatalogueEntry.objects.all().delete()
        else:
            CataloguePlace.objects.filter(entry_id__in=ids).delete()
            CatalogueDetail.objects.filter(entry_id__in=ids).delete()
            CatalogueEntry.objects.filter(service_id__in=ids).delete()
        CatalogueEntry.objects.bulk_create(entries, batch_size=1000)
        CatalogueDetail.objects.bulk_create(details, batch_size=500)
        CataloguePlace.objects.bulk_create(places, batch_size=2000)
    st.refreshed_at = timezone.now()
    st.fingerprint = new_fingerprint
    st.entries = CatalogueEntry.objects.count()
    st.network_year = year
    st.network_available = network is not None
    st.save()
    from .cache import version_forget

    version_forget()
    transaction.on_commit(version_forget)
    step(100, "hotovo")
    return {"services": len(entries), "places": len(places), "changed": changed, "entries": st.entries,
            "network_year": year}


@transaction.atomic
def catalogue_regions_set(*, actor=None, region_codes: Iterable[str]) -> dict:
    """Set which kraje the public catalogue lists (empty: every kraj with services) and rebuild it. Run by the
    demo and by `socplan catalogue-refresh --kraje` (an administrator's command; `actor` None = the system)."""
    from django.core.exceptions import ValidationError

    from socplan.territory.models import Region

    codes = sorted({c.strip().upper() for c in region_codes if c.strip()})
    unknown = sorted(set(codes) - set(Region.objects.filter(code__in=codes).values_list("code", flat=True)))
    if unknown:
        raise ValidationError({"region_codes": _("Neznámý kód kraje: %(codes)s.") % {"codes": ", ".join(unknown)}})
    st = CatalogueState.objects.select_for_update().get_or_create(pk=1)[0]
    value = ",".join(codes)
    if value != st.region_codes:
        st.region_codes = value
        st.fingerprint = ""  # the content is judged anew
        st.save(update_fields=["region_codes", "fingerprint"])
    return catalogue_refresh(actor=actor)
