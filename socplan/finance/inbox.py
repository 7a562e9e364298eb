"""What waits in finance (for the inbox and the start page) and who is told at each step of a provider report
or an allocation (called by `finance.services` in the step's transaction)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from socplan.accounts.decisions import DecisionKind, may_decide, may_decide_some
from socplan.accounts.models import Role
from socplan.accounts.scope import grants, restrict
from socplan.notices.inbox import InboxItem
from socplan.notices.services import notify, recipients

from .models import AllocationRun, AllocationState, ProviderBudget, ReportState, UnitReport

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


def _reports(qs_filter, user, action="view"):
    out = []
    for model in (ProviderBudget, UnitReport):
        qs = restrict(model.objects.filter(**qs_filter).select_related("service"), user, action)
        out.extend(qs.order_by("pk")[:LIMIT])
    return out


def inbox_items(user) -> list[InboxItem]:
    items: list[InboxItem] = []
    if may_decide_some(user, DecisionKind.REPORT_APPROVE):
        for r in _reports({"state": ReportState.SUBMITTED}, user):
            if may_decide(user, DecisionKind.REPORT_APPROVE, r):
                items.append(InboxItem("finance", _("zkontrolovat a schválit nebo vrátit"), report_label(r),
                                       r.get_state_display(), report_url(r)))
    # drafts and returned reports wait for the provider's own users (the kraj may edit them too, but does not
    # finish them)
    own = [g.provider_id for g in grants(user) if g.role == Role.PROVIDER_USER and g.provider_id]
    mine = {"state__in": [ReportState.RETURNED, ReportState.DRAFT], "service__provider_id__in": own}
    for r in (_reports(mine, user, "change") if own else []):
        action = _("opravit a znovu předložit") if r.state == ReportState.RETURNED else _("dokončit a předložit")
        items.append(InboxItem("finance", action, report_label(r), r.get_state_display(), report_url(r)))
    if may_decide_some(user, DecisionKind.ALLOCATION_APPROVE):
        runs = restrict(AllocationRun.objects.filter(state=AllocationState.COMPUTED).select_related("region"),
                        user, "view").order_by("-pk")[:LIMIT]
        for run in runs:
            if may_decide(user, DecisionKind.ALLOCATION_APPROVE, run):
                items.append(InboxItem("finance", _("schválit rozdělení rozpočtu"),
                                       _("rozdělení %(year)s (%(region)s)") % {"year": run.year,
                                                                             "region": run.region},
                                       run.get_state_display(),
                                       reverse("finance:allocation_detail", args=[run.pk])))
    return items


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
