"""Benchmark of the evaluation engine: a national-size set of 6,733 services.

    python bench/evaluation_bench.py            # writes docs/perf/evaluation.md

* Data: deterministic synthetic services (numpy seed 20260105) over all kinds of the default methodology.
  The number of services per kind is an *illustrative* national mix (not registry counts); inputs are drawn
  around the default methodology's reference values with realistic noise and 2 % missing values.
* Timed: ``evaluate(frame, default_jmk_2014())`` – best of several runs – against the naive per-service
  Python loop (``socplan.evaluation.engine.naive``) run side by side in the same process; both must agree
  (score to 1e-6, identical ranks and missing lists) before any time is reported.
* Scaling: 700 → 7,000 → 70,000 services with the same kind mix.
"""

from __future__ import annotations

import os
import platform
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from socplan.evaluation.engine import default_jmk_2014, evaluate, to_json_dict  # noqa: E402
from socplan.evaluation.engine.naive import evaluate_naive  # noqa: E402

SEED = 20260105
NATIONAL_SIZE = 6_733
TARGET_SECONDS = 0.5

#: Illustrative national mix: (kind, form) → number of services; scaled to exactly NATIONAL_SIZE.
KIND_MIX = {
    ("37", "amb"): 400, ("37", "ter"): 160, ("39", "ter"): 230, ("40", "ter"): 620, ("40", "amb"): 70,
    ("41", "ter"): 40, ("42", "ter"): 30, ("43", "ter"): 60, ("44", "ter"): 120, ("44", "amb"): 60,
    ("44", "pob"): 120, ("45", "amb"): 90, ("46", "amb"): 270, ("47", "pob"): 40, ("48", "pob"): 200,
    ("49", "pob"): 520, ("50", "pob"): 360, ("51", "pob"): 230, ("52", "pob"): 150, ("54", "ter"): 60,
    ("55", "ter"): 40, ("56", "amb"): 30, ("57", "pob"): 110, ("58", "pob"): 20, ("59", "amb"): 60,
    ("60", "amb"): 50, ("60", "pob"): 30, ("60a", "amb"): 20, ("61", "amb"): 70, ("62", "amb"): 240,
    ("63", "amb"): 60, ("64", "amb"): 20, ("65", "ter"): 460, ("66", "amb"): 420, ("67", "amb"): 140,
    ("68", "pob"): 15, ("69", "ter"): 200, ("70", "amb"): 380, ("70", "pob"): 80,
}
OUTPUT_COLUMN = {"clients_per_fte": "clients", "contacts_per_fte": "contacts",
                 "interventions_per_fte": "interventions"}


def _combos_for(n: int, rng: np.random.Generator) -> list[tuple[str, str]]:
    keys = list(KIND_MIX)
    counts = np.array([KIND_MIX[k] for k in keys], dtype=float)
    exact = counts / counts.sum() * n
    base = np.floor(exact).astype(int)
    order = np.argsort(-(exact - base), kind="stable")
    base[order[: n - base.sum()]] += 1  # largest remainder → exactly n
    combos = [k for k, c in zip(keys, base, strict=True) for _ in range(c)]
    rng.shuffle(combos)
    return combos


def synthetic_services(n: int, seed: int = SEED) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    m = default_jmk_2014(2026)
    combos = _combos_for(n, rng)
    kinds = np.array([k for k, _ in combos], dtype=object)
    forms = np.array([f for _, f in combos], dtype=object)
    residential = forms == "pob"

    def ref(code):
        ind = m.indicator(code)
        cache = {c: m.reference_for(ind, *c) for c in set(combos)}
        return np.array([cache[c] for c in combos])

    def noise(sigma):
        return rng.lognormal(0.0, sigma, n)

    cap = np.where(residential, np.round(rng.lognormal(np.log(45), 0.6, n)) + 4, np.round(rng.lognormal(2.5, 0.8, n)) + 1)
    fte_per_bed = np.nan_to_num(ref("fte_per_capacity"), nan=0.3) * noise(0.15)
    fte_direct = np.where(residential, cap * fte_per_bed, np.round(rng.lognormal(np.log(6), 0.7, n), 1) + 0.5)
    fte_other = fte_direct * (0.40 / 0.60) * noise(0.3)
    occ = np.clip(np.nan_to_num(ref("occupancy"), nan=0.9) * noise(0.05), 0.3, 1.0)
    bed_days = np.where(residential, np.round(cap * 365 * occ), np.nan)
    unit = np.where(residential, np.nan_to_num(ref("cost_per_bed_day")), np.nan_to_num(ref("cost_per_fte")))
    costs = np.round(np.where(residential, bed_days, fte_direct) * unit * noise(0.15), -3)
    frame = pd.DataFrame(
        {
            "service_id": np.arange(1, n + 1) + 1_000_000,
            "kind": kinds,
            "form": forms,
            "costs": costs,
            "fte_direct": np.round(fte_direct, 2),
            "fte_other": np.round(fte_other, 2),
            "capacity": cap,
            "bed_days": bed_days,
        }
    )
    for code, col in OUTPUT_COLUMN.items():
        frame[col] = np.round(fte_direct * np.nan_to_num(ref(code), nan=10) * noise(0.25))
    share = np.nan_to_num(ref("other_sources_share"), nan=0.3) * noise(0.25)
    parts = rng.dirichlet([6, 1, 2, 1, 1], n)
    for j, col in enumerate(("rev_users", "rev_health", "rev_municipal", "rev_founder", "rev_other")):
        frame[col] = np.round(costs * share * parts[:, j], -3)
    for col in ("assess_specifics", "assess_cooperation", "assess_community_planning", "assess_inspection",
                "assess_complaints"):
        frame[col] = rng.choice([0, 1, 2, 3], n, p=[0.05, 0.15, 0.45, 0.35]).astype(float)
    numeric = frame.columns[3:]
    holes = rng.random((n, len(numeric))) < 0.02  # 2 % missing inputs
    values = frame[numeric].to_numpy(dtype=float)
    values[holes] = np.nan
    frame[numeric] = values
    return frame


