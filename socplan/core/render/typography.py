"""Czech typography for generated documents (framework-free).

- `vlna(text)`: a non-breaking space after one-letter prepositions and conjunctions (k, s, v, z, o, u, a, i),
  so that they never end a line — the rule Czech typesetting follows (named after the TeX tool *vlna*).
- `cz_number(value, decimals)`: "1 234 567,50" with non-breaking spaces (see `socplan.core.money`).
- `cz_quotes(text)`: straight double quotes → „…“.
"""

from __future__ import annotations

import re

NBSP = "\xa0"
_ONE_LETTER = re.compile(r"(?<![\w\-])([KkSsVvZzOoUuAaIi])\s+(?=\S)")
_QUOTES = re.compile(r'"([^"]*)"')


def vlna(text: str) -> str:
    if not text:
        return text
    return _ONE_LETTER.sub(lambda m: m.group(1) + NBSP, text)


def cz_quotes(text: str) -> str:
    if not text:
        return text
    return _QUOTES.sub("\u201e\\1\u201c", text)


def cz_text(text: str) -> str:
    """All text-level rules at once (quotes, then non-breaking spaces)."""
    return vlna(cz_quotes(text))


def cz_number(value, decimals: int = 0) -> str:
    from decimal import ROUND_HALF_UP, Decimal

    if value is None or value == "":
        return "—"
    d = value if isinstance(value, Decimal) else Decimal(repr(value) if isinstance(value, float) else str(value))
    quant = Decimal(1) if decimals == 0 else Decimal(1).scaleb(-decimals)
    d = d.quantize(quant, rounding=ROUND_HALF_UP)
    sign = "-" if d < 0 else ""
    whole, _, frac = f"{abs(d):f}".partition(".")
    groups = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    return sign + NBSP.join(groups or ["0"]) + ("," + frac if frac else "")


def cz_czk(value) -> str:
    if value is None or value == "":
        return "—"
    return cz_number(value, 0) + NBSP + "Kč"
