"""Open data of the catalogue: one table (CSV, XLSX) and an HSDS 3.1 JSON document.

`rows(network_only=False)` gives one dict per service in the catalogue (services in operation today), with
the columns of `COLUMNS`; CSV and XLSX carry exactly these rows and columns, so they can be compared cell by
cell (the tests do). `network_only=True` keeps the services of the published regional network. Both go
through `socplan.core.render.safe_cells`: a text a spreadsheet would read as a formula (starting with = + - @)
stays text (CSV: a leading apostrophe; XLSX: a text cell marked as such).

`hsds_document(base_url)` follows the Open Referral Human Services Data Specification 3.1: a page object
(`total_items`, `total_pages`, `page_number`, `size`, `first_page`, `last_page`, `empty`) whose `contents`
are fully nested `service` objects — `organization` (with the IČO as `organization_identifiers`),
`service_at_locations` → `location` (coordinates, RÚIAN address point as external identifier, `addresses`),
`phones`, `contacts`, `service_areas` (ORP / obec of the declared territory; in 3.1 also on each
service-at-location), `schedules` (the approved opening hours: one weekly rule per interval, `byday` MO…SU,
`opens_at`/`closes_at`), `cost_options` (the approved price list: `option` = item, `amount` in CZK,
`amount_description` = unit), `capacities` (3.1 `service_capacity`, which requires `available`: only with a provider's
statement of free places; `available` = places free, `maximum` = the registered capacity in that unit summed
over the forms, `unit` = the registry's capacity type, `updated` = the statement's date; see
`_service_capacities`) and `attributes` linking
`taxonomy_term`s of three taxonomies: kind of service (§ of Act 108/2006 Sb.), target group (MPSV code list)
and form of delivery. Ids are UUIDs (version 5, derived from socplan's ids, so they are stable between
exports). Unknown required address parts (postal code) are empty strings.
"""

from __future__ import annotations

import io
import uuid
from collections import defaultdict
from decimal import Decimal

from django.utils import timezone

from socplan.core.render.safe_cells import csv_dict_writer, xlsx_append, xlsx_cell, xlsx_save
from socplan.registry.models import Capacity, Service, ServiceArea, ServiceForm, ServiceTargetGroup

from .content import HSDS_DAYS, price_label
from .models import CatalogueDetail, CatalogueEntry, CataloguePlace
from .selectors import active_entries
from .situations import kind_plain, situations

NAMESPACE = uuid.UUID("6f1c1f3e-2b1e-5d43-9a0e-5f0c7a3d2b10")  # socplan catalogue (fixed)
HSDS_PROFILE = "https://docs.openreferral.org/en/latest/hsds/"
HSDS_VERSION = "3.1"
PLACE_UNITS = ("luzka", "klient")  # registry capacity types counted in places (free places apply to them)
ATTRIBUTION = ("Data: registr poskytovatelů sociálních služeb MPSV a krajská síť sociálních služeb, zpracováno "
               "v socplan. Formát: Human Services Data Specification 3.1 – an Open Referral resource "
               "(https://openreferral.org/), CC BY-SA 4.0.")

COLUMNS = [
    ("id", "ID služby v socplan"),
    ("identifikator", "registrační číslo služby (identifikátor MPSV)"),
    ("nazev", "název služby"),
    ("druh_kod", "druh služby – paragraf zákona 108/2006 Sb."),
    ("druh", "druh služby"),
    ("poskytovatel", "poskytovatel"),
    ("ico", "IČO poskytovatele"),
    ("formy", "formy poskytování (ter = terénní, amb = ambulantní, pob = pobytová)"),
    ("cilove_skupiny", "cílové skupiny"),
    ("zivotni_situace", "životní situace"),
    ("obce", "obce zařízení a působnosti (kódy ČSÚ)"),
    ("orp", "ORP zařízení a působnosti (kódy ČSÚ)"),
    ("mista", "místa poskytování (adresy)"),
    ("kapacita", "registrovaná kapacita"),
    ("popis", "popis služby od poskytovatele (schválený krajem)"),
    ("jak_pozadat", "jak požádat o službu"),
    ("oteviraci_doba", "otevírací doba (dny a časy)"),
    ("uhrady", "ceník úhrad: položka = částka Kč / jednotka"),
    ("volna_mista", "volná místa podle poskytovatele"),
    ("volna_mista_ke_dni", "datum údaje o volných místech"),
    ("obsah_overen", "kdy kraj schválil obsah od poskytovatele"),
    ("telefon", "telefon"),
    ("email", "e-mail"),
    ("web", "web"),
    ("v_siti", "v krajské síti (ano/ne; prázdné = síť není k dispozici)"),
    ("poskytovana_od", "poskytována od"),
    ("poskytovana_do", "poskytována do"),
    ("url", "stránka služby v katalogu"),
]
FIELDS = [c for c, _label in COLUMNS]