def best_of(fn, repeat: int) -> tuple[float, object]:
    best, out = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def check_agreement(result, naive) -> None:
    s = result.services
    scores = s["score"].to_numpy()
    n_scores = np.array([r["score"] for r in naive])
    assert np.allclose(scores, n_scores, atol=1e-6), "engine and naive scores differ"
    assert (s["rank"].to_numpy() == np.array([r["rank"] for r in naive])).all(), "ranks differ"
    assert result.missing_lists() == [r["missing"] for r in naive], "missing lists differ"


def machine() -> str:
    cpu = platform.processor() or "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{cpu}, {os.cpu_count()} logical CPUs, {platform.system()} {platform.release()}; "
        f"Python {platform.python_version()}, numpy {np.__version__}, pandas {pd.__version__}"
    )


def main() -> None:
    m = default_jmk_2014(2026)
    rows = []
    national_json = None
    for n, repeat, naive_repeat in ((700, 15, 3), (NATIONAL_SIZE, 9, 3), (7_000, 9, 3), (70_000, 5, 1)):
        frame = synthetic_services(n)
        records = frame.to_dict("records")
        evaluate(frame, m)  # warm-up (imports, caches)
        t_engine, result = best_of(lambda frame=frame: evaluate(frame, m), repeat)
        t_naive, naive = best_of(lambda records=records: evaluate_naive(records, m), naive_repeat)
        check_agreement(result, naive)
        if n == NATIONAL_SIZE:
            national_json, _ = best_of(lambda result=result: to_json_dict(result, "CZ", 2026), 5)
        rows.append((n, t_engine, t_naive, repeat, naive_repeat))
        print(f"{n:>7,} services: evaluate {t_engine * 1000:8.1f} ms (best of {repeat}), "
              f"naive loop {t_naive * 1000:9.1f} ms (best of {naive_repeat}), ratio {t_naive / t_engine:6.1f}×")

    by_n = {r[0]: r for r in rows}
    national = by_n[NATIONAL_SIZE]
    verdict = "met" if national[1] <= TARGET_SECONDS else "NOT met"
    scale_1 = by_n[7_000][1] / by_n[700][1]
    scale_2 = by_n[70_000][1] / by_n[7_000][1]
    lines = [
        "# Performance: evaluation engine",
        "",
        f"- **Machine:** {machine()}.",
        "- **Command:** `.venv/bin/python bench/evaluation_bench.py` (writes this file).",
        "- **Data:** deterministic synthetic services (seed 20260105), all kinds of the default methodology in an "
        "illustrative national mix, inputs drawn around the default reference values, 2 % of inputs missing.",
        "- **Timed:** `evaluate(frame, default_jmk_2014())` from the raw input frame (indicators, scales, weights, "
        "score, rank, threshold, missing), best of N runs after one warm-up. **Reference:** the naive per-service "
        "Python loop `socplan.evaluation.engine.naive.evaluate_naive`, run in the same process on the same data; "
        "the two are checked to agree (score to 1e-6, identical ranks and missing lists) before timing is reported.",
        "",
        "| services | evaluate() best | runs | naive loop best | runs | naive / engine | engine µs per service |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for n, te, tn, r, rn in rows:
        lines.append(f"| {n:,} | {te * 1000:.1f} ms | {r} | {tn * 1000:.1f} ms | {rn} | {tn / te:.1f}× | "
                     f"{te / n * 1e6:.2f} |")
    lines += [
        "",
        f"- **National set (6,733 services): {national[1] * 1000:.1f} ms — target ≤ {TARGET_SECONDS * 1000:.0f} ms "
        f"{verdict}**; `to_json_dict` on the result adds {national_json * 1000:.1f} ms.",
        f"- **Growth:** 700 → 7,000 services ×{scale_1:.2f} time, 7,000 → 70,000 ×{scale_2:.2f} (linear would be ×10; "
        "below 10 at the small end because fixed per-call costs — methodology validation, per-kind resolution, "
        "frame construction — dominate small inputs).",
        f"- **Linear fit:** marginal cost {(by_n[70_000][1] - by_n[7_000][1]) / 63_000 * 1e6:.2f} µs per service "
        f"between 7,000 and 70,000 services, fixed cost ≈ "
        f"{(by_n[7_000][1] - 7_000 * (by_n[70_000][1] - by_n[7_000][1]) / 63_000) * 1000:.1f} ms per call.",
        "- Work per call: one vectorised pass per indicator over all services; the methodology is resolved once per "
        "distinct (kind, form) pair (≈ 40), never per service; ranking is one pandas group-by.",
        "",
    ]
    out = ROOT / "docs" / "perf" / "evaluation.md"
    out.write_text("\n".join(lines), encoding="utf-8")
    print(f"written {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
