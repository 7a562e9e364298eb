"""An offline vector map of a service's places: an inline SVG drawn from the shipped ORP outlines (territory
GeoJSON) and the places' coordinates — no map tiles, nothing loaded from the internet.

`places_map_svg(places, orp_codes)` draws the outlines of the given ORPs (the places' ORPs and the declared
territory, at most `MAX_ORPS`) and one numbered point per place with coordinates. A place with a confidential
address stands at its obec's point and is drawn as a ring labelled with the obec only. Coordinates are
projected equirectangularly around the mean latitude (lengths true to a few per cent at the scale of a kraj).
"""

from __future__ import annotations

import math
from html import escape

from socplan.territory.models import Orp

WIDTH, HEIGHT, PAD = 480, 320, 12
MAX_ORPS = 12


def _rings(geometry: dict) -> list[list[tuple[float, float]]]:
    if not geometry:
        return []
    kind, coords = geometry.get("type"), geometry.get("coordinates") or []
    polygons = [coords] if kind == "Polygon" else coords if kind == "MultiPolygon" else []
    return [[(float(x), float(y)) for x, y, *_rest in ring] for polygon in polygons for ring in polygon[:1]]


def places_map_svg(places: list[dict], orp_codes: list[str]) -> str:
    """The SVG (a string, safe to embed) or "" when there is nothing to draw. `places` are dicts with
    name, lat, lon and confidential (as the catalogue detail keeps them)."""
    points = [p for p in places if p.get("lat") is not None and p.get("lon") is not None]
    outlines = []
    for name, boundary in Orp.objects.filter(code__in=list(orp_codes)[:MAX_ORPS]).values_list("name", "boundary"):
        outlines += [(name, ring) for ring in _rings(boundary)]
    if not points and not outlines:
        return ""
    xs = [p["lon"] for p in points] + [x for _n, r in outlines for x, _y in r]
    ys = [p["lat"] for p in points] + [y for _n, r in outlines for _x, y in r]
    lat0 = (min(ys) + max(ys)) / 2
    kx = math.cos(math.radians(lat0))
    span_x = max((max(xs) - min(xs)) * kx, 0.01)
    span_y = max(max(ys) - min(ys), 0.01)
    scale = min((WIDTH - 2 * PAD) / span_x, (HEIGHT - 2 * PAD) / span_y)
    x0, y1 = min(xs), max(ys)

    def xy(lon: float, lat: float) -> tuple[float, float]:
        return PAD + (lon - x0) * kx * scale, PAD + (y1 - lat) * scale

    body = []
    for name, ring in outlines:
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in (xy(lon, lat) for lon, lat in ring[::max(1, len(ring) // 400)]))
        body.append(f'<polygon class="cat-map-orp" points="{path}"><title>ORP {escape(name)}</title></polygon>')
    for i, p in enumerate(points, start=1):
        x, y = xy(p["lon"], p["lat"])
        label = escape(p.get("municipality") or "") if p.get("confidential") else escape(p.get("name") or "")
        shape = "cat-map-ring" if p.get("confidential") else "cat-map-point"
        body.append(f'<g class="{shape}"><circle cx="{x:.1f}" cy="{y:.1f}" r="6"/>'
                    f'<text x="{x + 8:.1f}" y="{y + 4:.1f}">{i}</text><title>{i}. {label}</title></g>')
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
            f'aria-label="Mapa míst služby" class="cat-map-svg">'
            '<style>.cat-map-orp{fill:#eef3f7;stroke:#5b7083;stroke-width:1}'
            '.cat-map-point circle{fill:#b3261e}.cat-map-ring circle{fill:none;stroke:#b3261e;stroke-width:2}'
            'text{font:12px sans-serif;fill:#1a1a1a}</style>' + "".join(body) + "</svg>")
