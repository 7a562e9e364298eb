"""The catalogue's search index in the worker's memory: what `selectors.search` filters and orders by, read
from `CatalogueEntry` and `CataloguePlace` once per catalogue version, so that a search costs a few numpy
operations and one query for the page's rows instead of a scan of every entry with dozens of `LIKE`
conditions and a sort in the database.

Entries are numbered by the database's own `ORDER BY name, service_id` (its collation): entry *i* is the
*i*-th in that order, and a set of entries is a boolean mask over those positions, so the matches of a search
come out of `np.flatnonzero` already in the catalogue's name order. The index answers exactly the questions
of the SQL conditions it replaces (`selectors._filtered`):
- a query term `t` matches an entry when `" t"` occurs in its search text, i.e. a word of the text starts
  with `t`: the distinct words of all texts are kept sorted with their entries (postings), so the words
  starting with `t` are one range found by bisection;
- a packed code field contains `|code|`: the entries of each code (kind, forms, life situations, target
  groups, ORP, obce);
- the distances use the places' coordinates in numpy arrays and `engine.haversine_km`, after the same
  bounding box as the SQL prefilter.

It is rebuilt when the catalogue's version changes (`cache.version()`: the content fingerprint, read at most
every few seconds per process) or when this process forgets it (`cache.version_forget()`, which every
refresh calls) — the same rule as the cached pages.
"""

from __future__ import annotations

import threading
from bisect import bisect_left
from datetime import date

import numpy as np

from . import cache, engine


def _tokens(packed: str) -> list[str]:
    return [t for t in (packed or "").split("|") if t]


class Words:
    """The distinct words of one text field of every entry, sorted, with the entries that hold each."""

    def __init__(self, texts: list[str]):
        ids: dict[str, int] = {}
        word_of: list[int] = []
        entry_of: list[int] = []
        for pos, text in enumerate(texts):
            for w in set((text or "").split()):
                word_of.append(ids.setdefault(w, len(ids)))
                entry_of.append(pos)
        self.n = len(texts)
        self.words = sorted(ids)
        rank = np.empty(len(ids), dtype=np.int64)  # word id → position in the sorted list
        rank[np.array([ids[w] for w in self.words], dtype=np.int64)] = np.arange(len(self.words))
        by_word = rank[np.array(word_of, dtype=np.int64)] if word_of else np.empty(0, dtype=np.int64)
        order = np.argsort(by_word, kind="stable")
        self.postings = np.array(entry_of, dtype=np.int64)[order]
        self.starts = np.searchsorted(by_word[order], np.arange(len(self.words) + 1))

    def starting(self, term: str) -> np.ndarray:
        """Mask of the entries with a word starting with `term` (the SQL `text LIKE '% term%'`)."""
        lo = bisect_left(self.words, term)
        hi = bisect_left(self.words, term + "\U0010ffff", lo)
        mask = np.zeros(self.n, dtype=bool)
        mask[self.postings[self.starts[lo]:self.starts[hi]]] = True
        return mask


