"""Demo data of the evaluation module (Jihomoravský kraj), loaded after the registry demo. Idempotent.

* the default methodology (JMK 2014 criteria and weights, illustrative indicators/scales/references) for the
  year before the demo year, approved, and its copy for the demo year, approved too (changing it means a new
  revision – as the browser test does);
* the region's assessments of the demo services for the demo year: grades 0–3 and output figures
  (clients, bed-days, contacts, interventions). **Synthetic** (``source = synthetic``), deterministic (seeded
  by the service's registry id or name), drawn around the methodology's reference values; about 4 % of the
  services lack one figure or grade so that missing data show up in the demo;
* one stored evaluation run of the demo year (flagged as demo data).
"""

from __future__ import annotations

import calendar
import math
import random

from simple_history.utils import bulk_create_with_history

from socplan.core.models import Source
from socplan.registry.demo import DEMO_REGION, DEMO_YEAR
from socplan.registry.models import Service
from socplan.territory.models import Region

from .adapter import input_frame
from .conversion import methodology_to_engine
from .models import Assessment, EvaluationRun, Methodology
from .services import (
    evaluation_run,
    methodology_approve,
    methodology_copy_to_year,
    methodology_create_default,
)

SEED = 20260505
REASON = "demo kraj"
GRADES = {
    "grade_specifics": ((1, 2, 3), (15, 45, 40)),
    "grade_cooperation": ((1, 2, 3), (10, 45, 45)),
    "grade_community_planning": ((0, 1, 2, 3), (5, 20, 40, 35)),
    "grade_inspection": ((0, 1, 2, 3), (4, 14, 42, 40)),
    "grade_complaints": ((1, 2, 3), (8, 32, 60)),
}
OUTPUTS = {"clients_per_fte": "clients", "contacts_per_fte": "contacts", "interventions_per_fte": "interventions"}


def _rng(*key) -> random.Random:
    return random.Random(f"{SEED}|" + "|".join(str(k) for k in key))


def _methodologies(region) -> Methodology:
    prev = Methodology.objects.filter(region=region, year=DEMO_YEAR - 1).order_by("revision").first()
    if prev is None:
        prev = methodology_create_default(actor=None, region=region, year=DEMO_YEAR - 1)
        prev.notes = "Demo: výchozí metodika JMK 2014 (ilustrativní ukazatele, stupnice a reference)."
        prev.save(update_fields=["notes"])
        methodology_approve(actor=None, methodology=prev)
    current = Methodology.objects.filter(region=region, year=DEMO_YEAR).order_by("revision").first()
    if current is None:
        current = methodology_copy_to_year(actor=None, methodology=prev, year=DEMO_YEAR)
        methodology_approve(actor=None, methodology=current)
    return current


def _assessments(region, methodology: Methodology) -> int:
    em = methodology_to_engine(methodology)
    inputs = input_frame(region, DEMO_YEAR, known_kinds=em.kind_groups.keys())
    done = set(Assessment.objects.filter(service__region=region, year=DEMO_YEAR).values_list("service_id", flat=True))
    keys = dict(Service.objects.filter(region=region).values_list("pk", "registry_id"))
    names = inputs.meta["name"].to_dict()
    days = 366 if calendar.isleap(DEMO_YEAR) else 365
    rows = []
    for rec in inputs.frame.to_dict("records"):
        sid = int(rec["service_id"])
        if sid in done:
            continue
        kind, form = str(rec["kind"]), rec["form"] or None
        rng = _rng(DEMO_YEAR, kind, keys.get(sid) or names.get(sid, sid))
        data = {f: rng.choices(values, weights)[0] for f, (values, weights) in GRADES.items()}
        fte = rec["fte_direct"]
        for code, field in OUTPUTS.items():
            ind = em.indicator(code)
            if em.scale_for(ind, kind, form) is None or not (fte and fte > 0):
                continue
            ref = em.reference_for(ind, kind, form)
            if not math.isnan(ref):
                data[field] = max(0, round(fte * ref * rng.uniform(0.62, 1.3)))
        if form == "pob" and rec["capacity"] and rec["capacity"] > 0:
            data["bed_days"] = round(rec["capacity"] * days * rng.uniform(0.84, 1.0))
            data.setdefault("clients", round(rec["capacity"] * rng.uniform(1.0, 1.4)))
        if rng.random() < 0.04:  # a gap the provider has not reported yet (shown as missing, never as 0)
            gap = rng.choice([f for f in ("clients", "bed_days", "contacts", "interventions") if f in data]
                             or ["grade_inspection"])
            data[gap] = None
        rows.append(Assessment(service_id=sid, year=DEMO_YEAR, source=Source.SYNTHETIC, **data))
    bulk_create_with_history(rows, Assessment, batch_size=1000, default_change_reason=REASON)
    return len(rows)


def demo_load() -> dict:
    region = Region.objects.filter(code=DEMO_REGION).first()
    if region is None or not Service.objects.filter(region=region).exists():
        return {}
    methodology = _methodologies(region)
    n = _assessments(region, methodology)
    run = None
    if not EvaluationRun.objects.filter(region=region, year=DEMO_YEAR).exists():
        run = evaluation_run(actor=None, region=region, year=DEMO_YEAR, methodology=methodology, synthetic=True)
    return {"assessments": n, "run": run.pk if run else None}
