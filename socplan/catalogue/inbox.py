"""What waits in the catalogue for the inbox: proposals of catalogue content to review (the kraj's staff),
returned proposals to correct (the provider's users), and entries not updated for a set period — free capacity
stated more than `self_service.STALE_DAYS` ago, content approved more than `CONTENT_STALE_DAYS` ago. A stale
entry is the provider's to update (its users get "aktualizovat …") and the kraj's to follow up (its staff get
"ověřit zastaralý údaj …" for the services of their kraj listed in the catalogue, oldest first); the public page
marks it "údaj může být zastaralý" meanwhile."""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import Max
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


def _day(d: date) -> str:
    return d.strftime("%-d. %-m. %Y")


def _latest(proposals) -> list[ContentProposal]:
    """The newest proposal of each service (what the provider did last)."""
    latest: dict[int, ContentProposal] = {}
    for p in proposals.order_by("service_id", "-created_at", "-pk"):
        latest.setdefault(p.service_id, p)
    return list(latest.values())


def _content_stale(p: ContentProposal) -> bool:
    return bool(p.state == ProposalState.APPROVED and p.decided_at
                and (timezone.now() - p.decided_at).days > CONTENT_STALE_DAYS)


def _capacity_stale(statements) -> list[dict]:
    """{service_id, service__name, service__provider__name, last} of the services whose newest statement of
    free capacity is older than `STALE_DAYS`, oldest first."""
    before = timezone.localdate() - timedelta(days=STALE_DAYS)
    return list(statements.values("service_id", "service__name", "service__provider__name")
                .annotate(last=Max("stated_on")).filter(last__lt=before).order_by("last", "service_id")[:LIMIT])


def _region_items(user, proposals) -> list[InboxItem]:
    """Stale entries of the kraj's services listed in the catalogue, for its staff to follow up."""
    items = []
    listed = {"service__catalogue_entry__isnull": False}
    for row in _capacity_stale(restrict(FreeCapacityStatement.objects.filter(**listed), user, "change")):
        items.append(InboxItem("catalogue", _("ověřit zastaralý údaj o volných místech"), row["service__name"],
                               _("volná místa ke dni %(d)s") % {"d": _day(row["last"])},
                               reverse("catalogue:free_capacity", args=[row["service_id"]]),
                               detail=row["service__provider__name"]))
    stale = sorted((p for p in _latest(proposals.filter(**listed)) if _content_stale(p)),
                   key=lambda p: (p.decided_at, p.service_id))
    for p in stale[:LIMIT]:
        items.append(InboxItem("catalogue", _("ověřit zastaralý obsah v katalogu"), p.service.name,
                               _("obsah ověřen dne %(d)s") % {"d": _day(timezone.localdate(p.decided_at))},
                               reverse("catalogue:service", args=[p.service_id]),
                               detail=p.service.provider.name))
    return items


def inbox_items(user) -> list[InboxItem]:
    items: list[InboxItem] = []
    qs = restrict(ContentProposal.objects.select_related("service", "service__provider"), user, "view")
    if is_region_staff(user):
        for p in qs.filter(state=ProposalState.SUBMITTED).order_by("created_at", "pk")[:LIMIT]:
            items.append(InboxItem("catalogue", _("posoudit návrh obsahu katalogu"), p.service.name,
                                   p.get_state_display(), reverse("catalogue:proposal", args=[p.pk])))
        items.extend(_region_items(user, qs))
    own = [g.provider_id for g in grants(user) if g.role == Role.PROVIDER_USER and g.provider_id]
    if own:
        for p in _latest(qs.filter(service__provider_id__in=own)):
            if p.state == ProposalState.RETURNED:
                items.append(InboxItem("catalogue", _("opravit a znovu navrhnout obsah katalogu"), p.service.name,
                                       p.get_state_display(), reverse("catalogue:content_edit", args=[p.service_id])))
            elif _content_stale(p):
                items.append(InboxItem("catalogue", _("ověřit a aktualizovat obsah v katalogu"), p.service.name,
                                       _("neaktualizováno přes rok"),
                                       reverse("catalogue:content_edit", args=[p.service_id])))
        statements = restrict(FreeCapacityStatement.objects.filter(service__provider_id__in=own), user, "change")
        for row in _capacity_stale(statements):
            items.append(InboxItem("catalogue", _("aktualizovat volná místa"), row["service__name"],
                                   _("údaj ke dni %(d)s") % {"d": _day(row["last"])},
                                   reverse("catalogue:free_capacity", args=[row["service_id"]])))
    return items
