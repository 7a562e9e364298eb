"""Inline SVG maps and charts (no tile server, no JavaScript): choropleths of obce / ORP / okresy / kraje drawn
from the shipped boundary polygons, facility markers, a legend with classes (quantiles or natural breaks), a ranking bar chart.

A map people can read: the classes of the legend do not overlap (each class is labelled by the smallest and
the largest value it holds, so no value belongs to two labels), the legend names the unit of the values, units
are labelled by name on maps of ORP, okresy or kraje (obce are too many: their names are in the tooltips and in
the table under the map), a scale bar says how long 10/20/50 km are, and the table alternative lists every
unit with its value and class.

Class breaks come from mapclassify (`class_breaks`: quantiles or natural breaks, documented in
docs/availability.md), `classify` puts a value in its class; the rest prepares data for the templates `availability/_map.html` and `availability/_bars.html`.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import mapclassify
import numpy as np

from socplan.core.czech import sort_key
from socplan.core.money import format_number
from socplan.territory import geometry
from socplan.territory.models import District, Level, Municipality, Orp, Region

from . import adapter

# Sequential blues (ColorBrewer "Blues", 5 classes): low → high.
SEQUENTIAL = ["#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c"]
# Diverging red → blue for changes (negative = worse, positive = better).
DIVERGING = ["#ca0020", "#f4a582", "#f7f7f7", "#92c5de", "#0571b0"]
NO_DATA = "#d9d9d9"
MODEL = {Level.MUNICIPALITY: Municipality, Level.ORP: Orp, Level.DISTRICT: District, Level.REGION: Region}


SCHEMES = ("quantiles", "natural")


def class_breaks(values, k: int = 5, scheme: str = "quantiles") -> list[float]:
    """Upper bounds of at most k classes over the finite values, computed by mapclassify (PySAL):

    - ``quantiles``: `mapclassify.Quantiles`, the (i/k)-quantiles, i = 1 … k (linear interpolation);
    - ``natural``: `mapclassify.FisherJenks`, natural breaks (Fisher's exact optimal partition: the classes
      minimise the spread of the values inside each class).

    Repeated bounds are dropped (fewer distinct values than classes give fewer classes); the last bound is the
    maximum, so every value falls in a class."""
    if scheme not in SCHEMES:
        raise ValueError(f"unknown classification scheme {scheme!r}")
    v = np.asarray([x for x in values if x is not None and math.isfinite(x)], dtype=float)
    if v.size == 0:
        return []
    distinct = np.unique(v)
    if distinct.size == 1:
        return [float(distinct[0])]
    with warnings.catch_warnings():  # "not enough unique values", "Numba not installed"
        warnings.simplefilter("ignore", UserWarning)
        if scheme == "quantiles":
            classifier = mapclassify.Quantiles(v, k=max(1, k))
        else:  # Fisher-Jenks needs at least as many distinct values as classes
            classifier = mapclassify.FisherJenks(v, k=max(1, min(k, distinct.size)))
    out: list[float] = []
    for b in classifier.bins:
        if not out or b > out[-1]:
            out.append(float(b))
    out[-1] = max(out[-1], float(v.max()))
    return out


def quantile_breaks(values, k: int = 5) -> list[float]:
    """Quantile classes (`class_breaks` with ``scheme="quantiles"``)."""
    return class_breaks(values, k, "quantiles")


def classify(value, breaks: list[float]) -> int | None:
    """Class index of a value: the first class whose upper bound is ≥ the value (None for missing values)."""
    if value is None or not math.isfinite(value) or not breaks:
        return None
    i = int(np.searchsorted(np.asarray(breaks), value, side="left"))
    return min(i, len(breaks) - 1)


def format_value(x: float, decimals: int = 1) -> str:
    """Czech number format with `decimals` places (decimal comma, non-breaking thousands)."""
    return format_number(float(x), decimals)  # Decimal, ROUND_HALF_UP


_fmt = format_value


def legend(values, breaks: list[float], colours: list[str], decimals: int = 1) -> list[dict]:
    """Legend rows: colour, the range of the values the class holds ("min – max", one value alone when the class
    holds one value) and the number of units in it. Ranges of neighbouring classes never overlap."""
    v = [x for x in values if x is not None and math.isfinite(x)]
    if not breaks or not v:
        return []
    palette = _palette(colours, len(breaks))
    rows = []
    for i in range(len(breaks)):
        members = [x for x in v if classify(x, breaks) == i]
        if not members:
            continue
        low, high = min(members), max(members)
        lo_t, hi_t = _fmt(low, decimals), _fmt(high, decimals)
        label = lo_t if lo_t == hi_t else f"{lo_t} – {hi_t}"
        rows.append({"colour": palette[i], "low": low, "high": high, "label": label, "count": len(members),
                     "cls": i})
    return rows


def _palette(colours: list[str], n: int) -> list[str]:
    if n >= len(colours):
        return colours[:n]
    idx = np.linspace(0, len(colours) - 1, n).round().astype(int)
    return [colours[i] for i in idx]


@dataclass(frozen=True)
class Shapes:
    projection: geometry.SvgProjection
    paths: dict  # code → SVG path
    width: int
    height: int
    centres: dict  # code → (x, y) of the unit's centroid, for name labels

LABELLED_LEVELS = (Level.ORP, Level.DISTRICT, Level.REGION)
KM_PER_DEGREE = 111.32


def scale_bar(projection: geometry.SvgProjection) -> dict:
    """A bar of a round length (5, 10, 20, 50 or 100 km) close to a fifth of the map's width."""
    px_per_km = projection.scale / KM_PER_DEGREE
    target = projection.width / 5 / px_per_km
    km = min((5, 10, 20, 50, 100, 200), key=lambda x: abs(x - target))
    return {"km": str(km), "px": f"{km * px_per_km:.1f}"}


