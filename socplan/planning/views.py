"""Planning pages (Czech): plans with priorities → measures → indicators, editing, monitoring and the fulfilment
overview, the public "plnění plánu" page, comments (připomínkování) and the published settlement table, the
public meeting calendar with an iCalendar feed, working groups, contracts with the ORP and their yearly
reports, and the plan documents (PDF / DOCX / XLSX).

Views are thin: they gather input, call one service or selector, render. Reads go through
`socplan.accounts.scope.restrict` (404 for what the user may not see); writes are checked by the services
(403) and marked with `scoped_view` for the authorisation-matrix test.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from socplan.accounts.permissions import get_scoped_object, scoped_view
from socplan.accounts.scope import can, can_any
from socplan.accounts.selectors import public_seat_labels
from socplan.core import ratelimit
from socplan.core.render.charts import bar_chart_svg, grouped_bar_svg, stacked_bar_svg
from socplan.territory.models import Orp, Region

from . import forms, ical, selectors
from . import services as svc
from .engine import INDICATOR_STATES, STATES
from .labels import INDICATOR_LABELS, STATE_COLORS, STATE_LABELS
from .models import (
    PUBLISHED,
    ActionPlan,
    Comment,
    Indicator,
    Measure,
    MeasureReport,
    Meeting,
    Milestone,
    OrpContract,
    OrpYearReport,
    Plan,
    PlanKind,
    PlanSection,
    PlanStatus,
    Priority,
    Resolution,
    WorkingGroup,
    WorkingGroupMember,
)

# --- helpers ------------------------------------------------------------------------------------------------

def _errors_to_form(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errs in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errs)
    else:
        form.add_error(None, exc.messages)


def _attempt(form, fn):
    """Run a service; its ValidationError becomes form errors (None returned)."""
    try:
        return fn()
    except ValidationError as exc:
        _errors_to_form(form, exc)
        return None


def _form_page(request, form, *, title: str, back: str, intro: str = "", submit: str = "", obj=None):
    return render(request, "planning/form.html", {"form": form, "title": title, "back": back, "intro": intro,
                                                  "submit": submit or _("Uložit"), "object": obj})


def _fresh(obj):
    return type(obj)._default_manager.get(pk=obj.pk)


def _version(form) -> int | None:
    return form.cleaned_data.get("version") or None


def _delete(request, obj, delete, back: str, done: str = ""):
    """The "delete" button of an edit form: permission, the service call, a message, back to the plan."""
    if not can(request.user, "delete", obj):
        raise PermissionDenied
    try:
        delete(_fresh(obj))
        if done:
            messages.success(request, done)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(back)


def _can_edit(user, obj) -> bool:
    return user.is_authenticated and can(user, "change", obj)


def _year_param(request, default: int) -> int:
    try:
        return int(request.GET.get("rok", default))
    except (TypeError, ValueError):
        return default


# --- plans --------------------------------------------------------------------------------------------------

def index(request):
    plans = list(selectors.plans_visible(request.user).order_by("kind", "orp__name", "-year_from"))
    regional = [p for p in plans if p.kind == PlanKind.REGIONAL]
    community = [p for p in plans if p.kind == PlanKind.COMMUNITY]
    regions = Region.objects.filter(plans__in=[p.pk for p in plans]).distinct().order_by("name")
    return render(request, "planning/index.html", {
        "regional": regional, "community": community, "regions": regions,
        "can_create": request.user.is_authenticated and can_any(request.user, "change", Plan),
        "upcoming": selectors.meetings_public().filter(starts_at__gte=timezone.now())[:5],
    })


def plan_detail(request, pk):
    plan = selectors.plan_get(request.user, pk)
    structure = selectors.plan_structure(plan)
    editable = _can_edit(request.user, plan)
    budget = selectors.plan_budget(plan)
    return render(request, "planning/plan_detail.html", {
        "plan": plan, "s": structure, "editable": editable and plan.status in svc.EDITABLE,
        "can_manage": editable,
        "can_copy": request.user.is_authenticated and can(
            request.user, "change", Plan(kind=plan.kind, region_id=plan.region_id, orp_id=plan.orp_id)),
        "can_approve": request.user.is_authenticated and can(request.user, "approve", plan),
        "action_plans": plan.action_plans.order_by("year"),
        "budget": budget,
        "budget_rows": [(y, [budget.by_year_source.get((y, src), 0) for src, _l in budget.sources], budget.by_year[y])
                        for y in budget.years],
        "budget_totals": [budget.by_source[src] for src, _l in budget.sources],
        "comments": selectors.comment_counts(plan),
        "successors": plan.successors.filter(pk__in=selectors.plans_visible(request.user).values("pk")),
        "formats": ("pdf", "docx", "xlsx"),
        "needs": selectors.capacity_needs_table(plan) if plan.kind == PlanKind.COMMUNITY else None,
        "compare_year": min(max(timezone.localdate().year, plan.year_from), plan.year_to),
    })


@scoped_view(Plan, "change")
def plan_create(request):
    regions = Region.objects.order_by("name")
    default_region = selectors.region_of_user(request.user)
    orps = Orp.objects.filter(region=default_region) if default_region else Orp.objects.all()
    form = forms.PlanCreateForm(request.POST or None, regions=regions, orps=orps.order_by("name"),
                                initial={"region": default_region})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            plan = _attempt(form, lambda: svc.plan_create(
                actor=request.user, kind=d["kind"], title=d["title"], region=d["region"], orp=d.get("orp"),
                year_from=d["year_from"], year_to=d["year_to"], summary=d.get("summary", "")))
        except PermissionDenied:
            form.add_error(None, _("V tomto území nemůžete zakládat plány."))
            plan = None
        if plan is not None:
            messages.success(request, _("Plán byl založen jako návrh."))
            return redirect("planning:plan_detail", pk=plan.pk)
    return _form_page(request, form, title=_("Nový plán"), back=reverse("planning:index"))


@scoped_view(Plan, "change")
def plan_edit(request, pk):
    plan = get_scoped_object(request, Plan, "change", pk=pk)
    form = forms.PlanEditForm(request.POST or None, instance=plan)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        if _attempt(form, lambda: svc.plan_update(actor=request.user, plan=_fresh(plan), data=data,
                                                  expected_version=_version(form))):
            messages.success(request, _("Plán byl uložen."))
            return redirect("planning:plan_detail", pk=plan.pk)
    return _form_page(request, form, title=_("Upravit plán"), back=plan_url(plan), obj=plan)


def plan_url(plan) -> str:
    return reverse("planning:plan_detail", args=[plan.pk])


@scoped_view(Plan, "change")
def plan_copy(request, pk):
    source = get_scoped_object(request, Plan, "change", pk=pk)
    span = source.year_to - source.year_from
    form = forms.PlanCopyForm(request.POST or None, initial={
        "title": source.title.replace(source.period_label, f"{source.year_to + 1}–{source.year_to + 1 + span}"),
        "year_from": source.year_to + 1, "year_to": source.year_to + 1 + span})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        plan = _attempt(form, lambda: svc.plan_copy(actor=request.user, source=source, title=d["title"],
                                                    year_from=d["year_from"], year_to=d["year_to"]))
        if plan is not None:
            messages.success(request, _("Nový plán vznikl jako kopie; je ve stavu návrhu."))
            return redirect("planning:plan_detail", pk=plan.pk)
    return _form_page(request, form, title=_("Nový plán jako kopie: %(t)s") % {"t": source.title},
                      back=plan_url(source), intro=_("Zkopírují se kapitoly, priority, opatření s vazbami na "
                                                     "služby, náklady, indikátory a potřeby kapacit (roky se "
                                                     "posunou). Monitoring a připomínky se nekopírují."))


def _status_action(request, pk, fn, ok: str, form_class=None, title: str = "", action: str = "change",
                   intro: str = ""):
    """A plan state change: GET shows the form (or a confirmation), POST performs it."""
    plan = get_scoped_object(request, Plan, action, pk=pk)
    form = form_class(request.POST or None) if form_class else forms.ConfirmForm(request.POST or None)
    if request.method != "POST" or not form.is_valid():
        return _form_page(request, form, title=title, back=plan_url(plan), obj=plan, intro=intro,
                          submit=_("Potvrdit"))
    try:
        fn(plan, form.cleaned_data)
    except ValidationError as exc:
        if form_class is not None:
            _errors_to_form(form, exc)
            return _form_page(request, form, title=title, back=plan_url(plan), obj=plan, intro=intro)
        messages.error(request, " ".join(exc.messages))
        return redirect("planning:plan_detail", pk=plan.pk)
    messages.success(request, ok)
    return redirect("planning:plan_detail", pk=plan.pk)


@scoped_view(Plan, "change")
def plan_publish(request, pk):
    return _status_action(
        request, pk, lambda plan, d: svc.plan_publish_for_comments(
            actor=request.user, plan=plan, comments_until=d.get("comments_until")),
        _("Návrh byl zveřejněn k připomínkám."), forms.PublishForm, _("Zveřejnit návrh k připomínkám"),
        intro=_("Návrh bude veřejný a připomínku k němu bude moci podat kdokoli."))


@scoped_view(Plan, "change")
def plan_unpublish(request, pk):
    return _status_action(request, pk, lambda plan, d: svc.plan_return_to_draft(actor=request.user, plan=plan),
                          _("Plán byl vrácen do stavu návrhu."), title=_("Vrátit plán do stavu návrhu"),
                          intro=_("Připomínkování se ukončí a návrh přestane být veřejný."))


@scoped_view(Plan, "approve")
def plan_approve(request, pk):
    return _status_action(
        request, pk, lambda plan, d: svc.plan_approve(actor=request.user, plan=plan, approved_on=d["approved_on"],
                                                      approval_ref=d.get("approval_ref", ""),
                                                      confirm=d.get("confirm", False), reason=d.get("reason", "")),
        _("Plán byl schválen."), forms.ApproveForm, _("Zaznamenat schválení plánu"), action="approve")


@scoped_view(Plan, "change")
def plan_adopt(request, pk):
    """A community plan approved by the municipality's council, recorded by its coordinator."""
    def adopt(plan, d):
        if plan.kind != PlanKind.COMMUNITY:
            raise ValidationError(_("Plán kraje schvaluje zastupitelstvo kraje; zaznamenává je pracovník kraje "
                                    "s právem schvalovat."))
        return svc.plan_approve(actor=request.user, plan=plan, approved_on=d["approved_on"],
                                approval_ref=d.get("approval_ref", ""), confirm=d.get("confirm", False),
                                reason=d.get("reason", ""))

    return _status_action(request, pk, adopt, _("Schválení plánu bylo zaznamenáno."), forms.ApproveForm,
                          _("Zaznamenat schválení komunitního plánu zastupitelstvem obce"))


