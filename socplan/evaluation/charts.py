"""Box and strip plots as inline SVG (no JavaScript), for benchmarking pages.

Plain numbers in, an SVG string out (the labels follow the active language via gettext). Every chart has a ``<title>``, an ``aria-label`` and
``<title>`` tooltips on its marks; the pages print the same numbers in a table next to it.

``box_plot_svg(rows)`` draws one horizontal row per group on a common axis:

* the box from Q1 to Q3 with the median as a thick line;
* whiskers (Tukey) to the most extreme values inside the fences Q1 − 1.5·IQR and Q3 + 1.5·IQR, when given;
* the individual values as small dots (a strip plot, officers' pages only) and outliers as open circles;
* the reference value of the methodology (solid red tick), the national median (dashed) and the service's
  own value (a diamond, the provider's "where my service stands").
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from html import escape

from django.utils.translation import gettext as _

from .engine.formatting import num

FONT = "DejaVu Sans, Arial, sans-serif"
BOX = "#9cc3ea"
STROKE = "#063d73"
POINT = "#0b5cad"
OUTLIER = "#b3261e"
REFERENCE = "#b3261e"
NATIONAL = "#6b4fa0"
OWN = "#f2a900"


@dataclass
class BoxRow:
    label: str
    q1: float | None
    median: float | None
    q3: float | None
    whisker_low: float | None = None
    whisker_high: float | None = None
    points: list[float] = field(default_factory=list)
    outliers: list[float] = field(default_factory=list)
    reference: float | None = None
    national: float | None = None
    own: float | None = None


def whiskers(values: list[float], lower_fence: float | None, upper_fence: float | None):
    """Tukey whiskers: the most extreme values within the fences; and the values outside them (outliers)."""
    vals = [v for v in values if v is not None and not math.isnan(v)]
    if not vals or lower_fence is None or upper_fence is None:
        return None, None, []
    inside = [v for v in vals if lower_fence <= v <= upper_fence]
    out = [v for v in vals if v < lower_fence or v > upper_fence]
    if not inside:
        return None, None, out
    return min(inside), max(inside), out


def _nice_ticks(lo: float, hi: float, n: int = 5) -> list[float]:
    """Round tick values covering [lo, hi] (the first ≤ lo, the last ≥ hi)."""
    if hi <= lo:
        hi = lo + (abs(lo) or 1.0)
    raw = (hi - lo) / n
    mag = 10 ** math.floor(math.log10(raw))
    step = next(s * mag for s in (1, 2, 2.5, 5, 10) if s * mag >= raw)
    start = math.floor(lo / step) * step
    count = math.ceil(round((hi - start) / step, 9))
    return [round(start + k * step, 10) for k in range(count + 1)]


def smart_decimals(v: float) -> int:
    """Decimals worth showing: 1 234 567 · 123,4 · 12,35 · 0,9838."""
    a = abs(v)
    return 0 if a >= 1000 else 1 if a >= 100 else 2 if a >= 1 else 4


def _fmt(v: float) -> str:
    return num(v, smart_decimals(v))


def box_plot_svg(rows: list[BoxRow], *, title: str, unit: str = "", width: int = 760, label_width: int = 170,
                 row_height: int = 38) -> str:
    """The SVG of ``rows`` on a common horizontal axis (see the module docstring)."""
    values = []
    for r in rows:
        values += [v for v in (r.q1, r.median, r.q3, r.whisker_low, r.whisker_high, r.reference, r.national, r.own)
                   if v is not None]
        values += list(r.points) + list(r.outliers)
    values = [v for v in values if v is not None and math.isfinite(v)]
    height = 36 + row_height * max(1, len(rows)) + 28
    t = escape(title)
    head = (f'<svg xmlns="http://www.w3.org/2000/svg" class="boxplot" viewBox="0 0 {width} {height}" '
            f'width="100%" style="max-width:{width}px" role="img" aria-label="{t}" font-family="{FONT}" '
            f'font-size="12"><title>{t}</title>')
    if not values:
        return head + '<text x="10" y="24">' + escape(_("Žádné hodnoty.")) + "</text></svg>"
    lo, hi = min(values), max(values)
    pad = (hi - lo) * 0.05 or (abs(hi) * 0.1 or 1.0)
    ticks = _nice_ticks(lo - pad, hi + pad)
    x0, x1 = ticks[0], ticks[-1]
    plot_l, plot_r = label_width, width - 40

    def x(v: float) -> float:
        return round(plot_l + (v - x0) / (x1 - x0) * (plot_r - plot_l), 2)

    body = []
    top = 28
    bottom = top + row_height * len(rows)
    for tv in ticks:
        body.append(f'<line x1="{x(tv)}" y1="{top - 4}" x2="{x(tv)}" y2="{bottom}" stroke="#d4d9df"/>')
        body.append(f'<text x="{x(tv)}" y="{bottom + 16}" text-anchor="middle" fill="#555e68">{escape(_fmt(tv))}'
                    '</text>')
    if unit:
        body.append(f'<text x="{plot_r}" y="{top - 10}" text-anchor="end" fill="#555e68">{escape(unit)}</text>')
    for n, r in enumerate(rows):
        cy = top + row_height * n + row_height / 2
        body.append(f'<g class="row"><text x="{label_width - 8}" y="{cy + 4}" text-anchor="end">'
                    f'{escape(r.label)}</text>')
        if r.whisker_low is not None and r.whisker_high is not None:
            tip = _("rozsah bez odlehlých hodnot: %(low)s – %(high)s") % {"low": _fmt(r.whisker_low),
                                                                           "high": _fmt(r.whisker_high)}
            body.append(f'<line x1="{x(r.whisker_low)}" y1="{cy}" x2="{x(r.whisker_high)}" y2="{cy}" '
                        f'stroke="{STROKE}"><title>{escape(tip)}</title></line>')
            for w in (r.whisker_low, r.whisker_high):
                body.append(f'<line x1="{x(w)}" y1="{cy - 6}" x2="{x(w)}" y2="{cy + 6}" stroke="{STROKE}"/>')
        if r.q1 is not None and r.q3 is not None:
            label = _("1. kvartil %(q1)s, medián %(median)s, 3. kvartil %(q3)s") % {
                "q1": _fmt(r.q1), "median": _fmt(r.median), "q3": _fmt(r.q3)} if r.median is not None else ""
            body.append(f'<rect x="{x(r.q1)}" y="{cy - 10}" width="{max(1.0, x(r.q3) - x(r.q1))}" height="20" '
                        f'fill="{BOX}" stroke="{STROKE}"><title>{escape(label)}</title></rect>')
        if r.median is not None:
            body.append(f'<line x1="{x(r.median)}" y1="{cy - 10}" x2="{x(r.median)}" y2="{cy + 10}" '
                        f'stroke="{STROKE}" stroke-width="3"/>')
        for i, v in enumerate(r.points):
            dy = ((i * 7) % 13 - 6) * 0.9  # deterministic jitter
            body.append(f'<circle cx="{x(v)}" cy="{round(cy + dy, 2)}" r="2.2" fill="{POINT}" fill-opacity="0.55">'
                        f'<title>{escape(_fmt(v))}</title></circle>')
        for v in r.outliers:
            tip = _("odlehlá hodnota %(value)s") % {"value": _fmt(v)}
            body.append(f'<circle cx="{x(v)}" cy="{cy}" r="4" fill="none" stroke="{OUTLIER}" stroke-width="1.5">'
                        f'<title>{escape(tip)}</title></circle>')
        if r.national is not None:
            tip = _("celostátní medián %(value)s") % {"value": _fmt(r.national)}
            body.append(f'<line class="national" x1="{x(r.national)}" y1="{cy - 15}" x2="{x(r.national)}" '
                        f'y2="{cy + 15}" stroke="{NATIONAL}" stroke-width="2" stroke-dasharray="3 2">'
                        f'<title>{escape(tip)}</title></line>')
        if r.reference is not None:
            tip = _("referenční hodnota metodiky %(value)s") % {"value": _fmt(r.reference)}
            body.append(f'<line class="reference" x1="{x(r.reference)}" y1="{cy - 15}" x2="{x(r.reference)}" '
                        f'y2="{cy + 15}" stroke="{REFERENCE}" stroke-width="2">'
                        f'<title>{escape(tip)}</title></line>')
        if r.own is not None:
            xo = x(r.own)
            tip = _("vaše služba %(value)s") % {"value": _fmt(r.own)}
            body.append(f'<path class="own" d="M{xo} {cy - 8} L{xo + 7} {cy} L{xo} {cy + 8} L{xo - 7} {cy} Z" '
                        f'fill="{OWN}" stroke="#1b1f24"><title>{escape(tip)}</title></path>')
        body.append("</g>")
    return head + "".join(body) + "</svg>"


def legend_items(*, points: bool, reference: bool, national: bool, own: bool) -> list[tuple[str, str]]:
    """(colour, label) pairs for the legend under a chart, in the active language."""
    items = [(BOX, _("rámeček: 1. až 3. kvartil, čára: medián"))]
    if points:
        items.append((POINT, _("body: jednotlivé služby; kroužky: odlehlé hodnoty (mimo 1,5 × IQR)")))
    if reference:
        items.append((REFERENCE, _("červená čára: referenční hodnota metodiky")))
    if national:
        items.append((NATIONAL, _("fialová přerušovaná čára: celostátní medián")))
    if own:
        items.append((OWN, _("kosočtverec: vaše služba")))
    return items