def uid(kind: str, key) -> str:
    return str(uuid.uuid5(NAMESPACE, f"{kind}:{key}"))


def _split(packed: str) -> list[str]:
    return [x for x in packed.split("|") if x]


def _entries(network_only: bool):
    qs = active_entries().order_by("name", "service_id")
    if network_only:
        qs = qs.filter(in_network=True)
    return list(qs)


def _related(ids: list[int]) -> dict:
    """Everything the exports need beyond the entries, in bulk (by service id)."""
    svc = {r[0]: r for r in Service.objects.filter(pk__in=ids).values_list(
        "pk", "identifier", "web", "email", "phone", "provider__web", "provider__email", "provider__phone",
        "provider__legal_form", "provider_id", "kind__paragraph", "kind__category")}
    caps = defaultdict(list)
    for sid, form, ctype, unit, count in Capacity.objects.filter(service_form__service_id__in=ids).values_list(
            "service_form__service_id", "service_form__form__code", "capacity_type__code", "capacity_type__name",
            "count").order_by("service_form__service_id", "service_form__form__order", "capacity_type__order"):
        caps[sid].append((form, ctype, unit, count))
    groups = defaultdict(list)
    for sid, gid, name, od in ServiceTargetGroup.objects.filter(service_id__in=ids).values_list(
            "service_id", "target_group_id", "target_group__name", "target_group__mpsv_od_id").order_by(
            "service_id", "target_group__order", "target_group__name"):
        groups[sid].append((gid, name, od))
    forms = defaultdict(list)
    for sid, code, name, od in ServiceForm.objects.filter(service_id__in=ids).values_list(
            "service_id", "form__code", "form__name", "form__mpsv_od_id").order_by("service_id", "form__order"):
        forms[sid].append((code, name, od))
    areas = defaultdict(list)
    for pk, sid, ocode, oname, mcode, mname in ServiceArea.objects.filter(service_id__in=ids).values_list(
            "pk", "service_id", "orp__code", "orp__name", "municipality__code", "municipality__name").order_by(
            "service_id", "-share", "pk"):
        areas[sid].append((pk, ocode, oname, mcode, mname))
    details = dict(CatalogueDetail.objects.filter(entry_id__in=ids).values_list("entry_id", "data"))
    places = defaultdict(list)
    for p in CataloguePlace.objects.filter(entry_id__in=ids).order_by("entry_id", "name", "pk"):
        places[p.entry_id].append(p)
    return {"details": details, "svc": svc, "caps": caps, "groups": groups, "forms": forms, "areas": areas, "places": places}


def _capacity_text(caps) -> str:
    return "; ".join(f"{form}: {count} {unit}" for form, _t, unit, count in caps)


def _service_capacities(service_id: int, sid: str, caps, free: dict | None) -> list[dict]:
    """HSDS 3.1 `service_capacity` records of a service (see the module docstring and docs/catalogue.md).

    3.1 requires `available` (and `updated`), so a record exists only where the number of free units is known:
    the provider's newest statement of free places. It gives `available` to the service's first registered
    capacity counted in places (`PLACE_UNITS`, in the order of the forms), whose `maximum` is the registered
    capacity of that unit summed over the forms. Without a statement nothing is known about free places: no
    record (an invented 0 would tell a citizen the service is full); the registered capacity stays in
    `eligibility_description`. Capacities in contacts, interventions or calls have no free places at all."""
    if not free:
        return []
    totals: dict[str, list] = {}
    for form, code, name, count in caps:
        if code in PLACE_UNITS:
            row = totals.setdefault(code, [name, 0, []])
            row[1] += count or 0
            row[2].append(form)
    updated = f"{free['stated_on']}T00:00:00+00:00"
    waiting = (f"; čekatelé v pořadníku: {free['waiting_list']}" if free.get("waiting_list") is not None else "")
    if not totals:
        return [{"id": uid("service_capacity", f"{service_id}:mista"), "service_id": sid,
                 "unit": {"id": uid("unit", "mista"), "name": "místo", "scheme": "MPSV-TypKapacity",
                          "identifier": "mista"},
                 "available": free["places_free"], "updated": updated,
                 "description": f"Volná místa podle poskytovatele{waiting}."}]
    code, (name, maximum, forms) = next(iter(totals.items()))
    return [{"id": uid("service_capacity", f"{service_id}:{code}"), "service_id": sid,
             "unit": {"id": uid("unit", code), "name": name, "scheme": "MPSV-TypKapacity", "identifier": code},
             "available": free["places_free"], "maximum": maximum, "updated": updated,
             "description": (f"Volná místa podle poskytovatele{waiting}. Registrovaná kapacita ({name}, "
                             f"formy {', '.join(forms)}): {maximum}.")}]


