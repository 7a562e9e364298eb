"""Pages of the finance module (Czech). Thin: gather input, call one service or selector, render.

Access: parameters, the financial chapter and the national view are public (they are part of the published
plan and Pravidla). Optimal support per entry: every territorial role of the kraj sees all entries, a provider
user only its own services. Allocations and the what-if panel: region staff (providers see their own allocated
amounts). Provider reports and settlements are private: region staff of the kraj and the provider itself.
Write pages are marked with ``scoped_view`` so the authorization-matrix test covers them.
"""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from socplan.accounts.decisions import DecisionKind, may_decide, require_decision
from socplan.accounts.history import history_rows
from socplan.accounts.permissions import get_scoped_object, scoped_view
from socplan.accounts.scope import can, can_any
from socplan.core.jobs import job_enqueue
from socplan.core.money import czk, format_czk, format_number
from socplan.core.services import StaleEdit
from socplan.core.years import working_year
from socplan.registry.models import Service
from socplan.territory.models import Region

from . import charts, engine, programme_selectors, selectors, services
from .adapter import frame_cache
from .engine.params import GROUP_LABEL, GROUP_UNIT, UNIT_LABEL, Group
from .forms import (
    VERSION,
    AllocationForm,
    BudgetForm,
    CopyForm,
    CreateForm,
    ParamsEditionForm,
    ParamsForm,
    RateForm,
    ReturnForm,
    SettlementForm,
    UnitReportForm,
    WhatIfForm,
)
from .models import (
    BOUND_LABELS,
    TERM_ORDER,
    AllocationMode,
    AllocationRun,
    BudgetTerm,
    FinanceParams,
    ProgrammeRound,
    ProviderBudget,
    ReportState,
    Settlement,
    UnitReport,
)
from .trace import service_year_links
from .xlsx import chapter_workbook

PAGE_SIZE = 50


def _region_or_404(code: str) -> Region:
    return get_object_or_404(Region.objects.defer("boundary"), code=code)


def _year(value) -> int:
    year = int(value)
    if not 2000 <= year <= 2100:
        raise Http404
    return year


def _errors(exc: ValidationError) -> list[str]:
    return list(exc.messages)


def _require_login(request):
    if not request.user.is_authenticated:
        raise _Login


class _Login(Exception):
    pass


def _login_wrap(view):
    from functools import wraps

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except _Login:
            return redirect_to_login(request.get_full_path())

    for attr in ("scope_model", "scope_action", "scoped_write", "scope_url_model", "scope_url_kwargs"):
        if hasattr(view, attr):
            setattr(wrapped, attr, getattr(view, attr))
    return wrapped


def _version(request) -> int | None:
    try:
        return int(request.POST.get(VERSION, ""))
    except ValueError:
        return None


def _comp_or_404(region, year) -> selectors.Computation:
    comp = selectors.computation(region, year)
    if comp is None:
        raise Http404(_("Pro kraj a rok nejsou parametry financování."))
    return comp


def _default_budget(request, region, year, comp) -> Decimal:
    runs = selectors.latest_runs(request.user, region, year)
    for mode in (AllocationMode.RULES, AllocationMode.OPTIMISE):
        if runs[mode] is not None:
            return runs[mode].budget
    return czk(comp.params.source_shares.get(engine.Source.STATE, Decimal(0))
               * comp.support.totals()["optimised_cost"])


# --- index --------------------------------------------------------------------------------------------------

def index(request):
    user = request.user
    regions = []
    year = working_year(request)
    for r in selectors.staff_regions(user) if user.is_authenticated else []:
        years = selectors.params_years(r)
        regions.append({"region": r, "years": years, "staff": selectors.region_staff(user, r),
                        "may_create": year not in years
                        and can(user, "change", FinanceParams(region=r, year=year))})
    public = (FinanceParams.objects.current().select_related("region").defer("region__boundary")
              .order_by("region__name", "-year"))
    own = selectors.provider_ids(user) if user.is_authenticated else set()
    return render(request, "finance/index.html", {
        "regions": regions, "public": public, "own_provider": bool(own),
        "own_allocations": list(selectors.own_allocations(user)[:100]) if own else [],
        "own_decisions": list(programme_selectors.decisions(user, in_force_only=True)[:100]) if own else [],
        "years": sorted({p.year for p in public}, reverse=True) or [year],
        "working_year": year,
    })


# --- parameters ---------------------------------------------------------------------------------------------

def _params_or_404(region, year) -> FinanceParams:
    p = selectors.params_for(region, year)
    if p is None:
        raise Http404(_("Pro kraj a rok nejsou parametry financování."))
    return p


