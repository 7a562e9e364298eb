"""The planning form pages as declarations: for each, the model it writes, the object its URL addresses, the
form, the one service function it calls, its title and where it leads back. `formpages.FormPageView` serves
them all (permission, form, service, errors, redirect); `urls.py` adds `urlpatterns(PAGES)`.

A declaration's `save(view, form)` only maps the form's cleaned data onto the service's keyword arguments;
`view.target` is the URL's object (already checked by the permission layer), `view.fresh()` re-reads it for the
optimistic-locking update, `view.actor` is the user.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from socplan.territory.models import Orp, Region

from . import forms, selectors
from . import services as svc
from .formpages import FormPage, data, version
from .models import (
    ActionPlan,
    CapacityNeed,
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
    Priority,
    WorkingGroup,
    WorkingGroupMember,
)


def plan_url(plan) -> str:
    return reverse("planning:plan_detail", args=[plan.pk])


def _plan_of(view):
    return view.target if isinstance(view.target, Plan) else view.target.plan


def _to_plan(anchor: str = ""):
    return lambda view: plan_url(_plan_of(view)) + anchor


def _to(name: str, attr: str = "pk"):
    """Back to a page of the URL's object (or of the object it points to by `attr`)."""
    return lambda view: reverse(f"planning:{name}", args=[getattr(view.target, attr)])


def _result_page(name: str):
    return lambda view, result: reverse(f"planning:{name}", args=[result.pk])


def _home_region(view):
    return selectors.region_of_user(view.actor) or Region.objects.filter(code="CZ064").first()


CONFIRM = _("Potvrdit")


# --- plans -----------------------------------------------------------------------------------------------------

def _plan_create_form(view, post):
    default_region = selectors.region_of_user(view.actor)
    orps = Orp.objects.filter(region=default_region) if default_region else Orp.objects.all()
    return forms.PlanCreateForm(post, regions=Region.objects.order_by("name"), orps=orps.order_by("name"),
                                initial={"region": default_region})


def _plan_create(view, form):
    d = form.cleaned_data
    return svc.plan_create(actor=view.actor, kind=d["kind"], title=d["title"], region=d["region"], orp=d.get("orp"),
                           year_from=d["year_from"], year_to=d["year_to"], summary=d.get("summary", ""))


def _plan_copy_form(view, post):
    source = view.target
    span = source.year_to - source.year_from
    return forms.PlanCopyForm(post, initial={
        "title": source.title.replace(source.period_label, f"{source.year_to + 1}–{source.year_to + 1 + span}"),
        "year_from": source.year_to + 1, "year_to": source.year_to + 1 + span})


def _approve(view, form, *, community_only: bool = False):
    d = form.cleaned_data
    if community_only and view.target.kind != PlanKind.COMMUNITY:
        raise ValidationError(_("Plán kraje schvaluje zastupitelstvo kraje; zaznamenává je pracovník kraje "
                                "s právem schvalovat."))
    return svc.plan_approve(actor=view.actor, plan=view.target, approved_on=d["approved_on"],
                            approval_ref=d.get("approval_ref", ""), confirm=d.get("confirm", False),
                            reason=d.get("reason", ""))


def _plan_state(name, route, save, *, form=forms.ConfirmForm, action="change", **kw):
    """A plan state change: the form (or a bare confirmation) and one service call."""
    return FormPage(name=name, route=route, model=Plan, lookup=Plan, action=action, back=_to_plan(),
                    form=lambda view, post: form(post), save=save, submit=CONFIRM,
                    errors_as_message=form is forms.ConfirmForm, **kw)


