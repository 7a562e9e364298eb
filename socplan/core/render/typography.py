"""Czech typography for generated documents (framework-free).

- `vlna(text)`: a non-breaking space after one-letter prepositions and conjunctions (k, s, v, z, o, u, a, i),
  so that they never end a line — the rule Czech typesetting follows (named after the TeX tool *vlna*).
- `cz_number(value, decimals)`: "1 234 567,50" with non-breaking spaces (see `socplan.core.money`).
- `cz_quotes(text)`: straight double quotes → „…“.
- `document_text(text)`: the bound every text passes before it reaches a renderer (WeasyPrint, python-docx,
  openpyxl): at most `TEXT_LIMIT` characters (a longer text is cut, with a note saying so) and a break
  opportunity (a zero-width space) every `BREAK_EVERY` characters inside any longer unbroken token, so that
  line breaking stays linear. `socplan.core.render.blocks` applies it to every text that enters a document.
"""

from __future__ import annotations

import re

NBSP = "\xa0"
ZWSP = "\u200b"  # zero-width space: a line may break here, nothing is drawn
BREAK_EVERY = 60  # longest run of characters a renderer gets without a break opportunity
TEXT_LIMIT = 100_000  # longest text a renderer gets in one piece (a plan section's body may hold this much)
# Characters a line may break at. The no-break spaces (U+00A0, U+2007, U+202F) and the word joiner are not
# among them: a run joined by them is one unbroken token to a renderer.
_BREAKS = " \t\n\r\f\v\x1c-\x1f\x85\u1680\u2000-\u2006\u2008-\u200b\u2028\u2029\u205f\u3000"
_TOKEN = re.compile(f"[^{_BREAKS}]+")
_LONG_TOKEN = re.compile(f"[^{_BREAKS}]{{{BREAK_EVERY + 1},}}")
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


def longest_token(text: str) -> int:
    """Length of the longest run of characters in `text` without a break opportunity (0 for an empty text)."""
    return max((m.end() - m.start() for m in _TOKEN.finditer(text or "")), default=0)


def breakable(text: str, every: int = BREAK_EVERY) -> str:
    """`text` with a zero-width space after every `every` characters of any unbroken token longer than that.

    WeasyPrint (Pango) and Word break lines at a zero-width space, so a 10,000-character "word" wraps like
    ordinary text instead of being measured over and over for a place to break. Linear in the length of the
    text; idempotent; a text without such tokens is returned unchanged."""
    if not text or len(text) <= every:
        return text

    def split(m: re.Match) -> str:
        token = m.group(0)
        return ZWSP.join(token[i:i + every] for i in range(0, len(token), every))

    pattern = _LONG_TOKEN if every == BREAK_EVERY else re.compile(f"[^{_BREAKS}]{{{every + 1},}}")
    return pattern.sub(split, text)


def bounded(text: str, limit: int = TEXT_LIMIT) -> str:
    """`text` cut so that it holds at most `limit` characters, a note saying how long the full text is
    included (idempotent: a text of at most `limit` characters is returned unchanged)."""
    if not text or len(text) <= limit:
        return text
    total = len(text) - text.count(ZWSP)
    note = f" […] (text zkrácen, zobrazeno prvních {{n}} z {cz_number(total)} znaků)"
    keep = max(limit - len(note) - 8, 0)
    return text[:keep] + note.format(n=cz_number(keep - text.count(ZWSP, 0, keep)))


def document_text(text):
    """The bound every text passes on its way into a document: `breakable`, then `bounded` (idempotent).
    Anything that is not a text (a number, a date, None) is returned as it is."""
    if not isinstance(text, str):
        return text
    return bounded(breakable(text))


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