def shapes(level: str, scope: str, width: int = 720, version: str | None = None) -> Shapes | None:
    """SVG paths of every unit of `level` inside a kraj (or the country), cached per data version."""
    version = version or adapter.data_version()

    def build():
        model = MODEL[level]
        qs = model.objects.exclude(boundary=None)
        if scope != adapter.COUNTRY:
            qs = qs.filter(code=scope) if level == Level.REGION else qs.filter(region__code=scope)
        if level == Level.DISTRICT and scope != adapter.COUNTRY:
            qs = District.objects.filter(municipalities__region__code=scope).exclude(boundary=None).distinct()
        geoms = dict(qs.values_list("code", "boundary"))
        if not geoms:
            return None
        proj = geometry.SvgProjection(geometry.bbox(geoms.values()), width=width)
        centres = {c: proj.xy(*geometry.centroid(g)) for c, g in geoms.items()} if level in LABELLED_LEVELS else {}
        return Shapes(proj, {c: proj.path(g) for c, g in geoms.items()}, round(proj.width), round(proj.height),
                      centres)

    return adapter.cached(("shapes", level, scope, width, version), build)


def choropleth(*, level: str, scope: str, values: dict[str, float | None], names: dict[str, str],
               url=None, colours=SEQUENTIAL, breaks: list[float] | None = None, decimals: int = 1,
               markers: list[dict] | None = None, title: str = "", version: str | None = None,
               fmt_value=None, marker_label: str | None = None, unit: str = "",
               scheme: str = "quantiles") -> dict | None:
    """Data for `availability/_map.html`: coloured units with tooltips, name labels (ORP, okresy, kraje),
    optional markers, a legend naming `unit` (classes by `scheme` unless `breaks` are given), a scale bar and the rows of the table alternative."""
    sh = shapes(level, scope, version=version)
    if sh is None:
        return None
    vals = [values.get(c) for c in sh.paths]
    if breaks is None:
        breaks = class_breaks(vals, k=len(colours), scheme=scheme)
    palette = _palette(colours, len(breaks)) if breaks else []
    fmt_value = fmt_value or (lambda v: "—" if v is None else _fmt(v, decimals))
    parts = []
    for code in sorted(sh.paths, key=lambda c: sort_key(names.get(c, c))):
        v = values.get(code)
        cls = classify(v, breaks)
        parts.append({
            "code": code, "d": sh.paths[code], "fill": NO_DATA if cls is None else palette[cls],
            "label": f"{names.get(code, code)}: {fmt_value(v)}", "url": url(code) if url else None,
            "value": v, "cls": cls, "name": names.get(code, code), "shown": fmt_value(v),
        })
    labels = [{"x": f"{x:.1f}", "y": f"{y:.1f}", "text": names.get(code, code)} for code, (x, y) in sh.centres.items()]
    marks = []
    for m in markers or []:
        x, y = sh.projection.xy(m["lon"], m["lat"])
        r = min(2.0 + math.sqrt(max(m.get("capacity", 0), 0)) / 2.0, 9.0)
        marks.append({**m, "x": f"{x:.1f}", "y": f"{y:.1f}", "r": f"{r:.1f}"})
    # SVG attributes are pre-formatted strings: templates would localise numbers (decimal comma)
    rows = legend(vals, breaks, colours, decimals)
    class_labels = {r["cls"]: r["label"] for r in rows}
    for part in parts:
        part["class_label"] = class_labels.get(part["cls"], "")
    return {"width": str(sh.width), "height": str(sh.height), "parts": parts, "markers": marks, "title": title,
            "legend": rows, "marker_label": marker_label, "unit": unit, "labels": labels,
            "scale": scale_bar(sh.projection), "linked": any(p["url"] for p in parts)}


