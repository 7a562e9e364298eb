"""Reads of the public catalogue. The catalogue's read model (`CatalogueEntry`, `CataloguePlace`) is built by
`catalogue_refresh` from the *non-private* registry models only (services, providers, forms, capacities,
facilities, territory, target and age groups — never staffing or economics), i.e. from data every anonymous
user may see (`socplan.accounts.scope`: `public_q()` of non-private models is everything); so these reads need
no further restriction.

Search (`search(params)`): the services of `CatalogueEntry` narrowed by
- `q`: every query term (folded, stemmed, see `engine`) must start a word of the entry's search text;
- `situation`, `kind`, `target_group`, `form`, `orp`: exact tokens of the packed code fields;
- `obec` (ČSÚ code) without a radius: services available to the obec's residents — a place in the obec or a
  declared territory (územní působnost) covering the obec or its ORP; ordered by the distance of their
  nearest place from the obec's point;
- `obec` with `radius_km` ("near me"): services with a place within the radius (bounding-box prefilter in
  SQL, exact haversine distance in Python) and field services (terénní) whose territory covers the obec —
  they come to the client's home and count as 0 km; ordered by distance.
Only services in operation today (by their registered dates) are listed.

The conditions are evaluated on the catalogue's search index in the worker's memory (`search_index`, rebuilt
once per catalogue version, with the entries' rows) as mask operations, without a query.
`_filtered` is the same conditions written as SQL (`LIKE` on the search text, packed code fields); the tests
check that both select the same services.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from socplan.registry.models import ServiceKind, TargetGroup

from . import engine, query, search_index
from .models import CatalogueEntry, CataloguePlace
from .situations import (
    FORM_NAMES,
    FORM_ORDER,
    FORM_PLAIN,
    FORM_SHORT,
    kinds_plain,
    situation_by_slug,
    situations,
)

PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
RADIUS_MAX_KM = 300.0
RADIUS_CHOICES = (5, 10, 20, 50)
FORM_CODES = tuple(FORM_ORDER)


# --- municipalities (for "obec" and "near me") ---------------------------------------------------------------

@dataclass(frozen=True)
class Muni:
    code: str
    name: str
    district: str
    orp_code: str
    orp_name: str
    lat: float | None
    lon: float | None
    region_code: str = ""

    @property
    def label(self) -> str:
        return f"{self.name} (okres {self.district})" if self.district else self.name


@lru_cache(maxsize=1)
def _municipality_index() -> tuple[dict[str, Muni], dict[str, list[Muni]]]:
    from socplan.territory.models import Municipality

    by_code: dict[str, Muni] = {}
    by_name: dict[str, list[Muni]] = {}
    for code, name, district, orp_code, orp_name, lat, lon, region in Municipality.objects.values_list(
            "code", "name", "district__name", "orp__code", "orp__name", "lat", "lon", "region__code").order_by(
            "name", "code"):
        m = Muni(code, name, district or "", orp_code or "", orp_name or "", lat, lon, region or "")
        by_code[code] = m
        by_name.setdefault(engine.fold(name), []).append(m)
    return by_code, by_name


def municipality_index_forget() -> None:
    _municipality_index.cache_clear()


def municipality(code: str) -> Muni | None:
    by_code, _ = _municipality_index()
    if not by_code:  # the index was built before the territory was imported
        municipality_index_forget()
        by_code = _municipality_index()[0]
    return by_code.get(code)


def municipality_find(text: str, limit: int = 12) -> list[Muni]:
    """Obce matching what a citizen typed: a ČSÚ code, an exact name (without diacritics), else names
    starting with it."""
    text = (text or "").strip()
    if not text:
        return []
    if _digits(text):
        m = municipality(text)
        return [m] if m else []
    by_code, by_name = _municipality_index()
    key = engine.fold(text)
    exact = by_name.get(key)
    if exact:
        return exact[:limit]
    found = [m for name, ms in by_name.items() if name.startswith(key) for m in ms]
    return sorted(found, key=lambda m: (m.name, m.code))[:limit]


# --- parameters ------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class SearchParams:
    q: str = ""
    situation: str = ""
    obec: str = ""
    orp: str = ""
    radius_km: float | None = None
    kind: str = ""
    target_group: int | None = None
    form: str = ""
    page: int = 1
    page_size: int = PAGE_SIZE

    @property
    def key(self) -> tuple:
        return (self.q.strip().lower(), self.situation, self.obec, self.orp, self.radius_km, self.kind,
                self.target_group, self.form, self.page, self.page_size)

    @property
    def active(self) -> bool:
        return bool(self.q.strip() or self.situation or self.obec or self.orp or self.kind
                    or self.target_group or self.form)


@lru_cache(maxsize=1)
def _kind_codes() -> frozenset[str]:
    return frozenset(ServiceKind.objects.values_list("code", flat=True))


def kind_codes() -> frozenset[str]:
    codes = _kind_codes()
    if not codes:
        _kind_codes.cache_clear()
    return codes


def _digits(value: str) -> bool:
    return bool(re.fullmatch(r"[0-9]+", value))


STRICT_PARAMS = ("obec", "orp", "radius_km", "kind", "target_group", "form", "situation", "page", "page_size")


def parse_params(data, *, page_size: int = PAGE_SIZE, obec_names: bool = False,
                 strict: bool = False) -> tuple[SearchParams, dict]:
    """Validate query parameters (a QueryDict or dict). Returns (params, errors); invalid values are left
    out of `params` and explained in `errors` (field → Czech message). With `obec_names` the `obec` value may
    also be a municipality name (the web form); it resolves when exactly one obec has that name. The web form
    sends empty fields for "any"; with `strict` (the API) an empty value of a coded parameter is an error."""
    errors: dict[str, str] = {}
    if strict:
        for key in STRICT_PARAMS:
            if key in data and not (data.get(key) or "").strip():
                errors[key] = "Parametr je uveden bez hodnoty."

    def get(key: str) -> str:
        value = data.get(key)
        return value.strip() if isinstance(value, str) else ""

    values: dict = {"page_size": page_size}

    q = get("q")
    if len(q) > 200:
        errors["q"] = "Hledaný text je příliš dlouhý (nejvýše 200 znaků)."
    else:
        values["q"] = q

    sit = get("situace") or get("situation")
    if sit:
        if situation_by_slug(sit):
            values["situation"] = sit
        else:
            errors["situace"] = "Neznámá životní situace."

    obec = get("obec")
    if obec:
        if _digits(obec):
            if len(obec) == 6 and municipality(obec):
                values["obec"] = obec
            else:
                errors["obec"] = "Obec s tímto kódem neznáme."
        elif obec_names:
            found = municipality_find(obec)
            exact = [m for m in found if engine.fold(m.name) == engine.fold(obec)]
            if len(exact) == 1 or len(found) == 1:
                values["obec"] = (exact or found)[0].code
            elif not found:
                errors["obec"] = "Obec tohoto názvu jsme nenašli."
            else:
                errors["obec"] = "Tento název má více obcí, vyberte prosím jednu."
        else:
            errors["obec"] = "Zadejte kód obce ČSÚ (6 číslic)."

    orp = get("orp")
    if orp:
        if _digits(orp) and len(orp) == 4:
            values["orp"] = orp
        else:
            errors["orp"] = "Kód ORP má 4 číslice."

    radius = get("radius_km")
    if radius:
        try:
            if not radius.isascii() or "_" in radius:
                raise ValueError
            r = float(radius.replace(",", "."))
            if not math.isfinite(r) or r <= 0 or r > RADIUS_MAX_KM:
                raise ValueError
            values["radius_km"] = r
        except ValueError:
            errors["radius_km"] = f"Vzdálenost musí být číslo větší než 0 a nejvýše {RADIUS_MAX_KM:g} km."
        if "radius_km" in values and not values.get("obec") and "obec" not in errors:
            errors["radius_km"] = "Pro hledání v okolí vyberte obec, od které se vzdálenost počítá."
            values.pop("radius_km")

    kind = get("kind") or get("druh")
    if kind:
        if kind in kind_codes():
            values["kind"] = kind
        else:
            errors["kind"] = "Neznámý druh služby."

    tg = get("target_group") or get("skupina")
    if tg:
        if _digits(tg) and len(tg) < 10 and int(tg) >= 1:
            values["target_group"] = int(tg)
        else:
            errors["target_group"] = "Cílová skupina se zadává číslem."

    form = get("form") or get("forma")
    if form:
        if form in FORM_CODES:
            values["form"] = form
        else:
            errors["form"] = "Forma je jedna z hodnot ter, amb, pob."

    page = get("page") or get("strana")
    if page:
        if _digits(page) and len(page) < 7 and int(page) >= 1:
            values["page"] = int(page)
        else:
            errors["page"] = "Stránka je kladné celé číslo."

    size = get("page_size")
    if size:
        if _digits(size) and len(size) < 4 and 1 <= int(size) <= MAX_PAGE_SIZE:
            values["page_size"] = int(size)
        else:
            errors["page_size"] = f"Počet na stránku je 1–{MAX_PAGE_SIZE}."
    return SearchParams(**values), errors


# --- search ----------------------------------------------------------------------------------------------------

@dataclass
class Hit:
    entry: CatalogueEntry
    distance_km: float | None = None
    comes_home: bool = False
    places: list[CataloguePlace] = field(default_factory=list)


@dataclass
class SearchResult:
    params: SearchParams
    total: int
    hits: list[Hit]
    municipality: Muni | None = None
    outside: Muni | None = None  # a place outside the catalogue's region named in the query (left out of it)

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.params.page_size))

    @property
    def page(self) -> int:
        return self.params.page

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def has_previous(self) -> bool:
        return self.page > 1


def active_entries():
    today = timezone.localdate()
    return CatalogueEntry.objects.exclude(valid_from__gt=today).exclude(valid_to__lt=today)


@lru_cache(maxsize=1)
def _shared_texts() -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """Texts shared by many services, indexed once: plain description of each kind, wording of each form,
    label of each life situation (code → search text)."""
    en_kinds, en_sits = query.english()
    kinds = {code: engine.index_text([p["what"], p["who"], en_kinds.get(code, "")])
             for code, p in kinds_plain().items()}
    forms = {code: engine.index_text([FORM_PLAIN[code], FORM_SHORT[code], FORM_NAMES[code]]) for code in FORM_ORDER}
    sits = {s.slug: engine.index_text([s.label, en_sits.get(s.slug, "")]) for s in situations()}
    return kinds, forms, sits


@lru_cache(maxsize=1)
def _kind_names() -> dict[str, str]:
    """Search text of each kind's own name, Czech and English (for ranking: the kinds a query names)."""
    en_kinds, _sits = query.english()
    names = dict(ServiceKind.objects.values_list("code", "name"))
    return {code: engine.index_text([name, en_kinds.get(code, "")]) for code, name in names.items()}


