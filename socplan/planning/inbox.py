"""What waits in planning (for the inbox and the start page), the deadlines of comment periods (for the
reminder job), and who is told at each step of a plan or a comment (called by `planning.services`)."""

from __future__ import annotations

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from socplan.accounts.models import Role
from socplan.accounts.scope import can, restrict
from socplan.notices import selectors as notices_selectors
from socplan.notices.inbox import Deadline, InboxItem, ReminderTarget
from socplan.notices.services import notify, recipients

from .models import Plan, PlanKind, PlanStatus, Resolution

REGION_STAFF = (Role.REGION_ADMIN, Role.REGION_OFFICER)
LIMIT = 200


def plan_url(plan) -> str:
    return reverse("planning:plan_detail", args=[plan.pk])


def plan_team(plan) -> set[int]:
    """Who looks after a plan: the ORP's coordinators for a community plan, the kraj staff for a regional one."""
    if plan.kind == PlanKind.COMMUNITY and plan.orp_id:
        return recipients(roles=(Role.ORP_COORDINATOR,), orp_id=plan.orp_id)
    return recipients(roles=REGION_STAFF, region_id=plan.region_id)


def plan_detail(plan) -> str:
    """What tells two plans of one title apart: the ORP (or the kraj) and the years."""
    where = plan.orp.name if plan.orp_id else plan.region.name
    return _("%(where)s, %(from)s–%(to)s") % {"where": where, "from": plan.year_from, "to": plan.year_to}


def inbox_items(user) -> list[InboxItem]:
    items: list[InboxItem] = []
    plans = (restrict(Plan.objects.filter(status__in=[PlanStatus.COMMENT, PlanStatus.DRAFT])
                      .select_related("orp", "region").defer("orp__boundary", "region__boundary"), user, "view")
             .annotate(pending=Count("comments", filter=Q(comments__resolution=Resolution.PENDING)))
             .filter(Q(pending__gt=0) | Q(status=PlanStatus.COMMENT)).order_by("pk")[:LIMIT])
    for plan in plans:
        if not can(user, "change", plan):
            continue
        if plan.pending:
            items.append(InboxItem(
                "planning", ngettext("vypořádat %(n)d připomínku", "vypořádat %(n)d připomínek", plan.pending)
                % {"n": plan.pending}, plan.title, plan.get_status_display(), plan_url(plan), plan.comments_until,
                detail=plan_detail(plan)))
        elif plan.status == PlanStatus.COMMENT:
            items.append(InboxItem("planning", _("sledovat připomínkování"), plan.title, plan.get_status_display(),
                                   plan_url(plan), plan.comments_until, detail=plan_detail(plan)))
    return items


def deadlines(today) -> list[Deadline]:
    """Comment periods still running (the plan's team is reminded before they end)."""
    out = []
    plans = list(Plan.objects.filter(status=PlanStatus.COMMENT, comments_until__gte=today).order_by("pk")[:1000])
    days = notices_selectors.reminder_days(Plan, [p.pk for p in plans])
    for plan in plans:
        out.append(Deadline(key=f"planning.plan.{plan.pk}.comments_until.{plan.comments_until.isoformat()}",
                            title=_("Připomínky k plánu „%(title)s“ končí %(date)s.")
                            % {"title": plan.title, "date": plan.comments_until.strftime("%-d. %-m. %Y")},
                            due=plan.comments_until, url=plan_url(plan), user_ids=frozenset(plan_team(plan)),
                            region_id=plan.region_id, remind_days=days.get(plan.pk)))
    return out


def reminder_targets(user) -> list[ReminderTarget]:
    """Plans not yet approved that `user` may change: their comment periods are reminded N days before."""
    plans = list(restrict(Plan.objects.filter(status__in=[PlanStatus.DRAFT, PlanStatus.COMMENT])
                          .select_related("orp", "region").defer("orp__boundary", "region__boundary"),
                          user, "change").order_by("kind", "title", "pk")[:LIMIT])
    days = notices_selectors.reminder_days(Plan, [p.pk for p in plans])
    return [ReminderTarget("planning.plan", p, p.title, plan_detail(p), plan_url(p), days.get(p.pk)) for p in plans]


# --- who is told ----------------------------------------------------------------------------------------------

def comment_submitted(comment, *, actor) -> None:
    plan = comment.plan
    notify(plan_team(plan), actor=actor, region_id=plan.region_id, url=plan_url(plan), topic="planning.comment",
           text=_("Nová připomínka k plánu „%(title)s“.") % {"title": plan.title})


def comment_resolved(comment, *, actor) -> None:
    if comment.user_id:
        plan = comment.plan
        notify({comment.user_id}, actor=actor, region_id=plan.region_id, url=plan_url(plan),
               topic="planning.comment_resolved",
               text=_("Vaše připomínka k plánu „%(title)s“ je vypořádána: %(resolution)s.")
               % {"title": plan.title, "resolution": comment.get_resolution_display()})


def plan_status_changed(plan, *, actor) -> None:
    texts = {PlanStatus.COMMENT: _("Plán „%(title)s“ je zveřejněn k připomínkám."),
             PlanStatus.APPROVED: _("Plán „%(title)s“ je schválen."),
             PlanStatus.DRAFT: _("Plán „%(title)s“ je vrácen do návrhu.")}
    if plan.status in texts:
        notify(plan_team(plan) | recipients(roles=REGION_STAFF, region_id=plan.region_id), actor=actor,
               region_id=plan.region_id, url=plan_url(plan), topic=f"planning.plan.{plan.status}",
               text=texts[plan.status] % {"title": plan.title})