def relabel(map_data: dict, labels: list[str]) -> None:
    """Name the classes of a map in words (`labels[i]` for class i), in the legend and the table alternative."""
    for row in map_data["legend"]:
        if row["cls"] < len(labels):
            row["label"] = labels[row["cls"]]
    for part in map_data["parts"]:
        if part["cls"] is not None and part["cls"] < len(labels):
            part["class_label"] = labels[part["cls"]]


def bars(rows: list[dict], *, width: int = 640, bar_height: int = 18, label_width: int = 190,
         decimals: int = 1) -> dict:
    """Horizontal bar chart data: rows [{"label", "value"}] in the order given; positive bars red
    (missing capacity), negative green (surplus), around a zero line."""
    vals = [r["value"] for r in rows if r["value"] is not None]
    lo, hi = min(vals + [0.0]), max(vals + [0.0])
    span = (hi - lo) or 1.0
    plot = width - label_width - 70
    zero = label_width + (0 - lo) / span * plot
    out = []
    for i, r in enumerate(rows):
        v = r["value"]
        y = i * (bar_height + 6) + 4
        common = {**r, "y": str(y), "ty": str(y + bar_height - 5)}
        if v is None:
            out.append({**common, "x": f"{zero:.1f}", "w": "0", "cls": "none", "text": "—", "tx": f"{zero + 4:.1f}"})
            continue
        x1 = label_width + (v - lo) / span * plot
        x, w = min(zero, x1), abs(x1 - zero)
        out.append({**common, "x": f"{x:.1f}", "w": f"{w:.1f}", "cls": "gap" if v > 0 else "surplus",
                    "text": _fmt(v, decimals), "tx": f"{max(x + w, zero) + 4:.1f}"})
    # SVG attributes are pre-formatted strings: templates would localise numbers (decimal comma)
    return {"width": str(width), "height": str(len(rows) * (bar_height + 6) + 8), "bar_height": str(bar_height),
            "zero": f"{zero:.1f}", "label_x": str(label_width - 6), "rows": out}
