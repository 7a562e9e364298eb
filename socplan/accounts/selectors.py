"""Reads for the accounts pages, already restricted to what the user may see."""

from __future__ import annotations

from dataclasses import dataclass

from .models import RoleAssignment
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