def _rate_rows(params: FinanceParams, forms=None):
    rows = []
    for rate in params.rates.select_related("kind").order_by("kind__order", "kind__code", "group"):
        g = Group(rate.group)
        rows.append({"rate": rate, "unit": UNIT_LABEL[GROUP_UNIT[g]], "group_label": GROUP_LABEL[g],
                     "form": forms.get(rate.pk) if forms else None})
    return rows


def _params_url(params: FinanceParams) -> str:
    url = reverse("finance:params_detail", args=[params.region.code, params.year])
    return url if params.is_current else f"{url}?vydani={params.edition}"


def params_detail(request, region, year):
    """The newest parameters of the kraj and year, or the edition ``?vydani=N`` (what an approved allocation
    was computed with)."""
    region = _region_or_404(region)
    edition = request.GET.get("vydani", "")
    if edition.isdigit() and len(edition) < 5:
        params = get_object_or_404(FinanceParams.objects.select_related("region", "copied_from")
                                   .defer("region__boundary"), region=region, year=_year(year), edition=int(edition))
    else:
        params = _params_or_404(region, _year(year))
    frozen = services.finance_params_frozen(params)
    may_change = can(request.user, "change", params)
    return render(request, "finance/params_detail.html", {
        "region": region, "params": params, "rates": _rate_rows(params),
        "may_edit": may_change and not frozen, "may_copy": may_change, "frozen": frozen,
        "is_current": params.is_current, "may_new_edition": may_change and frozen and params.is_current,
        "editions": list(FinanceParams.objects.filter(region=region, year=params.year).order_by("-edition")
                         .values_list("edition", flat=True)),
        "approved_runs": list(params.runs.filter(approved_at__isnull=False).order_by("approved_at")),
        "copy_form": CopyForm(initial={"year": params.year + 1}),
        "history": history_rows(params, user=request.user, limit=20),
        "groups": [(g, GROUP_LABEL[g], UNIT_LABEL[GROUP_UNIT[g]], getattr(params, f))
                   for g, f in ((Group(k), v) for k, v in FinanceParams.GROUP_FIELDS.items())],
        "years": selectors.params_years(region),
    })


def _params_kwargs(obj):
    return {"region": obj.region.code, "year": obj.year}


@_login_wrap
@scoped_view(FinanceParams, "change")
def params_edit(request, region, year):
    region = _region_or_404(region)
    params = get_scoped_object(request, FinanceParams.objects.current().filter(region=region), "change",
                               year=_year(year))
    rates = list(params.rates.select_related("kind"))
    errors = []
    if request.method == "POST":
        form = ParamsForm(request.POST, instance=FinanceParams.objects.get(pk=params.pk))
        rate_forms = {r.pk: RateForm(request.POST, instance=r, prefix=f"r{r.pk}") for r in rates}
        if form.is_valid() and all(f.is_valid() for f in rate_forms.values()):
            data = {k: v for k, v in form.cleaned_data.items() if k != VERSION}
            rate_data = {pk: {k: v for k, v in f.cleaned_data.items() if k in f.changed_data}
                         for pk, f in rate_forms.items() if f.has_changed()}
            try:
                services.finance_params_update(actor=request.user, params=params, data=data, rates=rate_data,
                                               expected_version=form.cleaned_data[VERSION])
            except StaleEdit as exc:
                errors = [exc.message] + [f"{c.label}: {c.stored_display} → {c.submitted_display}"
                                          for c in exc.changes]
            except ValidationError as exc:
                errors = _errors(exc)
            else:
                messages.success(request, _("Parametry financování byly uloženy."))
                return redirect("finance:params_detail", region=region.code, year=params.year)
    else:
        form = ParamsForm(instance=params)
        rate_forms = {r.pk: RateForm(instance=r, prefix=f"r{r.pk}") for r in rates}
    return render(request, "finance/params_edit.html", {
        "region": region, "params": params, "form": form, "rates": _rate_rows(params, rate_forms), "errors": errors,
    })


params_edit.scope_url_kwargs = _params_kwargs


@_login_wrap
@scoped_view(FinanceParams, "change")
def params_copy_create(request, region, year):
    region = _region_or_404(region)
    params = get_scoped_object(request, FinanceParams.objects.current().filter(region=region), "change",
                               year=_year(year))
    errors = []
    form = CopyForm(request.POST or None, initial={"year": params.year + 1})
    if request.method == "POST" and form.is_valid():
        try:
            new = services.finance_params_copy_to_year(actor=request.user, params=params, year=form.cleaned_data["year"])
        except ValidationError as exc:
            errors = _errors(exc)
        else:
            messages.success(request, _("Parametry byly zkopírovány do roku %(year)s.") % {"year": new.year})
            return redirect("finance:params_detail", region=region.code, year=new.year)
    return render(request, "finance/params_copy.html", {"region": region, "params": params, "form": form,
                                                        "errors": errors})


