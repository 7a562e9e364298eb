"""SVG charts of the finance pages (no JavaScript). Every chart has a ``<title>``/``aria-label``, ``<title>``
tooltips on its marks, and the page prints the same numbers in a table next to it.

Simple bars and the 100 % stacked bar come from ``socplan.core.render.charts``; here are the two kinds those do not
draw: paired horizontal bars (two runs side by side) and diverging bars (a what-if delta, negative to the left).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from html import escape

from django.utils.translation import gettext as _

from socplan.core.money import format_number
from socplan.core.render.charts import bar_chart_svg, stacked_bar_svg

FONT = "DejaVu Sans, Arial, sans-serif"
BLUE, ORANGE, GREEN, RED = "#0b5cad", "#f2a900", "#1f7a3a", "#b3261e"


def mil(v) -> str:
    """Millions of CZK with one decimal: '3 039,8 mil. Kč'."""
    return format_number(Decimal(v) / 1_000_000, 1) + "\xa0mil.\xa0Kč"


def _svg(width, height, title, body, css):
    t = escape(title)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="chart {css}" viewBox="0 0 {width:.0f} {height:.0f}" '
            f'width="{width:.0f}" height="{height:.0f}" role="img" aria-label="{t}" font-family="{FONT}" '
            f'font-size="11"><title>{t}</title>' + "".join(body) + "</svg>")


def paired_bars_svg(rows: Sequence[tuple[str, float, float]], names: tuple[str, str], *, title: str,
                    width: int = 720, label_width: int = 150) -> str:
    """For each row two horizontal bars (e.g. rules vs. optimisation)."""
    top = max([max(float(a), float(b)) for _l, a, b in rows] + [1.0])
    bar, gap = 9, 8
    plot = width - label_width - 110
    body = []
    y = 4
    for label, a, b in rows:
        short = label if len(label) <= 22 else label[:21] + "…"
        body.append(f'<text x="{label_width - 6}" y="{y + bar + 4}" text-anchor="end">{escape(short)}'
                    f"<title>{escape(label)}</title></text>")
        for i, (v, color) in enumerate(((a, BLUE), (b, ORANGE))):
            w = plot * max(float(v), 0) / top
            yy = y + i * (bar + 1)
            body.append(f'<rect x="{label_width}" y="{yy}" width="{w:.1f}" height="{bar}" fill="{color}">'
                        f"<title>{escape(label)} – {escape(names[i])}: {escape(mil(v))}</title></rect>")
            body.append(f'<text x="{label_width + w + 4:.1f}" y="{yy + bar - 1}" font-size="9">{escape(mil(v))}</text>')
        y += 2 * bar + 1 + gap
    lx = label_width
    for name, color in zip(names, (BLUE, ORANGE), strict=True):
        body.append(f'<rect x="{lx}" y="{y + 2}" width="12" height="12" fill="{color}"/>')
        body.append(f'<text x="{lx + 16}" y="{y + 12}">{escape(name)}</text>')
        lx += 16 + len(name) * 6.5 + 20
    return _svg(width, y + 20, title, body, "paired-chart")


def diverging_svg(rows: Sequence[tuple[str, float]], *, title: str, width: int = 720, label_width: int = 150) -> str:
    """Horizontal bars around zero: increases to the right (green), decreases to the left (red)."""
    top = max([abs(float(v)) for _l, v in rows] + [1.0])
    bar, gap = 14, 6
    half = (width - label_width - 20) / 2
    zero = label_width + half
    body = [f'<line x1="{zero:.1f}" y1="0" x2="{zero:.1f}" y2="{len(rows) * (bar + gap) + gap}" stroke="#555e68"/>']
    for i, (label, v) in enumerate(rows):
        y = gap + i * (bar + gap)
        v = float(v)
        w = (half - 70) * abs(v) / top
        x = zero if v >= 0 else zero - w
        short = label if len(label) <= 22 else label[:21] + "…"
        sign = "+" if v > 0 else ""
        text = sign + mil(v)
        body.append(f'<text x="{label_width - 6}" y="{y + bar - 3}" text-anchor="end">{escape(short)}'
                    f"<title>{escape(label)}</title></text>")
        body.append(f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{bar}" fill="{GREEN if v >= 0 else RED}">'
                    f"<title>{escape(label)}: {escape(text)}</title></rect>")
        tx, anchor = (zero + w + 4, "start") if v >= 0 else (zero - w - 4, "end")
        body.append(f'<text x="{tx:.1f}" y="{y + bar - 3}" text-anchor="{anchor}" font-size="10">{escape(text)}</text>')
    return _svg(width, len(rows) * (bar + gap) + gap + 4, title, body, "diverging-chart")


def _room(items) -> float:
    """A scale maximum 20 % above the largest value, so the longest bar's label fits."""
    return 1.2 * max([float(v) for _l, v in items] + [1.0])


def _kind_label(k) -> str:
    return k if k == "Celkem" else f"§ {k}"


def compare_by_kind_svg(df, title: str) -> str:
    rows = [(_kind_label(r["kind"]), r["allocated_base"], r["allocated_variant"])
            for r in df.to_dict("records") if r["kind"] != "Celkem"]
    return paired_bars_svg(rows, (_("pravidla"), _("spravedlivý podíl")), title=title)


def delta_by_kind_svg(df, title: str) -> str:
    rows = [(_kind_label(r["kind"]), r["delta_allocated"]) for r in df.to_dict("records")
            if r["kind"] != "Celkem" and (r["delta_allocated"] or r["delta_optimal"])]
    if not rows:
        rows = [(_("beze změny"), 0)]
    return diverging_svg(rows, title=title)


def chapter_charts(ch, planned: list[dict] | None = None) -> dict[str, str]:
    """The chapter's charts: costs by kind and by okres, the planned sources, and year on year by kind.

    ``planned`` – the planned sources with labels in the page's language (default ``ch.planned``, Czech)."""
    out = {}
    kind = ch.tables.get("kind")
    if kind is not None:
        items = [(_kind_label(r["kind"]), r["optimised_cost"]) for r in kind.to_dict("records") if r["kind"] != "Celkem"]
        out["kind"] = bar_chart_svg(items, title=_("Optimalizované náklady podle druhů služeb"), fmt=mil, width=720,
                                    max_value=_room(items))
    district = ch.tables.get("district")
    if district is not None:
        items = [(r["district"], r["optimised_cost"]) for r in district.to_dict("records") if r["district"] != "Celkem"]
        out["district"] = bar_chart_svg(items, title=_("Optimalizované náklady podle okresů"), fmt=mil, width=720,
                                        max_value=_room(items))
    out["sources"] = stacked_bar_svg([(p["label"], int(p["amount"])) for p in (planned or ch.planned)],
                                     title=_("Plánované zdroje financování sítě"), width=720)
    if ch.year_on_year is not None:
        rows = [(_kind_label(r["kind"]), r["optimised_cost_delta"]) for r in ch.year_on_year.to_dict("records")
                if r["kind"] != "Celkem"]
        title = _("Meziroční změna optimalizovaných nákladů (%(previous)s → %(year)s)") % {
            "previous": str(ch.previous_year), "year": str(ch.year)}
        out["yoy"] = diverging_svg(rows, title=title)
    return out


def national_svg(view) -> str:
    items = [(r["region"].name, r["optimised_cost_per_capita"]) for r in view.regions
             if r["optimised_cost_per_capita"] is not None]
    if not items:
        return ""
    return bar_chart_svg(items, title=_("Optimalizované náklady sítě na obyvatele (Kč)"),
                         fmt=lambda v: format_number(v) + "\xa0Kč", width=720)