@scoped_view(Plan, "change")
def plan_settlement_publish(request, pk):
    return _status_action(request, pk, lambda plan, d: svc.settlement_publish(actor=request.user, plan=plan),
                          _("Vypořádání připomínek bylo zveřejněno."), title=_("Zveřejnit vypořádání připomínek"),
                          intro=_("Tabulka vypořádání (jméno autora, připomínka, způsob vypořádání a odůvodnění, "
                                  "bez e-mailů) bude veřejná a vypořádání už nepůjde měnit."))


# --- sections, priorities, measures, indicators -------------------------------------------------------------

@scoped_view(PlanSection, "change", url_model=Plan)
def section_add(request, pk):
    plan = get_scoped_object(request, Plan, "change", pk=pk)
    form = forms.SectionForm(request.POST or None, initial={"order": plan.sections.count() + 1})
    if request.method == "POST" and form.is_valid():
        d = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        if _attempt(form, lambda: svc.section_create(actor=request.user, plan=plan, **d)):
            return redirect(plan_url(plan) + "#kapitoly")
    return _form_page(request, form, title=_("Nová kapitola: %(p)s") % {"p": plan.title}, back=plan_url(plan))


@scoped_view(PlanSection, "change")
def section_edit(request, pk):
    section = get_scoped_object(request, PlanSection.objects.select_related("plan"), "change", pk=pk)
    form = forms.SectionForm(request.POST or None, instance=section)
    if request.method == "POST":
        if "delete" in request.POST:
            return _delete(request, section, lambda s: svc.section_delete(actor=request.user, section=s),
                           plan_url(section.plan))
        if form.is_valid():
            d = {k: v for k, v in form.cleaned_data.items() if k != "version"}
            if _attempt(form, lambda: svc.section_update(actor=request.user, section=_fresh(section), data=d,
                                                         expected_version=_version(form))):
                return redirect(plan_url(section.plan) + "#kapitoly")
    return render(request, "planning/form.html", {"form": form, "title": _("Upravit kapitolu"),
                                                  "back": plan_url(section.plan), "submit": _("Uložit"),
                                                  "deletable": True, "object": section})


