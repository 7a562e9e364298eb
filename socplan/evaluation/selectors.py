"""Reads of the evaluation module.

Two kinds of functions:

* internal reads for other modules and commands (no user): ``methodology_for``, ``evaluation_compute``,
  ``latest_run``, ``service_scores`` (used by the network module — keep its name and shape);
* reads for a user, already restricted by ``socplan.accounts.scope``: ``results_for_user``,
  ``service_breakdown`` (checked with ``may_see_service_results``), ``benchmark``, ``service_standing``.

Results come from the latest stored ``EvaluationRun`` of the kraj and year when there is one (a snapshot that
does not move when data change), otherwise they are computed live from the current data (not stored).
"""

from __future__ import annotations

import calendar
import math
from dataclasses import dataclass, field

import pandas as pd

from socplan.accounts.models import Role
from socplan.accounts.scope import grants, is_region_staff, restrict
from socplan.territory.models import Region

from . import engine
from .adapter import InputFrame, input_frame
from .conversion import methodology_to_engine
from .engine import benchmark as bench
from .models import EvaluationRun, Methodology, MethodologyStatus, ServiceEvaluation

MIN_PEERS = 5
#: indicators shown in benchmarking (unit costs and ratios computed from the data)
BENCHMARK_INDICATORS = engine.COMPUTED_INDICATORS


def _region(region) -> Region:
    if isinstance(region, Region):
        return region
    if isinstance(region, int):
        return Region.objects.get(pk=region)
    return Region.objects.get(code=str(region))


# --- methodology -----------------------------------------------------------------------------------------------

def methodology_for(region, year: int) -> Methodology | None:
    """The methodology that evaluates ``region`` in ``year``: the latest approved revision, else the latest draft."""
    qs = Methodology.objects.filter(region=_region(region), year=int(year))
    return (qs.filter(status=MethodologyStatus.APPROVED).order_by("-revision").first()
            or qs.order_by("-revision").first())


def methodology_list(user=None):
    """All methodologies (public data), newest first."""
    return Methodology.objects.select_related("region", "copied_from").order_by("region__name", "-year", "-revision")


# --- computing -------------------------------------------------------------------------------------------------

@dataclass
class Computation:
    region: Region
    year: int
    methodology: Methodology
    engine: engine.Methodology
    inputs: InputFrame
    result: engine.EvaluationResult


def evaluation_compute(region, year: int, *, methodology: Methodology | None = None,
                       service_ids=None) -> Computation | None:
    """Evaluate the kraj's services live: bulk input frame (adapter) + one engine call. None without methodology.

    ``service_ids`` limits the *inputs* — only for callers that do not need ranks (ranks need the whole kraj).
    """
    region = _region(region)
    m = methodology or methodology_for(region, year)
    if m is None:
        return None
    em = methodology_to_engine(m)
    inputs = input_frame(region, year, known_kinds=em.kind_groups.keys(), service_ids=service_ids)
    result = engine.evaluate(inputs.frame, em)
    return Computation(region, int(year), m, em, inputs, result)


def latest_run(region, year: int) -> EvaluationRun | None:
    return (EvaluationRun.objects.filter(region=_region(region), year=int(year))
            .select_related("methodology", "created_by").order_by("-created_at", "-pk").first())


def service_scores(region_code: str, year: int) -> dict[int, tuple[float, float, bool]]:
    """``{service pk: (score, threshold, meets_threshold)}`` for every evaluated service of the kraj in the year.

    From the latest stored run; without one, computed live by the kraj's methodology; ``{}`` when the kraj
    has no methodology for the year. (Used by the network module.)
    """
    try:
        region = _region(region_code)
    except Region.DoesNotExist:
        return {}
    run = latest_run(region, year)
    if run is not None:
        return {sid: (float(score), float(thr), bool(meets)) for sid, score, thr, meets in
                ServiceEvaluation.objects.filter(run=run).values_list("service_id", "score", "threshold",
                                                                      "meets_threshold")}
    comp = evaluation_compute(region, year)
    if comp is None:
        return {}
    s = comp.result.services
    return {int(sid): (float(sc), float(t), bool(m)) for sid, sc, t, m in
            zip(s.index.tolist(), s["score"].tolist(), s["threshold"].tolist(), s["meets_threshold"].tolist(),
                strict=True)}


# --- results for a user ----------------------------------------------------------------------------------------

@dataclass
class ResultRow:
    service_id: int
    name: str
    provider_id: int
    provider_name: str
    kind: str
    form: str
    group: str
    score: float
    max_score: float
    rank: int
    n_ranked: int
    threshold: float
    meets_threshold: bool
    missing: list[str]
    message: str = ""
    breakdown: list[dict] = field(default_factory=list)
    url: str = ""  # filled in by pages


