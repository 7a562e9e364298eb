"""Understanding a citizen's query: synonyms the region edits (`data/synonyms.json`), English names of kinds
and life situations (`data/kinds_en.json`), and places outside the catalogue's region. Framework-free except
for reading the shipped files; the database side is in `selectors`.

`parse_query(q)` turns the text into a `ParsedQuery`:
- `groups`: the remaining words, each a tuple of its search forms (`engine.variants`); a service must match
  every group (AND), a group matches when any of its forms does (OR);
- `synonyms`: the synonym entries the query contains (a term may be a phrase: "bez domova", "home care");
  each matched span of words is taken out of `groups` and becomes one condition: the words themselves, or one
  of the entry's `means` phrases, or one of its `kinds`;
- `kinds`: the kinds the query means, in order (synonyms first), for the ranking.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache

from . import engine
from .situations import DATA_DIR

MAX_WORDS = 12


@dataclass(frozen=True)
class Synonym:
    terms: tuple[tuple[tuple[str, ...], ...], ...]  # each term: its words, each word: its search forms
    means: tuple[tuple[tuple[str, ...], ...], ...]  # each phrase: query groups
    kinds: tuple[str, ...]


@dataclass
class SynonymHit:
    words: tuple[tuple[str, ...], ...]  # the query's own words of the span (stop words dropped)
    synonym: Synonym


@dataclass
class ParsedQuery:
    groups: list[tuple[str, ...]] = field(default_factory=list)
    synonyms: list[SynonymHit] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.groups and not self.synonyms


def _forms(word: str) -> tuple[str, ...]:
    """All search forms of a word, stop words included (a synonym phrase may hold one: "bez domova")."""
    return engine.variants(word) or (engine.fold(word),)


@lru_cache(maxsize=1)
def synonyms() -> tuple[Synonym, ...]:
    with open(DATA_DIR / "synonyms.json", encoding="utf-8") as fh:
        data = json.load(fh)
    out = []
    for entry in data["synonyms"]:
        terms = tuple(tuple(_forms(w) for w in engine.raw_words(t)) for t in entry["terms"])
        means = tuple(tuple(engine.query_groups(m)) for m in entry.get("means", []))
        out.append(Synonym(terms=tuple(t for t in terms if t), means=means, kinds=tuple(entry.get("kinds", []))))
    return tuple(out)


@lru_cache(maxsize=1)
def english() -> tuple[dict[str, str], dict[str, str]]:
    """English names: (kind code → text, situation slug → text)."""
    with open(DATA_DIR / "kinds_en.json", encoding="utf-8") as fh:
        data = json.load(fh)
    return data["kinds"], data["situations"]


def _word_matches(query_forms: tuple[str, ...], term_forms: tuple[str, ...]) -> bool:
    return bool(set(query_forms) & set(term_forms))


def parse_query(q: str) -> ParsedQuery:
    raw = engine.raw_words(q)[:MAX_WORDS]
    forms = [_forms(w) for w in raw]
    used = [False] * len(raw)
    parsed = ParsedQuery()
    # longest synonym terms first, so "domov důchodců" wins over a shorter term inside it
    candidates = sorted(((len(t), i, t, s) for i, s in enumerate(synonyms()) for t in s.terms),
                        key=lambda c: (-c[0], c[1]))
    for n, _i, term, syn in candidates:
        for start in range(0, len(raw) - n + 1):
            if any(used[start:start + n]):
                continue
            if all(_word_matches(forms[start + k], term[k]) for k in range(n)):
                for k in range(n):
                    used[start + k] = True
                own = tuple(engine.variants(raw[start + k]) for k in range(n))
                parsed.synonyms.append(SynonymHit(words=tuple(w for w in own if w), synonym=syn))
                for kind in syn.kinds:
                    if kind not in parsed.kinds:
                        parsed.kinds.append(kind)
    for k, w in enumerate(raw):
        if used[k]:
            continue
        v = engine.variants(w)
        if v and v not in parsed.groups:
            parsed.groups.append(v)
    parsed.groups = parsed.groups[:8]
    return parsed
