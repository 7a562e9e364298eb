"""Structured content a provider proposes for the catalogue (framework-free): opening hours and the price list
(úhrady).

Opening hours are a list of `{"day": 1–7 (Monday = 1), "opens": "HH:MM", "closes": "HH:MM"}` rows, at most
two intervals a day. The price list is a list of `{"item": text, "amount": "135.00", "unit": text}` rows with
the amount in crowns as a decimal string (`Decimal`, two places). Providers type the price list as lines
"položka; částka; jednotka" (e.g. "Pomoc při osobní hygieně; 135; hodina"); `parse_prices` turns them into
rows or raises `ContentError` naming the line.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

DAYS = ("po", "út", "st", "čt", "pá", "so", "ne")
DAY_NAMES = ("pondělí", "úterý", "středa", "čtvrtek", "pátek", "sobota", "neděle")
HSDS_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
MAX_PRICE_ROWS = 60
MAX_AMOUNT = Decimal("1000000")
_TIME = re.compile(r"^([01]?\d|2[0-3])[:.]([0-5]\d)$")


class ContentError(ValueError):
    """Bad opening hours or price list; the message is Czech and names the day or line."""


def time_text(value: str, where: str) -> str:
    m = _TIME.match((value or "").strip())
    if not m:
        raise ContentError(f"{where}: čas „{value}“ není ve tvaru HH:MM.")
    return f"{int(m.group(1)):02d}:{m.group(2)}"


def opening_hours(rows) -> list[dict]:
    """Checked and sorted opening hours (see the module docstring)."""
    out = []
    for row in rows:
        day = row.get("day")
        if not isinstance(day, int) or isinstance(day, bool) or not 1 <= day <= 7:
            raise ContentError(f"Otevírací doba: den „{day}“ neexistuje.")
        where = f"Otevírací doba ({DAY_NAMES[day - 1]})"
        opens, closes = time_text(row.get("opens", ""), where), time_text(row.get("closes", ""), where)
        if closes <= opens:
            raise ContentError(f"{where}: konec {closes} musí být po začátku {opens}.")
        out.append({"day": day, "opens": opens, "closes": closes})
    out.sort(key=lambda r: (r["day"], r["opens"]))
    for a, b in zip(out, out[1:], strict=False):
        if a["day"] == b["day"] and b["opens"] < a["closes"]:
            raise ContentError(f"Otevírací doba ({DAY_NAMES[a['day'] - 1]}): časy se překrývají.")
    for day in range(1, 8):
        if sum(1 for r in out if r["day"] == day) > 2:
            raise ContentError(f"Otevírací doba ({DAY_NAMES[day - 1]}): nejvýše dva úseky za den.")
    return out


def opening_lines(rows: list[dict]) -> list[str]:
    """Czech lines for people: "po–pá 8:00–16:00" groups consecutive days with the same hours."""
    by_day: dict[int, str] = {}
    for r in rows:
        text = f"{_short(r['opens'])}–{_short(r['closes'])}"
        by_day[r["day"]] = f"{by_day[r['day']]}, {text}" if r["day"] in by_day else text
    lines, days = [], sorted(by_day)
    i = 0
    while i < len(days):
        j = i
        while j + 1 < len(days) and days[j + 1] == days[j] + 1 and by_day[days[j + 1]] == by_day[days[i]]:
            j += 1
        label = DAYS[days[i] - 1] if i == j else f"{DAYS[days[i] - 1]}–{DAYS[days[j] - 1]}"
        lines.append(f"{label} {by_day[days[i]]}")
        i = j + 1
    return lines


def _short(hhmm: str) -> str:
    return hhmm[1:] if hhmm.startswith("0") else hhmm


def amount(text: str, where: str) -> Decimal:
    cleaned = (text or "").replace("\u00a0", "").replace(" ", "").replace("Kč", "").replace(",", ".").rstrip(".-")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ContentError(f"{where}: částka „{text.strip()}“ není číslo.") from None
    if not value.is_finite() or value < 0 or value > MAX_AMOUNT:
        raise ContentError(f"{where}: částka musí být 0–{MAX_AMOUNT} Kč.")
    return value.quantize(Decimal("0.01"))


def parse_prices(text: str) -> list[dict]:
    rows = []
    for n, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        where = f"Ceník, řádek {n}"
        parts = [p.strip() for p in line.split(";")]
        if len(parts) != 3 or not parts[0] or not parts[2]:
            raise ContentError(f"{where}: zapište „položka; částka; jednotka“ (např. „Obědy; 95; porce“).")
        if len(parts[0]) > 200 or len(parts[2]) > 60:
            raise ContentError(f"{where}: položka nejvýše 200 znaků, jednotka nejvýše 60 znaků.")
        rows.append({"item": parts[0], "amount": str(amount(parts[1], where)), "unit": parts[2]})
    if len(rows) > MAX_PRICE_ROWS:
        raise ContentError(f"Ceník: nejvýše {MAX_PRICE_ROWS} položek.")
    return rows


def prices_text(rows: list[dict]) -> str:
    """The price list back as the lines a provider types (for editing a new proposal)."""
    return "\n".join(f"{r['item']}; {price_label(r['amount'], currency=False)}; {r['unit']}" for r in rows)


def price_label(value: str, *, currency: bool = True) -> str:
    """'1 234,50 Kč' (Czech grouping, no decimals for whole crowns)."""
    d = Decimal(value)
    whole = d == d.to_integral_value()
    text = f"{d:,.0f}" if whole else f"{d:,.2f}"
    text = text.replace(",", "\u00a0").replace(".", ",")
    return f"{text}\u00a0Kč" if currency else text.replace("\u00a0", " ")