PLAN_PAGES = [
    FormPage(name="plan_create", route="novy/", model=Plan, form=_plan_create_form, save=_plan_create,
             title=_("Nový plán"), back=lambda view: reverse("planning:index"),
             success=_result_page("plan_detail"), message=_("Plán byl založen jako návrh."),
             refused=_("V tomto území nemůžete zakládat plány.")),
    FormPage(name="plan_edit", route="plan/<int:pk>/upravit/", model=Plan, lookup=Plan,
             form=lambda view, post: forms.PlanEditForm(post, instance=view.target),
             save=lambda view, form: svc.plan_update(actor=view.actor, plan=view.fresh(), data=data(form),
                                                     expected_version=version(form)),
             title=_("Upravit plán"), back=_to_plan(), message=_("Plán byl uložen.")),
    FormPage(name="plan_copy_create", route="plan/<int:pk>/kopie/", model=Plan, lookup=Plan, form=_plan_copy_form,
             save=lambda view, form: svc.plan_copy(actor=view.actor, source=view.target,
                                                   title=form.cleaned_data["title"],
                                                   year_from=form.cleaned_data["year_from"],
                                                   year_to=form.cleaned_data["year_to"]),
             title=lambda view: _("Nový plán jako kopie: %(t)s") % {"t": view.target.title}, back=_to_plan(),
             success=_result_page("plan_detail"), message=_("Nový plán vznikl jako kopie; je ve stavu návrhu."),
             intro=_("Zkopírují se kapitoly, priority, opatření s vazbami na služby, náklady, indikátory a potřeby "
                     "kapacit (roky se posunou). Monitoring a připomínky se nekopírují.")),
    _plan_state("plan_publish_update", "plan/<int:pk>/zverejnit/", form=forms.PublishForm,
                save=lambda view, form: svc.plan_publish_for_comments(
                    actor=view.actor, plan=view.target, comments_until=form.cleaned_data.get("comments_until")),
                message=_("Návrh byl zveřejněn k připomínkám."), title=_("Zveřejnit návrh k připomínkám"),
                intro=_("Návrh bude veřejný a připomínku k němu bude moci podat kdokoli.")),
    _plan_state("plan_unpublish_update", "plan/<int:pk>/do-navrhu/",
                save=lambda view, form: svc.plan_return_to_draft(actor=view.actor, plan=view.target),
                message=_("Plán byl vrácen do stavu návrhu."), title=_("Vrátit plán do stavu návrhu"),
                intro=_("Připomínkování se ukončí a návrh přestane být veřejný.")),
    _plan_state("plan_approve", "plan/<int:pk>/schvalit/", form=forms.ApproveForm, action="approve", save=_approve,
                message=_("Plán byl schválen."), title=_("Zaznamenat schválení plánu")),
    # a community plan approved by the municipality's council, recorded by its coordinator
    _plan_state("plan_adopt_update", "plan/<int:pk>/schvaleno-obci/", form=forms.ApproveForm,
                save=lambda view, form: _approve(view, form, community_only=True),
                message=_("Schválení plánu bylo zaznamenáno."),
                title=_("Zaznamenat schválení komunitního plánu zastupitelstvem obce")),
    _plan_state("plan_settlement_update", "plan/<int:pk>/vyporadani/zverejnit/",
                save=lambda view, form: svc.settlement_publish(actor=view.actor, plan=view.target),
                message=_("Vypořádání připomínek bylo zveřejněno."), title=_("Zveřejnit vypořádání připomínek"),
                intro=_("Tabulka vypořádání (jméno autora, připomínka, způsob vypořádání a odůvodnění, bez e-mailů) "
                        "bude veřejná a vypořádání už nepůjde měnit.")),
]


# --- sections, priorities, capacity needs, measures, indicators -----------------------------------------------

def _services_for_plan(plan):
    from socplan.registry.models import Service

    qs = Service.objects.filter(region=plan.region).select_related("kind").order_by("kind__order", "name")
    if plan.orp_id:
        qs = qs.filter(areas__orp=plan.orp).distinct()
    return qs


def _measure_add_form(view, post):
    priority = view.target
    plan, n = priority.plan, priority.measures.count() + 1
    return forms.MeasureForm(post, plan=plan, services=_services_for_plan(plan), initial={
        "priority": priority, "code": f"{priority.code}.{n}", "year_from": plan.year_from,
        "year_to": plan.year_to, "order": n})


def _measure_create(view, form):
    d = data(form)
    priority, services = d.pop("priority"), d.pop("services", [])
    return svc.measure_create(actor=view.actor, priority=priority, services=services, **d)


