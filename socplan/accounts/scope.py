"""The one permission layer: who may see, change or approve which object, derived from role assignments.

Every scoped model declares where it sits::

    SCOPE = {
        "region": "service__region",      # ORM lookup to territory.Region (or None)
        "district": "service__district",  # … to territory.District (or None)
        "orp": "service__orp",            # … to territory.Orp (or None)
        "provider": "service__provider",  # … to registry.Provider (or None; "pk" on Provider itself)
        "private": True,                  # non-public data (staffing, economics, evaluations, …)
        # optional:
        "edit_roles": ("region_admin", "region_officer", "provider_user"),  # who may change (default below)
        "delete_roles": (...),            # who may delete (default: edit_roles)
        "view_roles": (...),              # who may read private data (default: every role)
    }

and may define a classmethod ``public_q()`` returning a ``Q`` of the rows anonymous users may read
(default: everything for non-private models, nothing for private ones).

Two entry points, used by pages, API and commands alike (and by the django-rules permissions in `rules.py`):

- ``restrict(queryset, user, action)`` filters a queryset to what `user` may do `action` on;
- ``can(user, action, obj)`` answers the same question for one (possibly unsaved) instance.

Actions: ``view``, ``view_private``, ``change`` (also for creating: check the unsaved instance), ``delete``,
``approve``. The role × action matrix is documented in docs/accounts.md; in short:

=================  =====================  =====================  ======================  ==================
role               view (non-private)     view_private           change / delete         approve
=================  =====================  =====================  ======================  ==================
anonymous          public_q()             —                      —                       —
region_admin       public + own kraj      own kraj               own kraj (edit_roles)   kraj, if can_approve
region_officer     public + own kraj      own kraj               own kraj (edit_roles)   kraj, if can_approve
district_team      public + own kraj      own okres              okres, if in edit_roles —
orp_coordinator    public + own kraj      own ORP                ORP, if in edit_roles   —
provider_user      public + own provider  own provider           own provider (default)  —
superuser          everything             everything             everything              everything
=================  =====================  =====================  ======================  ==================
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache, reduce
from operator import or_

from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.db import models
from django.db.models import Q
from django.db.models.signals import post_delete, post_save

from .models import REGION_ROLES, ROLE_LEVEL, Role, RoleAssignment

ACTIONS = ("view", "view_private", "change", "delete", "approve")
ALIASES = {"add": "change", "create": "change", "edit": "change", "update": "change", "read": "view"}
ALL_ROLES = frozenset(Role.values)
_ALL = Q(pk__isnull=False)  # "every row" that survives OR-combination (Q() | x == x in Django)


def normalize_action(action: str) -> str:
    action = ALIASES.get(action, action)
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}; use one of {ACTIONS}")
    return action


# --- model scope --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    region: str | None
    district: str | None
    orp: str | None
    provider: str | None
    private: bool
    view_roles: frozenset
    edit_roles: frozenset
    delete_roles: frozenset

    def lookup(self, level: str) -> str | None:
        return getattr(self, level)


_scope_cache: dict[int, tuple[object, Scope]] = {}


def model_scope(model) -> Scope | None:
    """The parsed SCOPE of a model class (or instance), None for unscoped models."""
    if isinstance(model, models.Model):
        model = type(model)
    raw = getattr(model, "SCOPE", None)
    if raw is None:
        return None
    cached = _scope_cache.get(id(model))
    if cached and cached[0] is raw:
        return cached[1]
    provider = raw.get("provider") or None
    default_edit = set(REGION_ROLES) | ({Role.PROVIDER_USER} if provider else set())
    edit = frozenset(raw.get("edit_roles", default_edit))
    scope = Scope(
        region=raw.get("region") or None,
        district=raw.get("district") or None,
        orp=raw.get("orp") or None,
        provider=provider,
        private=bool(raw.get("private", False)),
        view_roles=frozenset(raw.get("view_roles", ALL_ROLES)),
        edit_roles=edit,
        delete_roles=frozenset(raw.get("delete_roles", edit)),
    )
    unknown = (scope.view_roles | scope.edit_roles | scope.delete_roles) - ALL_ROLES
    if unknown:
        raise ValueError(f"{model.__name__}.SCOPE names unknown roles {sorted(unknown)}")
    _scope_cache[id(model)] = (raw, scope)
    return scope


def scoped_models() -> list[type[models.Model]]:
    """Every installed model that declares SCOPE (the audited, permission-checked domain models)."""
    from django.apps import apps

    return [m for m in apps.get_models() if model_scope(m) is not None]


@lru_cache(maxsize=512)
def _is_multi(model, path: str) -> bool:
    """Does the lookup cross a to-many relation (so filtering on it may duplicate rows)?"""
    opts = model._meta
    for part in path.split("__"):
        if part == "pk":
            return False
        try:
            field = opts.get_field(part)
        except FieldDoesNotExist:
            return False
        if field.many_to_many or field.one_to_many:
            return True
        if not field.is_relation:
            return False
        opts = field.related_model._meta
    return False


# --- who the user is ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Grant:
    role: str
    region_id: int | None
    district_id: int | None
    orp_id: int | None
    provider_id: int | None
    can_approve: bool

    @property
    def level(self) -> str:
        return ROLE_LEVEL[self.role]

    @property
    def unit_id(self) -> int | None:
        return getattr(self, f"{self.level}_id")


_generation = [0]
_lock = threading.Lock()


def _bump(**kwargs):
    with _lock:
        _generation[0] += 1


post_save.connect(_bump, sender=RoleAssignment, dispatch_uid="accounts_grants_bump_save")
post_delete.connect(_bump, sender=RoleAssignment, dispatch_uid="accounts_grants_bump_delete")


def grants(user) -> tuple[Grant, ...]:
    """The user's active role assignments (cached on the user object until any assignment changes)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return ()
    cached = getattr(user, "_socplan_grants", None)
    if cached and cached[0] == _generation[0]:
        return cached[1]
    gen = _generation[0]
    rows = RoleAssignment.objects.filter(user_id=user.pk, is_active=True).values_list(
        "role", "region_id", "district_id", "orp_id", "provider_id", "can_approve"
    )
    result = tuple(Grant(*r) for r in rows)
    user._socplan_grants = (gen, result)
    return result