params_copy_create.scope_url_kwargs = _params_kwargs


@_login_wrap
@scoped_view(FinanceParams, "change")
def params_new_edition(request, region, year):
    """A new edition of frozen parameters (confirmation page, then the copy)."""
    region = _region_or_404(region)
    params = get_scoped_object(request, FinanceParams.objects.current().filter(region=region), "change",
                               year=_year(year))
    errors = []
    form = ParamsEditionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            new = services.finance_params_new_edition(actor=request.user, params=params,
                                                      reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            errors = _errors(exc)
        else:
            messages.success(request, _("Byla založena nová verze parametrů (vydání %(n)s); schválená rozdělení si "
                                        "ponechávají původní.") % {"n": new.edition})
            return redirect("finance:params_detail", region=region.code, year=new.year)
    return render(request, "finance/params_edition.html", {"region": region, "params": params, "form": form,
                                                           "errors": errors})


params_new_edition.scope_url_kwargs = _params_kwargs


@_login_wrap
@scoped_view(FinanceParams, "change")
def params_create(request, region, year):
    region = _region_or_404(region)
    year = _year(year)
    draft = FinanceParams(region=region, year=year)
    if not can(request.user, "change", draft):
        raise PermissionDenied
    existing = selectors.params_for(region, year)
    form = CreateForm(request.POST or None)
    if request.method == "POST":
        if existing is not None:
            messages.error(request, _("Parametry kraje na rok %(year)s už existují.") % {"year": year})
            return redirect("finance:params_detail", region=region.code, year=year)
        if form.is_valid():
            services.finance_params_default_create(actor=request.user, region=region, year=year)
            messages.success(request, _("Byly založeny výchozí ilustrativní parametry; upravte je podle Pravidel."))
            return redirect("finance:params_detail", region=region.code, year=year)
    return render(request, "finance/params_create.html", {"region": region, "year": year, "form": form,
                                                          "existing": existing})


params_create.scope_url_kwargs = _params_kwargs


# --- optimal support ----------------------------------------------------------------------------------------

def _support_access(request, region):
    """'all' for territorial roles of the kraj, 'own' for provider users; anonymous → login; others → 403."""
    _require_login(request)
    if selectors.region_member(request.user, region):
        return "all"
    if selectors.provider_ids(request.user):
        return "own"
    raise PermissionDenied


@_login_wrap
def support(request, region, year):
    region = _region_or_404(region)
    year = _year(year)
    access = _support_access(request, region)
    comp = _comp_or_404(region, year)
    kind = request.GET.get("druh") or None
    q = (request.GET.get("q") or "").strip().lower()
    rows = selectors.support_rows(comp, user=request.user, explain=False, kind=kind)
    if q:
        rows = [r for r in rows if q in r.name.lower() or q in r.provider.lower()]
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("strana"))
    for r in page.object_list:
        r.explanation = comp.support.explain(r.key)
    totals = comp.support.totals() if access == "all" else None
    kinds = sorted(set(comp.network.frame["kind"]), key=selectors._kind_key)
    return render(request, "finance/support.html", {
        "region": region, "year": year, "comp": comp, "page": page, "totals": totals, "access": access,
        "kinds": kinds, "kind": kind, "q": request.GET.get("q", ""), "n_rows": len(rows),
    })


@_login_wrap
def support_detail(request, region, year, key):
    region = _region_or_404(region)
    year = _year(year)
    _support_access(request, region)
    comp = _comp_or_404(region, year)
    rows = selectors.support_rows(comp, user=request.user, keys={key})
    if not rows:
        raise Http404
    row = rows[0]
    allocations = []
    if selectors.region_staff(request.user, region) or row.provider_id in selectors.provider_ids(request.user):
        from .models import AllocationRow

        allocations = (AllocationRow.objects.filter(run__region=region, run__year=year, key=key)
                       .select_related("run").order_by("-run__created_at")[:10])
    service = get_object_or_404(Service.objects.select_related("region"), pk=row.service_pk)
    return render(request, "finance/support_detail.html", {
        "region": region, "year": year, "row": row, "allocations": allocations, "comp": comp,
        "links": service_year_links(service, year, user=request.user)})


# --- allocation ---------------------------------------------------------------------------------------------

def _staff_or_denied(request, region):
    _require_login(request)
    if not selectors.region_staff(request.user, region):
        raise PermissionDenied


