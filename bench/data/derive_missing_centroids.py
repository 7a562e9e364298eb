"""One-off: centroids of the obce that have no point in cz_obce_uzemi.csv (24 obce).

Usage (not run by the benchmark; its output file is committed):

    python bench/data/derive_missing_centroids.py PATH/TO/cz_obce_hranice.geojson > bench/data/obce_centroidy_doplnene.csv

Centroid = area-weighted centroid of all polygon parts (holes subtract), computed with the shoelace
formula in lon/lat degrees.  A centroid is invariant under the affine map lon → lon·cos φ0, so this
equals the centroid in a local equirectangular projection (good to metres at obec size).
"""

import csv
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def ring_moments(ring):
    a = cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(ring[:-1], ring[1:], strict=True):
        cross = x0 * y1 - x1 * y0
        a += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    return a / 2.0, cx / 6.0, cy / 6.0


def centroid(geometry):
    polys = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    area = mx = my = 0.0
    for poly in polys:
        for ring in poly:  # RFC 7946: outer ring counter-clockwise (+), holes clockwise (−)
            a, x, y = ring_moments(ring)
            area += a
            mx += x
            my += y
    return my / area, mx / area  # lat, lon


def main(geojson_path):
    missing = {}
    with open(HERE / "cz_obce_uzemi.csv", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if not row["lat"] or not row["lon"]:
                missing[row["kod_obce"]] = row["nazev_obce"]
    data = json.loads(Path(geojson_path).read_text(encoding="utf-8"))
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(["kod_obce", "nazev_obce", "lat", "lon", "zdroj"])
    found = 0
    for feat in data["features"]:
        code = str(feat["properties"]["kod_obce"])
        if code in missing:
            lat, lon = centroid(feat["geometry"])
            out.writerow(
                [code, missing[code], f"{lat:.6f}", f"{lon:.6f}", "centroid cz_obce_hranice.geojson"]
            )
            found += 1
    if found != len(missing):
        raise SystemExit(f"only {found} of {len(missing)} obce found in the GeoJSON")


if __name__ == "__main__":
    main(sys.argv[1])