def _measure_update(view, form):
    d = data(form)
    services = d.pop("services", [])
    return svc.measure_update(actor=view.actor, measure=view.fresh(), data=d, services=services,
                              expected_version=version(form))


def _budget_save(view, form):
    for name, value in form.cleaned_data.items():
        _a, year, source = name.split("_", 2)
        svc.measure_budget_set(actor=view.actor, measure=view.target, year=int(year), source=source,
                               amount=value or 0)


INDICATOR_FIELDS = ("name", "unit", "baseline", "baseline_year", "direction")
NEED_FIELDS = ("kind", "capacity_type", "year", "capacity", "measure", "basis")


def _indicator_update(view, form):
    d = {k: form.cleaned_data[k] for k in INDICATOR_FIELDS}
    svc.indicator_update(actor=view.actor, indicator=view.fresh(), data=d, expected_version=version(form))
    for year, value in form.targets().items():
        svc.indicator_target_set(actor=view.actor, indicator=view.target, year=year, value=value)


def _measure_page(view) -> str:
    measure = view.target if isinstance(view.target, Measure) else view.target.measure
    return reverse("planning:measure_detail", args=[measure.pk])


STRUCTURE_PAGES = [
    FormPage(name="section_add", route="plan/<int:pk>/kapitola/nova/", model=PlanSection, url_model=Plan, lookup=Plan,
             form=lambda view, post: forms.SectionForm(post, initial={"order": view.target.sections.count() + 1}),
             save=lambda view, form: svc.section_create(actor=view.actor, plan=view.target, **data(form)),
             title=lambda view: _("Nová kapitola: %(p)s") % {"p": view.target.title}, back=_to_plan(),
             success=lambda view, result: _to_plan("#kapitoly")(view)),
    FormPage(name="section_edit", route="kapitola/<int:pk>/upravit/", model=PlanSection,
             lookup=PlanSection.objects.select_related("plan"),
             form=lambda view, post: forms.SectionForm(post, instance=view.target),
             save=lambda view, form: svc.section_update(actor=view.actor, section=view.fresh(), data=data(form),
                                                        expected_version=version(form)),
             delete=lambda view, section: svc.section_delete(actor=view.actor, section=section),
             title=_("Upravit kapitolu"), back=_to_plan(), success=lambda view, result: _to_plan("#kapitoly")(view)),
    FormPage(name="priority_add", route="plan/<int:pk>/priorita/nova/", model=Priority, url_model=Plan, lookup=Plan,
             form=lambda view, post: forms.PriorityForm(post, initial={"order": view.target.priorities.count() + 1}),
             save=lambda view, form: svc.priority_create(actor=view.actor, plan=view.target, **data(form)),
             title=lambda view: _("Nová priorita: %(p)s") % {"p": view.target.title}, back=_to_plan(),
             success=lambda view, result: _to_plan("#priority")(view)),
    FormPage(name="priority_edit", route="priorita/<int:pk>/upravit/", model=Priority,
             lookup=Priority.objects.select_related("plan"),
             form=lambda view, post: forms.PriorityForm(post, instance=view.target),
             save=lambda view, form: svc.priority_update(actor=view.actor, priority=view.fresh(), data=data(form),
                                                         expected_version=version(form)),
             title=lambda view: _("Upravit prioritu %(c)s") % {"c": view.target.code}, back=_to_plan(),
             success=lambda view, result: _to_plan(f"#p{view.target.pk}")(view)),
    FormPage(name="capacity_need_add", route="plan/<int:pk>/potreba/nova/", model=CapacityNeed, url_model=Plan,
             lookup=Plan, form=lambda view, post: forms.CapacityNeedForm(post, plan=view.target),
             save=lambda view, form: svc.capacity_need_create(
                 actor=view.actor, plan=view.target, **{k: form.cleaned_data[k] for k in NEED_FIELDS}),
             title=lambda view: _("Nová potřeba kapacity: %(p)s") % {"p": view.target.title},
             back=_to_plan("#potreby"), message=_("Potřeba kapacity byla uložena."),
             intro=_("Zadejte celkovou kapacitu, kterou území ORP v daném roce potřebuje (ne jen přírůstek), "
                     "v jednotce, ve které se druh služby registruje (lůžka, klienti…).")),
    FormPage(name="capacity_need_edit", route="potreba/<int:pk>/upravit/", model=CapacityNeed,
             lookup=CapacityNeed.objects.select_related("plan", "plan__orp"),
             form=lambda view, post: forms.CapacityNeedForm(post, instance=view.target, plan=view.target.plan),
             save=lambda view, form: svc.capacity_need_update(
                 actor=view.actor, need=view.fresh(), data={k: form.cleaned_data[k] for k in NEED_FIELDS},
                 expected_version=version(form)),
             delete=lambda view, need: svc.capacity_need_delete(actor=view.actor, need=need),
             delete_message=_("Potřeba kapacity byla smazána."),
             title=_("Upravit potřebu kapacity"), back=_to_plan("#potreby"),
             message=_("Potřeba kapacity byla uložena.")),
    FormPage(name="measure_add", route="priorita/<int:pk>/opatreni/nove/", model=Measure, url_model=Priority,
             lookup=Priority.objects.select_related("plan"), form=_measure_add_form, save=_measure_create,
             title=lambda view: _("Nové opatření priority %(c)s") % {"c": view.target.code}, back=_to_plan(),
             success=_result_page("measure_detail")),
    FormPage(name="measure_edit", route="opatreni/<int:pk>/upravit/", model=Measure,
             lookup=Measure.objects.select_related("plan", "priority"),
             form=lambda view, post: forms.MeasureForm(post, instance=view.target, plan=view.target.plan,
                                                       services=_services_for_plan(view.target.plan)),
             save=_measure_update, title=lambda view: _("Upravit opatření %(c)s") % {"c": view.target.code},
             back=_measure_page),
    FormPage(name="budget_edit", route="opatreni/<int:pk>/naklady/", model=Measure,
             lookup=Measure.objects.select_related("plan"),
             form=lambda view, post: forms.budget_form(view.target, post), save=_budget_save,
             title=lambda view: _("Předpokládané náklady opatření %(c)s (Kč)") % {"c": view.target.code},
             back=_measure_page, message=_("Předpokládané náklady byly uloženy.")),
    FormPage(name="indicator_add", route="opatreni/<int:pk>/indikator/novy/", model=Indicator, url_model=Measure,
             lookup=Measure.objects.select_related("plan"),
             form=lambda view, post: forms.IndicatorForm(post, plan=view.target.plan,
                                                         initial={"baseline_year": view.target.plan.year_from - 1}),
             save=lambda view, form: svc.indicator_create(
                 actor=view.actor, measure=view.target,
                 targets={y: v for y, v in form.targets().items() if v is not None},
                 **{k: form.cleaned_data[k] for k in INDICATOR_FIELDS}),
             title=lambda view: _("Nový indikátor opatření %(c)s") % {"c": view.target.code}, back=_measure_page),
    FormPage(name="indicator_edit", route="indikator/<int:pk>/upravit/", model=Indicator,
             lookup=Indicator.objects.select_related("measure", "measure__plan"),
             form=lambda view, post: forms.IndicatorForm(post, instance=view.target, plan=view.target.measure.plan),
             save=_indicator_update, title=_("Upravit indikátor"), back=_measure_page),
]


