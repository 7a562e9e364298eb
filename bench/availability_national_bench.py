"""National accessibility page: server time of `/dostupnost/cr/dostupnost/` (one kind over all 6,258 obce) against
the kraj accessibility page of the demo kraj (673 obce) as the reference, in the same process.

Run on a database with the demo (the national extract included):

    socplan load-demo                          # or `socplan demo --no-serve`
    .venv/bin/python bench/availability_national_bench.py [--kind 49] [--repeat 5]

Both pages are requested through Django's test client in this process (URL routing, middleware, selector,
template rendering: everything the server does except the socket), signed in as a demo user. "Cold" is the first
request after the in-process caches are cleared (territory, registry snapshot, cost structure of the country);
"warm" is the median of the following requests. Writes docs/perf/availability_national.md (collect it into
docs/performance.md with `python bench/perf_collect.py`). Goal: ≤ 2 s server time for the national page.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
OUT = ROOT / "docs" / "perf" / "availability_national.md"
GOAL_S = 2.0


def _timed(client, url) -> tuple[float, float, int]:
    wall, cpu = time.perf_counter(), time.process_time()
    r = client.get(url)
    assert r.status_code == 200, (url, r.status_code)
    return time.perf_counter() - wall, time.process_time() - cpu, len(r.content)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--kind", default="49")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "socplan.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client

    from socplan.availability import adapter
    from socplan.registry.models import Service
    from socplan.territory.models import Municipality

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    n_obce = Municipality.objects.count()
    n_regions = Service.objects.exclude(region=None).values("region").distinct().count()
    if n_obce < 6000 or n_regions < 14:
        sys.exit(f"needs the whole territory and services in every kraj (obce {n_obce}, kraje with services "
                 f"{n_regions}): run `socplan load-demo` first")
    user = get_user_model().objects.filter(is_active=True).order_by("pk").first()
    client = Client()
    client.force_login(user)
    year = date.today().year
    ref_url = f"/dostupnost/dostupnost/?region=CZ064&kind={args.kind}&year={year}&method=2sfca&radius_km=30"
    nat_url = f"/dostupnost/cr/dostupnost/?kind={args.kind}&year={year}&method=2sfca&radius_km=30"
    overview_url = f"/dostupnost/cr/?year={year}"
    kind_url = f"/dostupnost/cr/druh/?kind={args.kind}&level=orp&comparator=similar&year={year}"

    adapter.cache_clear()
    cold = {name: _timed(client, url) for name, url in
            (("reference", ref_url), ("national", nat_url), ("overview", overview_url), ("kind", kind_url))}
    warm = {}
    for name, url in (("reference", ref_url), ("national", nat_url), ("overview", overview_url),
                      ("kind", kind_url)):
        runs = [_timed(client, url) for _ in range(args.repeat)]
        warm[name] = (statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs), runs[0][2])
    ratio = warm["national"][0] / warm["reference"][0]
    load = os.getloadavg()
    lines = [
        "# National accessibility page",
        "",
        f"Written by `bench/availability_national_bench.py` on {date.today():%Y-%m-%d} (Python "
        f"{platform.python_version()}, {platform.machine()}, {os.cpu_count()} CPU, load average "
        f"{load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} at the end); re-run to refresh.",
        "",
        f"Kind § {args.kind}, 2SFCA, 30 km, year {year}. Server time = Django's test client in the same process "
        "(routing, middleware, selector, template; no socket). Reference: the kraj accessibility page of the demo "
        f"kraj (673 obce) in the same run. Warm = median of {args.repeat} requests after the first.",
        "",
        "| page | cold (first request) | warm wall | warm CPU | HTML size |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    labels = {"reference": "reference: kraj accessibility (JMK, 673 obce)",
              "national": f"**national accessibility ({n_obce:,} obce)**",
              "overview": "national overview (kraje × kinds)", "kind": "one kind per ORP vs similar areas"}
    for name in ("reference", "national", "overview", "kind"):
        c, w = cold[name], warm[name]
        lines.append(f"| {labels[name]} | {c[0]:.2f} s | {w[0]:.3f} s | {w[1]:.3f} s | {w[2] / 1e6:.2f} MB |")
    verdict = "met" if warm["national"][0] <= GOAL_S else "NOT met"
    lines += [
        "",
        f"**Ratio national ÷ reference (warm): {ratio:.1f}×** for {n_obce / 673:.1f}× the obce. National page, "
        f"warm: **{warm['national'][0]:.2f} s** server time — goal ≤ {GOAL_S:.0f} s {verdict}. The cold figure "
        "includes loading the country's territory and registry and building its cost structure (once per data "
        "version and process). On a shared machine (load average above the core count) wall time is several times "
        "the CPU time; the warm CPU column is close to what an idle machine needs.",
    ]
    text = "\n".join(lines) + "\n"
    print(text)
    if not args.no_write:
        OUT.write_text(text)
        print(f"written {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
