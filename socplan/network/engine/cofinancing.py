"""Municipal co-financing rates of the network: the band and the lookup of one entry's rate.

The rate is a yearly network parameter in per cent of the entry's optimised cost (the optimised cost itself is
the finance module's). It is either **0** (the kraj does not require co-financing for that kind, form or tier)
or within the seeds' band **10–20 %** (domain: "co-financed 10–20 % depending on kind and form", 20 % for
prevention services).

Lookup of the rate of an entry (the first that is set wins)::

    kind + form + tier  >  kind + form  >  kind + tier  >  kind  >  category default  >  general default

where *form* is the network form code (``amb``/``ter``/``pob``), *tier* the tier code (``zakladni``…) and the
category one of ``prevence``/``poradenstvi``/``pece``. The general default only serves a kind without a category.

No Django imports: the network's models validate with :func:`rate_error`, the finance module resolves the
rate of every entry with :meth:`CofinancingRates.rate_for`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from socplan.core.money import to_decimal

BAND_MIN = Decimal(10)
BAND_MAX = Decimal(20)
ZERO = Decimal(0)


def in_band(rate) -> bool:
    """0 or 10–20 (per cent)."""
    rate = to_decimal(rate)
    return rate == 0 or BAND_MIN <= rate <= BAND_MAX


def rate_error(rate) -> str | None:
    """The Czech error for a rate outside the band, None when it is valid (None = not set is valid)."""
    if rate is None or in_band(rate):
        return None
    return (f"Sazba spolufinancování obcí musí být 0 % (kraj spolufinancování nevyžaduje) nebo v rozmezí "
            f"{BAND_MIN:.0f}–{BAND_MAX:.0f} % optimalizovaných nákladů; zadáno {_pct(rate)} %.")


def clamp_to_band(rate) -> Decimal:
    """The band value nearest to a stored rate: 0 stays 0, (0, 10) → 10, above 20 → 20 (data migration)."""
    rate = to_decimal(rate)
    if rate <= 0:
        return ZERO
    return min(max(rate, BAND_MIN), BAND_MAX)


def _pct(rate) -> str:
    d = to_decimal(rate).normalize()
    return format(d, "f").replace(".", ",")


@dataclass(frozen=True)
class RateKey:
    kind: str
    form: str | None = None
    tier: str | None = None


@dataclass(frozen=True)
class CofinancingRates:
    """The co-financing rates of one kraj and year (per cent)."""

    region_code: str
    year: int
    by_kind: Mapping[RateKey, Decimal] = field(default_factory=dict)  # kind / kind+form / kind+tier / all three
    by_category: Mapping[str, Decimal] = field(default_factory=dict)  # prevence / poradenstvi / pece
    general: Decimal = BAND_MIN

    def lookup(self, kind: str, form: str | None, tier: str | None, category: str | None) -> tuple[Decimal, str]:
        """(rate, where it comes from) – the source is a Czech phrase for explanations."""
        kind = str(kind)
        candidates = []
        if form and tier:
            candidates.append((RateKey(kind, form, tier), "druh, forma a úroveň sítě"))
        if form:
            candidates.append((RateKey(kind, form), "druh a forma"))
        if tier:
            candidates.append((RateKey(kind, None, tier), "druh a úroveň sítě"))
        candidates.append((RateKey(kind), "druh"))
        for key, source in candidates:
            value = self.by_kind.get(key)
            if value is not None:
                return to_decimal(value), source
        if category and self.by_category.get(category) is not None:
            return to_decimal(self.by_category[category]), "kategorie druhu"
        return to_decimal(self.general), "obecná sazba"

    def rate_for(self, kind: str, form: str | None, tier: str | None, category: str | None) -> Decimal:
        """The rate of an entry in per cent (see the module docstring for the order)."""
        return self.lookup(kind, form, tier, category)[0]

