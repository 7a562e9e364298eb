"""Planning writes: one keyword-only function per domain action, atomic, taking the acting user (`actor`),
checking the permission layer first and leaving history (django-simple-history records `actor`).

`actor=None` means the system itself (demo loader, imports, tests of the domain rules): no permission check.
Edits of a plan's content are allowed while it is a draft or under comment; monitoring only once approved.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from socplan.core.money import czk
from socplan.core.services import model_update

from . import inbox as notices
from .models import (
    ActionPlan,
    ActionPlanStatus,
    CapacityNeed,
    Comment,
    Indicator,
    IndicatorTarget,
    IndicatorValue,
    Measure,
    MeasureBudget,
    MeasureReport,
    MeasureState,
    Meeting,
    Milestone,
    OrpContract,
    OrpYearReport,
    Plan,
    PlanKind,
    PlanSection,
    PlanStatus,
    Priority,
    ReportStatus,
    Resolution,
    WorkingGroup,
    WorkingGroupMember,
)

EDITABLE = (PlanStatus.DRAFT, PlanStatus.COMMENT)
MONITORED = (PlanStatus.APPROVED, PlanStatus.SUPERSEDED)


# --- helpers ------------------------------------------------------------------------------------------------

def _require(actor, action: str, obj) -> None:
    if actor is None:
        return
    from socplan.accounts.scope import can

    if not can(actor, action, obj):
        raise PermissionDenied(_("Na tuto změnu nemáte oprávnění."))


def can_report(user, measure: Measure) -> bool:
    """May `user` enter monitoring (state, indicator values, milestones) for `measure`?"""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if measure.responsible_user_id and measure.responsible_user_id == user.pk:
        return True
    from socplan.accounts.scope import can

    return can(user, "change", MeasureReport(measure=measure, year=measure.year_from, state="in_progress"))


def _save(obj, actor, *, validate: bool = True):
    if validate:
        obj.full_clean()
    if actor is not None and getattr(actor, "pk", None):
        obj._history_user = actor
    obj.save()
    return obj


def _editable(plan: Plan) -> None:
    if plan.status not in EDITABLE:
        raise ValidationError(_("Plán ve stavu „%(status)s“ už nelze upravovat; založte nový plán (kopii).")
                              % {"status": plan.get_status_display()})


def _monitored(plan: Plan) -> None:
    if plan.status not in MONITORED:
        raise ValidationError(_("Plnění se vykazuje jen u schváleného plánu."))


def _update(actor, instance, data: dict[str, Any], expected_version: int | None):
    if actor is not None and getattr(actor, "pk", None):
        instance._history_user = actor
    return model_update(instance=instance, data=data, actor=actor, expected_version=expected_version)[0]


# --- plans --------------------------------------------------------------------------------------------------

@transaction.atomic
def plan_create(*, actor, kind: str, title: str, region, year_from: int, year_to: int, orp=None,
                summary: str = "") -> Plan:
    plan = Plan(kind=kind, title=title, region=region, orp=orp if kind == PlanKind.COMMUNITY else None,
                year_from=year_from, year_to=year_to, summary=summary)
    _require(actor, "change", plan)
    return _save(plan, actor)


@transaction.atomic
def plan_update(*, actor, plan: Plan, data: dict[str, Any], expected_version: int | None = None) -> Plan:
    _require(actor, "change", plan)
    _editable(plan)
    allowed = {"title", "summary", "year_from", "year_to", "comments_until"}
    unknown = set(data) - allowed
    if unknown:
        raise ValidationError(_("Tato pole nelze měnit: %(f)s") % {"f": ", ".join(sorted(unknown))})
    return _update(actor, plan, data, expected_version)


@transaction.atomic
def plan_copy(*, actor, source: Plan, title: str, year_from: int, year_to: int) -> Plan:
    """A new draft plan starting from `source`: sections, priorities, measures (with their services, budget
    and indicators) and capacity needs are copied; years are shifted by the difference of the start years and
    cut to the new period. The latest reported indicator value becomes the new baseline. Monitoring and
    comments are not copied."""
    _require(actor, "view", source)
    new = Plan(kind=source.kind, title=title, region=source.region, orp=source.orp, year_from=year_from,
               year_to=year_to, summary=source.summary, previous=source)
    _require(actor, "change", new)
    _save(new, actor)
    shift = year_from - source.year_from

    def fit(y_from, y_to):
        a, b = max(y_from + shift, year_from), min(y_to + shift, year_to)
        return (a, b) if a <= b else (year_from, year_to)

    for s in source.sections.all():
        _save(PlanSection(plan=new, kind=s.kind, title=s.title, body=s.body, strengths=s.strengths,
                          weaknesses=s.weaknesses, opportunities=s.opportunities, threats=s.threats, order=s.order),
              actor)
    for p in source.priorities.all():
        np_ = _save(Priority(plan=new, kind=p.kind, target_group=p.target_group, code=p.code, number=p.number,
                             title=p.title, description=p.description, order=p.order), actor)
        for m in p.measures.prefetch_related("services", "budget", "indicators__targets", "indicators__values"):
            y_from, y_to = fit(m.year_from, m.year_to)
            nm = _save(Measure(plan=new, priority=np_, code=m.code, title=m.title, description=m.description,
                               responsible=m.responsible, responsible_user=m.responsible_user, year_from=y_from,
                               year_to=y_to, funding_note=m.funding_note, development_note=m.development_note,
                               order=m.order), actor)
            nm.services.set(m.services.all())
            for b in m.budget.all():
                if year_from <= b.year + shift <= year_to:
                    _save(MeasureBudget(measure=nm, year=b.year + shift, source=b.source, amount=b.amount), actor)
            for ind in m.indicators.all():
                values = sorted(ind.values.all(), key=lambda v: v.year)
                baseline, baseline_year = (values[-1].value, values[-1].year) if values else (ind.baseline,
                                                                                               ind.baseline_year)
                ni = _save(Indicator(measure=nm, name=ind.name, unit=ind.unit, baseline=baseline,
                                     baseline_year=baseline_year, direction=ind.direction, order=ind.order), actor)
                for t in ind.targets.all():
                    if year_from <= t.year + shift <= year_to:
                        _save(IndicatorTarget(indicator=ni, year=t.year + shift, value=t.value), actor)
    measures = {m.code: m for m in new.measures.all()}
    for n in source.capacity_needs.select_related("measure"):
        if year_from <= n.year + shift <= year_to:
            _save(CapacityNeed(plan=new, kind_id=n.kind_id, capacity_type_id=n.capacity_type_id, year=n.year + shift,
                               capacity=n.capacity, basis=n.basis,
                               measure=measures.get(n.measure.code) if n.measure_id else None), actor)
    return new


def _require_approval(actor, obj) -> None:
    """Regional plans (and their action plans): `approve`. Community ones: `approve` or `change`."""
    if actor is None:
        return
    from socplan.accounts.scope import can

    plan = obj if isinstance(obj, Plan) else obj.plan
    if can(actor, "approve", obj) or (plan.kind == PlanKind.COMMUNITY and can(actor, "change", obj)):
        return
    raise PermissionDenied(_("Schválení nemůžete zaznamenat."))


def _set_status(actor, plan: Plan, status: str, **extra) -> Plan:
    data = {"status": status, **extra}
    return _update(actor, plan, data, None)


@transaction.atomic
def plan_publish_for_comments(*, actor, plan: Plan, comments_until: dt.date | None = None) -> Plan:
    """Návrh → připomínkování: the draft becomes public and anyone may comment on it."""
    _require(actor, "change", plan)
    if plan.status != PlanStatus.DRAFT:
        raise ValidationError(_("K připomínkám lze zveřejnit jen návrh plánu."))
    if not plan.priorities.exists() and not plan.sections.exists():
        raise ValidationError(_("Prázdný plán nelze zveřejnit; doplňte kapitoly nebo priority."))
    plan = _set_status(actor, plan, PlanStatus.COMMENT, comments_until=comments_until,
                       settlement_published=False, settlement_published_at=None)
    notices.plan_status_changed(plan, actor=actor)
    return plan


@transaction.atomic
def plan_return_to_draft(*, actor, plan: Plan) -> Plan:
    _require(actor, "change", plan)
    if plan.status != PlanStatus.COMMENT:
        raise ValidationError(_("Do stavu návrhu lze vrátit jen plán v připomínkování."))
    plan = _set_status(actor, plan, PlanStatus.DRAFT, settlement_published=False, settlement_published_at=None)
    notices.plan_status_changed(plan, actor=actor)
    return plan


class ApprovalNeedsConfirmation(ValidationError):
    """The approval has problems the approver must confirm explicitly (listed in `problems`), with a reason."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__(problems)


