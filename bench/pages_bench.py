"""Benchmark of the heavy pages: server time of each page for the kraj officer, against a trivial page.

    python bench/pages_bench.py                      # demo into a temp data dir, writes docs/perf/pages.md
    python bench/pages_bench.py --db prepared.sqlite3  # start from a copy of a prepared database (migrated first)
    python bench/pages_bench.py --profile version    # cProfile + query count of one page, nothing written

* Data: the demo kraj (JMK) — `socplan demo --no-serve` in a temporary data directory (or a copy of a database
  prepared the same way, e.g. the test suite's cached base database, brought up to date by `migrate`); the network
  version with the most entries and its year.
* Timed: each page through Django's test client (no network, no web server) logged in as the demo kraj officer
  `kraj-schvalovatel`, after a warm-up request, REPEAT requests in rounds over all pages (so a slow spell of the
  shared machine hits every page alike); median and 95th percentile of the server time. The reference is the
  health page `/health/` through the same client in the same rounds: each page's median is also given as a ratio
  to the reference's median. Query counts from one request with `CaptureQueriesContext`.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
OUT = ROOT / "docs" / "perf" / "pages.md"
REPEAT = 30
TARGET_MS = 150
TARGETS = {"version": 100}
USER = "kraj-schvalovatel"


def _setup(db: str | None) -> Path:
    tmp = Path(tempfile.mkdtemp(prefix="socplan-pages-bench-"))
    os.environ["SOCPLAN_DATA_DIR"] = str(tmp)
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp / 'db.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "socplan.settings")
    cli = [sys.executable, "-m", "socplan.cli"]
    if db:
        shutil.copy(db, tmp / "db.sqlite3")
        subprocess.run([*cli, "migrate", "-v0"], check=True, cwd=ROOT, env=os.environ.copy())
    else:
        subprocess.run([*cli, "demo", "--no-serve"], check=True, cwd=ROOT, env=os.environ.copy(),
                       stdout=subprocess.DEVNULL)
    return tmp


def _pages():
    from django.db.models import Count

    from socplan.network.models import NetworkVersion

    version = NetworkVersion.objects.annotate(n=Count("entries")).order_by("-n").first()
    region, year = version.region.code, version.year
    return version, {
        "version": (f"/sit/verze/{version.pk}/", "network version (totals by kind, tier, ORP, district, group)"),
        "version_check": (f"/sit/verze/{version.pk}/podminky/", "version check (conditions of every entry)"),
        "cofinancing": (f"/financovani/spolufinancovani/verze/{version.pk}/", "co-financing of the version"),
        "chapter": (f"/financovani/kapitola/{region}/{year}/", "financial chapter of the year"),
    }


def _client():
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()
    client = Client(HTTP_HOST="localhost")
    client.force_login(get_user_model().objects.get(username=USER))
    return client


def _get(client, url: str) -> tuple[float, float]:
    """(wall time, CPU time of this process) of one request."""
    t, c = time.perf_counter(), time.process_time()
    response = client.get(url)
    elapsed, cpu = time.perf_counter() - t, time.process_time() - c
    assert response.status_code == 200, (url, response.status_code)
    return elapsed, cpu


def profile(name: str) -> None:
    import cProfile
    import pstats

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _version, pages = _pages()
    client = _client()
    url = pages[name][0]
    _get(client, url)
    with CaptureQueriesContext(connection) as ctx:
        _get(client, url)
    print(f"{url}: {len(ctx.captured_queries)} queries, "
          f"{sum(float(q['time']) for q in ctx.captured_queries) * 1000:.0f} ms in the database")
    prof = cProfile.Profile(time.process_time)  # CPU time: the shared machine makes wall time noisy
    prof.enable()
    for _ in range(3):
        _get(client, url)
    prof.disable()
    pstats.Stats(prof).sort_stats(os.environ.get("SORT", "cumulative")).print_stats(int(os.environ.get("TOP", "45")))


def measure(repeat: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    version, pages = _pages()
    client = _client()
    urls = {"health": ("/health/", "reference: the health page"), **pages}
    queries = {}
    for key, (url, _label) in urls.items():
        _get(client, url)  # warm-up
        with CaptureQueriesContext(connection) as ctx:
            _get(client, url)
        queries[key] = len(ctx.captured_queries)
    times: dict[str, list[float]] = {k: [] for k in urls}
    cpu: dict[str, list[float]] = {k: [] for k in urls}
    load = [os.getloadavg()[0]]
    for _ in range(repeat):
        for key, (url, _label) in urls.items():
            wall, c = _get(client, url)
            times[key].append(wall)
            cpu[key].append(c)
        load.append(os.getloadavg()[0])
    return {"version": version, "urls": urls, "times": times, "cpu": cpu, "queries": queries,
            "entries": version.entries.count(), "load": (min(load), max(load))}


def _p95(xs: list[float]) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, round(0.95 * (len(xs) - 1)))]


def write(result: dict, repeat: int, source: str) -> None:
    times, cpu, urls = result["times"], result["cpu"], result["urls"]
    ref = statistics.median(times["health"])
    rows = []
    for key, (url, label) in urls.items():
        med, p95 = statistics.median(times[key]), _p95(times[key])
        c_med = statistics.median(cpu[key])
        target = TARGETS.get(key, TARGET_MS) if key != "health" else None
        mark = "" if target is None else (" ✓" if med * 1000 <= target else " ✗")
        c_mark = "" if target is None else (" ✓" if c_med * 1000 <= target else " ✗")
        rows.append(f"| {label} (`{url}`) | **{med * 1000:.1f} ms**{mark} | {p95 * 1000:.1f} ms | "
                    f"{c_med * 1000:.1f} ms{c_mark} | {'' if target is None else f'≤ {target} ms'} | "
                    f"{med / ref:,.0f}× | {result['queries'][key]} |")
    load = result["load"]
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(f"""# Performance: heavy pages (server time)