def _group_q(group: tuple[str, ...]) -> Q:
    """A query word: any of its forms matches."""
    q = Q()
    for term in group:
        q |= _term_q(term)
    return q


def _all_q(groups) -> Q:
    q = Q()
    for g in groups:
        q &= _group_q(g)
    return q


def query_q(parsed: query.ParsedQuery) -> Q:
    """The condition of a parsed query: every plain word, and for each synonym its words, one of its
    meanings or one of its kinds."""
    q = _all_q(parsed.groups)
    for hit in parsed.synonyms:
        alt = _all_q(hit.words) if hit.words else Q(pk__in=[])
        for phrase in hit.synonym.means:
            if phrase:
                alt |= _all_q(phrase)
        if hit.synonym.kinds:
            alt |= Q(kind_code__in=hit.synonym.kinds)
        q &= alt
    return q


def kind_order(parsed: query.ParsedQuery, situation_slug: str = "") -> dict[str, int]:
    """Kinds to list first, best first: the kinds the query's synonyms mean, the kinds whose own name the
    query names, then the kinds typical for the chosen life situation."""
    named: list[str] = []
    if parsed.groups:
        named = sorted(code for code, text in _kind_names().items()
                       if all(any(f" {t}" in text for t in g) for g in parsed.groups))
    # a kind the words name and a synonym means ("domov" + "seniory") comes before the synonym's other kinds
    order = [k for k in parsed.kinds if k in named] if parsed.kinds and named else []
    order += [k for k in parsed.kinds if k not in order]
    order += [c for c in named if c not in order]
    sit = situation_by_slug(situation_slug) if situation_slug else None
    if sit:
        order += [k for k in sit.kinds if k not in order]
    return {code: i for i, code in enumerate(order)}