def plan_approval_problems(plan: Plan, approved_on: dt.date) -> list[str]:
    """What an approver must knowingly accept: the comment period has not ended yet."""
    problems = []
    until = plan.comments_until
    if plan.status == PlanStatus.COMMENT and until and (approved_on <= until or timezone.localdate() <= until):
        problems.append(_("Připomínkování ještě neskončilo: připomínky lze podávat do %(d)s včetně.")
                        % {"d": until.strftime("%-d. %-m. %Y")})
    return problems


@transaction.atomic
def plan_approve(*, actor, plan: Plan, approved_on: dt.date, approval_ref: str = "", confirm: bool = False,
                 reason: str = "") -> Plan:
    """Schválení plánu. Every comment must be resolved first; the previous approved plan is superseded.

    A regional plan needs the `approve` permission (kraj staff allowed to approve); a community plan is
    approved by the municipality's council, which its coordinator (`change`) or the kraj records.
    Approving before the comment period ends is refused with :class:`ApprovalNeedsConfirmation` (listing the
    problems) unless ``confirm`` is given with a ``reason``; both are recorded on the plan and in its history."""
    _require_approval(actor, plan)
    if plan.status not in EDITABLE:
        raise ValidationError(_("Schválit lze jen návrh nebo plán v připomínkování."))
    if plan.comments.filter(resolution=Resolution.PENDING).exists():
        raise ValidationError(_("Plán má nevypořádané připomínky; nejprve je vypořádejte."))
    problems = plan_approval_problems(plan, approved_on)
    if problems and not confirm:
        raise ApprovalNeedsConfirmation(problems)
    reason = (reason or "").strip()
    if problems and not reason:
        raise ValidationError({"reason": _("Uveďte, proč se plán schvaluje přesto.")})
    if actor is not None and getattr(actor, "pk", None):
        plan._history_user = actor
    plan = model_update(instance=plan, actor=actor, expected_version=None,
                        reason=(_("schváleno přes upozornění: %(r)s") % {"r": reason})[:100] if problems else "",
                        data={"status": PlanStatus.APPROVED, "approved_on": approved_on, "approval_ref": approval_ref,
                              "approval_reason": reason if problems else "",
                              "approval_problems": problems})[0]
    if plan.previous_id and plan.previous.status == PlanStatus.APPROVED:
        _set_status(actor, plan.previous, PlanStatus.SUPERSEDED)
    notices.plan_status_changed(plan, actor=actor)
    return plan


