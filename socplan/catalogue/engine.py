"""Framework-free pieces of the public catalogue: Czech search normalisation and distances.

Search text
-----------
Every service gets one precomputed *search text*: its words folded and stemmed, joined by single spaces,
with a leading and a trailing space (" pecovatelsk sluzb blansk … "). A query is folded and stemmed the same
way; each query term must occur as the *start of a word* of the search text (`LIKE '% term%'`), all terms
together (AND). This works identically on SQLite and PostgreSQL and needs no full-text extension.

- `fold(text)`: lower case, diacritics removed (Unicode NFKD, combining marks dropped), every run of
  non-alphanumeric characters → one space.  "Pečovatelská služba" → "pecovatelska sluzba".
- `stem(word)`: a *light* Czech stemmer on folded words — the algorithm of Dolamic & Savoy (2009, "Indexing
  and stemming approaches for the Czech language", the "light" variant also used by Lucene's CzechStemmer),
  re-implemented here on diacritics-free words: (1) strip one case ending (longest first, only if the word is
  long enough), (2) strip a possessive ending (-ov, -in) from long words, (3) normalise the last consonant
  (c → k, z → h; a mobile "e" before the last consonant is dropped: služeb → služb).  The original's
  čt → ck and št → sk rules are left out: without diacritics "st" is mostly a plain "st".  Examples:
  služba / služby / službách → "sluzb"; pečovatelská / pečovatelské / pečovatelskou → "pecovatelsk";
  Praha / Praze → "prah"; domov / domovy / domovů → "domov"; senioři / seniory → "senior".
  It is deliberately light: it does not undo every Czech alternation (e.g. "dům" / "domy").
- `query_terms(q)`: folded, stemmed query words without Czech stop words (prepositions, conjunctions,
  pronouns) and without duplicates or words that are a prefix of another query word.

Distances
---------
`haversine_km` (vectorised with numpy) and `bbox` (the latitude/longitude box that surely contains a circle
of a radius around a point — used as an SQL prefilter before the exact haversine distance).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

import numpy as np
import simplemma

EARTH_RADIUS_KM = 6371.0088  # mean Earth radius (IUGG)

_NON_WORD = re.compile(r"[^0-9a-z]+")

# Czech stop words, folded (no diacritics): never useful as search terms, and as prefixes they would match
# far too much ("pro" → "provoz", "na" → "nabidka").
STOP_WORDS = frozenset("""
a aby ale ani at az by byl byla byli bylo byt co do for i jak jako je jeho jej jeji jejich jen jsem jsi
jsme jste jsou k kam kde kdo kdyz ke ktera ktere kteri ktery kvuli ma mam mame mate me mi mit mne mu muj my
na nad nam nas ne nebo nez ni o od ode po pod pokud pro proc proto pred pres pri s se si sve svuj ta tak
take takze tam te tedy ten to tom tu ty u uz v ve vam vas vsak z za ze
the of and with in to my am an is are
""".split())
# "bez" (without) is no stop word: "bez domova" must not find "domov pro seniory".

# Case endings, longest first, with the minimum word length (in characters, folded) at which they are
# stripped.  Folded forms of Dolamic & Savoy's light stemmer (several accented endings fold to one).
_CASE_ENDINGS: list[tuple[int, tuple[str, ...]]] = [
    (8, ("atech",)),
    (7, ("etem", "atum")),
    (6, ("ech", "ich", "eho", "emi", "emu", "ete", "eti", "iho", "imi", "imu", "ach", "ata", "aty", "ych",
         "ama", "ami", "ove", "ovi", "ymi")),
    (5, ("em", "es", "im", "um", "at", "am", "os", "us", "ym", "mi", "ou")),
    (4, ("a", "e", "i", "o", "u", "y")),
]


def fold(text: str) -> str:
    """Lower case, no diacritics, words separated by single spaces (no leading/trailing space)."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFKD", str(text).lower())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _NON_WORD.sub(" ", stripped).strip()


def _remove_case(word: str) -> str:
    n = len(word)
    for min_len, endings in _CASE_ENDINGS:
        if n >= min_len:
            for ending in endings:
                if word.endswith(ending):
                    return word[: -len(ending)]
    return word


def _remove_possessive(word: str) -> str:
    if len(word) > 5 and word.endswith(("ov", "in")):
        return word[:-2]
    return word