@scoped_view(Priority, "change", url_model=Plan)
def priority_add(request, pk):
    plan = get_scoped_object(request, Plan, "change", pk=pk)
    form = forms.PriorityForm(request.POST or None, initial={"order": plan.priorities.count() + 1})
    if request.method == "POST" and form.is_valid():
        d = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        if _attempt(form, lambda: svc.priority_create(actor=request.user, plan=plan, **d)):
            return redirect(plan_url(plan) + "#priority")
    return _form_page(request, form, title=_("Nová priorita: %(p)s") % {"p": plan.title}, back=plan_url(plan))


@scoped_view(Priority, "change")
def priority_edit(request, pk):
    priority = get_scoped_object(request, Priority.objects.select_related("plan"), "change", pk=pk)
    form = forms.PriorityForm(request.POST or None, instance=priority)
    if request.method == "POST" and form.is_valid():
        d = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        if _attempt(form, lambda: svc.priority_update(actor=request.user, priority=_fresh(priority), data=d,
                                                      expected_version=_version(form))):
            return redirect(plan_url(priority.plan) + f"#p{priority.pk}")
    return _form_page(request, form, title=_("Upravit prioritu %(c)s") % {"c": priority.code},
                      back=plan_url(priority.plan), obj=priority)


def _services_for_plan(plan):
    from socplan.registry.models import Service

    qs = Service.objects.filter(region=plan.region).select_related("kind").order_by("kind__order", "name")
    if plan.orp_id:
        qs = qs.filter(areas__orp=plan.orp).distinct()
    return qs


@scoped_view(Measure, "change", url_model=Priority)
def measure_add(request, pk):
    priority = get_scoped_object(request, Priority.objects.select_related("plan"), "change", pk=pk)
    plan = priority.plan
    n = priority.measures.count() + 1
    form = forms.MeasureForm(request.POST or None, plan=plan, services=_services_for_plan(plan), initial={
        "priority": priority, "code": f"{priority.code}.{n}", "year_from": plan.year_from, "year_to": plan.year_to,
        "order": n})
    if request.method == "POST" and form.is_valid():
        d = {k: v for k, v in form.cleaned_data.items() if k not in ("version",)}
        prio = d.pop("priority")
        services = d.pop("services", [])
        m = _attempt(form, lambda: svc.measure_create(actor=request.user, priority=prio, services=services, **d))
        if m:
            return redirect("planning:measure_detail", pk=m.pk)
    return _form_page(request, form, title=_("Nové opatření priority %(c)s") % {"c": priority.code},
                      back=plan_url(plan))


@scoped_view(Measure, "change")
def measure_edit(request, pk):
    measure = get_scoped_object(request, Measure.objects.select_related("plan", "priority"), "change", pk=pk)
    form = forms.MeasureForm(request.POST or None, instance=measure, plan=measure.plan,
                             services=_services_for_plan(measure.plan))
    if request.method == "POST" and form.is_valid():
        d = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        services = d.pop("services", [])
        if _attempt(form, lambda: svc.measure_update(actor=request.user, measure=_fresh(measure), data=d,
                                                     services=services, expected_version=_version(form))):
            return redirect("planning:measure_detail", pk=measure.pk)
    return _form_page(request, form, title=_("Upravit opatření %(c)s") % {"c": measure.code},
                      back=reverse("planning:measure_detail", args=[measure.pk]), obj=measure)