@transaction.atomic
def settlement_publish(*, actor, plan: Plan) -> Plan:
    """Zveřejnění vypořádání připomínek: allowed when every comment has been resolved."""
    _require(actor, "change", plan)
    if plan.status == PlanStatus.DRAFT:
        raise ValidationError(_("Návrh, který nebyl zveřejněn k připomínkám, nemá co vypořádat."))
    if not plan.comments.exists():
        raise ValidationError(_("K plánu nejsou žádné připomínky."))
    if plan.comments.filter(resolution=Resolution.PENDING).exists():
        raise ValidationError(_("Některé připomínky ještě nejsou vypořádány."))
    return _set_status(actor, plan, plan.status, settlement_published=True,
                       settlement_published_at=timezone.now())


# --- content ------------------------------------------------------------------------------------------------

@transaction.atomic
def section_create(*, actor, plan: Plan, title: str, kind: str = "other", body: str = "", order: int | None = None,
                   **swot) -> PlanSection:
    obj = PlanSection(plan=plan, kind=kind, title=title, body=body,
                      order=order if order is not None else plan.sections.count() + 1, **swot)
    _require(actor, "change", obj)
    _editable(plan)
    return _save(obj, actor)


@transaction.atomic
def section_update(*, actor, section: PlanSection, data: dict, expected_version: int | None = None) -> PlanSection:
    _require(actor, "change", section)
    _editable(section.plan)
    return _update(actor, section, data, expected_version)