def _term_q(term: str) -> Q:
    """A query term matches the service's own words, or a shared text the service has (its kind's
    description, the wording of one of its forms, the label of a life situation it helps in)."""
    q = Q(search_text__contains=f" {term}")
    kinds, forms, sits = _shared_texts()
    kind_hits = [code for code, text in kinds.items() if f" {term}" in text]
    if kind_hits:
        q |= Q(kind_code__in=kind_hits)
    for code, text in forms.items():
        if f" {term}" in text:
            q |= Q(forms__contains=f"|{code}|")
    for slug, text in sits.items():
        if f" {term}" in text:
            q |= Q(situations__contains=f"|{slug}|")
    return q


def _filtered(p: SearchParams):
    """The search's conditions (query text and filters, no place) as a queryset — what `_candidates`
    evaluates on the in-memory index."""
    qs = active_entries()
    parsed = query.parse_query(p.q)
    if not parsed.empty:
        qs = qs.filter(query_q(parsed))
    if p.situation:
        qs = qs.filter(situations__contains=f"|{p.situation}|")
    if p.kind:
        qs = qs.filter(kind_code=p.kind)
    if p.target_group is not None:
        qs = qs.filter(target_groups__contains=f"|{p.target_group}|")
    if p.form:
        qs = qs.filter(forms__contains=f"|{p.form}|")
    if p.orp:
        qs = qs.filter(orp_codes__contains=f"|{p.orp}|")
    return qs