@dataclass
class Results:
    region: Region
    year: int
    methodology: Methodology | None
    run: EvaluationRun | None  # None = computed live
    rows: list[ResultRow]
    skipped: list[dict] = field(default_factory=list)
    indicator_names: dict[str, str] = field(default_factory=dict)

    @property
    def live(self) -> bool:
        return self.run is None


region_staff_of = is_region_staff  # kraj staff of this kraj, or a superuser


def provider_ids_of(user) -> set[int]:
    return {g.provider_id for g in grants(user) if g.role == Role.PROVIDER_USER and g.provider_id}


def may_see_service_results(user, service) -> bool:
    """Results and breakdowns are private: region staff of the service's kraj and its provider's users."""
    return region_staff_of(user, service.region_id) or service.provider_id in provider_ids_of(user)


def _names(m_data: dict) -> dict[str, str]:
    return {i["code"]: i["name"] for i in m_data.get("indicators", [])}


def results_for_user(user, region, year: int, *, with_breakdown: bool = False) -> Results | None:
    """The results of the kraj and year the user may see (region staff: all; provider users: their own)."""
    region = _region(region)
    run = latest_run(region, year)
    if run is not None:
        qs = restrict(ServiceEvaluation.objects.filter(run=run), user, "view").select_related("service__provider")
        if not with_breakdown:
            qs = qs.defer("breakdown")
        rows = [ResultRow(
            service_id=r.service_id, name=r.service.name, provider_id=r.service.provider_id,
            provider_name=r.service.provider.name, kind=r.kind, form=r.form, group=r.group, score=r.score,
            max_score=r.max_score, rank=r.rank, n_ranked=r.n_ranked, threshold=r.threshold,
            meets_threshold=r.meets_threshold, missing=list(r.missing), message=r.message,
            breakdown=list(r.breakdown) if with_breakdown else [],
        ) for r in qs.order_by("kind", "rank", "service_id")]
        return Results(region, int(year), run.methodology, run, rows, list(run.skipped),
                       _names(run.methodology_data))
    comp = evaluation_compute(region, year)
    if comp is None:
        return None
    staff = region_staff_of(user, region)
    own = provider_ids_of(user)
    meta = comp.inputs.meta
    s = comp.result.services
    missing = comp.result.missing_lists()
    explanations = engine.explain_all(comp.result) if with_breakdown else {}
    rows = []
    for n, sid in enumerate(s.index.tolist()):
        info = meta.loc[sid]
        if not staff and int(info["provider_id"]) not in own:
            continue
        e = explanations.get(sid)
        rows.append(ResultRow(
            service_id=int(sid), name=info["name"], provider_id=int(info["provider_id"]),
            provider_name=info["provider_name"], kind=str(s.at[sid, "kind"]), form=str(s.at[sid, "form"]),
            group=str(s.at[sid, "group"]), score=float(s.at[sid, "score"]), max_score=float(s.at[sid, "max_score"]),
            rank=int(s.at[sid, "rank"]), n_ranked=int(s.at[sid, "n_ranked"]), threshold=float(s.at[sid, "threshold"]),
            meets_threshold=bool(s.at[sid, "meets_threshold"]), missing=missing[n],
            message=e.message if e else "", breakdown=breakdown_rows(e) if e else [],
        ))
    rows.sort(key=lambda r: (r.kind, r.rank, r.service_id))
    return Results(region, int(year), comp.methodology, None, rows,
                   comp.inputs.skipped if staff else [], {i.code: i.name for i in comp.engine.indicators})


@dataclass
class Breakdown:
    service: object
    year: int
    methodology: Methodology
    run: EvaluationRun | None
    score: float
    max_score: float
    rank: int
    n_ranked: int
    threshold: float
    meets_threshold: bool
    missing: list[str]
    rows: list[dict]
    message: str
    kind: str
    form: str
    group: str

    @property
    def criteria(self) -> list[dict]:
        """Rows grouped by criterion with subtotals (for the page)."""
        out: list[dict] = []
        for r in self.rows:
            if not out or out[-1]["code"] != r["criterion"]:
                out.append({"code": r["criterion"], "name": r["criterion_name"], "weight": r["criterion_weight"],
                            "rows": [], "contribution": 0.0, "used_weight": 0.0})
            out[-1]["rows"].append(r)
            out[-1]["contribution"] += r["contribution"] or 0.0
            out[-1]["used_weight"] += r["weight"] or 0.0
        return out

    @property
    def gap(self) -> float:
        return max(0.0, self.threshold - self.score)