# --- monitoring (the responsible body reports; its right is `can_report`, not a scope-layer role) --------------

def _may_report(view):
    from django.contrib.auth.views import redirect_to_login

    if not view.request.user.is_authenticated:
        return redirect_to_login(view.request.get_full_path())
    measure = view.target if isinstance(view.target, Measure) else view.target.measure
    if not svc.can_report(view.actor, measure):
        raise PermissionDenied
    return None


def _may_report_or_edit(view):
    from socplan.accounts.scope import can

    if not view.request.user.is_authenticated:
        return _may_report(view)
    if not (svc.can_report(view.actor, view.target) or can(view.actor, "change", view.target)):
        raise PermissionDenied
    return None


def _report_form(view, post):
    year = view.kwargs["year"]
    current = MeasureReport.objects.filter(measure=view.target, year=year).first()
    initial = {"state": current.state, "progress": current.progress, "comment": current.comment} if current else {}
    return forms.ReportForm(post, indicators=view.target.indicators.prefetch_related("targets", "values"), year=year,
                            initial=initial)


def _report_save(view, form):
    d, year = form.cleaned_data, view.kwargs["year"]
    svc.measure_report_set(actor=view.actor, measure=view.target, year=year, state=d["state"],
                           progress=d["progress"], comment=d.get("comment", ""))
    for ind in form.indicators:
        svc.indicator_value_set(actor=view.actor, indicator=ind, year=year, value=d.get(f"value_{ind.pk}"))


