"""What waits in the catalogue for the inbox: proposals of catalogue content to review (the kraj's staff) and
returned proposals to correct (the provider's users)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from socplan.accounts.models import Role
from socplan.accounts.scope import grants, is_region_staff, restrict
from socplan.notices.inbox import InboxItem

from .models import ContentProposal, ProposalState

LIMIT = 200


def inbox_items(user) -> list[InboxItem]:
    items: list[InboxItem] = []
    qs = restrict(ContentProposal.objects.select_related("service"), user, "view")
    if is_region_staff(user):
        for p in qs.filter(state=ProposalState.SUBMITTED).order_by("created_at", "pk")[:LIMIT]:
            items.append(InboxItem("catalogue", _("posoudit návrh obsahu katalogu"), p.service.name,
                                   p.get_state_display(), reverse("catalogue:proposal", args=[p.pk])))
    own = [g.provider_id for g in grants(user) if g.role == Role.PROVIDER_USER and g.provider_id]
    if own:
        latest: dict[int, ContentProposal] = {}
        for p in qs.filter(service__provider_id__in=own).order_by("service_id", "-created_at", "-pk"):
            latest.setdefault(p.service_id, p)
        for p in latest.values():
            if p.state == ProposalState.RETURNED:
                items.append(InboxItem("catalogue", _("opravit a znovu navrhnout obsah katalogu"), p.service.name,
                                       p.get_state_display(), reverse("catalogue:content_edit", args=[p.service_id])))
    return items
