"""Pages of the evaluation module: methodology (list, detail, print, editor), results, a service's breakdown,
assessments, benchmarking and "where my service stands". Thin: gather input, call a service/selector, render.

Access: the methodology is public; editing it is for region staff of its kraj (approving: with the right to
approve). Results, breakdowns, assessments and benchmarking are private: region staff of the kraj see all
services, provider users only their own (others get 404, so existence is not revealed).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from socplan.accounts import generic
from socplan.accounts.models import REGION_ROLES
from socplan.accounts.permissions import get_scoped_object, scoped_view
from socplan.accounts.scope import can, grants
from socplan.core.jobs import job_enqueue
from socplan.core.services import StaleEdit
from socplan.core.years import working_year
from socplan.registry.models import Service
from socplan.territory.models import Region

from . import charts, engine, selectors, services
from .conversion import methodology_to_engine
from .filters import MethodologyFilter
from .forms import (
    VERSION,
    AssessmentForm,
    CopyForm,
    MethodologyCreateForm,
    NewScaleForm,
    ReferenceForm,
    ScaleForm,
    ThresholdsForm,
    WeightsForm,
)
from .models import Assessment, Criterion, EvaluationRun, Indicator, Methodology, Scale
from .tables import MethodologyTable
from .xlsx import results_workbook

SORT_KEYS = {
    "name": lambda r: (r.name.lower(), r.service_id),
    "provider": lambda r: (r.provider_name.lower(), r.name.lower()),
    "kind": lambda r: (selectors._kind_sort(r.kind), r.form, r.rank),
    "score": lambda r: (r.score, r.service_id),
    "rank": lambda r: (selectors._kind_sort(r.kind), r.rank, r.service_id),
    "threshold": lambda r: (r.meets_threshold, r.score - r.threshold),
    "missing": lambda r: (len(r.missing), r.service_id),
}


def _errors(exc: ValidationError) -> list[str]:
    return list(exc.messages)


def _staff_regions(user):
    if not user.is_authenticated:
        return Region.objects.none()
    if user.is_superuser:
        return Region.objects.filter(services__isnull=False).distinct().order_by("name")
    ids = [g.region_id for g in grants(user) if g.role in REGION_ROLES]
    return Region.objects.filter(pk__in=ids).order_by("name")


def _region_or_404(code: str) -> Region:
    return get_object_or_404(Region, code=code)


def _registry_url(service) -> str | None:
    for name in ("registry:service_detail", "registry:service"):
        try:
            return reverse(name, args=[service.pk])
        except NoReverseMatch:
            continue
    return None


# --- overview ----------------------------------------------------------------------------------------------------

def index(request):
    user = request.user
    staff_regions = list(_staff_regions(user))
    years = (Methodology.objects.values("region__code", "region__name", "year")
             .annotate(n=Count("pk")).order_by("region__name", "-year"))
    runs = {}
    for run in EvaluationRun.objects.filter(region__in=staff_regions).order_by("region_id", "year", "-created_at"):
        runs.setdefault((run.region_id, run.year), run)
    own_services = []
    provider_ids = selectors.provider_ids_of(user) if user.is_authenticated else set()
    if provider_ids:
        own_services = list(Service.objects.filter(provider_id__in=provider_ids).select_related("kind")
                            .order_by("name"))
    years_by_region = {}
    for y in years:
        years_by_region.setdefault(y["region__code"], []).append(y["year"])
    return render(request, "evaluation/index.html", {
        "staff_regions": [{"region": r, "years": years_by_region.get(r.code, []),
                           "runs": [runs[k] for k in sorted(runs) if k[0] == r.pk]} for r in staff_regions],
        "methodology_table": MethodologyTable(list(selectors.methodology_list()[:50]), orderable=False),
        "own_services": own_services,
        "years": sorted({y["year"] for y in years}, reverse=True) or [working_year(request)],
        "can_create": bool(staff_regions),
    })


# --- methodology -------------------------------------------------------------------------------------------------

class MethodologyList(generic.ObjectListView):
    """All methodologies (public): filter by kraj, year and state, Czech sorting, export."""

    queryset = Methodology.objects.select_related("region", "copied_from")
    table = MethodologyTable
    filterset = MethodologyFilter
    title = gettext_lazy("Metodiky hodnocení")
    template_name = "evaluation/methodology_list.html"

    def get_extra_context(self) -> dict:
        return {"can_create": _staff_regions(self.request.user).exists()}


def _methodology(request, pk, action="view") -> Methodology:
    return get_scoped_object(request, Methodology.objects.select_related("region", "copied_from", "approved_by"),
                             action, pk=pk)


def _effective_weights(em: engine.Methodology) -> list[dict]:
    """Per kind group (and kinds with their own applicability): the weight of each indicator (for the page)."""
    seen = {}
    for key in em.kind_groups:
        kind, _sep, form = key.partition(":")
        w = em.weights_for(kind, form or None)
        sig = tuple(round(w[i.code], 6) for i in em.indicators)
        seen.setdefault(sig, []).append(f"§ {kind}" + (f" ({form})" if form else ""))
    rows = []
    for sig, kinds in seen.items():
        rows.append({"kinds": kinds, "weights": dict(zip([i.code for i in em.indicators], sig, strict=True))})
    return rows


def _methodology_context(m: Methodology) -> dict:
    criteria = list(Criterion.objects.filter(methodology=m).order_by("order", "pk"))
    indicators = list(Indicator.objects.filter(methodology=m).select_related("criterion")
                      .prefetch_related("scales", "references").order_by("order", "pk"))
    em = methodology_to_engine(m)
    scale_rows = {}
    for i in indicators:
        ei = em.indicator(i.code)
        scale_rows[i.pk] = [
            {"obj": s, "text": ei.scales[s.key].describe(i.direction) if s.applicable else _("neuplatňuje se")}
            for s in sorted(i.scales.all(), key=lambda s: (s.key != "*", s.key))
        ]
    total = sum(float(c.weight) for c in criteria)
    return {
        "methodology": m, "criteria": criteria, "indicators": indicators, "scale_rows": scale_rows,
        "weight_total": total, "problems": engine.validate_methodology(em),
        "kind_groups": sorted(em.kind_groups.items(), key=lambda kv: selectors._kind_sort(kv[0])),
        "thresholds": sorted(em.thresholds.items(), key=lambda kv: (kv[0] != "*", kv[0])),
        "effective": _effective_weights(em), "engine": em,
    }


def methodology_detail(request, pk):
    m = _methodology(request, pk)
    ctx = _methodology_context(m)
    ctx.update({
        "may_edit": can(request.user, "change", m) and not m.is_approved,
        "may_copy": can(request.user, "change", m),
        "may_approve": can(request.user, "approve", m) and not m.is_approved,
        "copy_form": CopyForm(initial={"year": m.year + 1}),
        "runs": EvaluationRun.objects.filter(methodology=m).order_by("-created_at")[:10]
        if selectors.region_staff_of(request.user, m.region) else [],
    })
    return render(request, "evaluation/methodology_detail.html", ctx)


def methodology_print(request, pk):
    m = _methodology(request, pk)
    return render(request, "evaluation/methodology_print.html", _methodology_context(m))


def _draft_or_403(request, pk) -> Methodology:
    m = _methodology(request, pk, "change")
    if m.is_approved:
        messages.error(request, _("Schválenou metodiku nelze měnit. Vytvořte z ní novou verzi (kopii) a upravte tu."))
        raise _Redirect(reverse("evaluation:methodology_detail", args=[m.pk]))
    return m


class _Redirect(Exception):
    def __init__(self, url):
        self.url = url


def _catch_redirect(view):
    from functools import wraps

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except _Redirect as r:
            return redirect(r.url)

    for attr in ("scope_model", "scope_action", "scoped_write"):
        if hasattr(view, attr):
            setattr(wrapped, attr, getattr(view, attr))
    return wrapped


def _version(request) -> int | None:
    try:
        return int(request.POST.get(VERSION, ""))
    except ValueError:
        return None


@_catch_redirect
@scoped_view(Methodology, "change")
def methodology_edit(request, pk):
    """Weights of the criteria (must sum to 100 %) and shares of the indicators."""
    m = _draft_or_403(request, pk)
    criteria = list(Criterion.objects.filter(methodology=m).order_by("order", "pk"))
    indicators = list(Indicator.objects.filter(methodology=m).order_by("order", "pk"))
    errors = []
    if request.method == "POST":
        form = WeightsForm(request.POST, methodology=m, criteria=criteria, indicators=indicators)
        if form.is_valid():
            try:
                services.methodology_update_weights(actor=request.user, methodology=m, weights=form.weights(),
                                                    shares=form.shares(), expected_version=_version(request))
            except ValidationError as exc:
                errors = _errors(exc)
            else:
                messages.success(request, _("Váhy byly uloženy."))
                return redirect("evaluation:methodology_detail", pk=m.pk)
    else:
        form = WeightsForm(methodology=m, criteria=criteria, indicators=indicators)
    return render(request, "evaluation/methodology_edit.html", {"methodology": m, "form": form, "errors": errors})


@_catch_redirect
@scoped_view(Methodology, "change")
def threshold_edit(request, pk):
    m = _draft_or_403(request, pk)
    errors = []
    if request.method == "POST":
        form = ThresholdsForm(request.POST, methodology=m)
        if form.is_valid():
            try:
                services.methodology_update_thresholds(actor=request.user, methodology=m,
                                                       thresholds=form.thresholds(),
                                                       expected_version=_version(request))
            except ValidationError as exc:
                errors = _errors(exc)
            else:
                messages.success(request, _("Prahy pro síť byly uloženy."))
                return redirect("evaluation:methodology_detail", pk=m.pk)
    else:
        form = ThresholdsForm(methodology=m)
    return render(request, "evaluation/threshold_edit.html", {"methodology": m, "form": form, "errors": errors})


def indicator_detail(request, pk, ind):
    m = _methodology(request, pk)
    indicator = get_object_or_404(Indicator.objects.select_related("criterion"), methodology=m, pk=ind)
    em = methodology_to_engine(m)
    ei = em.indicator(indicator.code)
    scales = [{"obj": s, "text": ei.scales[s.key].describe(indicator.direction) if s.applicable
               else _("neuplatňuje se")}
              for s in sorted(indicator.scales.all(), key=lambda s: (s.key != "*", s.key))]
    return render(request, "evaluation/indicator_detail.html", {
        "methodology": m, "indicator": indicator, "scales": scales,
        "references": indicator.references.order_by("key"),
        "may_edit": can(request.user, "change", m) and not m.is_approved,
        "new_scale_form": NewScaleForm(),
    })


@_catch_redirect
@scoped_view(Methodology, "change")
def scale_edit(request, pk, scale):
    m = _draft_or_403(request, pk)
    obj = get_object_or_404(Scale.objects.select_related("indicator"), pk=scale, indicator__methodology=m)
    ind = obj.indicator
    errors = []
    if request.method == "POST":
        form = ScaleForm(request.POST, scale=obj, direction=ind.direction, version=m.version)
        if form.is_valid():
            try:
                services.scale_update(actor=request.user, scale=obj, applicable=form.cleaned_data["applicable"],
                                      thresholds=form.cleaned_data["thresholds"],
                                      points=form.cleaned_data["points"], expected_version=_version(request))
            except ValidationError as exc:
                errors = _errors(exc)
            else:
                messages.success(request, _("Stupnice byla uložena."))
                return redirect("evaluation:indicator_detail", pk=m.pk, ind=ind.pk)
    else:
        form = ScaleForm(scale=obj, direction=ind.direction, version=m.version)
    return render(request, "evaluation/scale_edit.html", {
        "methodology": m, "indicator": ind, "scale": obj, "form": form, "errors": errors,
        "max_points": m.max_points,
    })


@_catch_redirect
@scoped_view(Methodology, "change")
@require_POST
def scale_create(request, pk, ind):
    m = _draft_or_403(request, pk)
    indicator = get_object_or_404(Indicator, methodology=m, pk=ind)
    form = NewScaleForm(request.POST)
    if form.is_valid():
        try:
            scale = services.scale_create(actor=request.user, indicator=indicator, key=form.cleaned_data["key"],
                                          expected_version=m.version)
        except ValidationError as exc:
            for e in _errors(exc):
                messages.error(request, e)
        else:
            return redirect("evaluation:scale_edit", pk=m.pk, scale=scale.pk)
    return redirect("evaluation:indicator_detail", pk=m.pk, ind=indicator.pk)


@_catch_redirect
@scoped_view(Methodology, "change")
def reference_edit(request, pk, ind):
    m = _draft_or_403(request, pk)
    indicator = get_object_or_404(Indicator, methodology=m, pk=ind)
    errors = []
    if request.method == "POST":
        form = ReferenceForm(request.POST, indicator=indicator, methodology=m)
        if form.is_valid():
            try:
                services.references_update(actor=request.user, indicator=indicator, changes=dict(form.changes()),
                                           expected_version=_version(request))
            except ValidationError as exc:
                errors = _errors(exc)
            else:
                messages.success(request, _("Referenční hodnoty byly uloženy."))
                return redirect("evaluation:indicator_detail", pk=m.pk, ind=indicator.pk)
    else:
        form = ReferenceForm(indicator=indicator, methodology=m)
    return render(request, "evaluation/reference_edit.html", {
        "methodology": m, "indicator": indicator, "form": form, "errors": errors,
    })


@scoped_view(Methodology, "change")
def methodology_create(request):
    regions = _staff_regions(request.user)
    if request.method == "POST":
        form = MethodologyCreateForm(request.POST, regions=regions)
        if form.is_valid():
            try:
                m = services.methodology_create_default(actor=request.user, region=form.cleaned_data["region"],
                                                        year=form.cleaned_data["year"])
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Metodika byla vytvořena podle výchozího nastavení JMK 2014."))
                return redirect("evaluation:methodology_detail", pk=m.pk)
    else:
        form = MethodologyCreateForm(regions=regions, initial={"year": working_year(request)})
    return render(request, "evaluation/methodology_create.html", {"form": form})


@scoped_view(Methodology, "change")
@require_POST
def methodology_copy_create(request, pk):
    m = _methodology(request, pk, "change")
    form = CopyForm(request.POST)
    if not form.is_valid():
        for e in form.errors.get("year", []):
            messages.error(request, e)
        return redirect("evaluation:methodology_detail", pk=m.pk)
    try:
        new = services.methodology_copy_to_year(actor=request.user, methodology=m, year=form.cleaned_data["year"])
    except ValidationError as exc:
        for e in _errors(exc):
            messages.error(request, e)
        return redirect("evaluation:methodology_detail", pk=m.pk)
    messages.success(request, _("Vznikl návrh metodiky pro rok %(year)s (verze %(rev)s).")
                     % {"year": new.year, "rev": new.revision})
    return redirect("evaluation:methodology_detail", pk=new.pk)


@scoped_view(Methodology, "approve")
@require_POST
def methodology_approve(request, pk):
    m = _methodology(request, pk, "approve")
    try:
        services.methodology_approve(actor=request.user, methodology=m, expected_version=_version(request))
    except (ValidationError, StaleEdit) as exc:
        for e in _errors(exc):
            messages.error(request, e)
    else:
        messages.success(request, _("Metodika byla schválena."))
    return redirect("evaluation:methodology_detail", pk=m.pk)


# --- results -------------------------------------------------------------------------------------------------------

@login_required
def results(request, region, year):
    region = _region_or_404(region)
    res = selectors.results_for_user(request.user, region, year)
    if res is None:
        raise Http404(_("Pro kraj a rok není metodika hodnocení."))
    rows = res.rows
    kinds = sorted({r.kind for r in rows}, key=selectors._kind_sort)
    kind = request.GET.get("druh", "")
    if kind:
        rows = [r for r in rows if r.kind == kind]
    if request.GET.get("pod_prahem"):
        rows = [r for r in rows if not r.meets_threshold]
    sort = request.GET.get("sort", "rank")
    if sort not in SORT_KEYS:
        sort = "rank"
    desc = request.GET.get("dir", "asc" if sort not in ("score",) else "desc") == "desc"
    rows = sorted(rows, key=SORT_KEYS[sort], reverse=desc)
    pattern = reverse("evaluation:service_breakdown", args=[987654321, year])
    for r in rows:
        r.url = pattern.replace("987654321", str(r.service_id))
    staff = selectors.region_staff_of(request.user, region)
    base = {k: v for k, v in request.GET.items() if k not in ("sort", "dir")}
    from urllib.parse import urlencode

    headers = []
    for key, label in (("name", _("Služba")), ("provider", _("Poskytovatel")), ("kind", _("Druh")),
                       ("score", _("Body")), ("rank", _("Pořadí")), ("threshold", _("Práh")),
                       ("missing", _("Chybí údaje"))):
        new_dir = "asc" if (sort == key and desc) else "desc" if sort == key else (
            "desc" if key == "score" else "asc")
        headers.append({"key": key, "label": label, "active": sort == key, "desc": desc,
                        "url": "?" + urlencode({**base, "sort": key, "dir": new_dir})})
    return render(request, "evaluation/results.html", {
        "res": res, "rows": rows, "kinds": kinds, "kind": kind, "headers": headers, "staff": staff,
        "below_only": bool(request.GET.get("pod_prahem")), "sort": sort, "desc": desc,
        "may_run": staff and can(request.user, "change", EvaluationRun(region=region, year=year)),
        "n_meeting": sum(1 for r in res.rows if r.meets_threshold),
        "xlsx_url": reverse("evaluation:results_xlsx", args=[region.code, year]),
    })


@login_required
def results_xlsx(request, region, year):
    region = _region_or_404(region)
    res = selectors.results_for_user(request.user, region, year, with_breakdown=True)
    if res is None:
        raise Http404
    data = results_workbook(res, show_skipped=selectors.region_staff_of(request.user, region))
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="hodnoceni-{region.code}-{year}.xlsx"'
    return response


@scoped_view(EvaluationRun, "change")
@require_POST
def run_create(request, region, year):
    region = _region_or_404(region)
    if not can(request.user, "change", EvaluationRun(region=region, year=year)):
        raise PermissionDenied
    if request.POST.get("background"):
        job = job_enqueue(actor=request.user, kind="evaluation_run",
                          params={"region": region.code, "year": int(year), "actor_id": request.user.pk})
        messages.info(request, _("Výpočet hodnocení běží na pozadí."))
        return redirect("core:job_detail", pk=job.pk)
    try:
        run = services.evaluation_run(actor=request.user, region=region, year=int(year))
    except ValidationError as exc:
        for e in _errors(exc):
            messages.error(request, e)
    except engine.MethodologyError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Hodnocení bylo vypočteno a uloženo: %(n)s služeb, práh splňuje %(m)s.")
                         % {"n": run.n_services, "m": run.n_meeting})
    return redirect("evaluation:results", region=region.code, year=year)


# --- one service ----------------------------------------------------------------------------------------------------

def _service_for(request, pk) -> Service:
    service = get_object_or_404(Service.objects.select_related("provider", "kind", "region"), pk=pk)
    if not request.user.is_authenticated:
        raise _Redirect(reverse("login") + "?next=" + request.get_full_path())
    if not selectors.may_see_service_results(request.user, service):
        raise Http404
    return service


@_catch_redirect
def service_breakdown(request, pk, year):
    service = _service_for(request, pk)
    bd = selectors.service_breakdown(service, year)
    assessment = Assessment.objects.filter(service=service, year=year).first()
    staff = selectors.region_staff_of(request.user, service.region_id)
    return render(request, "evaluation/service_breakdown.html", {
        "service": service, "year": year, "bd": bd, "assessment": assessment, "staff": staff,
        "may_assess": staff and can(request.user, "change", Assessment(service=service, year=year)),
        "registry_url": _registry_url(service),
    })


@_catch_redirect
@scoped_view(Assessment, "change")
def assessment_edit(request, pk, year):
    service = _service_for(request, pk)
    instance = Assessment.objects.filter(service=service, year=year).first()
    if not can(request.user, "change", instance or Assessment(service=service, year=year)):
        raise PermissionDenied
    if request.method == "POST":
        form = AssessmentForm(request.POST, instance=instance or Assessment(service=service, year=year))
        if form.is_valid():
            try:
                services.assessment_upsert(actor=request.user, service=service, year=year,
                                           data=form.data_for_service(),
                                           expected_version=form.cleaned_data.get(VERSION))
            except StaleEdit as exc:
                form.add_error(None, exc.message)
            except ValidationError as exc:
                for e in _errors(exc):
                    form.add_error(None, e)
            else:
                messages.success(request, _("Hodnocení služby bylo uloženo. Do uloženého výpočtu se promítne při "
                                            "příštím spuštění hodnocení."))
                return redirect("evaluation:service_breakdown", pk=service.pk, year=year)
    else:
        form = AssessmentForm(instance=instance or Assessment(service=service, year=year))
    return render(request, "evaluation/assessment_edit.html", {
        "service": service, "year": year, "form": form, "assessment": instance,
    })


# --- benchmarking -----------------------------------------------------------------------------------------------------

def _chart_rows_staff(groups):
    rows = []
    for g in groups:
        lo, hi, out = charts.whiskers(g.values, g.lower_fence, g.upper_fence)
        rows.append(charts.BoxRow(
            label=f"§ {g.kind} {g.form} (n = {g.n})", q1=g.q1, median=g.median, q3=g.q3, whisker_low=lo,
            whisker_high=hi, points=[v for v in g.values if v not in out], outliers=out, reference=g.reference,
            national=g.national_median,
        ))
    return rows


@login_required
def benchmark(request, region, year):
    region = _region_or_404(region)
    if not selectors.region_staff_of(request.user, region):
        raise Http404
    indicator = request.GET.get("ukazatel", "cost_per_fte")
    if indicator not in selectors.BENCHMARK_INDICATORS:
        indicator = "cost_per_fte"
    bm = selectors.benchmark(region, year, indicator)
    svg = charts.box_plot_svg(_chart_rows_staff(bm.groups),
                              title=_("%(name)s podle druhu a formy – %(region)s %(year)s")
                              % {"name": bm.indicator_name, "region": region.name, "year": year}, unit=bm.unit)
    return render(request, "evaluation/benchmark.html", {
        "bm": bm, "svg": svg, "region": region, "year": year,
        "indicators": [(c, selectors.indicator_label(c)) for c in selectors.BENCHMARK_INDICATORS],
        "legend": charts.legend_items(points=True, reference=True, national=True, own=False),
    })


@_catch_redirect
def service_standing(request, pk, year):
    service = _service_for(request, pk)
    rows = selectors.service_standing(service, year)
    items = []
    for r in rows:
        st = r.standing
        svg = None
        if st.enough_peers:
            svg = charts.box_plot_svg(
                [charts.BoxRow(label=f"§ {service.kind.code}", q1=st.q1, median=st.median, q3=st.q3, own=st.value)],
                title=r.name, unit=r.unit, row_height=40,
            )
        items.append({"row": r, "st": st, "svg": svg})
    return render(request, "evaluation/service_standing.html", {
        "service": service, "year": year, "items": items, "min_peers": selectors.MIN_PEERS,
        "legend": charts.legend_items(points=False, reference=False, national=False, own=True),
    })