Generated by `python bench/pages_bench.py` on {date.today().isoformat()}; do not edit by hand, re-run the benchmark.

- **Machine:** {platform.machine()}, {os.cpu_count()} logical CPUs; Python {platform.python_version()}; SQLite; 1-minute load average {load[0]:.1f}–{load[1]:.1f} during the run (the machine is shared: compare the ratios; the CPU time of the serving process is given beside the wall time, it depends less on the other work on the machine).
- **Data:** the demo kraj (JMK), {source}; the network version with the most entries ({result['entries']} entries, {result['version'].year}).
- **Timed:** Django's test client logged in as the kraj officer `{USER}`, {repeat} rounds over all pages after a warm-up request each; median and 95th percentile of the server time. **Reference:** the health page in the same rounds.

| page | median | p95 | CPU median | target | median ÷ reference | queries |
|---|---:|---:|---:|---:|---:|---:|
{chr(10).join(rows)}

**Where the time goes** (`--profile`, CPU time, 2026-12-07). The network version page: the paginated entries
table rendered by django-tables2 is about half (per cell it inspects the signature of the render method), the
inbox counts of the page header (a context processor of every page: the finance deadlines and the items of
each module) about a fifth, the totals about a tenth. The version check: reading the entries as model instances
with their territory, the required co-financing shares (the finance module's computation of the whole
version), the registered capacities and the evaluation scores — each a few tenths — and the conditions themselves
about a tenth. The co-financing and chapter pages are the finance module's.

**What changed** (2026-12-07): the totals are computed in `socplan/network/engine/totals.py` (one row object and
one label lookup per key, whole entries added without multiplying, the services' groups and shares read through
a subquery): 37 → 25 ms CPU for the 543-entry version, measured side by side with the previous code; the table
no longer prefetches the entries' territory it does not show, and the totals reuse the page's parameters. The
targets are not met: the page's CPU time is dominated by the table and the inbox counts, which these changes do
not touch.
""")
    print(OUT.read_text())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", help="a prepared demo database (SQLite) to start from instead of `socplan demo`")
    parser.add_argument("--profile", help="profile one page (version, version_check, cofinancing, chapter)")
    parser.add_argument("--repeat", type=int, default=REPEAT)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    tmp = _setup(args.db)
    try:
        import django

        django.setup()
        if args.profile:
            profile(args.profile)
            return
        result = measure(args.repeat)
        source = ("a copy of a prepared demo database, migrated" if args.db
                  else "`socplan demo --no-serve` in a temporary data directory")
        write(result, args.repeat, source)
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
