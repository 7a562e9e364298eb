"""Reading and validating the MPSV registry open data (rpss.json). Framework-free: no Django imports.

The file is streamed with ijson (`polozky.item` one record at a time), so memory stays bounded by the
compact parsed records, not by the ~100 MB of JSON. Each raw record becomes a `ServiceRec` (only what
socplan keeps; `poskytovatel.statutarniOrgany` and other personal data are never read into it) or a
`Rejection` with the record id and a reason. Whole-file problems raise `FileRefused`.

Rules (also in docs/registry.md):
- File refused (nothing is imported): not readable JSON / truncated; root is not an object with an array
  `polozky`; the file holds records but none of them is a service record (has `druhSocialniSluzby` and
  `poskytovatel`), e.g. a code-list file, which also has the root key `polozky`.
- Record rejected (reported, the others import): not an object; neither `identifikator` nor `portalId`;
  malformed identifier / portalId; unknown or missing kind; missing provider or invalid IČO; malformed date;
  end before start; no form; unknown or repeated form; unknown capacity type or a capacity that is not a
  non-negative whole number; a facility with a malformed date.
- Repaired with a warning (record imported): facility still open although the service ended (its end is
  set to the service's end); duplicate facilities (same name, address point, from, to) collapsed; facility
  without an address point kept without one; facility municipality code unknown to the territory tables
  (kept without municipality); form not allowed for the kind by the shipped table (kept, only warned);
  the same capacity type repeated in one form (the largest count is kept: capacities are maxima).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import date
from decimal import Decimal
from typing import IO, Any

import ijson

from socplan.registry.ico import ico_is_valid, ico_normalise

IDENTIFIER_RE = re.compile(r"^[0-9]{7}$")


class FileRefused(Exception):
    """The whole file is not importable; nothing may change."""


class RecordError(Exception):
    """One record is not importable; it is rejected with this reason."""


@dataclass(frozen=True)
class CapacityRec:
    type_id: str
    count: int
    description: str


@dataclass(frozen=True)
class FormRec:
    form_id: str
    continuous: bool
    capacities: tuple[CapacityRec, ...]


@dataclass(frozen=True)
class FacilityRec:
    name: str
    street: str
    house_number: str
    orientation_number: str
    postcode: str
    address: str
    address_point: int | None
    municipality_code: str | None
    valid_from: date | None
    valid_to: date | None

    @property
    def key(self) -> tuple:
        """Natural key used to dedupe and to match facilities between imports."""
        return (self.name, self.address_point, self.valid_from, self.valid_to)


@dataclass(frozen=True)
class ProviderRec:
    ico: str
    name: str
    dic: str
    web: str
    email: str
    phone: str


@dataclass
class ServiceRec:
    index: int
    registry_id: int | None
    identifier: str | None
    uri: str
    name: str
    kind_id: str
    valid_from: date | None
    valid_to: date | None
    provider: ProviderRec
    forms: tuple[FormRec, ...]
    facilities: tuple[FacilityRec, ...]
    target_group_ids: tuple[str, ...]
    age_group_ids: tuple[str, ...]
    age_note: str
    area_municipality_codes: tuple[str, ...]
    web: str
    email: str
    phone: str
    warnings: list[str] = field(default_factory=list)

    @property
    def record_id(self) -> str:
        return record_label(self.identifier, self.registry_id, self.index)

    def fingerprint(self) -> str:
        """SHA-256 of everything imported from the record: equal fingerprints = nothing to change."""
        data = asdict(self)
        data.pop("index")
        data.pop("warnings")
        text = json.dumps(data, sort_keys=True, default=str, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class Rejection:
    record_id: str
    reason: str


@dataclass
class Lookups:
    """What the parser validates codes against (filled from the database by the caller)."""

    kind_ids: set[str]
    form_ids: set[str]
    capacity_type_ids: set[str]
    municipality_codes: set[str]
    allowed_forms: dict[str, set[str]] = field(default_factory=dict)  # kind id → allowed form ids


def record_label(identifier, registry_id, index: int) -> str:
    if identifier:
        return f"identifikátor {identifier}"
    if registry_id is not None:
        return f"portalId {registry_id}"
    return f"záznam č. {index + 1}"


# --- streaming ------------------------------------------------------------------------------------------------

def iter_raw_records(fh: IO[bytes]) -> Iterator[Any]:
    """Yield the items of `polozky` one by one; JSON errors become `FileRefused`."""
    try:
        yield from ijson.items(fh, "polozky.item")
    except ijson.JSONError as exc:
        raise FileRefused(f"Soubor není platný JSON (poškozený nebo neúplný): {exc}") from exc
    except UnicodeDecodeError as exc:
        raise FileRefused(f"Soubor není textový JSON v UTF-8: {exc}") from exc


def has_root_polozky_array(fh: IO[bytes]) -> bool:
    """True if the root is an object with a key `polozky` holding an array (used only for empty results)."""
    try:
        parser = ijson.parse(fh)
        for prefix, event, value in parser:
            if prefix == "" and event == "start_map":
                continue
            if prefix == "" and event == "map_key" and value == "polozky":
                _prefix, event, _value = next(parser)
                return event == "start_array"
            if prefix == "" and event in ("start_array", "string", "number", "boolean", "null"):
                return False
    except (ijson.JSONError, UnicodeDecodeError, StopIteration):
        return False
    return False


def parse_file(fh: IO[bytes], lookups: Lookups, progress=None) -> tuple[list[ServiceRec], list[Rejection]]:
    """Parse a whole file: (records, rejections). Raises `FileRefused` for whole-file problems."""
    records: list[ServiceRec] = []
    rejections: list[Rejection] = []
    n = 0
    service_shaped = 0
    for n, raw in enumerate(iter_raw_records(fh), start=1):
        if progress:
            progress(1)
        if isinstance(raw, dict) and "druhSocialniSluzby" in raw and "poskytovatel" in raw:
            service_shaped += 1
        try:
            records.append(parse_record(raw, n - 1, lookups))
        except RecordError as exc:
            rejections.append(Rejection(_raw_label(raw, n - 1), str(exc)))
    if n == 0:
        fh.seek(0)
        if not has_root_polozky_array(fh):
            raise FileRefused(
                "Soubor nemá tvar otevřených dat registru MPSV: kořen musí být objekt s polem „polozky“."
            )
    elif service_shaped == 0:
        raise FileRefused(
            "Soubor nemá tvar otevřených dat registru MPSV: žádná položka není záznam sociální služby "
            "(chybí „druhSocialniSluzby“ a „poskytovatel“). Nejde o číselník?"
        )
    return records, rejections


def _raw_label(raw, index: int) -> str:
    if isinstance(raw, dict):
        ident = raw.get("identifikator")
        pid = raw.get("portalId")
        return record_label(str(ident) if ident not in (None, "") else None, pid, index)
    return record_label(None, None, index)


# --- one record -----------------------------------------------------------------------------------------------

def _text(value, limit: int = 255) -> str:
    if value is None:
        return ""
    return " ".join(str(value).split())[:limit]


def _code_id(obj) -> str | None:
    if isinstance(obj, dict):
        value = obj.get("id")
        return str(value) if value not in (None, "") else None
    return None


def _date(value, what: str) -> date | None:
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        raise RecordError(f"{what}: neplatné datum {value!r}")
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        raise RecordError(f"{what}: neplatné datum {value!r}")


def _first_contact(items, key: str, limit: int) -> str:
    if isinstance(items, list):
        for item in items:
            if isinstance(item, dict) and item.get(key):
                return _text(item[key], limit)
    return ""


def _as_int(value) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, Decimal) and value == value.to_integral_value():
        return int(value)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def _list(raw: dict, key: str) -> list:
    value = raw.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise RecordError(f"pole „{key}“ není seznam")
    return value


def parse_record(raw, index: int, lookups: Lookups) -> ServiceRec:
    if not isinstance(raw, dict):
        raise RecordError("položka není objekt")
    ident_raw = raw.get("identifikator")
    identifier = None
    if ident_raw not in (None, ""):
        identifier = str(ident_raw).strip()
        if isinstance(ident_raw, int) and len(identifier) < 7:
            identifier = identifier.zfill(7)
        if not IDENTIFIER_RE.match(identifier):
            raise RecordError(f"neplatný identifikátor služby {ident_raw!r} (má mít 7 číslic)")
    registry_id = None
    if raw.get("portalId") not in (None, ""):
        registry_id = _as_int(raw.get("portalId"))
        if registry_id is None or registry_id <= 0:
            raise RecordError(f"neplatné portalId {raw.get('portalId')!r}")
    if identifier is None and registry_id is None:
        raise RecordError("chybí identifikátor služby i portalId")

    kind_id = _code_id(raw.get("druhSocialniSluzby"))
    if kind_id is None:
        raise RecordError("chybí druh služby (druhSocialniSluzby.id)")
    if kind_id not in lookups.kind_ids:
        raise RecordError(f"neznámý druh služby {kind_id}")

    prov = raw.get("poskytovatel")
    if not isinstance(prov, dict):
        raise RecordError("chybí poskytovatel")
    ico_raw = prov.get("ico")
    ico = ico_normalise(ico_raw) if ico_raw not in (None, "") else ""
    if not ico_is_valid(ico):
        raise RecordError(f"neplatné IČO poskytovatele {ico_raw!r}")
    # Only these provider fields are read; `statutarniOrgany` (personal data) is never touched.
    provider = ProviderRec(
        ico=ico,
        name=_text(prov.get("nazev")) or f"IČO {ico}",
        dic=_text(prov.get("dic"), 14),
        web=_first_contact(prov.get("weby"), "web", 255),
        email=_first_contact(prov.get("emaily"), "email", 255),
        phone=_first_contact(prov.get("telefony"), "telefon", 60),
    )

    valid_from = _date(raw.get("datumPoskytovaniOd"), "datum zahájení služby")
    valid_to = _date(raw.get("datumPoskytovaniDo"), "datum ukončení služby")
    if valid_from and valid_to and valid_to < valid_from:
        raise RecordError(f"datum ukončení služby {valid_to} předchází datu zahájení {valid_from}")

    warnings: list[str] = []
    forms = _parse_forms(_list(raw, "formy"), kind_id, lookups, warnings)
    facilities = _parse_facilities(_list(raw, "zarizeni"), valid_to, lookups, warnings)

    target_groups = sorted({g for item in _list(raw, "ciloveSkupiny") if isinstance(item, dict)
                            for g in [_code_id(item.get("cilovaSkupina"))] if g})
    age_groups = sorted({g for item in _list(raw, "vekoveSkupiny") if isinstance(item, dict)
                         for g in [_code_id(item.get("vekovaSkupina"))] if g})
    area_codes = sorted(_area_municipalities(_list(raw, "rozsirenePusobnostiVKraji"), lookups))

    return ServiceRec(
        index=index,
        registry_id=registry_id,
        identifier=identifier,
        uri=_text(raw.get("id")),
        name=_service_name(facilities, provider, kind_id),
        kind_id=kind_id,
        valid_from=valid_from,
        valid_to=valid_to,
        provider=provider,
        forms=forms,
        facilities=facilities,
        target_group_ids=tuple(target_groups),
        age_group_ids=tuple(age_groups),
        age_note=_text(raw.get("doplnujiciInformaceVekoveSkupiny"), 500),
        area_municipality_codes=tuple(area_codes),
        web=_first_contact(raw.get("weby"), "web", 255),
        email=_first_contact(raw.get("emaily"), "email", 255),
        phone=_first_contact(raw.get("telefony"), "telefon", 60),
        warnings=warnings,
    )


def _parse_forms(items: list, kind_id: str, lookups: Lookups, warnings: list[str]) -> tuple[FormRec, ...]:
    if not items:
        raise RecordError("služba nemá žádnou formu poskytování")
    seen: set[str] = set()
    out = []
    allowed = lookups.allowed_forms.get(kind_id)
    for item in items:
        if not isinstance(item, dict):
            raise RecordError("forma poskytování není objekt")
        form_id = _code_id(item.get("forma"))
        if form_id is None or form_id not in lookups.form_ids:
            raise RecordError(f"neznámá forma poskytování {form_id}")
        if form_id in seen:
            raise RecordError(f"forma {form_id} je uvedena dvakrát")
        seen.add(form_id)
        if allowed is not None and form_id not in allowed:
            warnings.append("forma_neobvykla")
        caps: dict[str, CapacityRec] = {}
        for cap in item.get("kapacity") or []:
            if not isinstance(cap, dict):
                raise RecordError("kapacita není objekt")
            type_id = _code_id(cap.get("typ"))
            if type_id is None or type_id not in lookups.capacity_type_ids:
                raise RecordError(f"neznámý typ kapacity {type_id}")
            count = _as_int(cap.get("pocet"))
            if count is None or count < 0:
                raise RecordError(f"kapacita {cap.get('pocet')!r} ({type_id}) není nezáporné celé číslo")
            rec = CapacityRec(type_id, count, _text(cap.get("popis"), 500))
            if type_id in caps:
                warnings.append("kapacita_opakovana")
                if caps[type_id].count >= count:
                    continue
            caps[type_id] = rec
        out.append(FormRec(form_id, bool(item.get("nepretrzitePoskytovani")),
                           tuple(sorted(caps.values(), key=lambda c: c.type_id))))
    return tuple(sorted(out, key=lambda f: f.form_id))


def _obec_code(obj) -> str | None:
    code_id = _code_id(obj)
    if code_id and code_id.startswith("Obec/"):
        return code_id.split("/", 1)[1]
    return None


def _parse_facilities(items: list, service_to: date | None, lookups: Lookups,
                      warnings: list[str]) -> tuple[FacilityRec, ...]:
    out: dict[tuple, FacilityRec] = {}
    for item in items:
        if not isinstance(item, dict):
            raise RecordError("zařízení není objekt")
        name = _text(item.get("nazev"))
        f_from = _date(item.get("poskytujeOd"), f"zařízení „{name}“, datum zahájení")
        f_to = _date(item.get("poskytujeDo"), f"zařízení „{name}“, datum ukončení")
        if f_from and f_to and f_to < f_from:
            raise RecordError(f"zařízení „{name}“ končí {f_to} dříve, než začíná {f_from}")
        addr = item.get("adresa") if isinstance(item.get("adresa"), dict) else {}
        point = _as_int(addr.get("kodAdresnihoMista"))
        if point is not None and point <= 0:
            point = None
        if point is None:
            warnings.append("zarizeni_bez_adresniho_mista")
        muni = _obec_code(addr.get("obec"))
        if muni is not None and muni not in lookups.municipality_codes:
            warnings.append("obec_neznama")
            muni = None
        street = _text((addr.get("ulice") or {}).get("nazev") if isinstance(addr.get("ulice"), dict) else "", 120)
        house = _text(addr.get("cisloDomovni"), 12)
        orient = _text(addr.get("cisloOrientacni"), 12)
        psc = _text(addr.get("psc"), 6).replace(" ", "")
        number = "/".join(x for x in (house, orient) if x)
        address = ", ".join(x for x in (" ".join(x for x in (street, number) if x), psc) if x)
        rec = FacilityRec(name or "(bez názvu)", street, house, orient, psc, address[:300], point, muni, f_from, f_to)
        if rec.key in out:
            warnings.append("zarizeni_duplicitni")
            continue
        out[rec.key] = rec
    facilities = list(out.values())
    if service_to is not None:
        capped = []
        for f in facilities:
            if f.valid_to is None or f.valid_to > service_to:
                warnings.append("zarizeni_otevrene_po_ukonceni_sluzby")
                f_to = service_to if (f.valid_from is None or f.valid_from <= service_to) else f.valid_from
                f = FacilityRec(f.name, f.street, f.house_number, f.orientation_number, f.postcode, f.address,
                                f.address_point, f.municipality_code, f.valid_from, f_to)
            capped.append(f)
        facilities = capped
    # After capping, two facilities may share a key again: keep the first.
    unique: dict[tuple, FacilityRec] = {}
    for f in facilities:
        unique.setdefault(f.key, f)
    return tuple(sorted(unique.values(), key=lambda f: (f.valid_from or date.min, f.name, f.address_point or 0)))


def _area_municipalities(items: Iterable, lookups: Lookups) -> set[str]:
    """Municipality codes in `rozsirenePusobnostiVKraji` (structure not documented: any nested `Obec/N`)."""
    found: set[str] = set()

    def walk(obj):
        if isinstance(obj, dict):
            code = _obec_code(obj)
            if code and code in lookups.municipality_codes:
                found.add(code)
            for value in obj.values():
                walk(value)
        elif isinstance(obj, list):
            for value in obj:
                walk(value)

    walk(list(items))
    return found


def _service_name(facilities: tuple[FacilityRec, ...], provider: ProviderRec, kind_id: str) -> str:
    """Open data carry no service name: the name of its first facility, else the provider's name."""
    for f in facilities:
        if f.name and f.name != "(bez názvu)":
            return f.name
    return provider.name


WARNING_LABELS = {
    "zarizeni_otevrene_po_ukonceni_sluzby": "zařízení otevřené po ukončení služby (konec zařízení nastaven na konec služby)",
    "zarizeni_duplicitni": "duplicitní zařízení sloučeno",
    "zarizeni_bez_adresniho_mista": "zařízení bez kódu adresního místa",
    "obec_neznama": "kód obce zařízení nenalezen v územních číselnících",
    "forma_neobvykla": "forma, kterou tabulka druhů pro tento druh neuvádí",
    "kapacita_opakovana": "opakovaný typ kapacity ve formě (ponechána nejvyšší)",
}