@transaction.atomic
def section_delete(*, actor, section: PlanSection) -> None:
    _require(actor, "delete", section)
    _editable(section.plan)
    if actor is not None and getattr(actor, "pk", None):
        section._history_user = actor
    section.delete()


@transaction.atomic
def priority_create(*, actor, plan: Plan, kind: str, code: str, title: str, target_group: int | None = None,
                    number: str = "", description: str = "", order: int | None = None) -> Priority:
    obj = Priority(plan=plan, kind=kind, target_group=target_group if kind == "group" else None, code=code,
                   number=number, title=title, description=description,
                   order=order if order is not None else plan.priorities.count() + 1)
    _require(actor, "change", obj)
    _editable(plan)
    return _save(obj, actor)


@transaction.atomic
def priority_update(*, actor, priority: Priority, data: dict, expected_version: int | None = None) -> Priority:
    _require(actor, "change", priority)
    _editable(priority.plan)
    return _update(actor, priority, data, expected_version)


@transaction.atomic
def measure_create(*, actor, priority: Priority, code: str, title: str, responsible: str, year_from: int,
                   year_to: int, description: str = "", responsible_user=None, funding_note: str = "",
                   development_note: str = "", services: Iterable = (), order: int | None = None) -> Measure:
    obj = Measure(plan=priority.plan, priority=priority, code=code, title=title, description=description,
                  responsible=responsible, responsible_user=responsible_user, year_from=year_from, year_to=year_to,
                  funding_note=funding_note, development_note=development_note,
                  order=order if order is not None else priority.measures.count() + 1)
    _require(actor, "change", obj)
    _editable(priority.plan)
    _save(obj, actor)
    services = list(services)
    if services:
        _check_services(obj, services)
        obj.services.set(services)
    return obj


def _check_services(measure: Measure, services: list) -> None:
    region_id = measure.plan.region_id
    foreign = [s for s in services if s.region_id not in (None, region_id)]
    if foreign:
        raise ValidationError({"services": _("Služby musí působit v kraji plánu: %(s)s")
                               % {"s": ", ".join(str(s) for s in foreign[:5])}})


@transaction.atomic
def measure_update(*, actor, measure: Measure, data: dict, services: Iterable | None = None,
                   expected_version: int | None = None) -> Measure:
    _require(actor, "change", measure)
    _editable(measure.plan)
    if "priority" in data and data["priority"].plan_id != measure.plan_id:
        raise ValidationError({"priority": _("Priorita patří jinému plánu.")})
    measure = _update(actor, measure, data, expected_version)
    if services is not None:
        services = list(services)
        _check_services(measure, services)
        measure.services.set(services)
    return measure


@transaction.atomic
def measure_budget_set(*, actor, measure: Measure, year: int, source: str, amount) -> MeasureBudget | None:
    """Set the expected cost of a measure in a year from a source (whole CZK); 0 removes the row."""
    amount = czk(amount)
    obj = MeasureBudget.objects.filter(measure=measure, year=year, source=source).first()
    probe = obj or MeasureBudget(measure=measure, year=year, source=source, amount=amount)
    _require(actor, "change", probe)
    _editable(measure.plan)
    if not measure.due_in(year):
        raise ValidationError(_("Rok %(y)s leží mimo období realizace opatření.") % {"y": year})
    if amount == 0:
        if obj is not None:
            obj.delete()
        return None
    if obj is None:
        return _save(probe, actor)
    return _update(actor, obj, {"amount": amount}, None)


# --- capacity needs (potřeby kapacit) ------------------------------------------------------------------------

@transaction.atomic
def capacity_need_create(*, actor, plan: Plan, kind, capacity_type, year: int, capacity, measure=None,
                         basis: str = "") -> CapacityNeed:
    """Record how much capacity of `kind` (in `capacity_type`) the ORP needs in `year` (total, not increase)."""
    obj = CapacityNeed(plan=plan, kind=kind, capacity_type=capacity_type, year=year,
                       capacity=Decimal(str(capacity)), measure=measure, basis=basis)
    _require(actor, "change", obj)
    _editable(plan)
    return _save(obj, actor)