def service_breakdown(service, year: int) -> Breakdown | None:
    """The breakdown of one service (stored run if it contains the service, else computed live).

    Not restricted: the caller checks ``may_see_service_results`` first.
    """
    run = latest_run(service.region_id, year) if service.region_id else None
    if run is not None:
        r = ServiceEvaluation.objects.filter(run=run, service=service).first()
        if r is not None:
            return Breakdown(service, int(year), run.methodology, run, r.score, r.max_score, r.rank, r.n_ranked,
                             r.threshold, r.meets_threshold, list(r.missing), list(r.breakdown), r.message, r.kind,
                             r.form, r.group)
    if not service.region_id:
        return None
    comp = evaluation_compute(service.region_id, year)
    if comp is None or service.pk not in comp.result.services.index:
        return None
    e = engine.explain(comp.result, service.pk)
    s = comp.result.services.loc[service.pk]
    return Breakdown(service, int(year), comp.methodology, None, e.score, e.max_score, e.rank, e.n_ranked,
                     e.threshold, e.meets_threshold, list(e.missing), breakdown_rows(e), e.message, e.kind, e.form,
                     str(s["group"]))


# --- benchmarking ----------------------------------------------------------------------------------------------

def _clean(x):
    if x is None:
        return None
    x = float(x)
    return None if math.isnan(x) else x


@dataclass
class GroupStats:
    kind: str
    form: str
    n: int
    n_missing: int
    min: float | None
    q1: float | None
    median: float | None
    q3: float | None
    max: float | None
    lower_fence: float | None
    upper_fence: float | None
    n_low_outliers: int
    n_high_outliers: int
    values: list[float]  # region's values (for the strip plot on officers' pages)
    reference: float | None  # the methodology's reference for the kind and form
    national_n: int = 0
    national_median: float | None = None
    rule_reference: float | None = None  # reference_values(): regional if ≥ 5 and higher, else national
    rule_source: str = ""


@dataclass
class Benchmark:
    region: Region
    year: int
    indicator: str
    indicator_name: str
    unit: str
    relative: bool
    groups: list[GroupStats]
    national_n_services: int
    methodology: Methodology | None


def _indicator_frame(inputs: InputFrame, year: int) -> pd.DataFrame:
    days = 366 if calendar.isleap(int(year)) else 365
    return bench.indicator_frame(inputs.frame, days_in_year=days)


def benchmark(region, year: int, indicator: str) -> Benchmark:
    """Distribution of one computed indicator per kind and form in the kraj, with the methodology's reference,
    the national median (every kraj in the database) and the regional-vs-national reference rule.

    Only for region staff (the caller checks ``region_staff_of``): it shows every service's value.
    """
    region = _region(region)
    if indicator not in BENCHMARK_INDICATORS:
        raise ValueError(indicator)
    m = methodology_for(region, year)
    em = methodology_to_engine(m) if m else None
    regional = _indicator_frame(input_frame(region, year), year)
    national = _indicator_frame(input_frame(None, year), year)
    dist = bench.distribution(regional, columns=[indicator])
    ref_rule = bench.reference_values(regional, national, indicator, min_providers=MIN_PEERS)
    nat = national.assign(kind=national["kind"].astype(str))
    nat_n = nat.groupby(["kind", "form"])[indicator].count()
    ind_def = None
    if em is not None:
        try:
            ind_def = em.indicator(indicator)
        except KeyError:
            ind_def = None
    groups = []
    reg = regional.assign(kind=regional["kind"].astype(str))
    values_by = {k: g[indicator].dropna().sort_values().tolist() for k, g in reg.groupby(["kind", "form"])}
    for (kind, form, _ind), row in dist.iterrows():
        if row["n"] == 0 or (indicator in RESIDENTIAL_ONLY and form != "pob"):
            continue
        ref = None
        if ind_def is not None and em.group_of(kind, form or None) is not None:
            if em.scale_for(ind_def, kind, form or None) is not None:
                ref = _clean(em.reference_for(ind_def, kind, form or None))
        rr = ref_rule.loc[(kind, form)] if (kind, form) in ref_rule.index else None
        groups.append(GroupStats(
            kind=str(kind), form=str(form), n=int(row["n"]), n_missing=int(row["n_missing"]),
            min=_clean(row["min"]), q1=_clean(row["q1"]), median=_clean(row["median"]), q3=_clean(row["q3"]),
            max=_clean(row["max"]), lower_fence=_clean(row["lower_fence"]), upper_fence=_clean(row["upper_fence"]),
            n_low_outliers=int(row["n_low_outliers"]), n_high_outliers=int(row["n_high_outliers"]),
            values=[float(v) for v in values_by.get((kind, form), [])], reference=ref,
            national_n=int(nat_n.get((kind, form), 0)),
            national_median=_clean(rr["national"]) if rr is not None else None,
            rule_reference=_clean(rr["reference"]) if rr is not None else None,
            rule_source=str(rr["source"]) if rr is not None else "",
        ))
    groups.sort(key=lambda g: (_kind_sort(g.kind), g.form))
    info = _INDICATOR_INFO.get(indicator, (indicator, "", False))
    name = ind_def.name if ind_def else info[0]
    unit = ind_def.unit if ind_def else info[1]
    return Benchmark(region, int(year), indicator, name, unit, False, groups, int(len(national)), m)