def _compare_rows(cmp: dict, column: str, labels: dict | None = None, limit: int | None = None):
    df = cmp[column]
    rows = []
    for r in df.to_dict("records"):
        key = r[column]
        rows.append({"key": key, "label": (labels or {}).get(key, key), **{k: v for k, v in r.items() if k != column}})
    body, total = rows[:-1], rows[-1]
    if limit is not None:
        body = sorted(body, key=lambda r: (-abs(r["delta_allocated"]), -abs(r["delta_optimal"]), str(r["label"])))
        body = [r for r in body if r["delta_allocated"] or r["delta_optimal"]][:limit]
    return {"rows": body, "total": total}


def _service_labels(comp) -> dict:
    f = comp.network.frame
    return {k: f"{n} ({p})" for k, n, p in zip(f["service_id"], f["name"], f["provider"], strict=True)}


@_login_wrap
def allocation(request, region, year):
    """Both modes side by side for one budget (computed now), with the stored runs."""
    region = _region_or_404(region)
    year = _year(year)
    _staff_or_denied(request, region)
    with frame_cache():
        comp = _comp_or_404(region, year)
        budget = _default_budget(request, region, year, comp)
        if request.GET.get("rozpocet"):
            try:
                from .forms import parse_amount

                budget = parse_amount(request.GET["rozpocet"], whole=True)
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
        rounds = list(ProgrammeRound.objects.filter(programme__region=region, programme__year=year)
                      .select_related("programme").order_by("programme__code", "number"))
        rnd = next((r for r in rounds if str(r.pk) == request.GET.get("kolo", "")), None)
        if rnd is not None and not request.GET.get("rozpocet"):
            budget = rnd.budget
        both = {}
        for mode in (AllocationMode.RULES, AllocationMode.OPTIMISE):  # a round: its floors, kinds and limits
            bounds, floors, _previous, limits = services.round_inputs(rnd, comp, mode) if rnd else (None,) * 4
            both[mode] = selectors.allocate(comp, budget, mode, bounds=bounds, floors=floors, limits=limits)
        rules, optimised = both[AllocationMode.RULES], both[AllocationMode.OPTIMISE]
    cmp = engine.compare_allocations(rules, optimised)
    runs = selectors.allocation_runs(request.user, region, year).select_related("created_by")[:20]
    by_service = _compare_rows(cmp, "service_id", _service_labels(comp), limit=40)
    bound = engine.binding(optimised)  # which constraint bound each amount of the optimisation mode
    for r in by_service["rows"]:
        i = optimised.support.index_of(r["key"])
        r["bound"] = BOUND_LABELS[bound[i]]
        r["explanation"] = optimised.explain(r["key"])
    bound_counts = sorted(((str(BOUND_LABELS[b]), int((bound == b).sum())) for b in set(bound.tolist())),
                          key=lambda x: -x[1])
    return render(request, "finance/allocation.html", {
        "region": region, "year": year, "comp": comp, "budget": budget, "rules": rules, "optimised": optimised,
        "by_kind": _compare_rows(cmp, "kind"), "by_district": _compare_rows(cmp, "district"),
        "by_service": by_service, "bound_counts": bound_counts,
        "runs": runs, "form": AllocationForm(initial={"budget": budget}), "rounds": rounds, "round": rnd,
        "may_run": can_any(request.user, "change", AllocationRun),
        "chart": charts.compare_by_kind_svg(cmp["kind"], _("Přiděleno podle druhů – pravidla × spravedlivý podíl")),
    })


def _run_kwargs(obj):
    return {"region": obj.region.code, "year": obj.year}


@_login_wrap
@scoped_view(AllocationRun, "change")
def allocation_create(request, region, year):
    region = _region_or_404(region)
    year = _year(year)
    draft = AllocationRun(region=region, year=year, mode=AllocationMode.RULES, budget=0)
    if not can(request.user, "change", draft):
        raise PermissionDenied
    errors = []
    comp = selectors.computation(region, year)
    initial = {"budget": _default_budget(request, region, year, comp) if comp else 0}
    form = AllocationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        if cd["background"]:
            job = job_enqueue(actor=request.user, kind="finance_allocation", params={
                "region": region.code, "year": year, "budget": str(cd["budget"]), "mode": cd["mode"],
                "note": cd["note"], "user_id": request.user.pk})
            messages.success(request, _("Rozdělení běží na pozadí."))
            return redirect("core:job_detail", pk=job.pk)
        try:
            run = services.allocation_run(actor=request.user, region=region, year=year, budget=cd["budget"],
                                          mode=cd["mode"], note=cd["note"], comp=comp)
        except ValidationError as exc:
            errors = _errors(exc)
        else:
            messages.success(request, _("Rozdělení bylo uloženo."))
            return redirect("finance:allocation_detail", pk=run.pk)
    return render(request, "finance/allocation_create.html", {"region": region, "year": year, "form": form,
                                                              "errors": errors, "comp": comp})


allocation_create.scope_url_kwargs = _run_kwargs


