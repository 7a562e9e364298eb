"""What waits in the catalogue for the inbox: proposals of catalogue content to review (the kraj's staff),
returned proposals to correct (the provider's users), and entries not updated for a set period (the provider's
users): free capacity stated more than `self_service.STALE_DAYS` ago, content approved more than
`CONTENT_STALE_DAYS` ago."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from socplan.accounts.models import Role
from socplan.accounts.scope import grants, is_region_staff, restrict
from socplan.notices.inbox import InboxItem

from .models import ContentProposal, FreeCapacityStatement, ProposalState
from .self_service import STALE_DAYS

LIMIT = 200
CONTENT_STALE_DAYS = 365


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
            elif (p.state == ProposalState.APPROVED and p.decided_at
                  and (timezone.now() - p.decided_at).days > CONTENT_STALE_DAYS):
                items.append(InboxItem("catalogue", _("ověřit a aktualizovat obsah v katalogu"), p.service.name,
                                       _("neaktualizováno přes rok"),
                                       reverse("catalogue:content_edit", args=[p.service_id])))
        newest: dict[int, FreeCapacityStatement] = {}
        for st in restrict(FreeCapacityStatement.objects.filter(service__provider_id__in=own)
                           .select_related("service"), user, "change").order_by("service_id", "-stated_on", "-pk"):
            newest.setdefault(st.service_id, st)
        today = timezone.localdate()
        for st in newest.values():
            if (today - st.stated_on).days > STALE_DAYS:
                items.append(InboxItem("catalogue", _("aktualizovat volná místa"), st.service.name,
                                       _("údaj ke dni %(d)s") % {"d": st.stated_on.strftime("%-d. %-m. %Y")},
                                       reverse("catalogue:free_capacity", args=[st.service_id])))
    return items
