"""Benchmark of `socplan.network.selectors.network_entries` — the network rows that the finance what-if and the
availability network view read on every recomputation.

    python bench/network_entries_bench.py            # writes docs/perf/network.md

* Data: the demo kraj (JMK) built by `socplan demo --no-serve` in a temporary data directory: the network version
  of 2026 with its entries (services, forms, tiers, ORP of each entry).
* Timed: `network_entries(region, 2026)` (value tuples in four queries), best of N runs, against a reference run
  side by side in the same process: the same rows built the straightforward way, from model instances with their
  relations prefetched (`REFERENCE` below — the implementation before this optimisation). Both results are
  compared row by row before any time is reported.
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
OUT = ROOT / "docs" / "perf" / "network.md"
RUNS = 9
YEAR = 2026


def reference_entries(region, year):
    """The rows from model instances (select_related + prefetch of forms, ORP and obce of each entry)."""
    from socplan.network.selectors import NetworkEntryRow, _entries, _pick
    from socplan.registry.selectors import service_capacity

    version = _pick(region, year, None, None)
    out = []
    for e in _entries(version).prefetch_related("service__forms__form"):
        s = e.service
        forms = tuple(sf.form.code for sf in s.forms.all())
        cap = e.capacity_type.code if e.capacity_type_id else None
        form = e.form.code if e.form_id else service_capacity(s, year).form
        out.append(NetworkEntryRow(
            entry_id=e.pk, service_id=s.pk, provider_id=s.provider_id, kind_code=s.kind.code,
            category=s.kind.category, form_code=form, forms=forms,
            group=s.kind.group_for_form(form) if form else s.kind.financing_group, capacity=e.capacity,
            capacity_type=cap, fte=e.fte, tier_code=e.tier.code, tier_order=e.tier.order, tier_funded=e.tier.funded,
            status=e.status, orp_codes=tuple(sorted(o.code for o in e.orps.all())), request_id=e.request_id,
        ))
    return out


def best(fn, runs: int) -> tuple[float, list[float]]:
    fn()  # warm-up (query plans, caches)
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
    from django.core.management import call_command
    from django.db import connection

    from socplan.network.selectors import network_entries
    from socplan.territory.models import Region

    call_command("demo", "--no-serve", verbosity=0)
    region = Region.objects.get(code="CZ064")
    fast, ref = network_entries(region, YEAR), reference_entries(region, YEAR)
    assert fast == ref and len(fast) > 100, "the two readings differ"
    t_fast, runs_fast = best(lambda: network_entries(region, YEAR), RUNS)
    t_ref, runs_ref = best(lambda: reference_entries(region, YEAR), RUNS)
    ms = lambda x: f"{x * 1000:.1f} ms"  # noqa: E731
    OUT.write_text(f"""# Performance: network rows for finance and availability (`network_entries`)

- **Machine:** {platform.processor() or platform.machine()}, {os.cpu_count()} logical CPUs, {platform.system()} {platform.release()}; Python {platform.python_version()}, database {connection.vendor}.
- **Command:** `python bench/network_entries_bench.py` (writes this file).
- **Data:** the demo kraj (JMK), network version {YEAR}: {len(fast)} entries.
- **Reference:** the same rows built from model instances with their relations prefetched (the implementation before; `reference_entries` in the script), same process, same data; both results compared row by row first (identical).

| reading | best of {RUNS} | runs |
|---|---:|---|
| `network_entries` (value tuples, 4 queries) | **{ms(t_fast)}** | {", ".join(ms(x) for x in runs_fast)} |
| reference (model instances + prefetch) | {ms(t_ref)} | {", ".join(ms(x) for x in runs_ref)} |

**Reference / `network_entries` = {t_ref / t_fast:.1f}×.** The finance what-if and the availability network view read these rows on every recomputation.
""")
    print(OUT.read_text())


if __name__ == "__main__":
    main()