@_login_wrap
def allocation_detail(request, pk):
    _require_login(request)
    run = (AllocationRun.objects.select_related("region", "created_by", "params__region")
           .defer("region__boundary", "params__region__boundary").filter(pk=pk).first())
    if run is None:
        raise Http404
    rows = selectors.allocation_rows(request.user, run)
    full = can(request.user, "view", run)
    if not full and not rows.exists():
        raise Http404
    return render(request, "finance/allocation_detail.html", {
        "run": run, "rows": rows.order_by("-allocated", "key")[:1000], "full": full,
        "params_url": _params_url(run.params) if full and run.params_id else "",
        "own_total": sum((r.allocated for r in rows), Decimal(0)) if not full else None,
        "history": history_rows(run, user=request.user, limit=10) if full else [],
    })


# --- what-if ------------------------------------------------------------------------------------------------

@_login_wrap
def whatif(request, region, year):
    """GET form: change the budget or a parameter, recompute now, show the effect per kind, district, service."""
    region = _region_or_404(region)
    year = _year(year)
    _staff_or_denied(request, region)
    with frame_cache():
        comp = _comp_or_404(region, year)
    kinds = sorted({k for (k, _g) in comp.params.rates}, key=selectors._kind_key)
    default = _default_budget(request, region, year, comp)
    form = WhatIfForm(request.GET or None, kinds=kinds,
                      initial={"base_budget": default, "budget": default, "mode": AllocationMode.RULES})
    ctx = {"region": region, "year": year, "form": form, "comp": comp}
    cd = form.cleaned_data if form.is_bound and form.is_valid() else {}
    if form.is_bound and not form.is_valid():
        return render(request, "finance/whatif.html", ctx)
    base_budget = cd.get("base_budget") if cd.get("base_budget") is not None else default
    budget = cd.get("budget") if cd.get("budget") is not None else base_budget
    mode = cd.get("mode") or AllocationMode.RULES
    params = comp.params
    changes = []
    if cd.get("scale"):
        factor = (1 + cd["scale"] / 100).quantize(Decimal("0.0001"))
        kind = cd.get("scale_kind") or None
        params = params.with_normatives_scaled(factor, kinds=[kind] if kind else None)
        changes.append(_("normativy %(kind)s × %(f)s") % {"kind": f"§ {kind}" if kind else _("všech druhů"),
                                                          "f": format_number(factor, 4)})
    if cd.get("region_group") and cd.get("region_share") is not None:
        params = params.with_region_cofinancing(cd["region_group"], cd["region_share"])
        changes.append(_("spolufinancování kraje ve skupině %(g)s = %(a)s") % {
            "g": cd["region_group"], "a": format_number(cd["region_share"], 4)})
    if budget != base_budget:
        changes.append(_("rozpočet %(a)s → %(b)s") % {"a": format_czk(base_budget), "b": format_czk(budget)})
    variant_comp = comp.with_params(params) if params is not comp.params else comp
    base = selectors.allocate(comp, base_budget, mode)
    variant = selectors.allocate(variant_comp, budget, mode)
    cmp = engine.compare_allocations(base, variant)
    ctx.update({
        "base": base, "variant": variant, "changes": changes, "mode": mode,
        "by_kind": _compare_rows(cmp, "kind"), "by_district": _compare_rows(cmp, "district"),
        "by_service": _compare_rows(cmp, "service_id", _service_labels(comp), limit=50),
        "base_totals": comp.support.totals(), "variant_totals": variant_comp.support.totals(),
        "chart": charts.delta_by_kind_svg(cmp["kind"], _("Změna přidělené částky podle druhů")),
    })
    return render(request, "finance/whatif.html", ctx)


# --- financial chapter and national view --------------------------------------------------------------------

def _source_labels() -> dict[str, str]:
    """The sources of financing in the page's language (the engine's SOURCE_LABEL is Czech, for documents)."""
    return {"state": _("státní rozpočet"), "region": _("kraj"), "municipalities": _("obce"),
            "users": _("úhrady uživatelů"), "health_insurance": _("zdravotní pojišťovny"),
            "other": _("ostatní")}


def _dimension_headings() -> dict[str, str]:
    return {"kind": _("Náklady a potřeba podle druhu služby"),
            "group": _("Náklady a potřeba podle skupiny financování"),
            "target_group": _("Náklady a potřeba podle cílové skupiny"),
            "district": _("Náklady a potřeba podle okresu"), "orp": _("Náklady a potřeba podle ORP")}