def is_superuser(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active
                and user.is_superuser)


def is_region_staff(user, region=None) -> bool:
    """Kraj staff (region admin or officer) of `region` (a Region or its id; None = of any kraj), or a superuser."""
    if is_superuser(user):
        return True
    rid = getattr(region, "pk", region)
    return any(g.role in REGION_ROLES and (rid is None or g.region_id == rid) for g in grants(user))


# --- querysets ----------------------------------------------------------------------------------------------


def _public_q(model, scope: Scope) -> Q | None:
    public = getattr(model, "public_q", None)
    if public is not None:
        return public()
    return None if scope.private else _ALL


def _unit_q(scope: Scope, level: str, unit_id) -> Q | None:
    """Rows of the unit `unit_id` at `level`, falling back to a finer territorial lookup when needed."""
    if unit_id is None:
        return None
    if level == "region":
        if scope.region:
            return Q(**{scope.region: unit_id})
        if scope.district:
            return Q(**{f"{scope.district}__region": unit_id})
        if scope.orp:
            return Q(**{f"{scope.orp}__region": unit_id})
        return None
    if level == "district":
        if scope.district:
            return Q(**{scope.district: unit_id})
        if scope.orp:
            return Q(**{f"{scope.orp}__district": unit_id})
        return None
    lookup = scope.lookup(level)
    return Q(**{lookup: unit_id}) if lookup else None


def _grant_roles(scope: Scope, action: str) -> frozenset:
    return {"view": scope.view_roles, "view_private": scope.view_roles, "change": scope.edit_roles,
            "delete": scope.delete_roles}.get(action, frozenset())


def scope_q(model, user, action: str = "view") -> Q | None:
    """The Q of the rows `user` may `action`; None = none. (Superusers: every row.)"""
    action = normalize_action(action)
    if is_superuser(user):
        return _ALL
    scope = model_scope(model)
    if scope is None:
        return _ALL if action == "view" else None
    gs = grants(user)
    parts: list[Q | None] = []
    if action == "view":
        public = _public_q(model, scope)
        if public is _ALL:
            return _ALL
        parts.append(public)
        if not scope.private:
            # Non-private data: every territorial role reads its whole kraj, a provider its own rows.
            for g in gs:
                if g.role == Role.PROVIDER_USER:
                    parts.append(_unit_q(scope, "provider", g.provider_id))
                else:
                    parts.append(_unit_q(scope, "region", g.region_id))
            return _combine(parts)
    if action == "approve":
        for g in gs:
            if g.role in REGION_ROLES and g.can_approve:
                parts.append(_unit_q(scope, "region", g.region_id))
        return _combine(parts)
    roles = _grant_roles(scope, action)
    for g in gs:
        if g.role in roles:
            parts.append(_unit_q(scope, g.level, g.unit_id))
    return _combine(parts)


def _combine(parts: Iterable[Q | None]) -> Q | None:
    parts = [p for p in parts if p is not None]
    if not parts:
        return None
    if any(p is _ALL for p in parts):
        return _ALL
    return reduce(or_, parts)


