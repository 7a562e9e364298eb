"""Charts as inline SVG, without JavaScript: the same markup goes into web pages and (through WeasyPrint) PDF.

Framework-free: takes plain numbers and labels, returns an SVG string. Every chart carries a `<title>` and
an `aria-label`, and the pages/documents show the numbers next to it in a table, so nothing depends on
seeing the picture.

- `bar_chart_svg(items, …)` — horizontal bars (label, value), optional reference line (e.g. 100 % of target);
- `stacked_bar_svg(parts, …)` — one 100 % bar split into parts (e.g. measures done / in progress / late);
- `grouped_bar_svg(groups, series, …)` — per group several bars (e.g. planned vs. actual per year).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from html import escape

from .typography import cz_number

PALETTE = ["#0b5cad", "#f2a900", "#1f7a3a", "#b3261e", "#6b4fa0", "#00838f", "#8d6e63", "#555e68"]
FONT = "DejaVu Sans, Arial, sans-serif"


def _num(v) -> float:
    if v is None:
        return 0.0
    return float(v) if not isinstance(v, Decimal) else float(v)


def _default_fmt(v) -> str:
    return cz_number(v, 0 if float(v or 0).is_integer() else 1)


def _text_width(text: str, size: float) -> float:
    """Width of a text label, generously (DejaVu Sans: about 0.55 em a character in Czech text)."""
    return len(text) * size * 0.6


def _value_width(text: str, size: float) -> float:
    """Width of a number label, generously (DejaVu Sans digits are 0.64 em wide; no label may be cut)."""
    return len(text) * size * 0.64


def _svg(width: float, height: float, title: str, body: list[str], css_class: str) -> str:
    t = escape(title)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart {css_class}" viewBox="0 0 {width:.0f} {height:.0f}" '
        f'width="{width:.0f}" height="{height:.0f}" role="img" aria-label="{t}" '
        f'font-family="{FONT}" font-size="11">'
        f"<title>{t}</title>" + "".join(body) + "</svg>"
    )


def bar_chart_svg(items: Sequence[tuple[str, float | Decimal | None]], *, title: str, width: int = 640,
                  bar_height: int = 18, gap: int = 8, label_width: int | None = None,
                  fmt: Callable[[float], str] = _default_fmt, reference: float | None = None,
                  reference_label: str = "", colors: Sequence[str] | None = None, max_value: float | None = None) -> str:
    """Horizontal bar chart. `reference` draws a dashed vertical line (e.g. the target = 100)."""
    items = [(str(label), value) for label, value in items]
    values = [_num(v) for _, v in items]
    top = max(values + [reference or 0, max_value or 0, 0]) or 1.0
    if label_width is None:
        label_width = int(min(width * 0.45, max([_text_width(lbl, 11) for lbl, _ in items] + [40]) + 8))
    # room right of the longest bar for its value label ("2 073 756 281 Kč" must not run off the chart)
    value_space = int(max([_value_width(fmt(raw), 11) for _, raw in items if raw is not None] + [40]) + 10)
    label_width = int(min(label_width, max(width - value_space - 50, 40)))
    plot = max(width - label_width - value_space, 50)
    height = len(items) * (bar_height + gap) + gap + (16 if reference is not None else 0)
    body = []
    for i, ((label, raw), v) in enumerate(zip(items, values, strict=True)):
        y = gap + i * (bar_height + gap)
        w = plot * max(v, 0) / top
        color = (colors[i % len(colors)] if colors else PALETTE[0])
        short = label if _text_width(label, 11) <= label_width - 8 else label[: int((label_width - 8) / 6.6) - 1] + "…"
        body.append(f'<text x="{label_width - 6}" y="{y + bar_height * 0.72:.1f}" text-anchor="end">{escape(short)}'
                    f"<title>{escape(label)}</title></text>")
        body.append(f'<rect x="{label_width}" y="{y}" width="{w:.1f}" height="{bar_height}" fill="{color}">'
                    f"<title>{escape(label)}: {escape(fmt(raw) if raw is not None else '—')}</title></rect>")
        body.append(f'<text x="{label_width + w + 4:.1f}" y="{y + bar_height * 0.72:.1f}">'
                    f"{escape(fmt(raw) if raw is not None else '—')}</text>")
    if reference is not None:
        x = label_width + plot * reference / top
        body.append(f'<line x1="{x:.1f}" y1="2" x2="{x:.1f}" y2="{height - 14}" stroke="#b3261e" '
                    f'stroke-dasharray="4 3" stroke-width="1.5"/>')
        if reference_label:
            body.append(f'<text x="{x:.1f}" y="{height - 3}" text-anchor="middle" fill="#b3261e">'
                        f"{escape(reference_label)}</text>")
    return _svg(width, height, title, body, "bar-chart")


def stacked_bar_svg(parts: Sequence[tuple[str, float | int]], *, title: str, width: int = 640, height: int = 28,
                    colors: Sequence[str] | None = None, legend: bool = True) -> str:
    """One bar split into parts proportional to their values, with a legend (label: value)."""
    colors = list(colors or PALETTE)
    total = sum(_num(v) for _, v in parts)
    body = []
    x = 0.0
    for i, (label, v) in enumerate(parts):
        w = width * _num(v) / total if total else 0
        if w > 0:
            body.append(f'<rect x="{x:.1f}" y="0" width="{w:.1f}" height="{height}" fill="{colors[i % len(colors)]}">'
                        f"<title>{escape(str(label))}: {escape(cz_number(v))}</title></rect>")
            if w > 24:
                body.append(f'<text x="{x + w / 2:.1f}" y="{height * 0.68:.1f}" text-anchor="middle" fill="#fff" '
                            f'font-weight="bold">{escape(cz_number(v))}</text>')
        x += w
    full_height = height
    if legend:
        lx, ly = 0.0, height + 18
        for i, (label, v) in enumerate(parts):
            text = f"{label}: {cz_number(v)}"
            tw = _text_width(text, 11) + 26
            if lx + tw > width:
                lx, ly = 0.0, ly + 18
            body.append(f'<rect x="{lx:.1f}" y="{ly - 10}" width="12" height="12" fill="{colors[i % len(colors)]}"/>')
            body.append(f'<text x="{lx + 16:.1f}" y="{ly}">{escape(text)}</text>')
            lx += tw
        full_height = ly + 6
    if not total:
        body.append(f'<rect x="0" y="0" width="{width}" height="{height}" fill="#f3f5f8"/>')
    return _svg(width, full_height, title, body, "stacked-chart")


def grouped_bar_svg(groups: Sequence[str], series: Sequence[tuple[str, Sequence[float | Decimal | None]]], *,
                    title: str, width: int = 640, height: int = 220,
                    fmt: Callable[[float], str] = _default_fmt, colors: Sequence[str] | None = None) -> str:
    """Vertical grouped columns: `groups` on the x axis, one column per series in each group."""
    colors = list(colors or PALETTE)
    values = [_num(v) for _, vs in series for v in vs]
    top = max(values + [0]) or 1.0
    left, bottom, top_pad, legend_h = 8, 22, 16, 20
    plot_h = height - bottom - top_pad - legend_h
    n = max(len(groups), 1)
    group_w = (width - left) / n
    bar_w = max(min(group_w * 0.8 / max(len(series), 1), 60), 4)
    body = [f'<line x1="{left}" y1="{top_pad + plot_h}" x2="{width}" y2="{top_pad + plot_h}" stroke="#aab4bf"/>']
    for gi, group in enumerate(groups):
        gx = left + gi * group_w + (group_w - bar_w * len(series)) / 2
        for si, (name, vs) in enumerate(series):
            raw = vs[gi] if gi < len(vs) else None
            v = _num(raw)
            h = plot_h * max(v, 0) / top
            x = gx + si * bar_w
            y = top_pad + plot_h - h
            body.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w - 2:.1f}" height="{h:.1f}" '
                        f'fill="{colors[si % len(colors)]}"><title>{escape(str(group))}, {escape(name)}: '
                        f"{escape(fmt(raw) if raw is not None else '—')}</title></rect>")
            if raw is not None:
                body.append(f'<text x="{x + (bar_w - 2) / 2:.1f}" y="{y - 3:.1f}" text-anchor="middle" '
                            f'font-size="9">{escape(fmt(raw))}</text>')
        body.append(f'<text x="{left + gi * group_w + group_w / 2:.1f}" y="{top_pad + plot_h + 15}" '
                    f'text-anchor="middle">{escape(str(group))}</text>')
    lx = left
    for si, (name, _vs) in enumerate(series):
        body.append(f'<rect x="{lx}" y="{height - 14}" width="12" height="12" fill="{colors[si % len(colors)]}"/>')
        body.append(f'<text x="{lx + 16}" y="{height - 4}">{escape(name)}</text>')
        lx += _text_width(name, 11) + 32
    return _svg(width, height, title, body, "grouped-chart")
