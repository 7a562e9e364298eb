"""Benchmark of the network version page: its totals (`network_totals`) and the whole page's server time.

    python bench/network_version_bench.py            # writes docs/perf/network_version.md

* Data: the demo kraj (JMK) built by `socplan demo --no-serve` in a temporary data directory; the version with the
  most entries.
* Timed side by side in the same process, best of N runs after a warm-up:
  - `network_totals(version)` (rows from values() queries) against `reference_totals` below — the implementation
    before (model instances with seven joins and two prefetches per entry); both are compared row by row first;
  - the page itself (`/sit/verze/<pk>/` through Django's test client as the demo superuser: server time, no
    network) and, as the reference for the page, the same client fetching the health page.
"""

from __future__ import annotations

import os
import platform
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
OUT = ROOT / "docs" / "perf" / "network_version.md"
RUNS = 9
PAGE_TARGET_MS = 100


def reference_totals(version):
    """The totals as computed before: from model instances (the previous `network_totals`)."""
    from django.db.models import Prefetch

    from socplan.network.adapters import orp_qs
    from socplan.network.models import Tier
    from socplan.network.selectors import TotalRow, _entries, _kind_order, _orp_weights, _population
    from socplan.registry.models import PlanningGroup, ServiceTargetGroup
    from socplan.territory.models import Level

    entries = list(_entries(version).prefetch_related(
        Prefetch("service__target_group_links", queryset=ServiceTargetGroup.objects.select_related("target_group"))))
    by_kind, by_tier, by_orp, by_district, by_group = {}, {}, {}, {}, {}
    total = TotalRow("total", "celkem")
    weights = _orp_weights(entries)
    orps = {o.pk: o for o in orp_qs().filter(region=version.region)}
    for e in entries:
        s = e.service
        total.add(e)
        by_kind.setdefault(s.kind.code, TotalRow(s.kind.code, str(s.kind), url=s.kind.code)).add(e)
        by_tier.setdefault(e.tier.code, TotalRow(e.tier.code, e.tier.name)).add(e)
        for orp_id, w in weights[e.pk]:
            o = orps.get(orp_id)
            if o is None:
                continue
            by_orp.setdefault(o.code, TotalRow(o.code, o.name)).add(e, w)
            by_district.setdefault(o.district.code, TotalRow(o.district.code, o.district.name)).add(e, w)
        groups = {tg.target_group.planning_group for tg in s.target_group_links.all() if tg.target_group.planning_group}
        for g in sorted(groups):
            by_group.setdefault(g, TotalRow(g, str(PlanningGroup(g).label))).add(e)
    pop_orp = _population(Level.ORP, by_orp)
    for code, row in by_orp.items():
        row.population = pop_orp.get(code)
    pop_d = _population(Level.DISTRICT, by_district)
    for code, row in by_district.items():
        row.population = pop_d.get(code)
    order = {t.code: t.order for t in Tier.objects.filter(parameters__region=version.region,
                                                           parameters__year=version.year)}
    return {
        "total": total, "units": sorted(total.capacity),
        "by_kind": sorted(by_kind.values(), key=lambda r: _kind_order(r.key)),
        "by_tier": sorted(by_tier.values(), key=lambda r: (order.get(r.key, 99), r.key)),
        "by_orp": sorted(by_orp.values(), key=lambda r: r.label),
        "by_district": sorted(by_district.values(), key=lambda r: r.label),
        "by_group": sorted(by_group.values(), key=lambda r: r.key),
    }


def _plain(totals: dict) -> dict:
    def row(r):
        return (r.key, r.label, r.entries, r.fte, dict(r.capacity), r.population, r.url)

    return {k: [row(r) for r in v] if k.startswith("by_") else (row(v) if k == "total" else v)
            for k, v in totals.items()}


def best(fn, runs: int) -> tuple[float, list[float]]:
    fn()  # warm-up
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times), times


def main():
    os.environ.setdefault("SOCPLAN_DATA_DIR", tempfile.mkdtemp(prefix="socplan-bench-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "socplan.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import setup_test_environment

    from socplan.network.models import NetworkVersion
    from socplan.network.selectors import network_totals

    call_command("demo", "--no-serve", verbosity=0)
    setup_test_environment()
    version = NetworkVersion.objects.annotate(n=Count("entries")).order_by("-n").first()
    assert _plain(network_totals(version)) == _plain(reference_totals(version)), "the totals differ"
    t_new, runs_new = best(lambda: network_totals(version), RUNS)
    t_ref, runs_ref = best(lambda: reference_totals(version), RUNS)

    client = Client(HTTP_HOST="localhost")
    client.force_login(get_user_model().objects.filter(is_superuser=True).first())
    url = f"/sit/verze/{version.pk}/"
    assert client.get(url).status_code == 200, url
    t_page, runs_page = best(lambda: client.get(url), RUNS)
    t_health, _ = best(lambda: client.get("/health/"), RUNS)
    load = os.getloadavg()
    ms = lambda x: f"{x * 1000:.1f} ms"  # noqa: E731
    mark = "✓" if t_page * 1000 <= PAGE_TARGET_MS else "✗"
    OUT.write_text(f"""# Performance: the network version page

- **Machine:** {platform.machine()}, {os.cpu_count()} logical CPUs; Python {platform.python_version()}; SQLite; load average {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} during the run.
- **Command:** `python bench/network_version_bench.py` (writes this file).
- **Data:** the demo kraj (JMK), the network version with the most entries: {version.entries.count()} entries.
- **Reference:** the totals computed as before (model instances; `reference_totals` in the script), same process, same data; both compared row by row first (identical). For the page: the health page through the same test client.

| reading | best of {RUNS} | runs |
|---|---:|---|
| `network_totals` (values() rows) | **{ms(t_new)}** | {", ".join(ms(x) for x in runs_new)} |
| reference totals (model instances) | {ms(t_ref)} | {", ".join(ms(x) for x in runs_ref)} |
| the version page (server time, test client) | **{ms(t_page)}** {mark} | {", ".join(ms(x) for x in runs_page)} |
| the health page (same client) | {ms(t_health)} | |

**Reference totals / `network_totals` = {t_ref / t_new:.1f}×; the page takes {t_page / t_health:.0f}× the health page; target ≤ {PAGE_TARGET_MS} ms.**
""")
    print(OUT.read_text())


if __name__ == "__main__":
    main()