def _coverage(m: Muni) -> Q:
    q = Q(municipality_codes__contains=f"|{m.code}|")
    if m.orp_code:
        q |= Q(orp_codes__contains=f"|{m.orp_code}|")
    return q


def covered_regions() -> frozenset[str]:
    """The kraje the catalogue covers (of its services in operation)."""
    return search_index.current().regions(timezone.localdate())


def place_outside(q: str) -> tuple[Muni | None, str]:
    """A municipality outside the catalogue's kraje named in the query — the whole query, or a word written
    with a capital — and the query without it. ("Praha" → Praha, ""; "pečovatelská služba Praha" → Praha,
    "pečovatelská služba".)"""
    covered = covered_regions()
    if not q or not covered:
        return None, q
    _by_code, by_name = _municipality_index()

    def outside(text: str) -> Muni | None:
        found = by_name.get(engine.fold(text))
        if found and not any(m.region_code in covered for m in found):
            return found[0]
        return None

    whole = outside(q)
    if whole:
        return whole, ""
    words = q.split()
    for i, w in enumerate(words):
        if len(w) >= 4 and w[:1].isupper():
            m = outside(w)
            if m:
                return m, " ".join(words[:i] + words[i + 1:])
    return None, q


def _term_mask(idx: search_index.SearchIndex, term: str) -> np.ndarray:
    """`_term_q` on the index: the entries whose own words start with the term, or whose kind, form or life
    situation has a shared text with such a word."""
    out = idx.words.starting(term)
    kinds, forms, sits = _shared_texts()
    for name, texts in (("kind", kinds), ("form", forms), ("situation", sits)):
        hits = [code for code, text in texts.items() if f" {term}" in text]
        if hits:
            out |= idx.codes(name, hits)
    return out