MONITORING_PAGES = [
    # Roční plnění opatření: stav, % plnění, komentář a hodnoty indikátorů za rok.
    FormPage(name="report_edit", route="opatreni/<int:pk>/plneni/<int:year>/", model=MeasureReport,
             url_model=Measure, lookup=Measure.objects.select_related("plan"), lookup_action="view", gate=False,
             guard=_may_report, form=_report_form, save=_report_save,
             title=lambda view: _("Plnění opatření %(c)s za rok %(y)s") % {"c": view.target.code,
                                                                           "y": view.kwargs["year"]},
             back=_measure_page, message=lambda view: _("Plnění za rok %(y)s bylo uloženo.") % {
                 "y": view.kwargs["year"]},
             intro=_("Splněné opatření má plnění 100 %. Hodnoty indikátorů zadejte za celý rok."),
             # the URL addresses a measure and a year: given a report, its own; given a measure, its first year
             url_kwargs=lambda m: ({"pk": m.measure_id, "year": m.year} if isinstance(m, MeasureReport)
                                   else {"pk": m.pk, "year": m.year_from})),
    FormPage(name="milestone_add", route="opatreni/<int:pk>/milnik/novy/", model=Milestone, url_model=Measure,
             lookup=Measure.objects.select_related("plan"), lookup_action="view", gate=False,
             guard=_may_report_or_edit, form=lambda view, post: forms.MilestoneForm(post),
             save=lambda view, form: svc.milestone_create(
                 actor=view.actor, measure=view.target, title=form.cleaned_data["title"],
                 due_on=form.cleaned_data["due_on"], done_on=form.cleaned_data.get("done_on")),
             title=lambda view: _("Nový milník opatření %(c)s") % {"c": view.target.code}, back=_measure_page),
    FormPage(name="milestone_edit", route="milnik/<int:pk>/upravit/", model=Milestone, url_model=Milestone,
             lookup=Milestone.objects.select_related("measure", "measure__plan"), lookup_action="view", gate=False,
             guard=_may_report, form=lambda view, post: forms.MilestoneForm(post, instance=view.target),
             save=lambda view, form: svc.milestone_update(
                 actor=view.actor, milestone=view.fresh(),
                 data={k: form.cleaned_data[k] for k in ("title", "due_on", "done_on")},
                 expected_version=version(form)),
             title=_("Upravit milník"), back=_measure_page),
]


# --- action plans and comments ----------------------------------------------------------------------------------

def _action_plan_year(plan) -> int:
    existing = set(plan.action_plans.values_list("year", flat=True))
    return next((y for y in plan.years if y not in existing), plan.year_to)


def _action_plan_approve(view, form, *, community_only: bool):
    d = form.cleaned_data
    if community_only and view.target.plan.kind != PlanKind.COMMUNITY:
        raise ValidationError(_("Akční plán kraje zaznamenává pracovník kraje s právem schvalovat."))
    return svc.action_plan_approve(actor=view.actor, action_plan=view.fresh(), approved_on=d["approved_on"],
                                   approval_ref=d.get("approval_ref", ""))