def restrict(queryset, user, action: str = "view"):
    """`queryset` limited to the rows `user` may `action` (view / view_private / change / delete / approve)."""
    model = queryset.model
    q = scope_q(model, user, action)
    if q is None:
        return queryset.none()
    if q is _ALL:
        return queryset
    scope = model_scope(model)
    lookups = [scope.lookup(level) for level in ("region", "district", "orp", "provider")] if scope else []
    if any(lk and _is_multi(model, lk) for lk in lookups) or getattr(model, "public_q", None):
        return queryset.filter(pk__in=model._default_manager.filter(q).values("pk"))
    return queryset.filter(q)


# --- single objects -----------------------------------------------------------------------------------------


def _values(obj, path: str) -> set:
    """Primary keys reached from `obj` along an ORM lookup path (in memory where possible)."""
    current = [obj]
    parts = path.split("__")
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        nxt = []
        for o in current:
            if o is None:
                continue
            if part == "pk":
                nxt.append(o.pk)
                continue
            field = o._meta.get_field(part)
            if field.many_to_many or field.one_to_many or (field.one_to_one and not field.concrete):
                if o.pk is None:
                    continue
                if field.one_to_one and not field.concrete:
                    nxt.append(getattr(o, field.get_accessor_name(), None))
                    continue
                accessor = field.name if field.concrete else field.get_accessor_name()
                nxt.extend(getattr(o, accessor).all())
            elif field.is_relation and last:
                nxt.append(getattr(o, field.attname))
            else:
                nxt.append(getattr(o, part))
        current = nxt
    return {v.pk if isinstance(v, models.Model) else v for v in current if v is not None}


def _unit_model(level: str):
    """The territory model of a level ("district", "orp"), reached through the role assignment's foreign key
    (accounts sits below territory and does not import it)."""
    return RoleAssignment._meta.get_field(level).related_model


def _matches(obj, scope: Scope, level: str, unit_id) -> bool:
    District, Orp = _unit_model("district"), _unit_model("orp")
    if unit_id is None:
        return False
    if level == "region":
        if scope.region:
            return unit_id in _values(obj, scope.region)
        if scope.district:
            return District.objects.filter(pk__in=_values(obj, scope.district), region_id=unit_id).exists()
        if scope.orp:
            return Orp.objects.filter(pk__in=_values(obj, scope.orp), region_id=unit_id).exists()
        return False
    if level == "district":
        if scope.district:
            return unit_id in _values(obj, scope.district)
        if scope.orp:
            return Orp.objects.filter(pk__in=_values(obj, scope.orp), district_id=unit_id).exists()
        return False
    lookup = scope.lookup(level)
    return bool(lookup) and unit_id in _values(obj, lookup)


def _is_public(model, scope: Scope, obj) -> bool:
    public = _public_q(model, scope)
    if public is None:
        return False
    if public is _ALL:
        return True
    return obj.pk is not None and model._default_manager.filter(pk=obj.pk).filter(public).exists()


def can(user, action: str, obj) -> bool:
    """May `user` do `action` on `obj`? Works on unsaved instances too (creating = `change` on the new row)."""
    action = normalize_action(action)
    if is_superuser(user):
        return True
    model = type(obj)
    scope = model_scope(model)
    if scope is None:
        return action == "view"
    gs = grants(user)
    if action == "view":
        if _is_public(model, scope, obj):
            return True
        if not scope.private:
            for g in gs:
                level = "provider" if g.role == Role.PROVIDER_USER else "region"
                if _matches(obj, scope, level, getattr(g, f"{level}_id")):
                    return True
            return False
    if action == "approve":
        return any(g.role in REGION_ROLES and g.can_approve and _matches(obj, scope, "region", g.region_id)
                   for g in gs)
    roles = _grant_roles(scope, action)
    return any(g.role in roles and _matches(obj, scope, g.level, g.unit_id) for g in gs)


def can_any(user, action: str, model) -> bool:
    """Could `user` do `action` on *some* row of `model`? (For showing buttons; objects are checked by `can`.)"""
    action = normalize_action(action)
    if is_superuser(user):
        return True
    scope = model_scope(model)
    if scope is None:
        return action == "view"
    if action == "view" and _public_q(model if isinstance(model, type) else type(model), scope) is not None:
        return True
    gs = grants(user)
    if action == "approve":
        return any(g.role in REGION_ROLES and g.can_approve for g in gs)
    if action == "view":
        return bool(gs) if not scope.private else any(g.role in scope.view_roles for g in gs)
    roles = _grant_roles(scope, action)
    return any(g.role in roles and _unit_q(scope, g.level, g.unit_id) is not None for g in gs)


def require(user, action: str, obj) -> None:
    """Raise PermissionDenied unless `can(user, action, obj)` — the guard service functions call first."""
    if not can(user, action, obj):
        raise PermissionDenied(f"{action} {type(obj).__name__} {obj.pk or '(new)'}")