def _all_mask(groups, term_mask) -> np.ndarray | None:
    """`_all_q` on the index: every group matches (a group when any of its forms does); None when there is
    no group (no condition)."""
    out = None
    for g in groups:
        m = term_mask(g[0])
        for t in g[1:]:
            m = m | term_mask(t)
        out = m if out is None else out & m
    return out


def _query_mask(idx: search_index.SearchIndex, parsed: query.ParsedQuery) -> np.ndarray | None:
    """`query_q` on the index (None: no condition)."""
    def term(t):
        return _term_mask(idx, t)

    out = _all_mask(parsed.groups, term)
    for hit in parsed.synonyms:
        alt = _all_mask(hit.words, term) if hit.words else None
        alt = alt if alt is not None else np.zeros(idx.n, dtype=bool)
        for phrase in hit.synonym.means:
            if phrase:
                alt |= _all_mask(phrase, term)
        if hit.synonym.kinds:
            alt |= idx.codes("kind", hit.synonym.kinds)
        out = alt if out is None else out & alt
    return out


def _candidates(idx: search_index.SearchIndex, p: SearchParams, parsed: query.ParsedQuery) -> np.ndarray:
    """Mask of the services in operation today matching the query and the filters (`_filtered` on the
    index)."""
    m = idx.active(timezone.localdate())
    if not parsed.empty:
        matched = _query_mask(idx, parsed)
        if matched is not None:
            m = m & matched
    for name, code in (("situation", p.situation), ("kind", p.kind), ("form", p.form), ("orp", p.orp),
                        ("group", "" if p.target_group is None else str(p.target_group))):
        if code:
            m = m & idx.code(name, code)
    return m


def search(p: SearchParams) -> SearchResult:
    """The page of services matching the parameters, in the order described in the module docstring. The
    conditions are evaluated on the catalogue's in-memory index (`search_index`: the conditions of
    `_filtered` as mask operations), which also holds the entries' rows: a search makes no query."""
    far, rest = place_outside(p.q)
    if far is not None:
        from dataclasses import replace as dc_replace

        result = search(dc_replace(p, q=rest)) if rest.strip() or p.situation or p.obec or p.kind else \
            SearchResult(dc_replace(p, q=rest), 0, [])
        result.outside = far
        return result
    idx = search_index.current()
    parsed = query.parse_query(p.q)
    cand = _candidates(idx, p, parsed)
    start = (p.page - 1) * p.page_size
    m = municipality(p.obec) if p.obec else None
    korder = kind_order(parsed, p.situation)
    if m is None:
        # ORDER BY [_krank,] [_rank,] name, service_id: the kinds the query means first, then the services
        # whose name holds every query word, then by name (positions are the database's order by name)
        found = np.flatnonzero(cand)
        rank = None
        if korder:
            rank = idx.kind_rank(korder)[found] * 2
        if parsed.groups:
            in_name = _all_mask(parsed.groups, idx.name_words.starting)
            not_in_name = (~in_name[found]).astype(np.int64)
            rank = not_in_name if rank is None else rank + not_in_name
        if rank is not None:
            found = found[np.argsort(rank, kind="stable")]
        return SearchResult(p, len(found), [Hit(e) for e in idx.entries(found[start:start + p.page_size].tolist())])

    coverage = idx.code("obec", m.code)
    if m.orp_code:
        coverage = coverage | idx.code("orp", m.orp_code)
    if p.radius_km is None:
        rows = cand & coverage
        dist = idx.nearest(rows, m.lat, m.lon)
    else:
        near = idx.nearest(cand, m.lat, m.lon, p.radius_km)
        rows = cand & (idx.mask(list(near)) | (coverage & idx.code("form", "ter")))
        dist = dict(near)
        far_rows = rows.copy()
        far_rows[list(near)] = False
        if far_rows.any():  # field services based farther away: their distance is shown, not used for the order
            dist.update(idx.nearest(far_rows, m.lat, m.lon))
    positions = np.flatnonzero(rows).tolist()
    # field services whose declared territory covers the obec come to the client's home
    home = {i for i in positions if coverage[i] and "|ter|" in idx.forms_packed[i]}
    krank = {i: korder.get(idx.kind_codes[i], len(korder)) for i in positions}
    ids = idx.ids

    def order(i):
        # the kinds the query or the situation means first, then the distance (a field service covering the
        # obec comes home: 0 km in a "near me" search)
        d = 0.0 if (p.radius_km is not None and i in home) else dist.get(i, math.inf)
        return (krank[i], d, idx.names[i], int(ids[i]))

    ordered = sorted(positions, key=order)
    page = ordered[start:start + p.page_size]
    hits = [Hit(e, distance_km=dist.get(i), comes_home=i in home) for i, e in zip(page, idx.entries(page), strict=True)]
    return SearchResult(p, len(ordered), hits, municipality=m)


