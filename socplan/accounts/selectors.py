"""Reads for the accounts pages, already restricted to what the user may see."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from .models import Role, RoleAssignment
from .scope import can_any, restrict, scoped_models


def own_role_assignments(user):
    """The user's own roles (everyone may see their own)."""
    return (RoleAssignment.objects.filter(user_id=user.pk)
            .select_related("region", "district", "orp", "provider").order_by("-is_active", "role"))


def role_assignment_list(*, user):
    """Role assignments the user may see (region staff: their kraj; superusers: all)."""
    qs = RoleAssignment.objects.select_related("user", "region", "district", "orp", "provider")
    return restrict(qs, user, "view").order_by("region__name", "role", "user__username")


@dataclass
class ModelAccess:
    label: str
    view: bool
    view_private: bool
    change: bool
    approve: bool
    private: bool


def access_overview(user) -> list[ModelAccess]:
    """For each scoped model: may the user read / read private data / change / approve some of its rows."""
    from .scope import model_scope

    rows = []
    for model in scoped_models():
        rows.append(ModelAccess(
            label=str(model._meta.verbose_name_plural),
            view=can_any(user, "view", model),
            view_private=can_any(user, "view_private", model),
            change=can_any(user, "change", model),
            approve=can_any(user, "approve", model),
            private=model_scope(model).private,
        ))
    rows.sort(key=lambda r: r.label)
    return rows


# Which role a user is named by on public pages when they hold several (the widest first).
_SEAT_ORDER = [Role.REGION_ADMIN, Role.REGION_OFFICER, Role.DISTRICT_TEAM, Role.ORP_COORDINATOR, Role.PROVIDER_USER]


def public_seat_labels(user_ids: Iterable[int | None]) -> dict[int, str]:
    """What a public page may say about who entered something: the person's role and organisation
    ("koordinátor komunitního plánování ORP (Blansko)", "uživatel poskytovatele (Diakonie ČCE …)"), never the
    login name. A user without an active role is "správce systému" (superuser) or "uživatel systému"."""
    from django.contrib.auth import get_user_model

    ids = {i for i in user_ids if i is not None}
    if not ids:
        return {}
    seats: dict[int, RoleAssignment] = {}
    rank = {r: n for n, r in enumerate(_SEAT_ORDER)}
    for ra in (RoleAssignment.objects.active().filter(user_id__in=ids)
               .select_related("region", "district", "orp", "provider").order_by("pk")):
        best = seats.get(ra.user_id)
        if best is None or rank.get(ra.role, 99) < rank.get(best.role, 99):
            seats[ra.user_id] = ra
    labels = {uid: f"{ra.get_role_display()} ({ra.scope_label})" for uid, ra in seats.items()}
    for uid, is_superuser in get_user_model().objects.filter(pk__in=ids - set(labels)).values_list(
            "pk", "is_superuser"):
        labels[uid] = str(_("správce systému") if is_superuser else _("uživatel systému"))
    return labels
