"""What waits in finance (for the inbox and the start page) and who is told at each step of a provider report
or an allocation (called by `finance.services` in the step's transaction)."""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from socplan.accounts.decisions import DecisionKind, may_decide, may_decide_some
from socplan.accounts.models import Role, RoleAssignment
from socplan.accounts.scope import grants, restrict
from socplan.core.money import format_czk
from socplan.notices import selectors as notices_selectors
from socplan.notices.inbox import Deadline, InboxItem, ReminderTarget
from socplan.notices.services import notify, recipients

from .models import (
    AllocationRow,
    AllocationRun,
    AllocationState,
    BudgetTerm,
    DecisionSettlement,
    PaymentKind,
    Programme,
    ProgrammeRound,
    ProviderBudget,
    ReportState,
    UnitReport,
)

REGION_STAFF = (Role.REGION_ADMIN, Role.REGION_OFFICER)
LIMIT = 200


def report_url(report) -> str:
    if isinstance(report, ProviderBudget):
        return reverse("finance:budget_detail", args=[report.pk])
    return reverse("finance:unit_report_detail", args=[report.pk])


def report_label(report) -> str:
    if isinstance(report, ProviderBudget):
        what = _("rozpočet %(year)s (%(term)s)") % {"year": report.year, "term": report.get_term_display()}
    else:
        what = _("výkaz jednotek %(year)s/%(half)s") % {"year": report.year, "half": report.half}
    return _("%(what)s služby %(service)s") % {"what": what, "service": report.service}


def report_detail(report) -> str:
    """What tells two reports of equally named services apart: the provider and the service's identifier."""
    service = report.service
    parts = [service.provider.name] if service.provider_id else []
    if service.identifier:
        parts.append(_("identifikátor %(id)s") % {"id": service.identifier})
    return ", ".join(parts)


def run_label(run) -> str:
    """An allocation named so that two proposals of one year differ: the programme and round (or none)."""
    rnd = run.programme_round
    if rnd is None:
        return _("rozdělení %(year)s – mimo dotační program") % {"year": run.year}
    return _("rozdělení %(year)s – %(programme)s, %(n)s. kolo") % {
        "year": run.year, "programme": rnd.programme.name, "n": rnd.number}


def run_detail(run) -> str:
    """The mode, the budget, when it was computed and the kraj (a round may have several proposals)."""
    return _("%(mode)s; rozpočet %(budget)s; spočteno %(at)s; %(region)s") % {
        "mode": run.get_mode_display(), "budget": format_czk(run.budget),
        "at": timezone.localtime(run.created_at).strftime("%-d. %-m. %Y %H:%M"), "region": run.region.name}


def _reports(qs_filter, user, action="view"):
    out = []
    for model in (ProviderBudget, UnitReport):
        qs = restrict(model.objects.filter(**qs_filter).select_related("service__provider"), user, action)
        out.extend(qs.order_by("pk")[:LIMIT])
    return out


def inbox_items(user) -> list[InboxItem]:
    items: list[InboxItem] = []
    if may_decide_some(user, DecisionKind.REPORT_APPROVE):
        for r in _reports({"state": ReportState.SUBMITTED}, user):
            if may_decide(user, DecisionKind.REPORT_APPROVE, r):
                items.append(InboxItem("finance", _("zkontrolovat a schválit nebo vrátit"), report_label(r),
                                       r.get_state_display(), report_url(r), detail=report_detail(r)))
    # drafts and returned reports wait for the provider's own users (the kraj may edit them too, but does not
    # finish them)
    own = [g.provider_id for g in grants(user) if g.role == Role.PROVIDER_USER and g.provider_id]
    mine = {"state__in": [ReportState.RETURNED, ReportState.DRAFT], "service__provider_id__in": own}
    for r in (_reports(mine, user, "change") if own else []):
        action = _("opravit a znovu předložit") if r.state == ReportState.RETURNED else _("dokončit a předložit")
        items.append(InboxItem("finance", action, report_label(r), r.get_state_display(), report_url(r),
                               detail=report_detail(r)))
    if may_decide_some(user, DecisionKind.ALLOCATION_APPROVE):
        runs = restrict(AllocationRun.objects.filter(state=AllocationState.COMPUTED)
                        .select_related("region", "programme_round__programme").defer("region__boundary"),
                        user, "view").order_by("-pk")[:LIMIT]
        for run in runs:
            if may_decide(user, DecisionKind.ALLOCATION_APPROVE, run):
                items.append(InboxItem("finance", _("schválit rozdělení rozpočtu"), run_label(run),
                                       run.get_state_display(), reverse("finance:allocation_detail", args=[run.pk]),
                                       due=(run.programme_round.decisions_by if run.programme_round_id
                                            and not _decided(run.programme_round) else None),
                                       detail=run_detail(run)))
    items.extend(deadline_items(user, timezone.localdate()))
    return items


