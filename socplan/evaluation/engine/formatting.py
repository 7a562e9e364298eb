"""Czech number formatting for explanations (decimal comma, non-breaking thousands separator)."""

from __future__ import annotations

import math

from socplan.core.money import format_number


def num(x, decimals: int = 2) -> str:
    """``num(1234.5) == '1 234,5'`` – at most ``decimals`` places, trailing zeros dropped; NaN → '–'."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    text = format_number(float(x), decimals)
    if "," in text:
        text = text.rstrip("0").rstrip(",")
    return "0" if text in ("-0", "") else text


def pct(x, decimals: int = 1) -> str:
    """Share 0.6 → '60 %'."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    return f"{num(100 * float(x), decimals)}\xa0%"