def _contact(detail: dict) -> tuple[str, str, str]:
    """Phone, e-mail, web as the catalogue shows them (approved by the kraj, else the registry's)."""
    c = detail.get("contact") or {}
    return c.get("phone", ""), c.get("email", ""), c.get("web", "")


def _prices_text(rows: list[dict]) -> str:
    return "; ".join(f"{r['item']} = {price_label(r['amount'])} / {r['unit']}" for r in rows).replace("\u00a0", " ")


def rows(*, network_only: bool = False, base_url: str = "") -> list[dict]:
    entries = _entries(network_only)
    rel = _related([e.service_id for e in entries])
    sit_labels = {s.slug: s.label for s in situations()}
    out = []
    for e in entries:
        s = rel["svc"].get(e.service_id)
        if s is None:
            continue
        detail = rel["details"].get(e.service_id) or {}
        own = detail.get("content") or {}
        free = detail.get("free_capacity") or {}
        phone, email, web = _contact(detail)
        out.append({
            "id": e.service_id,
            "identifikator": s[1] or "",
            "nazev": e.name,
            "druh_kod": e.kind_code,
            "druh": e.kind_name,
            "poskytovatel": e.provider_name,
            "ico": e.provider_ico,
            "formy": ",".join(_split(e.forms)) if e.forms else "",
            "cilove_skupiny": "; ".join(n for _g, n, _o in rel["groups"][e.service_id]),
            "zivotni_situace": "; ".join(sit_labels[x] for x in _split(e.situations) if x in sit_labels),
            "obce": ",".join(_split(e.municipality_codes)),
            "orp": ",".join(_split(e.orp_codes)),
            "mista": " | ".join(p.address or p.name for p in rel["places"][e.service_id]),
            "kapacita": _capacity_text(rel["caps"][e.service_id]),
            "popis": own.get("description", ""),
            "jak_pozadat": own.get("how_to_apply", ""),
            "oteviraci_doba": "; ".join(own.get("opening_lines", [])),
            "uhrady": _prices_text(own.get("prices", [])),
            "volna_mista": free.get("places_free", ""),
            "volna_mista_ke_dni": free.get("stated_on", ""),
            "obsah_overen": own.get("approved_on", ""),
            "telefon": phone,
            "email": email,
            "web": web,
            "v_siti": "" if e.in_network is None else ("ano" if e.in_network else "ne"),
            "poskytovana_od": e.valid_from.isoformat() if e.valid_from else "",
            "poskytovana_do": e.valid_to.isoformat() if e.valid_to else "",
            "url": f"{base_url}/katalog/sluzba/{e.service_id}/",
        })
    return out