def _action_plan_approval(name, route, action, community_only):
    return FormPage(name=name, route=route, model=ActionPlan, action=action,
                    lookup=ActionPlan.objects.select_related("plan"),
                    form=lambda view, post: forms.ApproveForm(post),
                    save=lambda view, form: _action_plan_approve(view, form, community_only=community_only),
                    title=_("Zaznamenat schválení akčního plánu"), back=_to("action_plan_detail"),
                    message=_("Akční plán byl schválen."))


def _comment_resolve_form(view, post):
    from .models import Resolution

    comment = view.target
    return forms.ResolveForm(post, initial={
        "resolution": comment.resolution if comment.resolution != Resolution.PENDING else None,
        "reasoning": comment.reasoning})


ACTION_PLAN_PAGES = [
    FormPage(name="action_plan_add", route="plan/<int:pk>/akcni-plan/novy/", model=ActionPlan, url_model=Plan,
             lookup=Plan, form=lambda view, post: forms.ActionPlanForm(post, initial={
                 "year": _action_plan_year(view.target)}),
             save=lambda view, form: svc.action_plan_create(
                 actor=view.actor, plan=view.target, year=form.cleaned_data["year"],
                 title=form.cleaned_data.get("title", ""), intro=form.cleaned_data.get("intro", "")),
             title=lambda view: _("Nový akční plán: %(p)s") % {"p": view.target.title}, back=_to_plan(),
             success=_result_page("action_plan_detail")),
    FormPage(name="action_plan_edit", route="akcni-plan/<int:pk>/upravit/", model=ActionPlan,
             lookup=ActionPlan.objects.select_related("plan"),
             form=lambda view, post: forms.ActionPlanForm(post, instance=view.target),
             save=lambda view, form: svc.action_plan_update(actor=view.actor, action_plan=view.fresh(),
                                                            data=data(form), expected_version=version(form)),
             title=_("Upravit akční plán"), back=_to("action_plan_detail")),
    _action_plan_approval("action_plan_approve", "akcni-plan/<int:pk>/schvalit/", "approve", False),
    _action_plan_approval("action_plan_adopt_update", "akcni-plan/<int:pk>/schvaleno-obci/", "change", True),
    FormPage(name="comment_resolve_update", route="pripominka/<int:pk>/vyporadat/", model=Comment,
             lookup=Comment.objects.select_related("plan"), form=_comment_resolve_form,
             save=lambda view, form: svc.comment_resolve(actor=view.actor, comment=view.fresh(),
                                                         resolution=form.cleaned_data["resolution"],
                                                         reasoning=form.cleaned_data["reasoning"]),
             title=_("Vypořádat připomínku"), back=_to("plan_comments", "plan_id"),
             success=lambda view, result: _to("plan_comments", "plan_id")(view) + f"#c{view.target.pk}",
             message=_("Připomínka byla vypořádána."), intro=lambda view: view.target.text),
]


# --- meetings, working groups, contracts with the ORP -----------------------------------------------------------

def _meeting_region(view):
    region = _home_region(view)
    if region is None:
        raise Http404
    view.region = region


def _orp_report_save(view, form):
    fields = ("activities", "meetings_held", "participants", "plan_changes", "contribution_spent")
    report = svc.orp_report_save(actor=view.actor, report=view.fresh(), data={k: form.cleaned_data[k] for k in fields},
                                 expected_version=version(form))
    if "submit" in view.request.POST:
        svc.orp_report_submit(actor=view.actor, report=report)
    return report


def _orp_report_intro(view) -> str:
    r = view.target
    return (f"{r.activities}\n\n{_('počet setkání')}: {r.meetings_held}, {_('zapojených osob')}: {r.participants}, "
            f"{_('čerpání')}: {r.contribution_spent} Kč")


ORP_REPORTS = OrpYearReport.objects.select_related("contract", "contract__orp")

