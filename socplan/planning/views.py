"""Planning pages (Czech) that show things: the plans, a plan with priorities → measures → indicators, a
measure, the fulfilment overview and the public "plnění plánu" page, comments (připomínkování, the public
comment form) and the published settlement table, the public meeting calendar with an iCalendar feed, working
groups, contracts with the ORP and their yearly reports.

Every page that writes through a form is a declaration in `pages.py` served by `formpages.FormPageView`; the
lists of working groups and contracts and the details of meetings, groups, contracts and action plans are the
generic pages of `socplan.accounts.generic` (`lists.py`). Reads go through `socplan.accounts.scope.restrict`
(404 for what the user may not see).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from socplan.accounts.permissions import get_scoped_object
from socplan.accounts.scope import can, can_any
from socplan.accounts.selectors import public_seat_labels
from socplan.core import ratelimit
from socplan.core.render.charts import bar_chart_svg, grouped_bar_svg, stacked_bar_svg
from socplan.territory.models import Orp, Region

from . import forms, ical, selectors
from . import services as svc
from .engine import INDICATOR_STATES, STATES
from .formpages import errors_to_form
from .labels import INDICATOR_LABELS, STATE_COLORS, STATE_LABELS
from .models import (
    PUBLISHED,
    ActionPlan,
    Comment,
    Measure,
    Meeting,
    OrpContract,
    Plan,
    PlanKind,
    PlanStatus,
    Resolution,
    WorkingGroup,
)

# --- helpers ------------------------------------------------------------------------------------------------


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


# --- sections, priorities, measures, indicators -------------------------------------------------------------


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


# --- monitoring ---------------------------------------------------------------------------------------------


# The URL addresses a measure and a year: given a report, use its own; given a measure, its first year.


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
            try:
                comment = svc.comment_submit(
                    actor=request.user if request.user.is_authenticated else None, plan=plan, text=d["text"],
                    author_name=d.get("author_name", ""), author_email=d.get("author_email", ""),
                    organisation=d.get("organisation", ""), **form.target_objects())
            except ValidationError as exc:
                errors_to_form(form, exc)
                comment = None
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


