"""The obce map of the whole country (6,258 units) for the national accessibility page, built in one pass.

The same picture, classes and legend as `maps.choropleth` (`maps.class_breaks`, `maps.legend` semantics: a value
belongs to the first class whose upper bound is ≥ it; legend rows are labelled by the smallest and largest value
they hold), but classified with numpy in one call and with the SVG units and the table alternative written as one
escaped string each, instead of 6,258 template iterations: the page's server time is dominated by them otherwise
(bench/availability_national_bench.py). Template: `availability/_national_map.html`.
"""

from __future__ import annotations

import numpy as np
from django.utils.html import escape
from django.utils.safestring import mark_safe

from socplan.core.czech import sort_key
from socplan.territory.models import Level

from . import adapter, maps


def _order(codes: list[str], names: dict[str, str], version: str) -> list[str]:
    return adapter.cached(("national-map-order", version),
                          lambda: sorted(codes, key=lambda c: sort_key(names.get(c, c))))


def obce_map(*, values: dict[str, float | None], names: dict[str, str], title: str, unit: str,
             version: str, decimals: int = 2, colours=maps.SEQUENTIAL) -> dict | None:
    sh = maps.shapes(Level.MUNICIPALITY, adapter.COUNTRY, version=version)
    if sh is None:
        return None
    codes = _order(list(sh.paths), names, version)
    v = np.array([np.nan if values.get(c) is None else float(values[c]) for c in codes], dtype=float)
    finite = np.isfinite(v)
    breaks = maps.class_breaks(v[finite].tolist(), k=len(colours))
    palette = maps._palette(colours, len(breaks)) if breaks else []
    cls = np.full(len(codes), -1)
    if breaks:
        cls[finite] = np.minimum(np.searchsorted(np.asarray(breaks), v[finite], side="left"), len(breaks) - 1)
    legend, class_label = [], {}
    for i in range(len(breaks)):
        members = v[cls == i]
        if members.size == 0:
            continue
        lo_t, hi_t = maps.format_value(members.min(), decimals), maps.format_value(members.max(), decimals)
        label = lo_t if lo_t == hi_t else f"{lo_t} – {hi_t}"
        class_label[i] = label
        legend.append({"colour": palette[i], "low": float(members.min()), "high": float(members.max()),
                       "label": label, "count": int(members.size), "cls": i})
    svg, rows = [], []
    for code, value, c in zip(codes, v, cls, strict=True):
        name = escape(names.get(code, code))
        shown = maps.format_value(value, decimals) if np.isfinite(value) else "—"
        fill = palette[c] if c >= 0 else maps.NO_DATA
        data_class = f' data-class="{c}"' if c >= 0 else ""
        svg.append(f'<path d="{sh.paths[code]}" fill="{fill}" data-code="{escape(code)}"{data_class}>'
                   f"<title>{name}: {shown}</title></path>")
        rows.append(f'<tr><th scope="row">{name}</th><td class="num">{shown}</td>'
                    f"<td>{escape(class_label.get(c, '—'))}</td></tr>")
    return {"width": str(sh.width), "height": str(sh.height), "title": title, "unit": unit, "legend": legend,
            "scale": maps.scale_bar(sh.projection), "svg_units": mark_safe("".join(svg)),  # noqa: S308 (escaped)
            "table_rows": mark_safe("".join(rows)), "n": len(codes)}  # noqa: S308 (escaped above)
