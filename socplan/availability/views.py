"""Availability pages: coverage and need (table, choropleth, ranking, RAG), accessibility (2SFCA / E2SFCA),
scenarios (create, compare, save, share), 'where to add capacity' (background job), the region's parameters
and travel-time matrices. Thin: read the request, call one selector or service, render.

Write pages are marked and guarded with `scoped_view(Model, action)` and load their object with
`get_scoped_object` (socplan/accounts/permissions.py): anonymous users go to the login page, users without a
role that may write the model get 403 up front, an object the user may not see answers 404 and one the user
sees but may not change 403 — before any form is processed, so a denied write changes nothing. The
authorization-matrix test (tests/accounts/test_matrix.py) finds these pages by the marker."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from socplan.accounts import generic
from socplan.accounts.history import history_rows
from socplan.accounts.permissions import get_scoped_object, scoped_view
from socplan.accounts.scope import can, can_any, require
from socplan.core.job_views import visible_jobs
from socplan.core.models import Job
from socplan.core.services import StaleEdit
from socplan.registry.models import ServiceKind
from socplan.territory.models import Level, Region

from . import adapter, maps, selectors, services
from .forms import (
    AnalysisForm,
    CoverageTargetForm,
    PlacementForm,
    PopulationProjectionForm,
    ScenarioForm,
    TravelTimeMatrixForm,
    UtilisationRateForm,
)
from .models import CoverageTarget, PopulationProjection, Scenario, TravelTimeMatrix, UtilisationRate
from .tables import ScenarioTable

LEVEL_LABELS = {Level.MUNICIPALITY: gettext_lazy("obec"), Level.ORP: "ORP", Level.DISTRICT: gettext_lazy("okres"),
                Level.REGION: gettext_lazy("kraj")}
UNIT_URLS = {Level.MUNICIPALITY: "territory:municipality", Level.ORP: "territory:orp",
             Level.DISTRICT: "territory:district", Level.REGION: "territory:region"}


# --- request parameters -------------------------------------------------------------------------------------------

class Params:
    """The analysis choice from the query string, with defaults (the user's kraj, DpS, the latest target year)."""

    def __init__(self, request):
        get = request.GET
        code = get.get("region")
        self.region = (Region.objects.filter(code=code).first() if code else None) or selectors.default_region(
            request.user)
        if self.region is None:
            raise Http404(_("Území není načteno."))
        self.kind = ServiceKind.objects.filter(code=get.get("kind") or "49").first() or ServiceKind.objects.first()
        if self.kind is None:
            raise Http404(_("Číselník druhů služeb není načten."))
        self.year = _int(get.get("year")) or selectors.default_year(self.region)
        self.level = get.get("level") if get.get("level") in selectors.LEVELS else Level.ORP
        self.method = get.get("method") if get.get("method") in adapter.METHODS else "2sfca"
        self.radius = min(max(_float(get.get("radius_km")) or 30.0, 1.0), 100.0)

    def query(self, **over) -> str:
        from urllib.parse import urlencode

        data = {"region": self.region.code, "kind": self.kind.code, "year": self.year, "level": self.level,
                "method": self.method, "radius_km": f"{self.radius:g}"}
        data.update(over)
        return urlencode(data)

    def form(self) -> AnalysisForm:
        radius = int(self.radius) if float(self.radius).is_integer() else self.radius
        return AnalysisForm(initial={"region": self.region, "kind": self.kind, "year": self.year,
                                     "level": self.level, "method": self.method, "radius_km": radius})


def _int(x):
    try:
        return int(x)
    except (TypeError, ValueError):
        return None


def _float(x):
    try:
        return float(str(x).replace(",", "."))
    except (TypeError, ValueError):
        return None


def _unit_url(level):
    name = UNIT_URLS[level]
    return lambda code: reverse(name, args=[code])


def _obec_names(region) -> dict[str, str]:
    from socplan.territory.models import Municipality

    return dict(Municipality.objects.filter(region=region).values_list("code", "name"))


def _markers(sup) -> list[dict]:
    return [
        {"lat": float(la), "lon": float(lo), "capacity": float(c), "label": f"{n}: {c:g}"}
        for n, la, lo, c in zip(sup.p_name, sup.p_lat, sup.p_lon, sup.p_capacity, strict=True)
    ]


# --- index --------------------------------------------------------------------------------------------------------

@login_required
def index(request):
    p = Params(request)
    return render(request, "availability/index.html", {
        "p": p, "form": p.form(),
        "targets": selectors.targets(p.region, p.year),
        "scenarios": selectors.scenario_list(request.user)[:10],
        "jobs": Job.objects.filter(kind=services.PLACEMENT_JOB, created_by=request.user)[:5],
    })


# --- coverage and need --------------------------------------------------------------------------------------------

@login_required
def coverage(request):
    p = Params(request)
    report = selectors.coverage_report(region=p.region, kind=p.kind, year=p.year, level=p.level)
    values = {r.code: r.per_1000 for r in report.rows}
    names = {r.code: r.name for r in report.rows}
    map_data = maps.choropleth(level=p.level, scope=p.region.code, values=values, names=names,
                               url=_unit_url(p.level), markers=_markers(report.supply),
                               title=_("Kapacita na 1 000 obyvatel"), version=report.data_version,
                               unit=_("%(unit)s na 1 000 obyvatel ve věku %(band)s") % {
                                   "unit": report.unit.name if report.unit else _("jednotky kapacity"),
                                   "band": report.band_label})
    ranking = sorted(report.orp_rows, key=lambda r: -(r.gap if r.gap is not None else float("-inf")))
    bars = maps.bars([{"label": r.name, "value": r.gap, "code": r.code} for r in ranking])
    sup, obec_names = report.supply, _obec_names(p.region)
    report_facilities = [(n, obec_names.get(o, o), c) for n, o, c in zip(sup.p_name, sup.p_obec, sup.p_capacity,
                                                                          strict=True)]
    report_facilities += [(f"{n} ({_('terénní')})", obec_names.get(o, o), c)
                          for n, o, c in zip(sup.f_name, sup.f_obec, sup.f_capacity, strict=True)]
    return render(request, "availability/coverage.html", {
        "report_facilities": sorted(report_facilities, key=lambda r: (r[1] or "", r[0])),
        "own_rows": _own_orp_rows(request.user, report),
        "p": p, "form": p.form(), "report": report, "map": map_data, "bars": bars,
        "level_label": LEVEL_LABELS[p.level], "access_query": p.query(level=Level.MUNICIPALITY),
        "parameter_years": selectors.parameter_years(p.region, p.kind) if report.target is None else [],
    })


def _own_orp_rows(user, report) -> list:
    """The ORP rows of the user's own okres or ORP (district teams, ORP coordinators), for the 'at a glance' box."""
    from socplan.accounts.scope import grants
    from socplan.territory.models import Orp

    orp_ids = {g.orp_id for g in grants(user) if g.orp_id}
    district_ids = {g.district_id for g in grants(user) if g.district_id and not g.orp_id}
    if not orp_ids and not district_ids:
        return []
    codes = set(Orp.objects.filter(Q(pk__in=orp_ids) | Q(district_id__in=district_ids)
                                   | Q(municipalities__district_id__in=district_ids))
                .values_list("code", flat=True))
    return [r for r in report.orp_rows if r.code in codes]


# --- accessibility ------------------------------------------------------------------------------------------------

@login_required
def accessibility(request):
    p = Params(request)
    matrix = None
    if request.GET.get("matrix"):
        matrix = get_object_or_404(selectors.matrices(request.user), pk=_int(request.GET["matrix"]))
    try:
        res = selectors.accessibility(scope=p.region.code, kind_code=p.kind.code, year=p.year, method=p.method,
                                      radius=p.radius, matrix=matrix)
    except ValueError as exc:
        messages.error(request, str(exc))
        return redirect(reverse("availability:index") + "?" + p.query())
    values = {c: v * 1000 for c, v in zip(res.frame.codes, res.values, strict=True)}
    names = dict(zip(res.frame.codes, res.frame.names, strict=True))
    map_data = maps.choropleth(level=Level.MUNICIPALITY, scope=p.region.code, values=values, names=names,
                               url=_unit_url(Level.MUNICIPALITY), markers=_markers(res.supply),
                               title=_("Dostupnost na 1 000 obyvatel skupiny"), decimals=2,
                               version=res.data_version, unit=_("jednotek kapacity na 1 000 obyvatel skupiny"))
    obce = [{"code": c, "name": n, "orp": res.frame.unit_names[Level.ORP].get(o), "population": pop,
             "value": v * 1000}
            for c, n, o, pop, v in zip(res.frame.codes, res.frame.names, res.frame.orp, res.demand.population,
                                       res.values, strict=True)]
    obce.sort(key=lambda r: r["value"])
    return render(request, "availability/accessibility.html", {
        "p": p, "form": p.form(), "res": res, "map": map_data, "orps": res.per_unit(Level.ORP),
        "obce": obce, "band_label": selectors.band_label(res.band), "field_parts": len(res.supply.f_id),
        "matrices": selectors.matrices(request.user).filter(Q(region=p.region) | Q(region__isnull=True)),
        "matrix": matrix, "json_url": reverse("availability-api-accessibility") + "?" + p.query(),
    })


# --- scenarios ----------------------------------------------------------------------------------------------------

class ScenarioList(generic.ObjectListView):
    """The scenarios the user may see (their own, the kraj's, those shared with their okres); kraj staff may
    delete several at once."""

    model = Scenario
    table = ScenarioTable
    title = gettext_lazy("Scénáře dostupnosti")
    add_url_name = "availability:scenario_create"
    template_name = "availability/scenario_list.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        return selectors.scenario_list(self.request.user)

    @property
    def bulk_actions(self):
        if can_any(self.request.user, "delete", Scenario):
            return (("availability:scenario_bulk_delete", _("Smazat vybrané scénáře")),)
        return ()


class ScenarioBulkDelete(generic.BulkActionView):
    """Delete the ticked scenarios the user may delete (the kraj's staff); the others are listed, not touched."""

    model = Scenario
    scope_action = "delete"
    action_label = gettext_lazy("Smazat vybrané scénáře")
    success_url_name = "availability:scenario_list"

    def get_queryset(self):
        return selectors.scenario_list(self.request.user)

    def perform(self, obj) -> None:
        services.scenario_delete(actor=self.request.user, scenario=obj)


def _scenario(request, pk) -> Scenario:
    return get_object_or_404(selectors.scenario_list(request.user), pk=pk)


def _scenario_for(request, pk, action: str) -> Scenario:
    """The scenario for a write page: 404 if the user may not see it, 403 if they may not `action` it.

    Visibility is the scope layer's plus the author's own scenarios (selectors.scenario_list); an author who
    may no longer change the scenario by their role gets 403, not 404 (they do see it)."""
    qs = Scenario.objects.select_related("owner", "region", "kind", "shared_with")
    try:
        return get_scoped_object(request, qs, action, pk=pk)
    except Http404:
        if selectors.scenario_list(request.user).filter(pk=pk).exists():
            raise PermissionDenied from None
        raise


@scoped_view(Scenario, "change")
def scenario_create(request):
    region = selectors.default_region(request.user)
    code = request.GET.get("region") or request.POST.get("region_code")
    if code:
        region = get_object_or_404(Region, code=code)
    initial = {"kind": ServiceKind.objects.filter(code=request.GET.get("kind") or "49").first(),
               "year": _int(request.GET.get("year")) or selectors.default_year(region), "radius_km": 30}
    form = ScenarioForm(request.POST or None, region=region, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            scenario = services.scenario_create(actor=request.user, data={
                **form.model_data(), "region": region, "changes": form.changes()})
        except PermissionDenied:
            raise
        except ValidationError as exc:
            for msg in exc.messages:
                form.add_error(None, msg)
        else:
            messages.success(request, _("Scénář byl uložen a přepočítán."))
            return redirect("availability:scenario_detail", pk=scenario.pk)
    return render(request, "availability/scenario_form.html", {"form": form, "region": region, "scenario": None})


@scoped_view(Scenario, "change")
def scenario_edit(request, pk):
    scenario = _scenario_for(request, pk, "change")
    form = ScenarioForm(request.POST or None, instance=scenario, region=scenario.region)
    if request.method == "POST" and form.is_valid():
        try:
            services.scenario_update(actor=request.user, scenario=Scenario.objects.get(pk=scenario.pk),
                                     data={**form.model_data(), "changes": form.changes()},
                                     expected_version=form.cleaned_data.get("expected_version"))
        except StaleEdit as exc:
            form._report_stale(exc)
        except ValidationError as exc:
            for msg in exc.messages:
                form.add_error(None, msg)
        else:
            messages.success(request, _("Scénář byl uložen a přepočítán."))
            return redirect("availability:scenario_detail", pk=scenario.pk)
    return render(request, "availability/scenario_form.html", {"form": form, "region": scenario.region,
                                                               "scenario": scenario})


@login_required
def scenario_detail(request, pk):
    scenario = _scenario(request, pk)
    res = scenario.results or {}
    map_data = None
    stale = bool(res) and res.get("data_version") != adapter.data_version()
    if res:
        base = res.get("access_obce_base", {})
        new = res.get("access_obce", {})
        delta = {c: (new[c] - base[c]) if new.get(c) is not None and base.get(c) is not None else None for c in base}
        finite = [abs(v) for v in delta.values() if v]
        m = max(finite) if finite else 1.0
        # classes: strong loss, loss, no change, gain, strong gain (bounds relative to the largest change)
        breaks = [-m * 0.6, -m * 1e-9, m * 1e-9, m * 0.6, m] if finite else []
        from socplan.territory.models import Municipality

        names = dict(Municipality.objects.filter(region=scenario.region).values_list("code", "name"))
        map_data = maps.choropleth(level=Level.MUNICIPALITY, scope=scenario.region.code, values=delta, names=names,
                                   colours=maps.DIVERGING, breaks=breaks, decimals=3,
                                   title=_("Změna dostupnosti na 1 000 obyvatel"),
                                   unit=_("změna jednotek kapacity na 1 000 obyvatel"))
        if map_data and breaks:
            b = [maps.format_value(x, 3) for x in (-m, -0.6 * m, 0.6 * m, m)]
            labels = [_("pokles o více než %(x)s") % {"x": b[2]}, _("pokles do %(x)s") % {"x": b[2]},
                      _("beze změny"), _("zlepšení do %(x)s") % {"x": b[2]},
                      _("zlepšení o %(a)s až %(b)s") % {"a": b[2], "b": b[3]}]
            maps.relabel(map_data, labels)
    return render(request, "availability/scenario_detail.html", {
        "scenario": scenario, "res": res, "map": map_data, "stale": stale,
        "may_edit": can(request.user, "change", scenario),
        "may_delete": can(request.user, "delete", scenario),
        "history_rows": history_rows(scenario, user=request.user),
    })


@login_required
@require_POST
def scenario_recompute(request, pk):
    scenario = _scenario(request, pk)
    services.scenario_compute(actor=request.user, scenario=scenario)
    messages.success(request, _("Scénář byl přepočítán s aktuálními daty."))
    return redirect("availability:scenario_detail", pk=scenario.pk)


class ScenarioDelete(generic.ObjectDeleteView):
    """GET: confirmation; POST: delete (the kraj's staff, `services.scenario_delete`)."""

    model = Scenario
    success_url_name = "availability:scenario_list"

    def get_object(self, queryset=None):
        return _scenario_for(self.request, self.kwargs["pk"], "delete")

    def delete(self, obj) -> None:
        services.scenario_delete(actor=self.request.user, scenario=obj)


# --- where to add capacity ----------------------------------------------------------------------------------------

@login_required
def placement_create(request):
    region = selectors.default_region(request.user)
    if request.GET.get("region"):
        region = get_object_or_404(Region, code=request.GET["region"])
    if request.POST.get("region"):
        region = get_object_or_404(Region, code=request.POST["region"])
    initial = {"kind": ServiceKind.objects.filter(code=request.GET.get("kind") or "49").first(),
               "year": selectors.default_year(region)}
    form = PlacementForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            job = services.placement_enqueue(actor=request.user, region=region, kind=d["kind"], k=d["k"],
                                             radius_km=d["radius_km"], year=d["year"])
        except ValidationError as exc:
            for msg in exc.messages:
                form.add_error(None, msg)
        else:
            messages.success(request, _("Výpočet byl zařazen do fronty úloh."))
            return redirect("availability:placement_detail", pk=job.pk)
    jobs = visible_jobs(request.user, Job.objects.filter(kind=services.PLACEMENT_JOB))
    return render(request, "availability/placement_form.html", {"form": form, "region": region, "jobs": jobs[:20]})


@login_required
def placement_detail(request, pk):
    jobs = visible_jobs(request.user, Job.objects.filter(kind=services.PLACEMENT_JOB))
    job = get_object_or_404(jobs, pk=pk)
    result = job.result if job.status == Job.Status.DONE else None
    map_data = None
    if result and result.get("selected") is not None:
        from socplan.territory.models import Municipality

        region_code = result["region"]
        names = dict(Municipality.objects.filter(region__code=region_code).values_list("code", "name"))
        state = {c: 0.0 for c in names}
        for c in result.get("covered_before", []):
            state[c] = 1.0
        for c in result.get("newly_covered", []):
            state[c] = 2.0
        labels = {0.0: _("nepokryto"), 1.0: _("pokryto dnes"), 2.0: _("nově pokryto")}
        map_data = maps.choropleth(
            level=Level.MUNICIPALITY, scope=region_code, values=state, names=names,
            colours=["#fee0d2", "#c6dbef", "#31a354"], breaks=[0.0, 1.0, 2.0],
            markers=[{"lat": s["lat"], "lon": s["lon"], "capacity": 40, "label": s["name"]}
                     for s in result["selected"]],
            title=_("Navržené obce"), fmt_value=lambda v: labels.get(v, "—"), marker_label=_("navržená obec"),
        )
        maps.relabel(map_data, list(labels.values()))
    kind = ServiceKind.objects.filter(code=(job.params or {}).get("kind")).first()
    return render(request, "availability/placement_detail.html", {"job": job, "result": result, "map": map_data,
                                                                  "kind": kind})


# --- parameters ---------------------------------------------------------------------------------------------------

@login_required
def parameters(request):
    p = Params(request)
    return render(request, "availability/parameters.html", {
        "p": p, "targets": selectors.targets(p.region), "rates": selectors.rates(p.region),
        "projections": selectors.projections(p.region),
        "may_edit": can(request.user, "change", CoverageTarget(region=p.region)),
    })


class _ParameterEdit(generic.ObjectEditView):
    """Create (no pk) or edit a parameter row of a kraj with the locking form; writes through the service."""

    template_name = "availability/parameter_form.html"
    create = update = None  # the service functions
    arg = ""  # the update function's keyword for the row

    def get_queryset(self):
        return super().get_queryset().select_related("region")

    def new_object(self):
        return self.get_model()(region=Params(self.request).region)

    def get_form_kwargs(self) -> dict:
        return {**super().get_form_kwargs(), "region": self.object.region}

    def get_title(self) -> str:
        return str(self.title)

    def save(self, form):
        model = self.get_model()
        if self.object.pk is None:
            return type(self).create(actor=self.request.user, data={**form.model_data(), "region": self.object.region})
        return type(self).update(actor=self.request.user, **{self.arg: model.objects.get(pk=self.object.pk)},
                                 data=form.model_data(), expected_version=form.cleaned_data.get("expected_version"))

    def get_success_url(self, obj) -> str:
        return reverse("availability:parameters") + f"?region={obj.region.code}"

    def get_extra_context(self) -> dict:
        obj = self.object if self.object.pk else None
        return {"region": self.object.region, "obj": obj,
                "history_rows": history_rows(obj, user=self.request.user) if obj else []}


class TargetEdit(_ParameterEdit):
    model = CoverageTarget
    form_class = CoverageTargetForm
    create, update, arg = services.coverage_target_create, services.coverage_target_update, "target"
    title = gettext_lazy("cílová hodnota pokrytí")


class RateEdit(_ParameterEdit):
    model = UtilisationRate
    form_class = UtilisationRateForm
    create, update, arg = services.utilisation_rate_create, services.utilisation_rate_update, "rate"
    title = gettext_lazy("míra využití")


class ProjectionEdit(_ParameterEdit):
    model = PopulationProjection
    form_class = PopulationProjectionForm
    create, update = services.population_projection_create, services.population_projection_update
    arg = "projection"
    title = gettext_lazy("projekce obyvatel")


# --- travel-time matrices -----------------------------------------------------------------------------------------

@login_required
def matrix_list(request):
    region = selectors.default_region(request.user)
    return render(request, "availability/matrix_list.html", {
        "matrices": selectors.matrices(request.user), "region": region,
        "may_create": can(request.user, "change", TravelTimeMatrix(region=region)),
    })


@scoped_view(TravelTimeMatrix, "change")
def matrix_create(request):
    region = selectors.default_region(request.user)
    require(request.user, "change", TravelTimeMatrix(region=region))
    form = TravelTimeMatrixForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            matrix = services.travel_time_matrix_import(
                actor=request.user, name=d["name"], content=d["file"].read(),
                region=None if d["whole_country"] else region, source=d["source"])
        except ValidationError as exc:
            for msg in exc.messages:
                form.add_error(None, msg)
        else:
            messages.success(request, _("Matice načtena: %(n)s dvojic obcí.") % {"n": matrix.n_pairs})
            return redirect("availability:matrix_list")
    return render(request, "availability/matrix_form.html", {"form": form, "region": region})