@transaction.atomic
def capacity_need_update(*, actor, need: CapacityNeed, data: dict, expected_version: int | None = None
                         ) -> CapacityNeed:
    _require(actor, "change", need)
    _editable(need.plan)
    return _update(actor, need, data, expected_version)


@transaction.atomic
def capacity_need_delete(*, actor, need: CapacityNeed) -> None:
    _require(actor, "delete", need)
    _editable(need.plan)
    if actor is not None and getattr(actor, "pk", None):
        need._history_user = actor
    need.delete()


@transaction.atomic
def indicator_create(*, actor, measure: Measure, name: str, baseline, baseline_year: int, unit: str = "",
                     direction: str = "up", targets: dict[int, Any] | None = None) -> Indicator:
    obj = Indicator(measure=measure, name=name, unit=unit, baseline=Decimal(baseline), baseline_year=baseline_year,
                    direction=direction, order=measure.indicators.count() + 1)
    _require(actor, "change", obj)
    _editable(measure.plan)
    _save(obj, actor)
    for year, value in (targets or {}).items():
        indicator_target_set(actor=actor, indicator=obj, year=year, value=value)
    return obj


@transaction.atomic
def indicator_update(*, actor, indicator: Indicator, data: dict, expected_version: int | None = None) -> Indicator:
    _require(actor, "change", indicator)
    _editable(indicator.measure.plan)
    return _update(actor, indicator, data, expected_version)


@transaction.atomic
def indicator_target_set(*, actor, indicator: Indicator, year: int, value) -> IndicatorTarget | None:
    plan = indicator.measure.plan
    _editable(plan)
    if not plan.year_from <= year <= plan.year_to:
        raise ValidationError(_("Cíl lze zadat jen pro rok v období plánu."))
    obj = IndicatorTarget.objects.filter(indicator=indicator, year=year).first()
    probe = obj or IndicatorTarget(indicator=indicator, year=year, value=Decimal(0))
    _require(actor, "change", probe)
    if value is None or value == "":
        if obj is not None:
            obj.delete()
        return None
    if obj is None:
        probe.value = Decimal(value)
        return _save(probe, actor)
    return _update(actor, obj, {"value": Decimal(value)}, None)


# --- monitoring ---------------------------------------------------------------------------------------------

def _require_report(actor, measure: Measure) -> None:
    if actor is None:
        return
    if not can_report(actor, measure):
        raise PermissionDenied(_("Plnění tohoto opatření nemůžete vykazovat."))


@transaction.atomic
def measure_report_set(*, actor, measure: Measure, year: int, state: str, progress: int,
                       comment: str = "") -> MeasureReport:
    """Roční stav plnění opatření (one per measure and year; a second entry for the year updates it)."""
    _require_report(actor, measure)
    _monitored(measure.plan)
    if not measure.plan.year_from <= year <= measure.plan.year_to + 1:
        raise ValidationError(_("Plnění lze vykázat za roky plánu (a rok po jeho skončení)."))
    if year < measure.year_from:
        raise ValidationError(_("Opatření v roce %(y)s ještě nezačalo.") % {"y": year})
    progress = int(progress)
    if state == MeasureState.DONE:
        progress = 100
    entered_by = actor if getattr(actor, "pk", None) else None
    obj = MeasureReport.objects.filter(measure=measure, year=year).first()
    if obj is None:
        return _save(MeasureReport(measure=measure, year=year, state=state, progress=progress, comment=comment,
                                   entered_by=entered_by), actor)
    return _update(actor, obj, {"state": state, "progress": progress, "comment": comment, "entered_by": entered_by},
                   None)


@transaction.atomic
def indicator_value_set(*, actor, indicator: Indicator, year: int, value, note: str = "") -> IndicatorValue | None:
    _require_report(actor, indicator.measure)
    _monitored(indicator.measure.plan)
    obj = IndicatorValue.objects.filter(indicator=indicator, year=year).first()
    if value is None or value == "":
        if obj is not None:
            obj.delete()
        return None
    entered_by = actor if getattr(actor, "pk", None) else None
    if obj is None:
        return _save(IndicatorValue(indicator=indicator, year=year, value=Decimal(value), note=note,
                                    entered_by=entered_by), actor)
    return _update(actor, obj, {"value": Decimal(value), "note": note, "entered_by": entered_by}, None)