# --- deadlines of subsidy programmes --------------------------------------------------------------------------
#
# A round has four dates (docs/financing.md, programmes): applications (the providers of eligible services),
# decisions (the kraj's staff, until the round has an approved allocation), the settlement (each provider with a
# decision of the round, until it has submitted the actual budgets of its services; the kraj's staff, who check
# them) and refunds (each provider that owes one, until it is received). The reminder job reminds of them
# `days` before (the programme's own setting, else the site's), the inbox shows those of the next weeks.

INBOX_HORIZON_DAYS = 60  # the inbox shows programme deadlines of the next two months (and overdue ones)


def _date(d: date) -> str:
    return d.strftime("%-d. %-m. %Y")


def _round_name(rnd) -> str:
    return _("%(programme)s, %(n)s. kolo") % {"programme": rnd.programme.name, "n": rnd.number}


def _programme_url(rnd) -> str:
    return reverse("finance:programme_detail", args=[rnd.programme_id])


def _decision_url(decision) -> str:
    return reverse("finance:decision_detail", args=[decision.pk])


def _eligible_provider_users(programme) -> set[int]:
    """Users of the providers that run a service of an eligible kind in the programme's kraj."""
    qs = RoleAssignment.objects.active().filter(role=Role.PROVIDER_USER, user__is_active=True,
                                                provider__services__region_id=programme.region_id)
    kinds = [k.pk for k in programme.kinds.all()]
    if kinds:
        qs = qs.filter(provider__services__kind_id__in=kinds)
    return set(qs.values_list("user_id", flat=True).distinct())


def _settlement_submitted(decision) -> bool:
    """Has the provider submitted (or had approved) the actual budget of every service of the decision?"""
    services = set(AllocationRow.objects.filter(run_id=decision.run_id, service__provider_id=decision.provider_id,
                                                allocated__gt=0).values_list("service_id", flat=True))
    done = set(ProviderBudget.objects.filter(
        service_id__in=services, year=decision.programme_round.programme.year,
        term__in=[BudgetTerm.ACTUAL, BudgetTerm.ACTUAL_TAX],
        state__in=[ReportState.SUBMITTED, ReportState.APPROVED]).values_list("service_id", flat=True))
    return services <= done


def _refund_open(settlement) -> bool:
    received = settlement.decision.payments.filter(kind=PaymentKind.REFUND).aggregate(s=Sum("amount"))["s"] or 0
    return settlement.refund > 0 and received < settlement.refund


def _rounds(since: date):
    q = Q(applications_to__gte=since) | Q(decisions_by__gte=since) | Q(reports_by__gte=since)
    return ProgrammeRound.objects.filter(q).select_related("programme").order_by("programme_id", "number")


def _decided(rnd) -> bool:
    return AllocationRun.objects.filter(programme_round=rnd, state=AllocationState.APPROVED).exists()