def chapter(request, region, year):
    region = _region_or_404(region)
    year = _year(year)
    with frame_cache():
        ch = selectors.financial_chapter(region, year)
    if ch is None:
        raise Http404(_("Pro kraj a rok nejsou parametry financování."))
    tables = {dim: _table_rows(ch.tables[dim], dim) for dim in ch.tables}
    labels = _source_labels()
    planned = [{**p, "label": labels.get(p["key"], p["label"])} for p in ch.planned]
    formula_sources = [{**p, "label": labels.get(p["key"], p["label"])} for p in ch.formula_sources]
    headings = _dimension_headings()
    return render(request, "finance/chapter.html", {
        "region": region, "year": year, "ch": ch, "tables": tables,
        "planned": planned, "formula_sources": formula_sources, "paragraphs": ch.translated_paragraphs(),
        "dimensions": [(d, headings[d]) for d in ("kind", "group", "target_group", "district", "orp")],
        "sources": _table_rows(ch.sources_by_group, "group") if len(ch.sources_by_group) else None,
        "yoy": _table_rows(ch.year_on_year, "kind") if ch.year_on_year is not None else None,
        "charts": charts.chapter_charts(ch, planned),
        "is_member": request.user.is_authenticated and selectors.region_member(request.user, region),
    })


def _table_rows(df, key: str) -> dict:
    records = df.to_dict("records")
    return {"rows": records[:-1] if records and records[-1][key] == "Celkem" else records,
            "total": records[-1] if records and records[-1][key] == "Celkem" else None}


def chapter_xlsx(request, region, year):
    region = _region_or_404(region)
    year = _year(year)
    with frame_cache():
        ch = selectors.financial_chapter(region, year)
    if ch is None:
        raise Http404
    content = chapter_workbook(ch)
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="financni-kapitola-{region.code}-{year}.xlsx"'
    return response


def national(request, year):
    year = _year(year)
    view = selectors.national_view(year)
    return render(request, "finance/national.html", {
        "year": year, "view": view,
        "chart": charts.national_svg(view),
        "kind_rows": [{"kind": k, "values": [view.per_kind.get(r["region"].code, {}).get(k) for r in view.regions]}
                      for k in view.kinds],
    })


# --- provider reports ---------------------------------------------------------------------------------------

@_login_wrap
def reports(request):
    _require_login(request)
    year = request.GET.get("rok")
    year = int(year) if year and year.isdigit() else None
    state = request.GET.get("stav") or None
    budgets = selectors.budgets(request.user, year=year, state=state)
    units = selectors.unit_reports(request.user, year=year, state=state)
    own_services = []
    pids = selectors.provider_ids(request.user)
    if pids:
        own_services = list(Service.objects.filter(provider_id__in=pids).order_by("name"))
    return render(request, "finance/reports.html", {
        "budgets": budgets[:300], "units": units[:300], "states": ReportState.choices, "state": state, "year": year,
        "own_services": own_services, "terms": BudgetTerm.choices, "working_year": working_year(request),
        "settlements": selectors.settlements(request.user)[:100],
    })


def _budget_kwargs(obj):
    return {"service": obj.service_id, "year": obj.year, "term": obj.term}


@_login_wrap
@scoped_view(ProviderBudget, "change")
def budget_edit(request, service, year, term):
    """Create or edit a service's budget in one term (drafts and returned budgets only)."""
    year = _year(year)
    if term not in BudgetTerm.values:
        raise Http404
    svc = get_object_or_404(Service.objects.select_related("provider", "kind"), pk=service)
    budget = ProviderBudget.objects.filter(service=svc, year=year, term=term).first()
    target = budget or ProviderBudget(service=svc, year=year, term=term)
    if not can(request.user, "view", target):
        raise Http404
    if not can(request.user, "change", target):
        raise PermissionDenied
    errors = []
    form = BudgetForm(request.POST or None, instance=budget)
    if request.method == "POST" and (budget is None or budget.editable) and form.is_valid():
        try:
            saved = services.provider_budget_save(actor=request.user, service=svc, year=year, term=term,
                                                  data=form.data_dict(),
                                                  expected_version=form.cleaned_data.get(VERSION))
        except StaleEdit as exc:
            errors = [exc.message] + [f"{c.label}: {c.stored_display} → {c.submitted_display}" for c in exc.changes]
        except ValidationError as exc:
            errors = _errors(exc)
        else:
            messages.success(request, _("Rozpočet byl uložen."))
            return redirect("finance:budget_detail", pk=saved.pk)
    elif request.method == "POST" and budget is not None and not budget.editable:
        errors = [_("Rozpočet ve stavu „%(state)s“ nelze měnit.") % {"state": budget.get_state_display()}]
    return render(request, "finance/budget_edit.html", {
        "service": svc, "year": year, "term": BudgetTerm(term), "budget": budget, "form": form, "errors": errors,
        "cost_fields": [form[f] for f in ProviderBudget.COST_FIELDS],
        "revenue_fields": [form[f] for f in ProviderBudget.REVENUE_FIELDS],
        "public_fields": [form[f] for f in ProviderBudget.PUBLIC_FIELDS],
    })