def _kind_sort(kind: str):
    digits = "".join(ch for ch in kind if ch.isdigit())
    return (int(digits) if digits else 999, kind)


#: names of the computed indicators when the methodology does not use one
_INDICATOR_INFO = {
    "cost_per_fte": ("Náklady na úvazek v přímé péči", "Kč/úvazek/rok", False),
    "cost_per_bed_day": ("Náklady na lůžkoden", "Kč/lůžkoden", False),
    "direct_care_share": ("Podíl úvazků v přímé péči", "podíl", False),
    "fte_per_capacity": ("Úvazky v přímé péči na lůžko", "úvazků/lůžko", False),
    "occupancy": ("Obložnost", "podíl", False),
    "clients_per_fte": ("Počet klientů na úvazek v přímé péči", "klientů/úvazek", False),
    "contacts_per_fte": ("Počet kontaktů na úvazek v přímé péči", "kontaktů/úvazek", False),
    "interventions_per_fte": ("Počet intervencí na úvazek v přímé péči", "intervencí/úvazek", False),
    "other_sources_share": ("Podíl jiných zdrojů na rozpočtu", "podíl", False),
}


def indicator_label(code: str) -> str:
    return _INDICATOR_INFO.get(code, (code,))[0]


@dataclass
class StandingRow:
    indicator: str
    name: str
    unit: str
    standing: bench.Standing


def service_standing(service, year: int) -> list[StandingRow]:
    """'Where my service stands': per computed indicator, the service's value among services of the same kind
    and form in its kraj — aggregates only (Q1, median, Q3, percentile), never another provider's identity or
    value; nothing is disclosed with fewer than 5 comparable services. Only the indicators that count in the
    service's score (by the kraj's methodology for the year; without one: those meaningful for the form).
    The caller checks ``may_see_service_results``."""
    if not service.region_id:
        return []
    inputs = input_frame(service.region_id, year)
    frame = _indicator_frame(inputs, year)
    if service.pk not in set(frame["service_id"].tolist()):
        return []
    row = frame.loc[frame["service_id"] == service.pk].iloc[0]
    kind, form = str(row["kind"]), str(row["form"])
    m = methodology_for(service.region_id, year)
    em = methodology_to_engine(m) if m else None
    out = []
    for code in BENCHMARK_INDICATORS:
        if not _applies(em, code, kind, form):
            continue
        st = bench.where_my_service_stands(frame, service.pk, code, min_peers=MIN_PEERS, label=indicator_label(code))
        out.append(StandingRow(code, indicator_label(code), _INDICATOR_INFO[code][1], st))
    return out


#: indicators that mean something only for residential services (beds, bed-days)
RESIDENTIAL_ONLY = ("cost_per_bed_day", "occupancy", "fte_per_capacity")


def _applies(em: engine.Methodology | None, code: str, kind: str, form: str) -> bool:
    """Does the indicator count for services of this kind and form (by the methodology, if it knows them)?"""
    if em is not None and em.group_of(kind, form or None) is not None:
        try:
            return em.scale_for(em.indicator(code), kind, form or None) is not None
        except KeyError:
            pass
    return form == "pob" or code not in RESIDENTIAL_ONLY


# --- explanations as JSON-ready rows (stored with a run, served by the API) ----------------------------------

def _clean_float(x):
    x = float(x)
    return None if math.isnan(x) or math.isinf(x) else x


def breakdown_rows(explanation: engine.Explanation) -> list[dict]:
    """JSON-ready rows of an explanation (NaN → None)."""
    out = []
    for r in explanation.rows:
        out.append({
            "criterion": r.criterion, "criterion_name": r.criterion_name,
            "criterion_weight": _clean_float(r.criterion_weight),
            "indicator": r.indicator, "indicator_name": r.indicator_name, "unit": r.unit,
            "value": _clean_float(r.value), "reference": _clean_float(r.reference), "relative": r.relative,
            "compared": _clean_float(r.compared), "scale": r.scale, "points": _clean_float(r.points),
            "max_points": _clean_float(r.max_points), "weight": _clean_float(r.weight),
            "contribution": _clean_float(r.contribution), "missing": r.missing,
            "missing_inputs": list(r.missing_inputs),
        })
    return out