def deadlines(today: date, *, providers: set[int] | None = None) -> list[Deadline]:
    """The dates of programme rounds from `today` on (the reminder job passes a week back, so a missed run still
    marks them overdue), each with the people who must act by then. `providers`: only the decisions of these
    providers (the inbox of a provider's user); None = all."""
    rounds = list(_rounds(today)[:1000])
    days = notices_selectors.reminder_days(Programme, {r.programme_id for r in rounds})
    out: list[Deadline] = []
    for rnd in rounds:
        programme, n = rnd.programme, days.get(rnd.programme_id)
        name, url = _round_name(rnd), _programme_url(rnd)
        staff = frozenset(recipients(roles=REGION_STAFF, region_id=programme.region_id))
        if rnd.applications_to >= today:
            out.append(Deadline(
                key=f"finance.round.{rnd.pk}.applications_to.{rnd.applications_to.isoformat()}",
                title=_("Příjem žádostí do programu %(round)s končí %(date)s.") % {
                    "round": name, "date": _date(rnd.applications_to)},
                due=rnd.applications_to, url=url, user_ids=frozenset(_eligible_provider_users(programme)),
                region_id=programme.region_id, remind_days=n))
        if rnd.decisions_by >= today and not _decided(rnd):
            out.append(Deadline(
                key=f"finance.round.{rnd.pk}.decisions_by.{rnd.decisions_by.isoformat()}",
                title=_("Rozdělení programu %(round)s má být schváleno do %(date)s.") % {
                    "round": name, "date": _date(rnd.decisions_by)},
                due=rnd.decisions_by, url=url, user_ids=staff, region_id=programme.region_id, remind_days=n))
        if rnd.reports_by >= today:
            out.append(Deadline(
                key=f"finance.round.{rnd.pk}.reports_by.{rnd.reports_by.isoformat()}",
                title=_("Vyúčtování programu %(round)s předkládají poskytovatelé do %(date)s; předložené výkazy "
                        "čekají na kontrolu.") % {"round": name, "date": _date(rnd.reports_by)},
                due=rnd.reports_by, url=url, user_ids=staff, region_id=programme.region_id, remind_days=n))
            decisions = rnd.decisions.select_related("programme_round__programme").order_by("pk")
            if providers is not None:
                decisions = decisions.filter(provider_id__in=providers)
            for decision in decisions:
                if hasattr(decision, "settlement") or _settlement_submitted(decision):
                    continue
                out.append(Deadline(
                    key=f"finance.decision.{decision.pk}.reports_by.{rnd.reports_by.isoformat()}",
                    title=_("Vyúčtování dotace %(number)s (%(round)s) předložte do %(date)s.") % {
                        "number": decision.number, "round": name, "date": _date(rnd.reports_by)},
                    due=rnd.reports_by, url=_decision_url(decision),
                    user_ids=frozenset(recipients(roles=(Role.PROVIDER_USER,), provider_id=decision.provider_id)),
                    region_id=programme.region_id, remind_days=n))
    settlements = DecisionSettlement.objects.filter(due_on__gte=today, refund__gt=0)
    if providers is not None:
        settlements = settlements.filter(decision__provider_id__in=providers)
    settlements = list(settlements.select_related("decision__programme_round__programme").order_by("pk")[:1000])
    days |= notices_selectors.reminder_days(Programme, {s.decision.programme_round.programme_id for s in settlements})
    for st in settlements:
        if not _refund_open(st):
            continue
        decision = st.decision
        out.append(Deadline(
            key=f"finance.decision.{decision.pk}.refund_due.{st.due_on.isoformat()}",
            title=_("Vratku %(amount)s z dotace %(number)s uhraďte do %(date)s.") % {
                "amount": format_czk(st.refund), "number": decision.number, "date": _date(st.due_on)},
            due=st.due_on, url=_decision_url(decision),
            user_ids=frozenset(recipients(roles=(Role.PROVIDER_USER,), provider_id=decision.provider_id)),
            region_id=decision.programme_round.programme.region_id,
            remind_days=days.get(decision.programme_round.programme_id)))
    return out


def deadline_items(user, today: date) -> list[InboxItem]:
    """The programme deadlines of the next weeks (and overdue ones) that concern `user`: the same deadlines the
    reminders are sent for, so the inbox and the reminders agree."""
    mine = grants(user)
    providers = {g.provider_id for g in mine if g.role == Role.PROVIDER_USER and g.provider_id}
    if not any(g.role in REGION_STAFF for g in mine) and not providers:
        return []
    actions = {"applications_to": _("podat žádost do programu"), "decisions_by": _("schválit rozdělení kola"),
               "reports_by": _("zkontrolovat vyúčtování kola"), "refund_due": _("uhradit vratku")}
    items = []
    horizon = today + timedelta(days=INBOX_HORIZON_DAYS)
    for d in deadlines(today - timedelta(days=INBOX_HORIZON_DAYS), providers=providers):
        if user.pk not in d.user_ids or d.due > horizon:
            continue
        kind = d.key.split(".")[3]
        action = actions[kind]
        if kind == "reports_by" and d.key.startswith("finance.decision."):
            action = _("předložit vyúčtování dotace")
        items.append(InboxItem("finance", action, d.title, _("po termínu") if d.due < today else _("běží lhůta"),
                               d.url, due=d.due))
    return items


