"""Reading and validating the MPSV registry open data (rpss.json). Framework-free: no Django imports.

The file is streamed by `stream.iter_records` (ijson events, one record of `polozky` built at a time, with
limits on nesting depth, record size and token size), so memory stays bounded by the compact parsed records,
not by the ~100 MB of JSON — nor by whatever a hostile file holds. Each raw record becomes a `ServiceRec` (only
what socplan keeps; `poskytovatel.statutarniOrgany` and other personal data are never read into it) or a
`Rejection` with the record id, the field and a reason. Whole-file problems raise `FileRefused`.

Rules (also in docs/registry.md):
- File refused (nothing is imported): not readable JSON / truncated; nesting deeper than 32 levels, a record
  over 4 MB or a single value over 1 MB (the message names the file, the record and the byte position); root
  is not an object with an array `polozky`; the file holds records but none of them is a service record (has
  `druhSocialniSluzby` and `poskytovatel`), e.g. a code-list file, which also has the root key `polozky`.
- Record rejected (reported with its field, the others import): not an object; neither `identifikator` nor
  `portalId`; malformed identifier / portalId; unknown or missing kind; missing provider or invalid IČO;
  malformed date (only `RRRR-MM-DD`, optionally followed by a time, years 1900–2100); end before start; no
  form; unknown or repeated form; unknown capacity type or a capacity that is not a non-negative whole number;
  a facility with a malformed date; a number beyond its database column (portalId, capacity, address point);
  a control character (e.g. NUL) in any text; a code (DIČ, postcode, house numbers, group ids) longer than its
  column. Every limit is the database column's (`ColumnLimits`, read from the models by the caller), so a
  record that passes is written without error.
- Repaired with a warning (record imported): facility still open although the service ended (its end is
  set to the service's end); duplicate facilities (same name, address point, from, to) collapsed; facility
  without an address point kept without one; facility municipality code unknown to the territory tables
  (kept without municipality); a facility with a confidential address (`utajenaAdresa`) keeps only its obec
  (street, numbers, PSČ and address point are dropped, its name never names the service); form not allowed for the kind by the shipped table (kept, only warned);
  the same capacity type repeated in one form (the largest count is kept: capacities are maxima); a free text
  (name, address, note, web, e-mail, phone) longer than its column is cut to it.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import IO

from socplan.registry.ico import ico_is_valid, ico_normalise

from .stream import FileRefused, KnownRecord, RawIndex, StreamLimits, iter_records

__all__ = ["FileRefused", "RecordError", "Rejection", "ServiceRec", "Lookups", "ColumnLimits", "parse_file",
           "parse_record", "raw_salt", "KnownRecord", "RawIndex"]

IDENTIFIER_RE = re.compile(r"^[0-9]{7}$")
DATE_RE = re.compile(r"^([0-9]{4})-([0-9]{2})-([0-9]{2})(?:[T ][0-9:.]+(?:Z|[+-][0-9:]+)?)?$")
YEARS = (1900, 2100)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class RecordError(Exception):
    """One record is not importable; it is rejected with this reason (and the field, in the file's names)."""

    def __init__(self, message: str, field: str = ""):
        super().__init__(message)
        self.field = field


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
    confidential: bool = False  # `utajenaAdresa`: only the obec is kept (street, numbers, PSČ never stored)

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
        """SHA-256 of everything imported from the record: equal fingerprints = nothing to change.

        The text hashed is the JSON of the record's fields (`dataclasses.asdict` without `index` and `warnings`,
        keys sorted, dates as ISO text), built here field by field, which is several times cheaper than
        `asdict`'s deep copy; tests/registry/test_parse.py checks that both give the same text."""
        data = {name: getattr(self, name) for name in _SERVICE_FIELDS}
        data["provider"] = _as_dict(self.provider, _PROVIDER_FIELDS)
        data["forms"] = [{"form_id": f.form_id, "continuous": f.continuous,
                          "capacities": [_as_dict(c, _CAPACITY_FIELDS) for c in f.capacities]} for f in self.forms]
        data["facilities"] = [_as_dict(f, _FACILITY_FIELDS) for f in self.facilities]
        text = json.dumps(data, sort_keys=True, default=str, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()


def _as_dict(obj, names: tuple[str, ...]) -> dict:
    return {name: getattr(obj, name) for name in names}


def _field_names(cls, *, without=()) -> tuple[str, ...]:
    return tuple(f.name for f in fields(cls) if f.name not in without)


_CAPACITY_FIELDS = _field_names(CapacityRec)
_PROVIDER_FIELDS = _field_names(ProviderRec)
_FACILITY_FIELDS = _field_names(FacilityRec)
_SERVICE_FIELDS = _field_names(ServiceRec, without=("index", "warnings", "provider", "forms", "facilities"))


@dataclass(frozen=True)
class Rejection:
    record_id: str
    reason: str
    field: str = ""  # the field of the record, in the file's names (e.g. "formy[1].kapacity[1].pocet")


@dataclass(frozen=True)
class ColumnLimits:
    """The database columns the parsed values go to: text lengths and the largest whole numbers. The defaults
    are socplan's columns; `upsert.lookups_load` reads them from the models."""

    text: dict = field(default_factory=lambda: {
        "service.name": 255, "service.mpsv_uri": 255, "service.age_note": 500, "service.web": 255,
        "service.email": 255, "service.phone": 60,
        "provider.name": 255, "provider.dic": 14, "provider.web": 255, "provider.email": 255, "provider.phone": 60,
        "facility.name": 255, "facility.street": 120, "facility.house_number": 12,
        "facility.orientation_number": 12, "facility.postcode": 6, "facility.address": 300,
        "capacity.description": 500, "group.mpsv_od_id": 60,
    })
    integer: dict = field(default_factory=lambda: {
        "service.registry_id": 2147483647, "capacity.count": 2147483647,
        "facility.address_point": 9223372036854775807,
    })


# Codes are refused when longer than their column; free texts are cut to it.
CODES = {"provider.dic", "facility.house_number", "facility.orientation_number", "facility.postcode",
         "group.mpsv_od_id"}


@dataclass
class Lookups:
    """What the parser validates codes against (filled from the database by the caller)."""

    kind_ids: set[str]
    form_ids: set[str]
    capacity_type_ids: set[str]
    municipality_codes: set[str]
    allowed_forms: dict[str, set[str]] = field(default_factory=dict)  # kind id → allowed form ids
    columns: ColumnLimits = field(default_factory=ColumnLimits)


def record_label(identifier, registry_id, index: int) -> str:
    if identifier:
        return f"identifikátor {identifier}"
    if registry_id is not None:
        return f"portalId {registry_id}"
    return f"záznam č. {index + 1}"


# --- streaming ------------------------------------------------------------------------------------------------

_CODE = tuple(Path(__file__).with_name(n) for n in ("parse.py", "stream.py"))


def raw_salt(lookups: Lookups, limits: StreamLimits | None = None) -> bytes:
    """What a record's parsed form depends on besides its text: the code lists and columns it is checked
    against, the reader's limits and the code of this parser and of the reader. A fingerprint of a record's
    text (`RawIndex`) is salted with it, so a text read under other rules or by other code matches nothing."""
    h = hashlib.sha256()
    for part in (sorted(lookups.kind_ids), sorted(lookups.form_ids), sorted(lookups.capacity_type_ids),
                 sorted(lookups.municipality_codes), sorted((k, sorted(v)) for k, v in lookups.allowed_forms.items()),
                 sorted(lookups.columns.text.items()), sorted(lookups.columns.integer.items()),
                 repr(limits or StreamLimits())):
        h.update(json.dumps(part, ensure_ascii=False).encode() + b"\n")
    for path in _CODE:
        h.update(path.read_bytes())
    return h.digest()


def parse_file(fh: IO[bytes], lookups: Lookups, progress=None, *, name: str = "soubor",
               limits: StreamLimits | None = None, known: RawIndex | None = None,
               raw_digests: dict[int, str] | None = None) -> tuple[list[ServiceRec | KnownRecord], list[Rejection]]:
    """Parse a whole file: (records, rejections). Raises `FileRefused` for whole-file problems (`name` is the
    file's name in its messages).

    With `known` (fingerprints of record texts imported before, see stream.py) a record whose text is known is
    not parsed: it comes back as a `KnownRecord` in its place among the records. `raw_digests`, when given, is
    filled with the text fingerprint of each parsed record, by its index in the file."""
    records: list[ServiceRec | KnownRecord] = []
    rejections: list[Rejection] = []
    n = 0
    service_shaped = 0
    stream = iter_records(fh, key="polozky", name=name, limits=limits, known=known)
    for n, raw in enumerate(stream, start=1):
        if progress:
            progress(1)
        if type(raw) is KnownRecord:  # imported before as a service record: service-shaped
            service_shaped += 1
            raw.index = n - 1
            records.append(raw)
            continue
        if isinstance(raw, dict) and "druhSocialniSluzby" in raw and "poskytovatel" in raw:
            service_shaped += 1
        try:
            records.append(parse_record(raw, n - 1, lookups))
        except RecordError as exc:
            rejections.append(Rejection(_raw_label(raw, n - 1), str(exc), exc.field))
            continue
        if raw_digests is not None and stream.last_digest is not None:
            raw_digests[n - 1] = stream.last_digest
    if not stream.saw_array:
        raise FileRefused(
            f"Soubor {name} nemá tvar otevřených dat registru MPSV: kořen musí být objekt s polem „polozky“."
        )
    if n and service_shaped == 0:
        raise FileRefused(
            f"Soubor {name} nemá tvar otevřených dat registru MPSV: žádná položka není záznam sociální služby "
            "(chybí „druhSocialniSluzby“ a „poskytovatel“). Nejde o číselník?"
        )
    return records, rejections


def _raw_label(raw, index: int) -> str:
    if isinstance(raw, dict):
        ident = raw.get("identifikator")
        pid = raw.get("portalId")
        ident = _shown(ident) if ident not in (None, "") else None
        return record_label(ident, _shown(pid) if pid not in (None, "") else None, index)
    return record_label(None, None, index)


def _shown(value) -> str:
    """A value as a record's label or a message shows it: printable, at most 40 characters."""
    text = _CONTROL.sub("\ufffd", str(value))
    return text if len(text) <= 40 else text[:39] + "…"


def _shown_repr(value) -> str:
    """`repr(value)` for a message, at most 40 characters."""
    text = repr(value) if not isinstance(value, dict | list) else type(value).__name__
    return text if len(text) <= 40 else text[:39] + "…"


# --- one record -----------------------------------------------------------------------------------------------

class _Ctx:
    """The column limits and the warnings of the record being parsed."""

    def __init__(self, lookups: Lookups, warnings: list[str]):
        self.lookups = lookups
        self.columns = lookups.columns
        self.warnings = warnings

    def text(self, value, column: str, where: str) -> str:
        """A text for `column`: whitespace collapsed; refused with a control character (NUL, …) or, for a
        code, when longer than the column; a free text longer than the column is cut (with a warning)."""
        if value is None:
            return ""
        if isinstance(value, dict | list):
            raise RecordError("očekáván text, je tam struktura", where)
        text = " ".join(str(value).split())
        control = _CONTROL.search(text)
        if control:
            raise RecordError(f"text obsahuje nepovolený řídicí znak U+{ord(control.group()):04X}", where)
        limit = self.columns.text[column]
        if len(text) > limit:
            if column in CODES:
                raise RecordError(f"hodnota „{_shown(text)}“ je delší než {limit} znaků", where)
            self.warnings.append("text_zkracen")
            text = text[:limit]
        return text

    def integer(self, value, column: str, where: str, what: str) -> int | None:
        """A whole number for `column` (None when missing); refused when not a whole number or out of range."""
        if value in (None, ""):
            return None
        number = _as_int(value)
        if number is None:
            raise RecordError(f"{what} {_shown_repr(value)} není celé číslo", where)
        top = self.columns.integer[column]
        if not 0 <= number <= top:
            raise RecordError(f"{what} {_shown(value)} je mimo rozsah 0–{top}", where)
        return number

    def first_contact(self, items, key: str, column: str, where: str) -> str:
        if isinstance(items, list):
            for i, item in enumerate(items, start=1):
                if isinstance(item, dict) and item.get(key):
                    return self.text(item[key], column, f"{where}[{i}].{key}")
        return ""


def _code_id(obj, where: str = "") -> str | None:
    if isinstance(obj, dict):
        value = obj.get("id")
        if value in (None, ""):
            return None
        if isinstance(value, dict | list):
            raise RecordError("kód číselníku není text", f"{where}.id" if where else "id")
        text = str(value)
        if _CONTROL.search(text) or len(text) > 200:
            raise RecordError(f"neplatný kód číselníku „{_shown(text)}“", f"{where}.id" if where else "id")
        return text
    return None


def _date(value, what: str, where: str) -> date | None:
    """`RRRR-MM-DD`, optionally followed by a time; years 1900–2100."""
    if value in (None, ""):
        return None
    m = DATE_RE.match(value) if isinstance(value, str) else None
    if m is None:
        raise RecordError(f"{what}: neplatné datum {_shown_repr(value)}", where)
    try:
        parsed = date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        raise RecordError(f"{what}: neplatné datum {_shown_repr(value)}", where)
    if not YEARS[0] <= parsed.year <= YEARS[1]:
        raise RecordError(f"{what}: rok {parsed.year} mimo rozsah {YEARS[0]}–{YEARS[1]}", where)
    return parsed


_DIGITS = re.compile(r"[0-9]{1,30}")


def _as_int(value) -> int | None:
    """A whole number from a JSON number or a text of ASCII digits (at most 30), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, Decimal):
        if not value.is_finite() or value.adjusted() > 30 or value != value.to_integral_value():
            return None
        return int(value)
    if isinstance(value, str) and _DIGITS.fullmatch(value.strip()):
        return int(value.strip())
    return None


def _list(raw: dict, key: str) -> list:
    value = raw.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise RecordError(f"pole „{key}“ není seznam", key)
    return value


def parse_record(raw, index: int, lookups: Lookups) -> ServiceRec:
    if not isinstance(raw, dict):
        raise RecordError("položka není objekt")
    warnings: list[str] = []
    ctx = _Ctx(lookups, warnings)
    ident_raw = raw.get("identifikator")
    identifier = None
    if ident_raw not in (None, ""):
        identifier = str(ident_raw).strip() if not isinstance(ident_raw, dict | list) else ""
        if isinstance(ident_raw, int) and not isinstance(ident_raw, bool) and len(identifier) < 7:
            identifier = identifier.zfill(7)
        if not IDENTIFIER_RE.match(identifier):
            raise RecordError(f"neplatný identifikátor služby {_shown_repr(ident_raw)} (má mít 7 číslic)",
                              "identifikator")
    registry_id = None
    if raw.get("portalId") not in (None, ""):
        registry_id = _as_int(raw.get("portalId"))
        if registry_id is None or registry_id <= 0:
            raise RecordError(f"neplatné portalId {_shown_repr(raw.get('portalId'))}", "portalId")
        top = lookups.columns.integer["service.registry_id"]
        if registry_id > top:
            raise RecordError(f"portalId {registry_id} je mimo rozsah 1–{top}", "portalId")
    if identifier is None and registry_id is None:
        raise RecordError("chybí identifikátor služby i portalId", "identifikator")

    kind_id = _code_id(raw.get("druhSocialniSluzby"), "druhSocialniSluzby")
    if kind_id is None:
        raise RecordError("chybí druh služby (druhSocialniSluzby.id)", "druhSocialniSluzby.id")
    if kind_id not in lookups.kind_ids:
        raise RecordError(f"neznámý druh služby {kind_id}", "druhSocialniSluzby.id")

    prov = raw.get("poskytovatel")
    if not isinstance(prov, dict):
        raise RecordError("chybí poskytovatel", "poskytovatel")
    ico_raw = prov.get("ico")
    ico = ico_normalise(ico_raw) if ico_raw not in (None, "") and not isinstance(ico_raw, dict | list) else ""
    if not ico_is_valid(ico):
        raise RecordError(f"neplatné IČO poskytovatele {_shown_repr(ico_raw)}", "poskytovatel.ico")
    # Only these provider fields are read; `statutarniOrgany` (personal data) is never touched.
    provider = ProviderRec(
        ico=ico,
        name=ctx.text(prov.get("nazev"), "provider.name", "poskytovatel.nazev") or f"IČO {ico}",
        dic=ctx.text(prov.get("dic"), "provider.dic", "poskytovatel.dic"),
        web=ctx.first_contact(prov.get("weby"), "web", "provider.web", "poskytovatel.weby"),
        email=ctx.first_contact(prov.get("emaily"), "email", "provider.email", "poskytovatel.emaily"),
        phone=ctx.first_contact(prov.get("telefony"), "telefon", "provider.phone", "poskytovatel.telefony"),
    )

    valid_from = _date(raw.get("datumPoskytovaniOd"), "datum zahájení služby", "datumPoskytovaniOd")
    valid_to = _date(raw.get("datumPoskytovaniDo"), "datum ukončení služby", "datumPoskytovaniDo")
    if valid_from and valid_to and valid_to < valid_from:
        raise RecordError(f"datum ukončení služby {valid_to} předchází datu zahájení {valid_from}",
                          "datumPoskytovaniDo")

    forms = _parse_forms(_list(raw, "formy"), kind_id, ctx)
    facilities = _parse_facilities(_list(raw, "zarizeni"), valid_to, ctx)

    target_groups = _group_ids(_list(raw, "ciloveSkupiny"), "cilovaSkupina", "ciloveSkupiny", ctx)
    age_groups = _group_ids(_list(raw, "vekoveSkupiny"), "vekovaSkupina", "vekoveSkupiny", ctx)
    area_codes = sorted(_area_municipalities(_list(raw, "rozsirenePusobnostiVKraji"), lookups))

    return ServiceRec(
        index=index,
        registry_id=registry_id,
        identifier=identifier,
        uri=ctx.text(raw.get("id"), "service.mpsv_uri", "id"),
        name=_service_name(facilities, provider, kind_id)[:lookups.columns.text["service.name"]],
        kind_id=kind_id,
        valid_from=valid_from,
        valid_to=valid_to,
        provider=provider,
        forms=forms,
        facilities=facilities,
        target_group_ids=tuple(target_groups),
        age_group_ids=tuple(age_groups),
        age_note=ctx.text(raw.get("doplnujiciInformaceVekoveSkupiny"), "service.age_note",
                          "doplnujiciInformaceVekoveSkupiny"),
        area_municipality_codes=tuple(area_codes),
        web=ctx.first_contact(raw.get("weby"), "web", "service.web", "weby"),
        email=ctx.first_contact(raw.get("emaily"), "email", "service.email", "emaily"),
        phone=ctx.first_contact(raw.get("telefony"), "telefon", "service.phone", "telefony"),
        warnings=warnings,
    )


def _group_ids(items: list, key: str, where: str, ctx: _Ctx) -> list[str]:
    found = set()
    for i, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            continue
        code = _code_id(item.get(key), f"{where}[{i}].{key}")
        if code:
            found.add(ctx.text(code, "group.mpsv_od_id", f"{where}[{i}].{key}.id"))
    return sorted(found)


def _parse_forms(items: list, kind_id: str, ctx: _Ctx) -> tuple[FormRec, ...]:
    lookups, warnings = ctx.lookups, ctx.warnings
    if not items:
        raise RecordError("služba nemá žádnou formu poskytování", "formy")
    seen: set[str] = set()
    out = []
    allowed = lookups.allowed_forms.get(kind_id)
    for i, item in enumerate(items, start=1):
        where = f"formy[{i}]"
        if not isinstance(item, dict):
            raise RecordError("forma poskytování není objekt", where)
        form_id = _code_id(item.get("forma"), f"{where}.forma")
        if form_id is None or form_id not in lookups.form_ids:
            raise RecordError(f"neznámá forma poskytování {form_id}", f"{where}.forma.id")
        if form_id in seen:
            raise RecordError(f"forma {form_id} je uvedena dvakrát", f"{where}.forma.id")
        seen.add(form_id)
        if allowed is not None and form_id not in allowed:
            warnings.append("forma_neobvykla")
        caps: dict[str, CapacityRec] = {}
        raw_caps = item.get("kapacity") or []
        if not isinstance(raw_caps, list):
            raise RecordError("kapacity nejsou seznam", f"{where}.kapacity")
        for j, cap in enumerate(raw_caps, start=1):
            cwhere = f"{where}.kapacity[{j}]"
            if not isinstance(cap, dict):
                raise RecordError("kapacita není objekt", cwhere)
            type_id = _code_id(cap.get("typ"), f"{cwhere}.typ")
            if type_id is None or type_id not in lookups.capacity_type_ids:
                raise RecordError(f"neznámý typ kapacity {type_id}", f"{cwhere}.typ.id")
            count = _as_int(cap.get("pocet"))
            if count is None or count < 0:
                raise RecordError(f"kapacita {_shown_repr(cap.get('pocet'))} ({type_id}) není nezáporné celé číslo",
                                  f"{cwhere}.pocet")
            top = ctx.columns.integer["capacity.count"]
            if count > top:
                raise RecordError(f"kapacita {count} ({type_id}) je mimo rozsah 0–{top}", f"{cwhere}.pocet")
            rec = CapacityRec(type_id, count, ctx.text(cap.get("popis"), "capacity.description", f"{cwhere}.popis"))
            if type_id in caps:
                warnings.append("kapacita_opakovana")
                if caps[type_id].count >= count:
                    continue
            caps[type_id] = rec
        out.append(FormRec(form_id, bool(item.get("nepretrzitePoskytovani")),
                           tuple(sorted(caps.values(), key=lambda c: c.type_id))))
    return tuple(sorted(out, key=lambda f: f.form_id))


def _obec_code(obj) -> str | None:
    if not isinstance(obj, dict):
        return None
    value = obj.get("id")
    if isinstance(value, str) and value.startswith("Obec/"):
        return value.split("/", 1)[1]
    return None


def _parse_facilities(items: list, service_to: date | None, ctx: _Ctx) -> tuple[FacilityRec, ...]:
    lookups, warnings = ctx.lookups, ctx.warnings
    out: dict[tuple, FacilityRec] = {}
    for i, item in enumerate(items, start=1):
        where = f"zarizeni[{i}]"
        if not isinstance(item, dict):
            raise RecordError("zařízení není objekt", where)
        name = ctx.text(item.get("nazev"), "facility.name", f"{where}.nazev")
        f_from = _date(item.get("poskytujeOd"), f"zařízení „{name}“, datum zahájení", f"{where}.poskytujeOd")
        f_to = _date(item.get("poskytujeDo"), f"zařízení „{name}“, datum ukončení", f"{where}.poskytujeDo")
        if f_from and f_to and f_to < f_from:
            raise RecordError(f"zařízení „{name}“ končí {f_to} dříve, než začíná {f_from}", f"{where}.poskytujeDo")
        addr = item.get("adresa") if isinstance(item.get("adresa"), dict) else {}
        confidential = _flag(item.get("utajenaAdresa")) or _flag(addr.get("utajenaAdresa"))
        if confidential:
            # A confidential address (shelters for people at risk) is never stored: only its obec.
            addr = {"obec": addr.get("obec")}
        point = _as_int(addr.get("kodAdresnihoMista"))
        if point is not None and point > ctx.columns.integer["facility.address_point"]:
            raise RecordError(f"kód adresního místa {point} je mimo rozsah", f"{where}.adresa.kodAdresnihoMista")
        if point is not None and point <= 0:
            point = None
        if point is None and not confidential:
            warnings.append("zarizeni_bez_adresniho_mista")
        muni = _obec_code(addr.get("obec"))
        if muni is not None and muni not in lookups.municipality_codes:
            warnings.append("obec_neznama")
            muni = None
        street_raw = (addr.get("ulice") or {}).get("nazev") if isinstance(addr.get("ulice"), dict) else ""
        street = ctx.text(street_raw, "facility.street", f"{where}.adresa.ulice.nazev")
        house = ctx.text(addr.get("cisloDomovni"), "facility.house_number", f"{where}.adresa.cisloDomovni")
        orient = ctx.text(addr.get("cisloOrientacni"), "facility.orientation_number",
                          f"{where}.adresa.cisloOrientacni")
        psc = ctx.text(str(addr.get("psc") or "").replace(" ", ""), "facility.postcode", f"{where}.adresa.psc")
        number = "/".join(x for x in (house, orient) if x)
        address = ", ".join(x for x in (" ".join(x for x in (street, number) if x), psc) if x)
        rec = FacilityRec(name or "(bez názvu)", street, house, orient, psc,
                          address[:ctx.columns.text["facility.address"]], point, muni, f_from, f_to, confidential)
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
                                f.address_point, f.municipality_code, f.valid_from, f_to, f.confidential)
            capped.append(f)
        facilities = capped
    # After capping, two facilities may share a key again: keep the first.
    unique: dict[tuple, FacilityRec] = {}
    for f in facilities:
        unique.setdefault(f.key, f)
    return tuple(sorted(unique.values(), key=lambda f: (f.valid_from or date.min, f.name, f.address_point or 0)))


def _area_municipalities(items: Iterable, lookups: Lookups) -> set[str]:
    """Municipality codes in `rozsirenePusobnostiVKraji` (structure not documented: any nested `Obec/N`;
    the nesting is bounded by the reader)."""
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
    """Open data carry no service name: the name of its first facility whose address is not confidential
    (the name of a shelter may say where it is), else the provider's name."""
    for f in facilities:
        if f.name and f.name != "(bez názvu)" and not f.confidential:
            return f.name
    return provider.name


def _flag(value) -> bool:
    """A yes/no of the open data: true, 1, "1", "true", "ano"."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value == 1
    return isinstance(value, str) and value.strip().lower() in ("1", "true", "ano")


WARNING_LABELS = {
    "zarizeni_otevrene_po_ukonceni_sluzby": "zařízení otevřené po ukončení služby (konec zařízení nastaven na konec služby)",
    "zarizeni_duplicitni": "duplicitní zařízení sloučeno",
    "zarizeni_bez_adresniho_mista": "zařízení bez kódu adresního místa",
    "obec_neznama": "kód obce zařízení nenalezen v územních číselnících",
    "forma_neobvykla": "forma, kterou tabulka druhů pro tento druh neuvádí",
    "kapacita_opakovana": "opakovaný typ kapacity ve formě (ponechána nejvyšší)",
    "text_zkracen": "text delší než sloupec databáze zkrácen",
}