def places_of(entry_ids) -> dict[int, list[CataloguePlace]]:
    out: dict[int, list[CataloguePlace]] = {}
    for place in CataloguePlace.objects.filter(entry_id__in=list(entry_ids)).order_by("entry_id", "name", "pk"):
        out.setdefault(place.entry_id, []).append(place)
    return out


# --- one service -----------------------------------------------------------------------------------------------

@dataclass
class ServicePage:
    """What the service page, the card and the API show: the entry with its public registry details
    (`CatalogueDetail.data`, built by `catalogue_refresh` from non-private registry data only)."""

    entry: CatalogueEntry
    detail: dict
    situations: list


def service_page(*, pk: int) -> ServicePage:
    """A service of the catalogue (one query, entry joined with its details); 404 when it is not in it."""
    entry = CatalogueEntry.objects.select_related("detail_row").filter(service_id=pk).first()
    if entry is None:
        raise Http404
    slugs = [s for s in entry.situations.split("|") if s]
    detail = entry.detail_row.data if hasattr(entry, "detail_row") else {}
    return ServicePage(entry=entry, detail=detail or {},
                       situations=[s for s in situations() if s.slug in slugs])


# --- code lists for the forms ------------------------------------------------------------------------------------

def kind_options() -> list[tuple[str, str]]:
    """The kinds for the search form (read once per catalogue version and process, with the search index)."""
    return search_index.current().memo("kind-options", lambda: [
        (k.code, f"{k.name} (§ {k.paragraph})" if k.paragraph else k.name)
        for k in ServiceKind.objects.order_by("order", "code")])


def target_group_options() -> list[tuple[int, str]]:
    """The target groups for the search form (read once per catalogue version and process)."""
    return search_index.current().memo("group-options", lambda: list(
        TargetGroup.objects.order_by("order", "name").values_list("pk", "name")))


def orp_options(region_code: str | None = None) -> list[tuple[str, str, str]]:
    """ORPs that have services in the catalogue: (code, name, region name)."""
    from socplan.territory.models import Orp

    codes: set[str] = set()
    for packed in active_entries().values_list("orp_codes", flat=True):
        codes.update(c for c in packed.split("|") if c)
    qs = Orp.objects.filter(code__in=codes).select_related("region")
    if region_code:
        qs = qs.filter(region__code=region_code)
    return [(o.code, o.name, o.region.name) for o in qs.order_by("region__name", "name")]


def orp_entries(orp_code: str) -> list[CatalogueEntry]:
    return list(active_entries().filter(orp_codes__contains=f"|{orp_code}|").order_by("name", "service_id"))