def reminder_targets(user) -> list[ReminderTarget]:
    """Subsidy programmes of this year and later that `user` may change: their rounds' dates are reminded N days
    before."""
    programmes = list(restrict(Programme.objects.filter(year__gte=timezone.localdate().year - 1)
                               .select_related("region").defer("region__boundary"), user, "change")
                      .order_by("-year", "name", "pk")[:LIMIT])
    days = notices_selectors.reminder_days(Programme, [p.pk for p in programmes])
    return [ReminderTarget("finance.programme", p, str(p), p.region.name,
                           reverse("finance:programme_detail", args=[p.pk]), days.get(p.pk)) for p in programmes]


# --- who is told ----------------------------------------------------------------------------------------------

def _provider_side(report) -> set[int]:
    ids = recipients(roles=(Role.PROVIDER_USER,), provider_id=report.service.provider_id)
    if report.submitted_by_id:
        ids.add(report.submitted_by_id)
    return ids


def report_submitted(report, *, actor) -> None:
    notify(recipients(roles=REGION_STAFF, region_id=report.service.region_id, approvers=True), actor=actor,
           region_id=report.service.region_id, url=report_url(report), topic="report.submitted",
           text=_("Předložen ke kontrole: %(what)s.") % {"what": report_label(report)})


def report_returned(report, *, actor) -> None:
    notify(_provider_side(report), actor=actor, region_id=report.service.region_id, url=report_url(report),
           topic="report.returned",
           text=_("Vráceno k opravě: %(what)s. Důvod: %(reason)s") % {"what": report_label(report),
                                                                     "reason": report.return_reason})


def report_approved(report, *, actor) -> None:
    notify(_provider_side(report), actor=actor, region_id=report.service.region_id, url=report_url(report),
           topic="report.approved", text=_("Schváleno: %(what)s.") % {"what": report_label(report)})


def allocation_approved(run, *, actor) -> None:
    notify(recipients(roles=REGION_STAFF, region_id=run.region_id), actor=actor, region_id=run.region_id,
           url=reverse("finance:allocation_detail", args=[run.pk]), topic="allocation.approved",
           text=_("Schváleno rozdělení rozpočtu %(year)s.") % {"year": run.year})


def decisions_issued(decisions, *, actor) -> None:
    """Each provider is told of its decision (or contract) with its amount."""
    for d in decisions:
        rnd = d.programme_round
        notify(recipients(roles=(Role.PROVIDER_USER,), provider_id=d.provider_id), actor=actor,
               region_id=rnd.programme.region_id, url=reverse("finance:decision_detail", args=[d.pk]),
               topic="finance.decision",
               text=_("Vydáno: %(instrument)s %(number)s (%(round)s), %(amount)s.") % {
                   "instrument": d.get_instrument_display(), "number": d.number, "round": _round_name(rnd),
                   "amount": format_czk(d.amount)})


def decision_settled(settlement, *, actor) -> None:
    """The provider is told of the settlement of its decision: the refund and its due date, or none."""
    d = settlement.decision
    if settlement.refund:
        text = _("Vyúčtování dotace %(number)s: vratka %(refund)s, splatná do %(date)s.") % {
            "number": d.number, "refund": format_czk(settlement.refund), "date": _date(settlement.due_on)}
    else:
        text = _("Vyúčtování dotace %(number)s: bez vratky.") % {"number": d.number}
    notify(recipients(roles=(Role.PROVIDER_USER,), provider_id=d.provider_id), actor=actor,
           region_id=d.programme_round.programme.region_id, url=reverse("finance:decision_detail", args=[d.pk]),
           topic="finance.settlement", text=text)