class SearchIndex:
    def __init__(self, key: tuple, rows: list[tuple], places: list[tuple]):
        self.key = key
        self.n = n = len(rows)
        self.ids = np.array([r[0] for r in rows], dtype=np.int64)  # service_id of each position
        self.pos_of = {r[0]: i for i, r in enumerate(rows)}
        self.names = [r[1] for r in rows]
        self.kind_codes = [r[2] for r in rows]
        self.forms_packed = [r[3] for r in rows]
        self.words = Words([r[8] for r in rows])
        self.name_words = Words([r[9] for r in rows])
        fields = {"kind": {}, "form": {}, "situation": {}, "group": {}, "orp": {}, "obec": {}}
        for i, r in enumerate(rows):
            fields["kind"].setdefault(r[2], []).append(i)
            for name, packed in (("form", r[3]), ("situation", r[4]), ("group", r[5]), ("orp", r[6]),
                                 ("obec", r[7])):
                for code in _tokens(packed):
                    fields[name].setdefault(code, []).append(i)
        self._fields = {name: {code: np.array(pos, dtype=np.int64) for code, pos in codes.items()}
                        for name, codes in fields.items()}
        kinds = sorted(fields["kind"])
        self.kind_list = kinds
        kind_num = {k: j for j, k in enumerate(kinds)}
        self.kind_index = np.array([kind_num[r[2]] for r in rows], dtype=np.int64)
        self._dated = [(i, r[10], r[11]) for i, r in enumerate(rows) if r[10] is not None or r[11] is not None]
        self._active: tuple = (None, None)
        self.region_codes = [r[12] for r in rows]
        self._regions: tuple = (None, None)
        known = [p for p in places if p[0] in self.pos_of]
        self.place_pos = np.array([self.pos_of[p[0]] for p in known], dtype=np.int64)
        self.place_lat = np.array([p[1] for p in known], dtype=float)
        self.place_lon = np.array([p[2] for p in known], dtype=float)
        self._memo: dict = {}
        self._row_names: list[str] = []
        self._rows: list[tuple] = []
        self.empty = np.zeros(n, dtype=bool)
        self.empty.flags.writeable = False

    def set_rows(self, names: list[str], rows: list[tuple]) -> None:
        """Keep every column of the entries (in position order): the page's entries are made from them
        without a query."""
        self._row_names = names
        self._rows = rows

    def entries(self, positions) -> list:
        """The `CatalogueEntry` objects at the positions, as read when the index was built (the same rows a
        query would return for this catalogue version)."""
        from .models import CatalogueEntry

        return [CatalogueEntry.from_db("default", self._row_names, self._rows[i]) for i in positions]

    def memo(self, key, build):
        """A value derived from the catalogue's data, kept with the index (for this catalogue version)."""
        try:
            return self._memo[key]
        except KeyError:
            value = self._memo[key] = build()
            return value

    def mask(self, positions) -> np.ndarray:
        m = np.zeros(self.n, dtype=bool)
        m[positions] = True
        return m

    def code(self, field: str, code: str) -> np.ndarray:
        """Mask of the entries whose field holds the code (`kind`, `form`, `situation`, `group`, `orp`,
        `obec`)."""
        pos = self._fields[field].get(code)
        return self.mask(pos) if pos is not None else self.empty

    def codes(self, field: str, codes) -> np.ndarray:
        out = np.zeros(self.n, dtype=bool)
        for code in codes:
            pos = self._fields[field].get(code)
            if pos is not None:
                out[pos] = True
        return out

    def active(self, today: date) -> np.ndarray:
        """Mask of the entries in operation on `today` (no start after it, no end before it)."""
        day, m = self._active
        if day != today:
            m = np.ones(self.n, dtype=bool)
            for i, start, end in self._dated:
                if (start is not None and start > today) or (end is not None and end < today):
                    m[i] = False
            m.flags.writeable = False
            self._active = (today, m)
        return m

    def regions(self, today: date) -> frozenset[str]:
        """The kraje of the entries in operation on `today`."""
        day, out = self._regions
        if day != today:
            active = self.active(today)
            out = frozenset(c for i, c in enumerate(self.region_codes) if c and active[i])
            self._regions = (today, out)
        return out

    def kind_rank(self, korder: dict[str, int]) -> np.ndarray:
        """Per entry: the rank of its kind in `korder` (kinds not in it after all of them)."""
        table = np.array([korder.get(k, len(korder)) for k in self.kind_list], dtype=np.int64)
        return table[self.kind_index]

    def nearest(self, mask: np.ndarray, lat: float | None, lon: float | None,
                radius: float | None = None) -> dict[int, float]:
        """Distance (km) of each masked entry's nearest place with coordinates from the point (within
        `radius`), by position."""
        if lat is None or lon is None or not len(self.place_pos):
            return {}
        pos, la, lo = self.place_pos, self.place_lat, self.place_lon
        keep = mask[pos]
        if radius is not None:
            lat0, lat1, lon0, lon1 = engine.bbox(lat, lon, radius)
            keep &= (la >= lat0) & (la <= lat1) & (lo >= lon0) & (lo <= lon1)
        pos, la, lo = pos[keep], la[keep], lo[keep]
        if not len(pos):
            return {}
        dist = engine.haversine_km(lat, lon, la, lo)
        if radius is not None:
            inside = dist <= radius
            pos, dist = pos[inside], dist[inside]
        out: dict[int, float] = {}
        for i, d in zip(pos.tolist(), dist.tolist(), strict=True):
            if i not in out or d < out[i]:
                out[i] = d
        return out


INDEXED = ("service_id", "name", "kind_code", "forms", "situations", "target_groups", "orp_codes",
           "municipality_codes", "search_text", "name_text", "valid_from", "valid_to", "region_code")


def build(key: tuple = ()) -> SearchIndex:
    from .models import CatalogueEntry, CataloguePlace

    names = [f.attname for f in CatalogueEntry._meta.concrete_fields]
    at = [names.index(n) for n in INDEXED]
    full = list(CatalogueEntry.objects.order_by("name", "service_id").values_list(*names))
    places = list(CataloguePlace.objects.filter(lat__isnull=False, lon__isnull=False)
                  .values_list("entry_id", "lat", "lon"))
    idx = SearchIndex(key, [tuple(r[i] for i in at) for r in full], places)
    idx.set_rows(names, full)
    return idx


_lock = threading.Lock()
_current: dict = {"index": None}


def current() -> SearchIndex:
    """The index of the catalogue's current version (built on first use in this process)."""
    key = (cache.version(), cache.generation())
    idx = _current["index"]
    if idx is not None and idx.key == key:
        return idx
    with _lock:
        idx = _current["index"]
        if idx is None or idx.key != key:
            idx = build(key)
            _current["index"] = idx
    return idx