def _normalize(word: str) -> str:
    if word.endswith("c"):
        return word[:-1] + "k"
    if word.endswith("z"):
        return word[:-1] + "h"
    if len(word) > 3 and word[-2] == "e" and word[-1] not in "aeiouy":
        return word[:-2] + word[-1]
    return word


def stem(word: str) -> str:
    """Light Czech stem of one folded word (see the module docstring). Numbers are kept as they are."""
    if not word or word.isdigit() or len(word) < 3:
        return word
    return _normalize(_remove_possessive(_remove_case(word)))


def words(text: str) -> list[str]:
    return fold(text).split()


_RAW_WORD = re.compile(r"[^\W_]+")


def raw_words(text: str) -> list[str]:
    """Lower-case words with their diacritics (what the lemmatiser needs)."""
    return _RAW_WORD.findall(unicodedata.normalize("NFC", str(text or "")).lower())


@lru_cache(maxsize=65536)
def lemma(word: str) -> str:
    """The Czech lemma of a lower-case word (simplemma's dictionary; the word itself when unknown):
    "bezdomovci" → "bezdomovec", "službách" → "služba", "Praze" → "praha"."""
    try:
        return simplemma.lemmatize(word, lang="cs").lower()
    except ValueError:  # simplemma refuses some inputs (e.g. too long tokens): keep the word
        return word


@lru_cache(maxsize=65536)
def variants(word: str) -> tuple[str, ...]:
    """The search forms of one raw word: its folded stem and the folded stem of its lemma (one or two).
    Both the index and the query use them, so a query word matches when any of its forms starts a word of
    the index; the lemma joins forms the light stemmer keeps apart (bezdomovci / bezdomovec)."""
    folded = fold(word)
    if not folded or folded in STOP_WORDS:
        return ()
    out = [stem(w) for w in folded.split()]
    if len(out) == 1 and not folded.isdigit():
        by_lemma = stem(fold(lemma(word)))
        if by_lemma and by_lemma not in out:
            out.append(by_lemma)
    return tuple(out)


def index_text(parts: Iterable[str]) -> str:
    """The stored search text of a record: distinct search forms (`variants`) of all its words, with a
    leading and a trailing space so that `LIKE '% term%'` finds a term at the start of any word."""
    seen: dict[str, None] = {}
    for part in parts:
        for w in raw_words(part):
            for v in variants(w):
                seen.setdefault(v, None)
    return " " + " ".join(seen) + " " if seen else " "


def query_groups(q: str, max_terms: int = 8) -> list[tuple[str, ...]]:
    """The query as groups of alternatives: one group per word (stop words dropped), the word matches when
    one of its forms does."""
    groups: list[tuple[str, ...]] = []
    for w in raw_words(q):
        v = variants(w)
        if v and v not in groups:
            groups.append(v)
    return groups[:max_terms]


def query_terms(q: str, max_terms: int = 8) -> list[str]:
    """Stemmed query terms (stop words and terms that are a prefix of another term dropped)."""
    terms: list[str] = []
    for w in words(q):
        if w in STOP_WORDS:
            continue
        t = stem(w)
        if t and t not in terms:
            terms.append(t)
    # "sluzb" and "sluzba…" — a term that is a prefix of another adds nothing to an AND of prefix matches
    terms = [t for t in terms if not any(o != t and o.startswith(t) for o in terms)]
    return terms[:max_terms]


def matches(search_text: str, terms: list[str]) -> bool:
    """The same test as the SQL filter, in Python (used by tests and by the brochure)."""
    return all(f" {t}" in search_text for t in terms)


# --- distances ------------------------------------------------------------------------------------------------

def haversine_km(lat1, lon1, lat2, lon2) -> np.ndarray:
    """Great-circle distance in km; arguments are scalars or numpy arrays (broadcast)."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dp = p2 - p1
    dl = np.radians(np.asarray(lon2) - np.asarray(lon1))
    a = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def bbox(lat: float, lon: float, radius_km: float) -> tuple[float, float, float, float]:
    """(min_lat, max_lat, min_lon, max_lon) of a box that contains every point within `radius_km`."""
    dlat = math.degrees(radius_km / EARTH_RADIUS_KM)
    # the widest longitude span of the circle is at the latitude nearest to the pole
    far_lat = min(89.9, abs(lat) + dlat)
    dlon = math.degrees(radius_km / (EARTH_RADIUS_KM * math.cos(math.radians(far_lat))))
    return lat - dlat, lat + dlat, lon - dlon, lon + dlon
