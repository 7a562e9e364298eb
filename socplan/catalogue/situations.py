"""Shipped catalogue data: life situations (`data/life_situations.json`) and plain-language descriptions of the
kinds of service (`data/kinds_plain.json`). Both are read once per process."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"

# Forms in plain language (citizens do not know "terénní / ambulantní / pobytová").
FORM_PLAIN = {
    "ter": "přijde za vámi domů",
    "amb": "docházíte nebo dojíždíte do zařízení",
    "pob": "pobyt s ubytováním",
}
FORM_SHORT = {"ter": "u vás doma", "amb": "návštěva zařízení", "pob": "pobyt"}
FORM_NAMES = {"ter": "terénní", "amb": "ambulantní", "pob": "pobytová"}  # the registry's names (§ 33)
FORM_ORDER = ["ter", "amb", "pob"]


@dataclass(frozen=True)
class Situation:
    slug: str
    label: str
    description: str
    kinds: tuple[str, ...]
    target_groups: tuple[str, ...]

    def matches(self, kind_code: str, target_group_names: set[str]) -> bool:
        """A service helps in this situation when its kind is listed and it serves one of the listed groups
        (or the situation lists no groups, or the service has no target groups recorded)."""
        if kind_code not in self.kinds:
            return False
        if not self.target_groups or not target_group_names:
            return True
        return bool(target_group_names.intersection(self.target_groups))


@lru_cache(maxsize=1)
def situations() -> tuple[Situation, ...]:
    with open(DATA_DIR / "life_situations.json", encoding="utf-8") as fh:
        data = json.load(fh)
    return tuple(Situation(slug=s["slug"], label=s["label"], description=s["description"],
                           kinds=tuple(s["kinds"]), target_groups=tuple(s["target_groups"]))
                 for s in data["situations"])


def situation_by_slug(slug: str) -> Situation | None:
    return next((s for s in situations() if s.slug == slug), None)


@lru_cache(maxsize=1)
def kinds_plain() -> dict[str, dict[str, str]]:
    with open(DATA_DIR / "kinds_plain.json", encoding="utf-8") as fh:
        data = json.load(fh)
    return {k: v for k, v in data.items() if not k.startswith("_")}


def kind_plain(code: str) -> dict[str, str]:
    return kinds_plain().get(code, {"what": "", "who": ""})
