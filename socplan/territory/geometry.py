"""Small, framework-free geometry helpers for outlines: centroid of a (multi)polygon and SVG paths.

We deliberately avoid GDAL/GEOS: the only needs are a representative point for the 24 obce without one,
and drawing outlines as inline SVG (no tile server, no JavaScript).
"""

from __future__ import annotations

import math
from collections.abc import Iterable


def _rings(geometry: dict) -> Iterable[list[list[float]]]:
    if geometry["type"] == "Polygon":
        yield from geometry["coordinates"]
    elif geometry["type"] == "MultiPolygon":
        for polygon in geometry["coordinates"]:
            yield from polygon
    else:
        raise ValueError(f"unsupported geometry type {geometry['type']}")


def _ring_area_centroid(ring: list[list[float]]) -> tuple[float, float, float]:
    a = cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(ring, ring[1:], strict=False):
        cross = x0 * y1 - x1 * y0
        a += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    a /= 2.0
    if a == 0:
        return 0.0, ring[0][0], ring[0][1]
    return a, cx / (6 * a), cy / (6 * a)


def centroid(geometry: dict) -> tuple[float, float]:
    """Area-weighted centroid (lon, lat) of a Polygon/MultiPolygon; holes subtract (signed areas)."""
    total = sx = sy = 0.0
    for ring in _rings(geometry):
        a, cx, cy = _ring_area_centroid(ring)
        total += a
        sx += a * cx
        sy += a * cy
    if total == 0:
        raise ValueError("degenerate geometry")
    return sx / total, sy / total


def bbox(geometries: Iterable[dict]) -> tuple[float, float, float, float]:
    xs, ys = [], []
    for g in geometries:
        for ring in _rings(g):
            xs.extend(p[0] for p in ring)
            ys.extend(p[1] for p in ring)
    return min(xs), min(ys), max(xs), max(ys)


class SvgProjection:
    """Equirectangular projection scaled by cos(latitude) — adequate for a country the size of Czechia."""

    def __init__(self, box: tuple[float, float, float, float], width: float = 600.0):
        self.minx, self.miny, self.maxx, self.maxy = box
        self.k = math.cos(math.radians((self.miny + self.maxy) / 2))
        span_x = max((self.maxx - self.minx) * self.k, 1e-9)
        self.scale = width / span_x
        self.width = width
        self.height = max((self.maxy - self.miny) * self.scale, 1.0)

    def xy(self, lon: float, lat: float) -> tuple[float, float]:
        return (lon - self.minx) * self.k * self.scale, (self.maxy - lat) * self.scale

    def path(self, geometry: dict) -> str:
        parts = []
        for ring in _rings(geometry):
            pts = [self.xy(x, y) for x, y in ring]
            parts.append("M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in pts) + "Z")
        return "".join(parts)