@transaction.atomic
def milestone_create(*, actor, measure: Measure, title: str, due_on: dt.date, done_on: dt.date | None = None
                     ) -> Milestone:
    if measure.plan.status in EDITABLE:
        _require(actor, "change", measure)
    else:
        _require_report(actor, measure)
    return _save(Milestone(measure=measure, title=title, due_on=due_on, done_on=done_on), actor)


@transaction.atomic
def milestone_update(*, actor, milestone: Milestone, data: dict, expected_version: int | None = None) -> Milestone:
    _require_report(actor, milestone.measure)
    return _update(actor, milestone, data, expected_version)


# --- action plans -------------------------------------------------------------------------------------------

@transaction.atomic
def action_plan_create(*, actor, plan: Plan, year: int, title: str = "", intro: str = "") -> ActionPlan:
    obj = ActionPlan(plan=plan, year=year, title=title or _("Akční plán na rok %(y)s – %(p)s") % {
        "y": year, "p": plan.area_name}, intro=intro)
    _require(actor, "change", obj)
    return _save(obj, actor)


@transaction.atomic
def action_plan_update(*, actor, action_plan: ActionPlan, data: dict, expected_version: int | None = None
                       ) -> ActionPlan:
    _require(actor, "change", action_plan)
    if action_plan.status == ActionPlanStatus.APPROVED:
        raise ValidationError(_("Schválený akční plán už nelze upravovat."))
    return _update(actor, action_plan, data, expected_version)


@transaction.atomic
def action_plan_approve(*, actor, action_plan: ActionPlan, approved_on: dt.date, approval_ref: str = ""
                        ) -> ActionPlan:
    _require_approval(actor, action_plan)
    if action_plan.plan.status not in (PlanStatus.APPROVED, PlanStatus.SUPERSEDED):
        raise ValidationError(_("Akční plán lze schválit až po schválení střednědobého plánu."))
    return _update(actor, action_plan, {"status": ActionPlanStatus.APPROVED, "approved_on": approved_on,
                                        "approval_ref": approval_ref}, None)


# --- participation ------------------------------------------------------------------------------------------

@transaction.atomic
def comment_submit(*, actor, plan: Plan, text: str, author_name: str = "", author_email: str = "",
                   organisation: str = "", section=None, priority=None, measure=None, channel: str = "") -> Comment:
    """Připomínka k návrhu: a logged-in user (actor) or the public form (actor=None, channel="public")."""
    if plan.status != PlanStatus.COMMENT:
        raise ValidationError(_("Plán není zveřejněn k připomínkám."))
    if plan.comments_until and timezone.localdate() > plan.comments_until:
        raise ValidationError(_("Lhůta pro připomínky skončila %(d)s.") % {"d": plan.comments_until.strftime("%d. %m. %Y")})
    user = actor if getattr(actor, "pk", None) else None
    if user is not None:
        author_name = author_name or user.get_full_name() or user.username
        author_email = author_email or user.email
    if not (text or "").strip():
        raise ValidationError({"text": _("Napište text připomínky.")})
    if not (author_name or "").strip():
        raise ValidationError({"author_name": _("Uveďte své jméno.")})
    obj = Comment(plan=plan, section=section, priority=priority, measure=measure, user=user,
                  author_name=author_name.strip(), author_email=author_email, organisation=organisation,
                  text=text.strip(), channel=channel or ("account" if user else "public"))
    obj = _save(obj, actor)
    notices.comment_submitted(obj, actor=actor)
    return obj


@transaction.atomic
def comment_resolve(*, actor, comment: Comment, resolution: str, reasoning: str) -> Comment:
    """Vypořádání připomínky (akceptováno / částečně / neakceptováno) s odůvodněním."""
    _require(actor, "change", comment)
    if resolution not in (Resolution.ACCEPTED, Resolution.PARTLY, Resolution.REJECTED):
        raise ValidationError({"resolution": _("Zvolte způsob vypořádání.")})
    if not (reasoning or "").strip():
        raise ValidationError({"reasoning": _("Vypořádání musí mít odůvodnění.")})
    if comment.plan.settlement_published:
        raise ValidationError(_("Vypořádání už bylo zveřejněno; změny nejsou možné."))
    comment = _update(actor, comment, {"resolution": resolution, "reasoning": reasoning.strip(),
                                       "resolved_by": actor if getattr(actor, "pk", None) else None,
                                       "resolved_at": timezone.now()}, None)
    notices.comment_resolved(comment, actor=actor)
    return comment