budget_edit.scope_url_kwargs = _budget_kwargs


@_login_wrap
def budget_detail(request, pk):
    _require_login(request)
    b = get_scoped_object(request, ProviderBudget.objects.select_related("service__provider", "service__kind"),
                          "view", pk=pk)
    terms = {x.term: x for x in ProviderBudget.objects.filter(service=b.service, year=b.year)}
    return render(request, "finance/budget_detail.html", {
        "b": b, "terms": [(t, terms.get(t)) for t in TERM_ORDER],
        "checks": services.report_checks(b) if b.editable else [],
        "may_edit": can(request.user, "change", b) and b.editable,
        "may_decide": may_decide(request.user, DecisionKind.REPORT_APPROVE, b) and b.state == ReportState.SUBMITTED,
        "history": history_rows(b, user=request.user, limit=20),
        "settlement": Settlement.objects.filter(budget=b).first(),
        "links": service_year_links(b.service, b.year, user=request.user),
    })


REPORT_DECISIONS = {"approve": DecisionKind.REPORT_APPROVE, "return": DecisionKind.REPORT_RETURN}


def _workflow(request, model, pk, action: str, template_action: str):
    obj = get_scoped_object(request, model.objects.select_related("service__provider"), "view", pk=pk)
    decision = REPORT_DECISIONS.get(template_action)
    if decision is not None:  # approving and returning follow the decision table (socplan.accounts.decisions)
        require_decision(request.user, decision, obj)
    elif not can(request.user, action, obj):
        raise PermissionDenied
    detail = "finance:budget_detail" if model is ProviderBudget else "finance:unit_report_detail"
    errors = []
    checks = services.report_checks(obj) if obj.editable else []
    form = ReturnForm(request.POST or None) if template_action == "return" else None
    if request.method == "POST":
        try:
            if template_action == "submit":
                services.provider_report_submit(actor=request.user, report=obj)
                messages.success(request, _("Výkaz byl předložen ke kontrole kraje."))
            elif template_action == "approve":
                services.provider_report_approve(actor=request.user, report=obj)
                messages.success(request, _("Výkaz byl schválen."))
            elif form.is_valid():
                services.provider_report_return(actor=request.user, report=obj, reason=form.cleaned_data["reason"])
                messages.success(request, _("Výkaz byl vrácen poskytovateli k opravě."))
            else:
                raise ValidationError(_("Uveďte důvod vrácení."))
        except ValidationError as exc:
            errors = _errors(exc)
        else:
            return redirect(detail, pk=obj.pk)
    allowed = {"submit": obj.editable, "approve": obj.state == ReportState.SUBMITTED,
               "return": obj.state == ReportState.SUBMITTED}[template_action]
    return render(request, "finance/report_action.html", {
        "obj": obj, "action": template_action, "errors": errors, "checks": checks, "form": form,
        "allowed": allowed, "detail_url": reverse(detail, args=[obj.pk]),
        "is_budget": model is ProviderBudget,
    })


@_login_wrap
@scoped_view(ProviderBudget, "change")
def budget_submit(request, pk):
    return _workflow(request, ProviderBudget, pk, "change", "submit")


@_login_wrap
@scoped_view(ProviderBudget, "approve")
def budget_return(request, pk):
    return _workflow(request, ProviderBudget, pk, "approve", "return")


@_login_wrap
@scoped_view(ProviderBudget, "approve")
def budget_approve(request, pk):
    return _workflow(request, ProviderBudget, pk, "approve", "approve")


def _unit_kwargs(obj):
    return {"service": obj.service_id, "year": obj.year, "half": obj.half}