def csv_bytes(data: list[dict]) -> bytes:
    buf = io.StringIO()
    writer = csv_dict_writer(buf, FIELDS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(data)
    return ("\ufeff" + buf.getvalue()).encode("utf-8")  # BOM: Excel opens UTF-8 CSV correctly


def xlsx_bytes(data: list[dict], *, title: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook(write_only=True)
    wb.properties.title = title
    wb.properties.language = "cs-CZ"
    ws = wb.create_sheet("sluzby")
    ws.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for name in FIELDS:
        cell = xlsx_cell(ws, name)
        cell.font = bold
        header.append(cell)
    ws.append(header)
    for r in data:
        xlsx_append(ws, [r[f] if r[f] != "" else None for f in FIELDS])
    info = wb.create_sheet("popis")
    xlsx_append(info, ["sloupec", "význam"])
    for name, label in COLUMNS:
        xlsx_append(info, [name, label])
    info.append([])
    xlsx_append(info, ["zdroj", ATTRIBUTION])
    xlsx_append(info, ["vytvořeno", timezone.now().isoformat(timespec="seconds")])
    return xlsx_save(wb)


# --- HSDS 3.1 ----------------------------------------------------------------------------------------------------

TAXONOMIES = {
    "kind": ("Druhy sociálních služeb", "Druhy sociálních služeb podle zákona č. 108/2006 Sb., o sociálních "
             "službách (§ 37–70), a číselníku MPSV DruhSocialniSluzby.",
             "https://data.mpsv.cz/od/soubory/ciselniky/druhy-socialni-sluzby.json"),
    "target_group": ("Cílové skupiny osob", "Cílové skupiny osob podle číselníku MPSV CilovaSkupinaOsoby.",
                     "https://data.mpsv.cz/od/soubory/ciselniky/cilove-skupiny-osoby.json"),
    "form": ("Formy poskytování", "Formy poskytování sociálních služeb podle § 33 zákona č. 108/2006 Sb. "
             "(ambulantní, terénní, pobytová).", "https://data.mpsv.cz/od/soubory/ciselniky/formy-soc-sluzby.json"),
}


def _taxonomy(key: str) -> dict:
    name, description, uri = TAXONOMIES[key]
    return {"id": uid("taxonomy", key), "name": name, "description": description, "uri": uri, "version": "2026"}


def _attribute(service_uuid: str, key: str, code: str, name: str, description: str, value: str = "") -> dict:
    term_id = uid(f"term:{key}", code)
    return {
        "id": uid("attribute", f"{service_uuid}:{key}:{code}"),
        "link_id": service_uuid,
        "taxonomy_term_id": term_id,
        "link_type": key,
        "link_entity": "service",
        "value": value or name,
        "taxonomy_term": {
            "id": term_id, "code": str(code), "name": name, "description": description or name,
            "taxonomy": TAXONOMIES[key][0], "taxonomy_id": uid("taxonomy", key), "language": "cs",
            "taxonomy_detail": _taxonomy(key),
        },
    }


def _organization(e: CatalogueEntry, s, provider_id: int) -> dict:
    org_id = uid("organization", provider_id)
    org = {
        "id": org_id,
        "name": e.provider_name,
        "description": f"Poskytovatel sociálních služeb, IČO {e.provider_ico}.",
        "tax_id": e.provider_ico,
        "organization_identifiers": [{
            "id": uid("organization_identifier", provider_id), "organization_id": org_id,
            "identifier_scheme": "CZ-ICO", "identifier_type": "IČO", "identifier": e.provider_ico,
        }],
    }
    if s[6] and "@" in s[6]:
        org["email"] = s[6]
    if s[5]:
        org["website"] = _url(s[5])
    if s[7]:
        org["phones"] = [{"id": uid("phone:organization", provider_id), "organization_id": org_id,
                          "number": s[7]}]
    return org


def _url(web: str) -> str:
    web = web.strip()
    return web if web.startswith(("http://", "https://")) else f"https://{web}"


def _service(e: CatalogueEntry, rel: dict, base_url: str, region_names: dict[str, str]) -> dict:
    s = rel["svc"][e.service_id]
    sid = uid("service", e.service_id)
    plain = kind_plain(e.kind_code)
    today = timezone.localdate()
    status = "active" if (e.valid_to is None or e.valid_to >= today) else "inactive"
    service = {
        "id": sid,
        "organization_id": uid("organization", s[9]),
        "name": e.name,
        "alternate_name": e.kind_name,
        "description": " ".join(x for x in (plain["what"], plain["who"]) if x) or e.kind_name,
        "url": f"{base_url}/katalog/sluzba/{e.service_id}/",
        "status": status,
        "organization": _organization(e, s, s[9]),
    }
    detail = rel["details"].get(e.service_id) or {}
    own = detail.get("content") or {}
    phone, email, web = _contact(detail)
    if email and "@" in email:
        service["email"] = email
    if own.get("description"):
        service["description"] = own["description"]
    if own.get("how_to_apply"):
        service["application_process"] = own["how_to_apply"]
    if own.get("price_note"):
        service["fees_description"] = own["price_note"]
    if own.get("approved_on"):
        service["assured_date"] = own["approved_on"]
    if web:
        service["additional_urls"] = [{"id": uid("url:service", e.service_id), "label": "Web služby",
                                       "url": _url(web), "service_id": sid}]
    if own.get("opening_hours"):
        service["schedules"] = [{
            "id": uid("schedule", f"{e.service_id}:{own.get('proposal_id')}:{i}"), "service_id": sid,
            "freq": "WEEKLY", "wkst": "MO", "byday": HSDS_DAYS[r["day"] - 1], "opens_at": r["opens"],
            "closes_at": r["closes"],
            "description": "; ".join(own.get("opening_lines", [])) + " (místní čas)",
            **({"notes": own["opening_note"]} if own.get("opening_note") else {}),
        } for i, r in enumerate(own["opening_hours"])]
    if own.get("prices"):
        service["cost_options"] = [{
            "id": uid("cost_option", f"{e.service_id}:{own.get('proposal_id')}:{i}"), "service_id": sid,
            "option": r["item"], "currency": "CZK", "amount": float(Decimal(r["amount"])),
            "amount_description": r["unit"],
        } for i, r in enumerate(own["prices"])]
    capacities = _service_capacities(e.service_id, sid, rel["caps"][e.service_id], detail.get("free_capacity"))
    if capacities:
        service["capacities"] = capacities
    if phone:
        service["phones"] = [{"id": uid("phone:service", e.service_id), "service_id": sid, "number": phone}]
    if email and "@" in email:
        service["contacts"] = [{"id": uid("contact:service", e.service_id), "service_id": sid,
                                "name": e.provider_name, "email": email,
                                **({"phones": service["phones"]} if phone else {})}]
    caps = rel["caps"][e.service_id]
    if caps:
        service["eligibility_description"] = ("Registrovaná kapacita (nejvýše): "
                                              + _capacity_text(caps) + ".")
    areas = []
    for pk, ocode, oname, mcode, mname in rel["areas"][e.service_id]:
        if ocode:
            areas.append({"id": uid("service_area", pk), "service_id": sid, "name": f"ORP {oname}",
                          "extent_type": "CZ-CSU-ORP", "extent": ocode})
        elif mcode:
            areas.append({"id": uid("service_area", pk), "service_id": sid, "name": mname,
                          "extent_type": "CZ-CSU-obec", "extent": mcode})
    sals = []
    for p in rel["places"][e.service_id]:
        loc_id = uid("location", p.facility_id or f"{e.service_id}:{p.pk}")
        location = {
            "id": loc_id, "location_type": "physical", "name": p.name,
            "organization_id": uid("organization", s[9]),
            "addresses": [{
                "id": uid("address", p.facility_id or f"{e.service_id}:{p.pk}"), "location_id": loc_id,
                "address_1": (p.address.split(",")[0] if p.address else p.municipality_name) or p.name,
                "city": p.municipality_name or "", "region": "",
                "state_province": region_names.get(p.municipality_code, ""), "postal_code": _postcode(p.address),
                "country": "CZ", "address_type": "physical",
            }],
        }
        if p.confidential:
            # only the obec: no street, no postal code, no point (the catalogue keeps the obec's point)
            location["description"] = "Adresa je utajená; domluvte se se službou telefonicky nebo e-mailem."
        elif p.lat is not None and p.lon is not None:
            location["latitude"], location["longitude"] = p.lat, p.lon
        if p.municipality_code:
            location["external_identifier"] = p.municipality_code
            location["external_identifier_type"] = "CZ-CSU-obec"
        sal_id = uid("service_at_location", f"{e.service_id}:{p.facility_id or p.pk}")
        sal = {"id": sal_id, "service_id": sid, "location_id": loc_id, "location": location}
        if areas:
            sal["service_areas"] = [{**a, "id": uid("service_area", f"{a['id']}:{sal_id}"),
                                     "service_at_location_id": sal_id} for a in areas]
        sals.append(sal)
    if sals:
        service["service_at_locations"] = sals
    if areas:
        service["service_areas"] = areas
    attributes = [_attribute(sid, "kind", e.kind_code, e.kind_name, plain["what"])]
    for gid, name, od in rel["groups"][e.service_id]:
        attributes.append(_attribute(sid, "target_group", od or f"socplan/{gid}", name, name))
    for code, name, od in rel["forms"][e.service_id]:
        attributes.append(_attribute(sid, "form", code, name, name, value=od or code))
    service["attributes"] = attributes
    return service


def _postcode(address: str) -> str:
    """The Czech postal code ("602 00") in an address, else ""."""
    import re

    m = re.search(r"\b(\d{3}) ?(\d{2})\b", address or "")
    return f"{m.group(1)} {m.group(2)}" if m else ""


def hsds_document(*, base_url: str, network_only: bool = False) -> dict:
    from socplan.territory.models import Municipality

    entries = _entries(network_only)
    rel = _related([e.service_id for e in entries])
    codes = {p.municipality_code for ps in rel["places"].values() for p in ps if p.municipality_code}
    region_names = dict(Municipality.objects.filter(code__in=codes).values_list("code", "region__name"))
    contents = [_service(e, rel, base_url, region_names) for e in entries if e.service_id in rel["svc"]]
    return {
        "hsds_version": HSDS_VERSION,
        "profile": HSDS_PROFILE,
        "title": "Katalog sociálních služeb" + (" – krajská síť" if network_only else ""),
        "attribution": ATTRIBUTION,
        "generated_at": timezone.now().isoformat(timespec="seconds"),
        "total_items": len(contents),
        "total_pages": 1,
        "page_number": 1,
        "size": len(contents),
        "first_page": True,
        "last_page": True,
        "empty": not contents,
        "contents": contents,
    }
