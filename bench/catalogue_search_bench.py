"""Catalogue search, cold and warm, as ratios against a reference computation in the same process.

    python bench/catalogue_search_bench.py                      # writes docs/perf/catalogue_search.md
    python bench/catalogue_search_bench.py --rounds 3           # fewer rounds
    DATABASE_URL=postgres://… python bench/catalogue_search_bench.py

* Data: the database of `DATABASE_URL` (default: the SQLite database in `SOCPLAN_DATA_DIR`); it must hold a
  built catalogue — run `socplan demo` (or an import and `socplan catalogue-refresh`) with the same settings
  first. The script reads only.
* Queries: 40 catalogue searches a citizen makes (full text in Czech with and without diacritics, English,
  life situation × obec, near-me radius, form and kind filters), through Django's test client against the
  real URL `/katalog/?…` (the whole view: parsing, search, page rendering).
* Cold: every request after the catalogue's rendered pages are emptied (the per-process page LRU and the
  shared disk level): the search and the rendering run each time. The in-memory search index
  (`socplan.catalogue.search_index`) is built once per catalogue version and worker; its build is timed apart.
  Warm: the same requests again with the caches filled (what most visitors get).
* Reference: a fixed pure-Python computation (sorting and joining 20,000 short strings) timed in the same
  process between the rounds, so the figures are comparable between machines as ratios.
* Reported: p50 and p95 per request in ms and as multiples of the reference's median.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "perf" / "catalogue_search.md"

QUERIES = [
    "q=pe%C4%8Dovatelsk%C3%A1+slu%C5%BEba", "q=pecovatelska+sluzba", "q=bezdomovec", "q=bezdomovci",
    "q=bez+p%C5%99%C3%ADst%C5%99e%C5%A1%C3%AD", "q=bez+domova", "q=noclehárna", "q=azylovy+dum",
    "q=osobn%C3%AD+asistence", "q=osobni+asistence", "q=domov+pro+seniory", "q=domov+se+zvlastnim+rezimem",
    "q=alzheimer", "q=drogy", "q=ran%C3%A1+p%C3%A9%C4%8De", "q=odlehcovaci", "q=tlumo%C4%8Dnick%C3%A9",
    "q=sociální+poradenství", "q=dluhy", "q=domácí+násilí", "q=home+care", "q=homeless+shelter",
    "q=personal+assistance", "q=respite+care", "q=early+intervention", "q=nursing+home", "q=debt+advice",
    "situace=ztrata-bydleni&obec=582786", "situace=pecuji-o-blizkeho&obec=582786",
    "situace=pecuji-o-blizkeho&obec=581283", "q=pe%C4%8Dovatelsk%C3%A1&obec=582786&radius_km=10",
    "q=poradna&obec=594865&radius_km=25", "forma=ter&obec=581283", "druh=49&obec=582786",
    "druh=63&strana=2", "q=senior", "q=seniori+brno", "q=Praha", "q=Blansko", "q=znojmo+dum",
]


def _setup():
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "socplan.settings")
    import django

    django.setup()


def reference() -> float:
    words = [f"slovo{(i * 7919) % 20000:05d}" for i in range(20000)]
    t = time.perf_counter()
    "|".join(sorted(words, key=lambda w: w[::-1]))
    return time.perf_counter() - t


def _empty_caches():
    """Empty the rendered pages (per-process LRU and the shared disk level). The search index of the
    catalogue version stays: it is built once per version and worker (timed apart, "index build")."""
    from django.conf import settings

    from socplan.catalogue import cache

    cache.fragments.clear()
    shutil.rmtree(Path(settings.MEDIA_ROOT) / "catalogue" / "cache", ignore_errors=True)


def measure(client, queries, *, cold: bool) -> list[float]:
    times = []
    for q in queries:
        if cold:
            _empty_caches()
        t = time.perf_counter()
        resp = client.get("/katalog/?" + q)
        times.append(time.perf_counter() - t)
        assert resp.status_code == 200, (q, resp.status_code)
    return times


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[18]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args()
    _setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from socplan.catalogue.models import CatalogueEntry

    entries = CatalogueEntry.objects.count()
    if not entries:
        sys.exit("The catalogue is empty: run `socplan demo` (or catalogue-refresh) with these settings first.")
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    client = Client()
    measure(client, QUERIES[:5], cold=False)  # imports, connections, templates
    from socplan.catalogue import search_index

    builds = []
    for _ in range(3):
        t = time.perf_counter()
        search_index.build()
        builds.append(time.perf_counter() - t)
    build = min(builds)
    refs, cold, warm = [], [], []
    for _ in range(args.rounds):
        refs.extend(reference() for _ in range(3))
        cold.extend(measure(client, QUERIES, cold=True))
        measure(client, QUERIES, cold=False)  # fill
        warm.extend(measure(client, QUERIES, cold=False))
    ref = statistics.median(refs)
    rows = []
    for label, values in (("cold (caches emptied before each request)", cold), ("warm (caches filled)", warm)):
        p50, q95 = statistics.median(values), p95(values)
        rows.append(f"| {label} | {len(values)} | {p50 * 1000:.1f} | {q95 * 1000:.1f} | {p50 / ref:.2f} | "
                    f"{q95 / ref:.2f} |")
    vendor = connection.vendor
    data = ("the national-size synthetic catalogue prepared by `bench/catalogue_load_bench.py --reuse`"
            if entries > 2000 else "the demo region")
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    report = f"""# Catalogue search in one process, cold and warm

Generated by `python bench/catalogue_search_bench.py` on {date.today().isoformat()}; do not edit by hand, re-run
the script. Machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()},
database {vendor} with {entries:,} catalogue entries ({data}); load average (1, 5, 15 min) at the
end: {load}.

{len(QUERIES)} searches (Czech with and without diacritics, English, life situation × obec, radius, form,
kind, a place outside the region), {args.rounds} rounds, through the real view `/katalog/?…` (Django test
client: no network, no web server). Reference: sorting and joining 20,000 short strings in the same process,
median {ref * 1000:.2f} ms. Building the search index of the catalogue version (once per worker and version,
not part of the rows below): {build * 1000:.0f} ms (best of 3).

| run | requests | p50 ms | p95 ms | p50 / reference | p95 / reference |
| --- | ---: | ---: | ---: | ---: | ---: |
{chr(10).join(rows)}

Cold is what the first visitor after a catalogue change gets (the search query, ranking and page rendering);
warm is every later visitor with the same parameters (the page's public part comes from the cache). The
load test under a web server with 16 and 64 clients is the section "Public catalogue under load".
"""
    print(report)
    if not args.no_write:
        OUT.parent.mkdir(parents=True, exist_ok=True)
        OUT.write_text(report, encoding="utf-8")
        print(f"written {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