@_login_wrap
@scoped_view(UnitReport, "change")
def unit_report_edit(request, service, year, half):
    year = _year(year)
    if half not in (1, 2):
        raise Http404
    svc = get_object_or_404(Service.objects.select_related("provider", "kind", "region"), pk=service)
    report = UnitReport.objects.filter(service=svc, year=year, half=half).first()
    target = report or UnitReport(service=svc, year=year, half=half)
    if not can(request.user, "view", target):
        raise Http404
    if not can(request.user, "change", target):
        raise PermissionDenied
    errors = []
    initial = {}
    if report is not None:
        initial = {"actual_units": report.actual_units, "note": report.note, VERSION: report.version}
    form = UnitReportForm(request.POST or None, initial=initial)
    unit = report.unit if report else services.service_unit(svc, year)
    if request.method == "POST" and (report is None or report.editable) and form.is_valid():
        try:
            saved = services.unit_report_save(actor=request.user, service=svc, year=year, half=half,
                                              actual_units=form.cleaned_data["actual_units"],
                                              note=form.cleaned_data["note"], unit=unit,
                                              expected_version=form.cleaned_data.get(VERSION))
        except StaleEdit as exc:
            errors = [exc.message]
        except ValidationError as exc:
            errors = _errors(exc)
        else:
            messages.success(request, _("Výkaz byl uložen."))
            return redirect("finance:unit_report_detail", pk=saved.pk)
    elif request.method == "POST" and report is not None and not report.editable:
        errors = [_("Výkaz ve stavu „%(state)s“ nelze měnit.") % {"state": report.get_state_display()}]
    from .models import UnitKind

    return render(request, "finance/unit_report_edit.html", {
        "service": svc, "year": year, "half": half, "report": report, "form": form, "errors": errors,
        "unit_label": UnitKind(unit).label, "days": services.half_days(year, half),
    })


unit_report_edit.scope_url_kwargs = _unit_kwargs


@_login_wrap
def unit_report_detail(request, pk):
    _require_login(request)
    r = get_scoped_object(request, UnitReport.objects.select_related("service__provider", "service__kind"),
                          "view", pk=pk)
    return render(request, "finance/unit_report_detail.html", {
        "r": r, "checks": services.report_checks(r) if r.editable else [],
        "may_edit": can(request.user, "change", r) and r.editable,
        "may_decide": may_decide(request.user, DecisionKind.REPORT_APPROVE, r) and r.state == ReportState.SUBMITTED,
        "history": history_rows(r, user=request.user, limit=20),
    })


@_login_wrap
@scoped_view(UnitReport, "change")
def unit_report_submit(request, pk):
    return _workflow(request, UnitReport, pk, "change", "submit")


@_login_wrap
@scoped_view(UnitReport, "approve")
def unit_report_return(request, pk):
    return _workflow(request, UnitReport, pk, "approve", "return")


@_login_wrap
@scoped_view(UnitReport, "approve")
def unit_report_approve(request, pk):
    return _workflow(request, UnitReport, pk, "approve", "approve")


# --- settlement ---------------------------------------------------------------------------------------------

@_login_wrap
def settlement_list(request, region, year):
    region = _region_or_404(region)
    year = _year(year)
    _require_login(request)
    rows = selectors.settlements(request.user, region=region, year=year)
    ready = []
    if selectors.region_staff(request.user, region):
        done = set(rows.values_list("service_id", flat=True))
        ready = (ProviderBudget.objects.filter(service__region=region, year=year, state=ReportState.APPROVED,
                                               term__in=["actual", "actual_tax"])
                 .exclude(service_id__in=done).select_related("service").order_by("service__name"))
    return render(request, "finance/settlement_list.html", {"region": region, "year": year, "rows": rows,
                                                            "ready": ready})


@_login_wrap
def settlement_detail(request, service, year):
    _require_login(request)
    year = _year(year)
    s = get_scoped_object(request, Settlement.objects.select_related("service__provider", "budget"), "view",
                          service_id=service, year=year)
    return render(request, "finance/settlement_detail.html", {
        "s": s, "may_compute": can(request.user, "change", s),
        "history": history_rows(s, user=request.user, limit=10),
    })


def _settlement_kwargs(obj):
    return {"service": obj.service_id, "year": obj.year}


@_login_wrap
@scoped_view(Settlement, "change")
def settlement_edit(request, service, year):
    """Compute (or recompute) the settlement of a service's year from its approved actual budget."""
    year = _year(year)
    svc = get_object_or_404(Service.objects.select_related("provider"), pk=service)
    existing = Settlement.objects.filter(service=svc, year=year).first()
    target = existing or Settlement(service=svc, year=year)
    if not can(request.user, "view", target):
        raise Http404
    if not can(request.user, "change", target):
        raise PermissionDenied
    errors = []
    form = SettlementForm(request.POST or None, initial={"profit_rate": (existing.profit_rate * 100).normalize()
                                                         if existing else "0"})
    if request.method == "POST" and form.is_valid():
        try:
            services.settlement_compute(actor=request.user, service=svc, year=year,
                                            profit_rate=form.cleaned_data["profit_rate"])
        except ValidationError as exc:
            errors = _errors(exc)
        else:
            messages.success(request, _("Vyúčtování bylo vypočteno."))
            return redirect("finance:settlement_detail", service=svc.pk, year=year)
    return render(request, "finance/settlement_edit.html", {
        "service": svc, "year": year, "form": form, "errors": errors, "existing": existing,
        "basis": services.settlement_basis(svc, year),
    })


settlement_edit.scope_url_kwargs = _settlement_kwargs

