"""What waits in the network (for the inbox and the start page): development requests to give an opinion on,
review, evaluate, decide or complete, and draft network versions to approve."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from socplan.accounts.decisions import DecisionKind, may_decide, may_decide_some
from socplan.accounts.scope import can, restrict
from socplan.notices.inbox import InboxItem

from .models import DevelopmentRequest, NetworkVersion, RequestState

LIMIT = 200

# state → (the decision the next step needs, what the user does)
_NEXT = {
    RequestState.SUBMITTED: (DecisionKind.REQUEST_OPINION, _("vydat stanovisko ORP")),
    RequestState.ORP_OPINION: (DecisionKind.REQUEST_REVIEW, _("projednat v okrese")),
    RequestState.DISTRICT_REVIEW: (DecisionKind.REQUEST_EVALUATE, _("vyhodnotit")),
    RequestState.EVALUATED: (DecisionKind.REQUEST_DECIDE, _("rozhodnout")),
}


def request_detail(req) -> str:
    """What tells two requests of one title apart: the ORP, the network year, the provider, when submitted."""
    parts = [_("ORP %(orp)s") % {"orp": req.orp.name}, _("síť %(year)s") % {"year": req.year}]
    if req.provider_id:
        parts.append(req.provider.name)
    if req.submitted_at:
        parts.append(_("podáno %(date)s") % {"date": timezone.localtime(req.submitted_at).strftime("%-d. %-m. %Y")})
    return ", ".join(parts)


def inbox_items(user) -> list[InboxItem]:
    items: list[InboxItem] = []
    kinds = {state: (kind, str(action)) for state, (kind, action) in _NEXT.items() if may_decide_some(user, kind)}
    states = list(kinds) + [RequestState.RETURNED]
    qs = restrict(DevelopmentRequest.objects.filter(state__in=states).select_related("orp", "provider")
                  .defer("orp__boundary"), user, "view").order_by("pk")[:LIMIT]
    for req in qs:
        url = reverse("network:request", args=[req.pk])
        detail = request_detail(req)
        if req.state == RequestState.RETURNED:
            if can(user, "change", req):
                items.append(InboxItem("network", _("doplnit a znovu podat"), req.title, req.get_state_display(),
                                       url, detail=detail))
            continue
        kind, action = kinds[req.state]
        if may_decide(user, kind, req):
            items.append(InboxItem("network", action, req.title, req.get_state_display(), url, detail=detail))
    if may_decide_some(user, DecisionKind.NETWORK_APPROVE):
        versions = restrict(NetworkVersion.objects.filter(approved_at__isnull=True).select_related("region"),
                            user, "view").order_by("-year", "amendment")[:LIMIT]
        for v in versions:
            if may_decide(user, DecisionKind.NETWORK_APPROVE, v):
                items.append(InboxItem("network", _("schválit verzi sítě"), str(v), v.get_phase_display(),
                                       reverse("network:version", args=[v.pk]), detail=v.region.name))
    return items