COOPERATION_PAGES = [
    FormPage(name="meeting_add", route="setkani/nove/", model=Meeting, guard=_meeting_region,
             form=lambda view, post: forms.MeetingForm(post, region=view.region),
             save=lambda view, form: svc.meeting_create(
                 actor=view.actor, region=view.region,
                 **data(form, "minutes", "minutes_published", "attendance")),
             title=_("Nové setkání"), back=lambda view: reverse("planning:calendar"),
             success=_result_page("meeting_detail"), refused=_("Setkání v tomto území nemůžete zakládat.")),
    FormPage(name="meeting_edit", route="setkani/<int:pk>/upravit/", model=Meeting,
             lookup=Meeting.objects.select_related("region"),
             form=lambda view, post: forms.MeetingForm(post, instance=view.target, region=view.target.region),
             save=lambda view, form: svc.meeting_update(actor=view.actor, meeting=view.fresh(), data=data(form),
                                                        expected_version=version(form)),
             title=_("Upravit setkání"), back=_to("meeting_detail")),
    FormPage(name="group_add", route="skupiny/nova/", model=WorkingGroup,
             guard=lambda view: setattr(view, "region", _home_region(view)),
             form=lambda view, post: forms.WorkingGroupForm(post, region=view.region),
             save=lambda view, form: svc.working_group_create(
                 actor=view.actor, region=view.region, name=form.cleaned_data["name"],
                 orp=form.cleaned_data.get("orp"),
                 target_group=int(form.cleaned_data["target_group"]) if form.cleaned_data.get("target_group")
                 else None, description=form.cleaned_data.get("description", "")),
             title=_("Nová pracovní skupina"), back=lambda view: reverse("planning:groups"),
             success=_result_page("group_detail"),
             refused=_("V tomto území nemůžete zakládat pracovní skupiny.")),
    FormPage(name="member_add", route="skupina/<int:pk>/clen/novy/", model=WorkingGroupMember,
             url_model=WorkingGroup, lookup=WorkingGroup, form=lambda view, post: forms.MemberForm(post),
             save=lambda view, form: svc.working_group_member_add(actor=view.actor, group=view.target,
                                                                  **form.cleaned_data),
             title=lambda view: _("Nový člen: %(g)s") % {"g": view.target.name}, back=_to("group_detail")),
    FormPage(name="contract_add", route="smlouvy/nova/", model=OrpContract,
             guard=lambda view: setattr(view, "region", _home_region(view)),
             form=lambda view, post: forms.ContractForm(post, region=view.region),
             save=lambda view, form: svc.contract_create(actor=view.actor, region=view.region, **form.cleaned_data),
             title=_("Nová smlouva s ORP"), back=lambda view: reverse("planning:contracts"),
             success=_result_page("contract_detail"), refused=_("Smlouvy uzavírá kraj.")),
    # the ORP fills in (and submits) its yearly report on community planning
    FormPage(name="orp_report_edit", route="zprava/<int:pk>/upravit/", model=OrpYearReport, lookup=ORP_REPORTS,
             form=lambda view, post: forms.OrpReportForm(post, instance=view.target), save=_orp_report_save,
             title="", back=_to("contract_detail", "contract_id"), message=_("Zpráva byla uložena."),
             template="planning/orp_report_form.html",
             context=lambda view, form: {"report": view.target, "contract": view.target.contract}),
    # the kraj accepts a submitted report or returns it for completion
    FormPage(name="orp_report_review_approve", route="zprava/<int:pk>/posoudit/", model=OrpYearReport,
             action="approve", lookup=ORP_REPORTS, form=lambda view, post: forms.ReviewForm(post),
             save=lambda view, form: svc.orp_report_review(actor=view.actor, report=view.fresh(),
                                                           accept=form.cleaned_data["accept"],
                                                           note=form.cleaned_data.get("note", "")),
             title=lambda view: _("Posoudit roční zprávu %(o)s %(y)s") % {"o": view.target.contract.orp.name,
                                                                          "y": view.target.year},
             back=_to("contract_detail", "contract_id"), message=_("Zpráva byla posouzena."),
             intro=_orp_report_intro),
]

PAGES = PLAN_PAGES + STRUCTURE_PAGES + MONITORING_PAGES + ACTION_PLAN_PAGES + COOPERATION_PAGES