def measure_detail(request, pk):
    measure = get_scoped_object(request, Measure.objects.select_related("plan", "priority", "plan__region",
                                                                        "plan__orp"), "view", pk=pk)
    plan = measure.plan
    reports = {r.year: r for r in measure.reports.all()}
    years = list(range(measure.year_from, min(plan.year_to + 1, timezone.localdate().year + 1) + 1))
    years = [y for y in years if y <= plan.year_to + 1] or measure.years
    indicators = list(measure.indicators.prefetch_related("targets", "values"))
    ind_rows = []
    for i in indicators:
        t = {x.year: x.value for x in i.targets.all()}
        v = {x.year: x.value for x in i.values.all()}
        ind_rows.append({"obj": i, "cells": [(y, t.get(y), v.get(y)) for y in plan.years],
                         "chart": grouped_bar_svg([str(y) for y in plan.years],
                                                  [(_("cíl"), [t.get(y) for y in plan.years]),
                                                   (_("skutečnost"), [v.get(y) for y in plan.years])],
                                                  title=i.name, width=420, height=180)})
    timeline = _timeline(measure, reports)
    budget = sorted(measure.budget.all(), key=lambda b: (b.year, b.source))
    # Who entered a report or answers for the measure is named by role and organisation, never by login name.
    seats = public_seat_labels([r.entered_by_id for r in reports.values()] + [measure.responsible_user_id])
    return render(request, "planning/measure_detail.html", {
        "m": measure, "plan": plan, "indicators": ind_rows,
        "reports": [(y, reports.get(y), seats.get(reports[y].entered_by_id, "") if y in reports else "")
                    for y in years],
        "responsible_seat": seats.get(measure.responsible_user_id, ""),
        "milestones": measure.milestones.all(), "timeline": timeline, "budget": budget,
        "budget_total": sum((b.amount for b in budget), Decimal(0)),
        "services": measure.services.select_related("provider", "kind"),
        "editable": _can_edit(request.user, measure) and plan.status in svc.EDITABLE,
        "can_report": svc.can_report(request.user, measure) and plan.status in svc.MONITORED,
        "today": timezone.localdate(),
    })


def _timeline(measure, reports) -> dict:
    """Data of the measure's timeline: one cell per year (progress, state) and the milestones in their year."""
    today = timezone.localdate()
    cells = []
    for y in measure.years:
        r = reports.get(y)
        ms = [{"obj": m, "late": m.done_on is None and m.due_on < today} for m in measure.milestones.all()
              if m.due_on.year == y]
        cells.append({"year": y, "report": r, "milestones": ms})
    return {"cells": cells}


@scoped_view(Measure, "change")
def budget_edit(request, pk):
    measure = get_scoped_object(request, Measure.objects.select_related("plan"), "change", pk=pk)
    form = forms.budget_form(measure, request.POST or None)
    if request.method == "POST" and form.is_valid():
        def save():
            for name, value in form.cleaned_data.items():
                _a, year, source = name.split("_", 2)
                svc.measure_budget_set(actor=request.user, measure=measure, year=int(year), source=source,
                                       amount=value or 0)
            return True

        if _attempt(form, save):
            messages.success(request, _("Předpokládané náklady byly uloženy."))
            return redirect("planning:measure_detail", pk=measure.pk)
    return _form_page(request, form, title=_("Předpokládané náklady opatření %(c)s (Kč)") % {"c": measure.code},
                      back=reverse("planning:measure_detail", args=[measure.pk]))


@scoped_view(Indicator, "change", url_model=Measure)
def indicator_add(request, pk):
    measure = get_scoped_object(request, Measure.objects.select_related("plan"), "change", pk=pk)
    form = forms.IndicatorForm(request.POST or None, plan=measure.plan,
                               initial={"baseline_year": measure.plan.year_from - 1})
    if request.method == "POST" and form.is_valid():
        d = {k: form.cleaned_data[k] for k in ("name", "unit", "baseline", "baseline_year", "direction")}
        if _attempt(form, lambda: svc.indicator_create(actor=request.user, measure=measure, targets={
                y: v for y, v in form.targets().items() if v is not None}, **d)):
            return redirect("planning:measure_detail", pk=measure.pk)
    return _form_page(request, form, title=_("Nový indikátor opatření %(c)s") % {"c": measure.code},
                      back=reverse("planning:measure_detail", args=[measure.pk]))


@scoped_view(Indicator, "change")
def indicator_edit(request, pk):
    ind = get_scoped_object(request, Indicator.objects.select_related("measure", "measure__plan"), "change", pk=pk)
    form = forms.IndicatorForm(request.POST or None, instance=ind, plan=ind.measure.plan)
    if request.method == "POST" and form.is_valid():
        d = {k: form.cleaned_data[k] for k in ("name", "unit", "baseline", "baseline_year", "direction")}

        def save():
            svc.indicator_update(actor=request.user, indicator=_fresh(ind), data=d, expected_version=_version(form))
            for y, v in form.targets().items():
                svc.indicator_target_set(actor=request.user, indicator=ind, year=y, value=v)
            return True

        if _attempt(form, save):
            return redirect("planning:measure_detail", pk=ind.measure_id)
    return _form_page(request, form, title=_("Upravit indikátor"),
                      back=reverse("planning:measure_detail", args=[ind.measure_id]), obj=ind)


# --- monitoring ---------------------------------------------------------------------------------------------