@transaction.atomic
def working_group_create(*, actor, region, name: str, orp=None, target_group: int | None = None,
                         description: str = "") -> WorkingGroup:
    obj = WorkingGroup(region=region, orp=orp, target_group=target_group, name=name, description=description)
    _require(actor, "change", obj)
    return _save(obj, actor)


@transaction.atomic
def working_group_member_add(*, actor, group: WorkingGroup, name: str, side: str, organisation: str = "",
                             email: str = "", user=None, is_leader: bool = False) -> WorkingGroupMember:
    obj = WorkingGroupMember(group=group, name=name, side=side, organisation=organisation, email=email, user=user,
                             is_leader=is_leader)
    _require(actor, "change", obj)
    return _save(obj, actor)


@transaction.atomic
def meeting_create(*, actor, region, title: str, starts_at, place: str, orp=None, group=None, plan=None,
                   ends_at=None, description: str = "", is_public: bool = True) -> Meeting:
    obj = Meeting(region=region, orp=orp, group=group, plan=plan, title=title, starts_at=starts_at, ends_at=ends_at,
                  place=place, description=description, is_public=is_public)
    if group is not None and (group.region_id != region.pk or (orp is not None and group.orp_id not in (None, orp.pk))):
        raise ValidationError({"group": _("Pracovní skupina patří jinému území.")})
    _require(actor, "change", obj)
    return _save(obj, actor)


@transaction.atomic
def meeting_update(*, actor, meeting: Meeting, data: dict, expected_version: int | None = None) -> Meeting:
    _require(actor, "change", meeting)
    return _update(actor, meeting, data, expected_version)


# --- contracts with the ORP ---------------------------------------------------------------------------------

@transaction.atomic
def contract_create(*, actor, region, orp, number: str, date_from: dt.date, date_to: dt.date, contribution,
                    obligations: str, signed_on: dt.date | None = None) -> OrpContract:
    """A contract and, for each of its years, an empty yearly report for the ORP to fill in."""
    obj = OrpContract(region=region, orp=orp, number=number, date_from=date_from, date_to=date_to,
                      contribution=czk(contribution), obligations=obligations, signed_on=signed_on)
    _require(actor, "change", obj)
    _save(obj, actor)
    for year in obj.years:
        _save(OrpYearReport(contract=obj, year=year), actor)
    return obj


@transaction.atomic
def orp_report_save(*, actor, report: OrpYearReport, data: dict,
                    expected_version: int | None = None) -> OrpYearReport:
    """Fill in the ORP's yearly report (while not yet submitted, or when returned for completion)."""
    obj = report
    _require(actor, "change", obj)
    if obj.status in (ReportStatus.SUBMITTED, ReportStatus.ACCEPTED):
        raise ValidationError(_("Odevzdanou zprávu už nelze měnit."))
    return _update(actor, obj, data, expected_version)


@transaction.atomic
def orp_report_submit(*, actor, report: OrpYearReport) -> OrpYearReport:
    _require(actor, "change", report)
    if report.status not in (ReportStatus.DRAFT, ReportStatus.RETURNED):
        raise ValidationError(_("Zprávu už nelze odevzdat znovu."))
    if not report.activities.strip():
        raise ValidationError({"activities": _("Popište realizované aktivity.")})
    return _update(actor, report, {"status": ReportStatus.SUBMITTED, "submitted_at": timezone.now()}, None)


@transaction.atomic
def orp_report_review(*, actor, report: OrpYearReport, accept: bool, note: str = "") -> OrpYearReport:
    """The kraj accepts the report or returns it for completion (kraj staff with the right to approve)."""
    _require(actor, "approve", report)
    if report.status != ReportStatus.SUBMITTED:
        raise ValidationError(_("Posoudit lze jen odevzdanou zprávu."))
    if not accept and not note.strip():
        raise ValidationError({"review_note": _("Uveďte, co je třeba doplnit.")})
    return _update(actor, report, {"status": ReportStatus.ACCEPTED if accept else ReportStatus.RETURNED,
                                   "review_note": note}, None)
