"""The engine's input frame for a kraj and year, built with a fixed number of bulk queries (seven: services,
the capacity selector's three, staffing, economics, assessments) — never a query per service.

One row per service registered in the kraj and active at some time in the year (``valid_from`` ≤ 31 Dec,
``valid_to`` empty or ≥ 1 Jan); ``service_id`` is the ``Service`` primary key. Mapping (docs/evaluation.md §9):

=================  ====================================================================================
column             source
=================  ====================================================================================
kind               ``ServiceKind.code`` (§ of the Act: "49", "60a")
form               the service's main form (``socplan.registry.selectors.service_capacities``: one form →
                   that form; registered beds and a residential form → pobytová; else ambulantní, else
                   terénní) – it decides the group
capacity           the service's capacity in the year from the same selector: the figure the kraj's
                   approved network states for the year, else the registered count of the main form in its
                   unit (beds for pobytová, else clients, else the first type of the code list); NaN when
                   nothing is registered (only residential indicators use it). Its unit and source are in
                   ``meta`` (``capacity_type``, ``capacity_source``)
costs              ``Economics``: sum of all cost items (osobní, materiál, energie, služby, odpisy, ostatní)
fte_direct/other   ``Staffing`` of the year
rev_users          úhrady uživatelů
rev_health         zdravotní pojišťovny
rev_municipal      obce
rev_founder        0 where economics exist (the registry keeps no separate founder item; a municipal or
                   regional founder's contribution is in "obce" or "kraj")
rev_other          fondy EU + ostatní zdroje (the state subsidy and the region's own budget are *not*
                   other sources – they are what the evaluation decides about)
clients, bed_days  ``Assessment`` of the year (výkony reported to the region)
contacts, …
assess_*           ``Assessment`` grades 0–3
=================  ====================================================================================

A missing row (no staffing, no economics, no assessment) leaves its columns NaN: the engine reports the
indicators as missing, never as 0. Services of a kind the methodology does not know are left out and listed
in ``skipped`` with a Czech reason.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from django.db.models import Q

from socplan.registry.models import COST_FIELDS, Economics, Service, Staffing
from socplan.registry.selectors import service_capacities

from .models import Assessment

#: engine column ← Assessment field
ASSESSMENT_COLUMNS = {
    "assess_specifics": "grade_specifics",
    "assess_cooperation": "grade_cooperation",
    "assess_community_planning": "grade_community_planning",
    "assess_inspection": "grade_inspection",
    "assess_complaints": "grade_complaints",
}
OUTPUT_FIELDS = ("clients", "bed_days", "contacts", "interventions")
#: engine revenue column ← Economics fields (summed)
REVENUE_MAP = {
    "rev_users": ("revenue_user_fees",),
    "rev_health": ("revenue_health_insurance",),
    "rev_municipal": ("revenue_municipalities",),
    "rev_other": ("revenue_eu", "revenue_other"),
}
ENGINE_COLUMNS = (
    "service_id", "kind", "form", "costs", "fte_direct", "fte_other", "capacity", *OUTPUT_FIELDS,
    "rev_users", "rev_health", "rev_municipal", "rev_founder", "rev_other", *ASSESSMENT_COLUMNS,
)


@dataclass
class InputFrame:
    """``frame``: the engine input (columns :data:`ENGINE_COLUMNS`), services in primary-key order.
    ``meta``: per service_id its name, provider and kind name (for pages and exports; not engine input).
    ``skipped``: services left out, ``[{"service_id", "kind", "reason"}]``."""

    frame: pd.DataFrame
    meta: pd.DataFrame
    skipped: list[dict] = field(default_factory=list)


def _active_in(year: int) -> Q:
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    return (Q(valid_from__isnull=True) | Q(valid_from__lte=last)) & (Q(valid_to__isnull=True) | Q(valid_to__gte=first))


def _known(kind: str, known_kinds: Iterable[str] | None) -> bool:
    return known_kinds is None or kind in known_kinds


def input_frame(region, year: int, *, known_kinds: Iterable[str] | None = None,
                service_ids: Iterable[int] | None = None) -> InputFrame:
    """Build the input frame of ``region`` (a ``Region``, its pk, or ``None`` = every kraj) for ``year``.

    ``known_kinds``: kinds the methodology evaluates (others go to ``skipped``); ``None`` = keep all.
    ``service_ids``: limit to these services (still bulk queries).
    """
    year = int(year)
    known = {str(k).partition(":")[0] for k in known_kinds} if known_kinds is not None else None
    region_id = getattr(region, "pk", region)
    svc_q = Q(region_id=region_id) if region_id is not None else Q(region__isnull=False)
    rel_q = Q(service__region_id=region_id) if region_id is not None else Q(service__region__isnull=False)
    if service_ids is not None:
        ids = list(service_ids)
        svc_q &= Q(pk__in=ids)
        rel_q &= Q(service_id__in=ids)

    rows = list(
        Service.objects.filter(svc_q & _active_in(year)).order_by("pk").values_list(
            "pk", "name", "kind__code", "kind__name", "provider_id", "provider__name", "region_id")
    )
    meta = pd.DataFrame(rows, columns=["service_id", "name", "kind", "kind_name", "provider_id", "provider_name",
                                       "region_id"])
    skipped = [{"service_id": int(sid), "kind": str(kind), "reason": f"Metodika nehodnotí druh služby „{kind}“."}
               for sid, kind in zip(meta["service_id"], meta["kind"], strict=True) if not _known(str(kind), known)]
    if skipped:
        meta = meta[meta["kind"].map(lambda k: _known(str(k), known))].reset_index(drop=True)
    ids = meta["service_id"].to_numpy(dtype=np.int64)
    frame = pd.DataFrame({"service_id": ids, "kind": meta["kind"].astype(str).to_numpy(dtype=object)})

    # main form and capacity (the registry selector: 3 queries)
    caps = service_capacities(ids.tolist(), year)
    frame["form"] = [caps[sid].form or "" for sid in ids.tolist()]
    frame["capacity"] = [float(caps[sid].capacity) if caps[sid].capacity_type else np.nan for sid in ids.tolist()]

    # staffing (1 query)
    st = pd.DataFrame(
        list(Staffing.objects.filter(rel_q, year=year).values_list("service_id", "fte_direct", "fte_other")),
        columns=["service_id", "fte_direct", "fte_other"],
    )
    # economics (1 query)
    econ_fields = list(COST_FIELDS) + sorted({f for fs in REVENUE_MAP.values() for f in fs})
    ec = pd.DataFrame(list(Economics.objects.filter(rel_q, year=year).values_list("service_id", *econ_fields)),
                      columns=["service_id", *econ_fields])
    # assessments (1 query)
    as_fields = list(ASSESSMENT_COLUMNS.values()) + list(OUTPUT_FIELDS)
    asm = pd.DataFrame(list(Assessment.objects.filter(rel_q, year=year).values_list("service_id", *as_fields)),
                       columns=["service_id", *as_fields])

    def aligned(df: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
        df = df.set_index("service_id")
        out = df.reindex(ids)[columns]
        return out.apply(lambda c: pd.to_numeric(c.astype(object).where(c.notna(), np.nan), errors="coerce"))

    s = aligned(st, ["fte_direct", "fte_other"])
    frame["fte_direct"] = s["fte_direct"].to_numpy(dtype=float)
    frame["fte_other"] = s["fte_other"].to_numpy(dtype=float)
    e = aligned(ec, econ_fields)
    has_econ = e.notna().any(axis=1).to_numpy() if len(e.columns) else np.zeros(len(ids), bool)
    frame["costs"] = e[list(COST_FIELDS)].sum(axis=1, min_count=1).to_numpy(dtype=float)
    for col, fields in REVENUE_MAP.items():
        frame[col] = e[list(fields)].sum(axis=1, min_count=1).to_numpy(dtype=float)
    frame["rev_founder"] = np.where(has_econ, 0.0, np.nan)
    a = aligned(asm, as_fields)
    for col, fld in ASSESSMENT_COLUMNS.items():
        frame[col] = a[fld].to_numpy(dtype=float)
    for fld in OUTPUT_FIELDS:
        frame[fld] = a[fld].to_numpy(dtype=float)
    frame = frame[list(ENGINE_COLUMNS)]
    meta = meta.set_index("service_id")
    meta["form"] = frame["form"].to_numpy()
    meta["capacity_type"] = [caps[sid].capacity_type or "" for sid in ids.tolist()]
    meta["capacity_source"] = [caps[sid].source for sid in ids.tolist()]
    return InputFrame(frame=frame, meta=meta, skipped=skipped)