def report_edit(request, pk, year):
    """Roční plnění opatření: stav, % plnění, komentář a hodnoty indikátorů za rok (odpovědný subjekt)."""
    measure = get_scoped_object(request, Measure.objects.select_related("plan"), "view", pk=pk)
    if not request.user.is_authenticated:
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(request.get_full_path())
    if not svc.can_report(request.user, measure):
        raise PermissionDenied
    current = MeasureReport.objects.filter(measure=measure, year=year).first()
    indicators = measure.indicators.prefetch_related("targets", "values")
    initial = {"state": current.state, "progress": current.progress, "comment": current.comment} if current else {}
    form = forms.ReportForm(request.POST or None, indicators=indicators, year=year, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data

        def save():
            svc.measure_report_set(actor=request.user, measure=measure, year=year, state=d["state"],
                                   progress=d["progress"], comment=d.get("comment", ""))
            for ind in form.indicators:
                svc.indicator_value_set(actor=request.user, indicator=ind, year=year, value=d.get(f"value_{ind.pk}"))
            return True

        if _attempt(form, save):
            messages.success(request, _("Plnění za rok %(y)s bylo uloženo.") % {"y": year})
            return redirect("planning:measure_detail", pk=measure.pk)
    return _form_page(request, form, title=_("Plnění opatření %(c)s za rok %(y)s") % {"c": measure.code, "y": year},
                      back=reverse("planning:measure_detail", args=[measure.pk]),
                      intro=_("Splněné opatření má plnění 100 %. Hodnoty indikátorů zadejte za celý rok."))


report_edit.scope_model = MeasureReport
report_edit.scope_url_model = Measure
# The URL addresses a measure and a year: given a report, use its own; given a measure, its first year.
report_edit.scope_url_kwargs = lambda m: (
    {"pk": m.measure_id, "year": m.year} if isinstance(m, MeasureReport) else {"pk": m.pk, "year": m.year_from}
)
report_edit.scope_action = "change"
report_edit.scoped_write = True


def milestone_add(request, pk):
    measure = get_scoped_object(request, Measure.objects.select_related("plan"), "view", pk=pk)
    if not (request.user.is_authenticated and (svc.can_report(request.user, measure) or _can_edit(request.user,
                                                                                                   measure))):
        raise PermissionDenied
    form = forms.MilestoneForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        if _attempt(form, lambda: svc.milestone_create(actor=request.user, measure=measure, title=d["title"],
                                                       due_on=d["due_on"], done_on=d.get("done_on"))):
            return redirect("planning:measure_detail", pk=measure.pk)
    return _form_page(request, form, title=_("Nový milník opatření %(c)s") % {"c": measure.code},
                      back=reverse("planning:measure_detail", args=[measure.pk]))


milestone_add.scope_model = Milestone
milestone_add.scope_url_model = Measure
milestone_add.scope_action = "change"
milestone_add.scoped_write = True


def milestone_edit(request, pk):
    ms = get_scoped_object(request, Milestone.objects.select_related("measure", "measure__plan"), "view", pk=pk)
    if not (request.user.is_authenticated and svc.can_report(request.user, ms.measure)):
        raise PermissionDenied
    form = forms.MilestoneForm(request.POST or None, instance=ms)
    if request.method == "POST" and form.is_valid():
        d = {k: form.cleaned_data[k] for k in ("title", "due_on", "done_on")}
        if _attempt(form, lambda: svc.milestone_update(actor=request.user, milestone=_fresh(ms), data=d,
                                                       expected_version=_version(form))):
            return redirect("planning:measure_detail", pk=ms.measure_id)
    return _form_page(request, form, title=_("Upravit milník"),
                      back=reverse("planning:measure_detail", args=[ms.measure_id]), obj=ms)


milestone_edit.scope_model = Milestone
milestone_edit.scope_url_model = Milestone
milestone_edit.scope_action = "change"
milestone_edit.scoped_write = True


def _fulfilment_context(plan, year, structure=None):
    structure = structure or selectors.plan_structure(plan)
    f = selectors.plan_fulfilment(plan, year, structure.measures)
    parts = [(str(STATE_LABELS[s]), f.counts[s]) for s in STATES]
    ind_parts = [(str(INDICATOR_LABELS[s]), f.indicator_counts[s]) for s in INDICATOR_STATES]
    rows = []
    for m in structure.measures:
        out = f.measures.get(m.pk)
        inds = [(i, f.indicators.get(i.pk)) for i in m.indicators.all()]
        rows.append({"m": m, "out": out, "label": str(STATE_LABELS[out.state]) if out else _("nezačalo"),
                     "indicators": inds})
    progress_chart = bar_chart_svg([(f"{r['m'].code} {r['m'].title}", r["out"].progress) for r in rows if r["out"]],
                                   title=_("Plnění opatření v %% (rok %(y)s)") % {"y": year}, max_value=100,
                                   reference=100, reference_label="100 %", fmt=lambda v: f"{int(v)} %")
    return {
        "f": f, "year": year, "rows": rows, "state_parts": parts, "indicator_parts": ind_parts,
        "state_chart": stacked_bar_svg(parts, title=_("Stav opatření"), colors=STATE_COLORS),
        "indicator_chart": stacked_bar_svg(ind_parts, title=_("Indikátory vůči cílům"),
                                           colors=["#1f7a3a", "#b3261e", "#aab4bf", "#e6edf5"]),
        "progress_chart": progress_chart,
        "years": list(range(plan.year_from, plan.year_to + 2)),
        "state_labels": STATE_LABELS,
    }


def plan_fulfilment(request, pk):
    """Jak se plán plní — public for published plans; editors also see links to enter monitoring."""
    plan = selectors.plan_get(request.user, pk)
    year = _year_param(request, selectors.default_year(plan))
    ctx = _fulfilment_context(plan, year)
    ctx.update({"plan": plan, "can_report": request.user.is_authenticated and plan.status in svc.MONITORED})
    return render(request, "planning/fulfilment.html", ctx)


def region_fulfilment(request, code):
    region = get_object_or_404(Region, code=code)
    year = _year_param(request, timezone.localdate().year)
    agg, rows = selectors.region_fulfilment(region, year)
    public_ids = set(selectors.plans_visible(request.user).filter(region=region).values_list("pk", flat=True))
    parts = [(str(STATE_LABELS[s]), agg.counts[s]) for s in STATES]
    years = sorted(set(Plan.objects.filter(region=region, kind=PlanKind.COMMUNITY).values_list("year_from", flat=True))
                   | {year})
    table = [{"row": r, "cells": [r.fulfilment.counts[s] for s in STATES] if r.fulfilment else None,
              "public": r.plan is not None and r.plan.pk in public_ids} for r in rows]
    return render(request, "planning/region_fulfilment.html", {
        "region": region, "year": year, "agg": agg, "table": table, "headers": [str(STATE_LABELS[s]) for s in STATES],
        "totals": [agg.counts[s] for s in STATES], "parts": parts,
        "chart": stacked_bar_svg(parts, title=_("Opatření komunitních plánů ORP podle stavu"), colors=STATE_COLORS),
        "years": range(min(years) - 1, max(years) + 4),
        "regional": Plan.objects.filter(region=region, kind=PlanKind.REGIONAL, year_from__lte=year,
                                        year_to__gte=year, status__in=PUBLISHED).first(),
    })


# --- action plans -------------------------------------------------------------------------------------------

def action_plan_detail(request, pk):
    ap = get_scoped_object(request, ActionPlan.objects.select_related("plan", "plan__region", "plan__orp"),
                           "view", pk=pk)
    measures = list(selectors.measures_due(ap.plan, ap.year))
    costs = {m.pk: sum((b.amount for b in m.budget.all() if b.year == ap.year), Decimal(0)) for m in measures}
    return render(request, "planning/action_plan_detail.html", {
        "ap": ap, "plan": ap.plan, "measures": [(m, costs[m.pk]) for m in measures],
        "total": sum(costs.values(), Decimal(0)), "editable": _can_edit(request.user, ap),
        "can_approve": request.user.is_authenticated and can(request.user, "approve", ap),
        "formats": ("pdf", "docx", "xlsx"),
    })


@scoped_view(ActionPlan, "change", url_model=Plan)
def action_plan_add(request, pk):
    plan = get_scoped_object(request, Plan, "change", pk=pk)
    existing = set(plan.action_plans.values_list("year", flat=True))
    year = next((y for y in plan.years if y not in existing), plan.year_to)
    form = forms.ActionPlanForm(request.POST or None, initial={"year": year})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        ap = _attempt(form, lambda: svc.action_plan_create(actor=request.user, plan=plan, year=d["year"],
                                                           title=d.get("title", ""), intro=d.get("intro", "")))
        if ap:
            return redirect("planning:action_plan_detail", pk=ap.pk)
    return _form_page(request, form, title=_("Nový akční plán: %(p)s") % {"p": plan.title}, back=plan_url(plan))


@scoped_view(ActionPlan, "change")
def action_plan_edit(request, pk):
    ap = get_scoped_object(request, ActionPlan.objects.select_related("plan"), "change", pk=pk)
    form = forms.ActionPlanForm(request.POST or None, instance=ap)
    if request.method == "POST" and form.is_valid():
        d = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        if _attempt(form, lambda: svc.action_plan_update(actor=request.user, action_plan=_fresh(ap), data=d,
                                                         expected_version=_version(form))):
            return redirect("planning:action_plan_detail", pk=ap.pk)
    return _form_page(request, form, title=_("Upravit akční plán"),
                      back=reverse("planning:action_plan_detail", args=[ap.pk]), obj=ap)


def _action_plan_approval(request, pk, action: str, community_only: bool):
    ap = get_scoped_object(request, ActionPlan.objects.select_related("plan"), action, pk=pk)
    form = forms.ApproveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data

        def approve():
            if community_only and ap.plan.kind != PlanKind.COMMUNITY:
                raise ValidationError(_("Akční plán kraje zaznamenává pracovník kraje s právem schvalovat."))
            return svc.action_plan_approve(actor=request.user, action_plan=_fresh(ap), approved_on=d["approved_on"],
                                           approval_ref=d.get("approval_ref", ""))

        if _attempt(form, approve):
            messages.success(request, _("Akční plán byl schválen."))
            return redirect("planning:action_plan_detail", pk=ap.pk)
    return _form_page(request, form, title=_("Zaznamenat schválení akčního plánu"),
                      back=reverse("planning:action_plan_detail", args=[ap.pk]))


@scoped_view(ActionPlan, "approve")
def action_plan_approve(request, pk):
    return _action_plan_approval(request, pk, "approve", community_only=False)


@scoped_view(ActionPlan, "change")
def action_plan_adopt(request, pk):
    return _action_plan_approval(request, pk, "change", community_only=True)


# --- comments -----------------------------------------------------------------------------------------------

def _min_seconds() -> float:
    return float(getattr(settings, "PLANNING_COMMENT_MIN_SECONDS", 3))


def _rate_limited(request) -> bool:
    """At most PLANNING_COMMENT_RATE (default 5) public comments per address in any 10 minutes, counted in the
    shared cache (every web worker sees the same count; socplan.core.ratelimit)."""
    key = f"planning:comment:{ratelimit.client_ip(request)}"
    return not ratelimit.allow(key, limit=settings.PLANNING_COMMENT_RATE, window=600)


def plan_comments(request, pk):
    """Připomínkování: the comment form (logged in or public), and for the coordinator the list to resolve."""
    plan = selectors.plan_get(request.user, pk)
    manage = _can_edit(request.user, plan)
    open_ = plan.status == PlanStatus.COMMENT and (not plan.comments_until
                                                     or timezone.localdate() <= plan.comments_until)
    form_class = forms.CommentForm if request.user.is_authenticated else forms.PublicCommentForm
    kwargs = {"plan": plan} if request.user.is_authenticated else {"plan": plan, "min_seconds": _min_seconds()}
    form = form_class(request.POST or None, **kwargs) if open_ else None
    if request.method == "POST":
        if form is None:
            messages.error(request, _("Plán není zveřejněn k připomínkám."))
            return redirect("planning:plan_comments", pk=plan.pk)
        if not request.user.is_authenticated and _rate_limited(request):
            form.is_valid()
            form.add_error(None, _("Z vaší adresy přišlo v krátké době příliš mnoho připomínek; zkuste to později."))
        elif form.is_valid():
            d = form.cleaned_data
            comment = _attempt(form, lambda: svc.comment_submit(
                actor=request.user if request.user.is_authenticated else None, plan=plan, text=d["text"],
                author_name=d.get("author_name", ""), author_email=d.get("author_email", ""),
                organisation=d.get("organisation", ""), **form.target_objects()))
            if comment is not None:
                messages.success(request, _("Děkujeme, připomínka byla přijata. Vypořádání bude zveřejněno spolu "
                                            "s plánem."))
                return redirect("planning:plan_comments", pk=plan.pk)
    comments = list(selectors.comments_for(plan, request.user)) if manage else []
    own = list(Comment.objects.filter(plan=plan, user=request.user)) if request.user.is_authenticated and not manage \
        else []
    return render(request, "planning/comments.html", {
        "plan": plan, "form": form, "open": open_, "manage": manage, "comments": comments, "own": own,
        "counts": selectors.comment_counts(plan), "resolve_form": forms.ResolveForm(),
        "pending": sum(1 for c in comments if c.resolution == Resolution.PENDING),
    })


@scoped_view(Comment, "change")
def comment_resolve(request, pk):
    comment = get_scoped_object(request, Comment.objects.select_related("plan"), "change", pk=pk)
    form = forms.ResolveForm(request.POST or None, initial={"resolution": comment.resolution
                                                           if comment.resolution != Resolution.PENDING else None,
                                                           "reasoning": comment.reasoning})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        if _attempt(form, lambda: svc.comment_resolve(actor=request.user, comment=_fresh(comment),
                                                      resolution=d["resolution"], reasoning=d["reasoning"])):
            messages.success(request, _("Připomínka byla vypořádána."))
            return redirect(reverse("planning:plan_comments", args=[comment.plan_id]) + f"#c{comment.pk}")
    return _form_page(request, form, title=_("Vypořádat připomínku"),
                      back=reverse("planning:plan_comments", args=[comment.plan_id]), intro=comment.text)


def plan_settlement(request, pk):
    """Tabulka vypořádání připomínek — public once published (without e-mails); a preview for the coordinator."""
    plan = selectors.plan_get(request.user, pk)
    manage = _can_edit(request.user, plan)
    if not plan.settlement_published and not manage:
        raise Http404
    return render(request, "planning/settlement.html", {
        "plan": plan, "rows": selectors.settlement_rows(plan), "counts": selectors.comment_counts(plan),
        "preview": not plan.settlement_published, "manage": manage})


# --- calendar -----------------------------------------------------------------------------------------------

def calendar(request):
    orp = Orp.objects.filter(code=request.GET.get("orp", "")).first()
    qs = selectors.meetings_public(orp=orp)
    now = timezone.now()
    upcoming = qs.filter(starts_at__gte=now - dt.timedelta(hours=6))
    past = qs.filter(starts_at__lt=now - dt.timedelta(hours=6)).order_by("-starts_at")[:20]
    feed = reverse("planning:calendar_ics") + (f"?orp={orp.code}" if orp else "")
    return render(request, "planning/calendar.html", {
        "upcoming": upcoming, "past": past, "orp": orp, "feed": feed,
        "orps": Orp.objects.filter(planning_meetings__is_public=True).distinct().order_by("name"),
        "can_add": request.user.is_authenticated and can_any(request.user, "change", Meeting),
    })


def calendar_ics(request):
    orp = Orp.objects.filter(code=request.GET.get("orp", "")).first()
    qs = selectors.meetings_public(orp=orp).filter(starts_at__gte=timezone.now() - dt.timedelta(days=365))
    body = ical.calendar(qs, base_url=request.build_absolute_uri("/").rstrip("/"),
                         name=_("Plánování sociálních služeb") + (f" – {orp.name}" if orp else ""))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="planovani.ics"'
    return response


def meeting_detail(request, pk):
    meeting = get_scoped_object(request, Meeting.objects.select_related("region", "orp", "group", "plan"), "view",
                                pk=pk)
    return render(request, "planning/meeting_detail.html", {
        "meeting": meeting, "editable": _can_edit(request.user, meeting),
        "show_minutes": meeting.minutes and (meeting.minutes_published or _can_edit(request.user, meeting))})


@scoped_view(Meeting, "change")
def meeting_add(request):
    region = selectors.region_of_user(request.user) or Region.objects.filter(code="CZ064").first()
    if region is None:
        raise Http404
    form = forms.MeetingForm(request.POST or None, region=region)
    if request.method == "POST" and form.is_valid():
        d = {k: v for k, v in form.cleaned_data.items()
             if k not in ("version", "minutes", "minutes_published", "attendance")}
        try:
            meeting = _attempt(form, lambda: svc.meeting_create(actor=request.user, region=region, **d))
        except PermissionDenied:
            form.add_error(None, _("Setkání v tomto území nemůžete zakládat."))
            meeting = None
        if meeting:
            return redirect("planning:meeting_detail", pk=meeting.pk)
    return _form_page(request, form, title=_("Nové setkání"), back=reverse("planning:calendar"))


@scoped_view(Meeting, "change")
def meeting_edit(request, pk):
    meeting = get_scoped_object(request, Meeting.objects.select_related("region"), "change", pk=pk)
    form = forms.MeetingForm(request.POST or None, instance=meeting, region=meeting.region)
    if request.method == "POST" and form.is_valid():
        d = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        if _attempt(form, lambda: svc.meeting_update(actor=request.user, meeting=_fresh(meeting), data=d,
                                                     expected_version=_version(form))):
            return redirect("planning:meeting_detail", pk=meeting.pk)
    return _form_page(request, form, title=_("Upravit setkání"),
                      back=reverse("planning:meeting_detail", args=[meeting.pk]), obj=meeting)


# --- working groups -----------------------------------------------------------------------------------------

def groups(request):
    from socplan.accounts.scope import restrict

    qs = restrict(WorkingGroup.objects.select_related("region", "orp"), request.user).order_by("orp__name", "name")
    return render(request, "planning/groups.html", {
        "groups": qs, "can_add": request.user.is_authenticated and can_any(request.user, "change", WorkingGroup)})


def group_detail(request, pk):
    from socplan.accounts.scope import restrict

    group = get_scoped_object(request, WorkingGroup.objects.select_related("region", "orp"), "view", pk=pk)
    members = restrict(group.members.filter(is_active=True), request.user, "view_private")
    sides = {}
    for m in group.members.filter(is_active=True):
        sides[m.get_side_display()] = sides.get(m.get_side_display(), 0) + 1
    return render(request, "planning/group_detail.html", {
        "group": group, "members": members, "sides": sides, "editable": _can_edit(request.user, group),
        "meetings": group.meetings.filter(is_public=True).order_by("-starts_at")[:20]})


@scoped_view(WorkingGroup, "change")
def group_add(request):
    region = selectors.region_of_user(request.user) or Region.objects.filter(code="CZ064").first()
    form = forms.WorkingGroupForm(request.POST or None, region=region)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            g = _attempt(form, lambda: svc.working_group_create(
                actor=request.user, region=region, name=d["name"], orp=d.get("orp"),
                target_group=int(d["target_group"]) if d.get("target_group") else None,
                description=d.get("description", "")))
        except PermissionDenied:
            form.add_error(None, _("V tomto území nemůžete zakládat pracovní skupiny."))
            g = None
        if g:
            return redirect("planning:group_detail", pk=g.pk)
    return _form_page(request, form, title=_("Nová pracovní skupina"), back=reverse("planning:groups"))


@scoped_view(WorkingGroupMember, "change", url_model=WorkingGroup)
def member_add(request, pk):
    group = get_scoped_object(request, WorkingGroup, "change", pk=pk)
    form = forms.MemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if _attempt(form, lambda: svc.working_group_member_add(actor=request.user, group=group, **form.cleaned_data)):
            return redirect("planning:group_detail", pk=group.pk)
    return _form_page(request, form, title=_("Nový člen: %(g)s") % {"g": group.name},
                      back=reverse("planning:group_detail", args=[group.pk]))


# --- contracts with the ORP ---------------------------------------------------------------------------------

def contracts(request):
    from socplan.accounts.scope import restrict

    if not request.user.is_authenticated:
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(request.get_full_path())
    qs = restrict(OrpContract.objects.select_related("orp", "region").prefetch_related("reports"), request.user,
                  "view_private").order_by("orp__name", "-date_from")
    return render(request, "planning/contracts.html", {
        "contracts": qs, "can_add": can_any(request.user, "change", OrpContract)})


def contract_detail(request, pk):
    from socplan.accounts.scope import restrict

    if not request.user.is_authenticated:
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(request.get_full_path())
    contract = get_object_or_404(restrict(OrpContract.objects.select_related("orp", "region"), request.user,
                                          "view_private"), pk=pk)
    reports = [{"r": r, "edit": can(request.user, "change", r), "review": can(request.user, "approve", r)}
               for r in contract.reports.order_by("year")]
    return render(request, "planning/contract_detail.html", {"c": contract, "reports": reports})


@scoped_view(OrpContract, "change")
def contract_add(request):
    region = selectors.region_of_user(request.user) or Region.objects.filter(code="CZ064").first()
    form = forms.ContractForm(request.POST or None, region=region)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            c = _attempt(form, lambda: svc.contract_create(actor=request.user, region=region, **d))
        except PermissionDenied:
            form.add_error(None, _("Smlouvy uzavírá kraj."))
            c = None
        if c:
            return redirect("planning:contract_detail", pk=c.pk)
    return _form_page(request, form, title=_("Nová smlouva s ORP"), back=reverse("planning:contracts"))


@scoped_view(OrpYearReport, "change")
def orp_report_edit(request, pk):
    """The ORP fills in (and submits) its yearly report on community planning."""
    report = get_scoped_object(request, OrpYearReport.objects.select_related("contract", "contract__orp"), "change",
                               pk=pk)
    form = forms.OrpReportForm(request.POST or None, instance=report)
    if request.method == "POST" and form.is_valid():
        fields = ("activities", "meetings_held", "participants", "plan_changes", "contribution_spent")
        d = {k: form.cleaned_data[k] for k in fields}

        def save():
            r = svc.orp_report_save(actor=request.user, report=_fresh(report), data=d,
                                    expected_version=_version(form))
            if "submit" in request.POST:
                svc.orp_report_submit(actor=request.user, report=r)
            return r

        if _attempt(form, save):
            messages.success(request, _("Zpráva byla uložena."))
            return redirect("planning:contract_detail", pk=report.contract_id)
    return render(request, "planning/orp_report_form.html", {"form": form, "report": report,
                                                             "contract": report.contract})


@scoped_view(OrpYearReport, "approve")
def orp_report_review(request, pk):
    """The kraj accepts a submitted report or returns it for completion."""
    report = get_scoped_object(request, OrpYearReport.objects.select_related("contract", "contract__orp"), "approve",
                               pk=pk)
    form = forms.ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if _attempt(form, lambda: svc.orp_report_review(actor=request.user, report=_fresh(report),
                                                        accept=form.cleaned_data["accept"],
                                                        note=form.cleaned_data.get("note", ""))):
            messages.success(request, _("Zpráva byla posouzena."))
            return redirect("planning:contract_detail", pk=report.contract_id)
    return _form_page(request, form, title=_("Posoudit roční zprávu %(o)s %(y)s") % {
        "o": report.contract.orp.name, "y": report.year},
        back=reverse("planning:contract_detail", args=[report.contract_id]),
        intro=f"{report.activities}\n\n{_('počet setkání')}: {report.meetings_held}, "
              f"{_('zapojených osob')}: {report.participants}, {_('čerpání')}: {report.contribution_spent} Kč")
