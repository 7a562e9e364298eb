"""The start page: for a logged-in user, their seat (kraj, ORP or provider) and working year, both switchable,
what waits for them (the inbox summary), what changed recently in their scope, and the few actions their role
does most. An anonymous visitor gets the overview of the modules."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from socplan.accounts.models import Role
from socplan.accounts.selectors import own_role_assignments
from socplan.core.years import working_year
from socplan.inbox import selectors as inbox_selectors
from socplan.notices import selectors as notices_selectors

SEAT_SESSION_KEY = "socplan_seat"


@dataclass(frozen=True)
class Action:
    label: str
    url: str


# role → its most common actions (label, URL name): what the role does week by week
ROLE_ACTIONS: dict[str, list[tuple]] = {
    Role.REGION_ADMIN: [(_("Síť služeb"), "network:index"), (_("Rozvojové záměry"), "network:requests"),
                        (_("Výkazy poskytovatelů"), "finance:reports"), (_("Financování"), "finance:index"),
                        (_("Uživatelé a role"), "accounts:index")],
    Role.REGION_OFFICER: [(_("Rozvojové záměry"), "network:requests"), (_("Výkazy poskytovatelů"), "finance:reports"),
                          (_("Síť služeb"), "network:index"), (_("Plánování"), "planning:index"),
                          (_("Dostupnost"), "availability:index")],
    Role.DISTRICT_TEAM: [(_("Rozvojové záměry"), "network:requests"), (_("Síť služeb"), "network:index"),
                         (_("Plánování"), "planning:index")],
    Role.ORP_COORDINATOR: [(_("Komunitní plán"), "planning:index"), (_("Rozvojové záměry"), "network:requests"),
                           (_("Podat záměr"), "network:development_request_create"),
                           (_("Dostupnost"), "availability:index")],
    Role.PROVIDER_USER: [(_("Výkazy a rozpočty"), "finance:reports"), (_("Rozvojové záměry"), "network:requests"),
                         (_("Podat záměr"), "network:development_request_create"),
                         (_("Registr služeb"), "registry:index")],
}


def _seat_label(a) -> str:
    unit = a.provider or a.orp or a.district or a.region
    return f"{a.get_role_display()} – {unit}" if unit else str(a.get_role_display())


def start(request):
    if not request.user.is_authenticated:
        return render(request, "core/home.html")
    seats = [a for a in own_role_assignments(request.user) if a.is_active]
    if "seat" in request.GET:
        try:
            chosen = int(request.GET["seat"])
        except ValueError:
            chosen = 0
        request.session[SEAT_SESSION_KEY] = chosen if 0 <= chosen < len(seats) else 0
        return redirect("home")
    index = request.session.get(SEAT_SESSION_KEY, 0)
    seat = seats[index] if 0 <= index < len(seats) else (seats[0] if seats else None)
    year = working_year(request)
    items = inbox_selectors.inbox_items(request.user)
    today = timezone.localdate()
    since = timezone.now() - timedelta(days=14)
    recent = notices_selectors.notifications_for(request.user).filter(created_at__gte=since)[:10]
    actions = [Action(str(label), reverse(name)) for label, name in ROLE_ACTIONS.get(seat.role, [])] if seat else []
    return render(request, "site/start.html", {
        "seats": [(i, _seat_label(a)) for i, a in enumerate(seats)], "seat": seat,
        "seat_label": _seat_label(seat) if seat else "", "seat_index": seats.index(seat) if seat else 0,
        "year": year, "years": list(range(year - 2, year + 3)), "items": items[:5], "item_count": len(items),
        "overdue": sum(1 for i in items if i.overdue(today)), "recent": recent, "actions": actions[:5],
        "today": today})
