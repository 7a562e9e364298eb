"""Adapters of the permission layer for pages (class- and function-based views) and for the DRF API.

Pages: ``ScopedPermissionRequiredMixin`` (detail/list/edit/create/delete generic views) or, for function
views, ``scoped_view(Model, action)`` + ``get_scoped_object(request, queryset, action, **lookup)``.
API: ``ScopedViewSetMixin`` (queryset restriction + object and create/update checks) with
``ScopedPermission`` as its permission class.

Write views are *marked* (``scoped_write = True``, ``scope_model``) so the authorization-matrix test
(tests/accounts/test_matrix.py) finds them automatically, together with URL names ending in
``_edit``/``_create``/``_delete``/``_update``/``_approve`` and every DRF route accepting a non-GET method.

Denials: not allowed to *see* the object → 404 (its existence is not revealed); may see but not
change → 403; anonymous on a write page → redirect to login. A denied write changes nothing.
"""

from __future__ import annotations

import copy
from functools import wraps

from django.contrib.auth.mixins import AccessMixin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import models
from django.forms import ModelChoiceField
from django.shortcuts import get_object_or_404
from rest_framework import exceptions as drf_exceptions
from rest_framework.permissions import SAFE_METHODS, BasePermission

from socplan.core.api_locking import VersionPreconditionMixin

from .scope import can, can_any, grants, is_superuser, model_scope, restrict

WRITE_NAME_SUFFIXES = ("_edit", "_create", "_delete", "_update", "_approve", "_add")


def action_for_method(method: str) -> str:
    if method in SAFE_METHODS:
        return "view"
    if method == "DELETE":
        return "delete"
    return "change"


def _restrict_choices(form, user) -> None:
    """Limit the choices of every related-object field to rows the user may see."""
    for field in form.fields.values():
        if isinstance(field, ModelChoiceField) and model_scope(field.queryset.model) is not None:
            field.queryset = restrict(field.queryset, user, "view")


# Callables notified with (model, lookup) whenever a page looks its object up through this module; the
# authorization-matrix test uses it to learn which model a URL's `pk` addresses.
lookup_observers: list = []


def _notify(model, lookup: dict) -> None:
    for observer in lookup_observers:
        observer(model, lookup)


def get_scoped_object(request, queryset, action: str = "view", **lookup):
    """The object for a function view: 404 if the user may not see it, 403 if they may not `action` it."""
    if isinstance(queryset, type) and issubclass(queryset, models.Model):
        queryset = queryset._default_manager.all()
    _notify(queryset.model, lookup)
    obj = get_object_or_404(restrict(queryset, request.user, "view"), **lookup)
    if action != "view" and not can(request.user, action, obj):
        raise PermissionDenied
    return obj


def has_role(user, roles) -> bool:
    """Superuser, or holds one of `roles` (any scope)."""
    if is_superuser(user):
        return True
    return any(g.role in roles for g in grants(user))


def scoped_view(model, action: str = "change", *, url_model=None, roles=None):
    """Mark (and guard) a function view: anonymous users go to the login page for anything but `view`.

    The view itself still checks the object with `get_scoped_object` / `can`. `url_model` names the model
    whose row the URL's ``pk`` identifies when it is not `model` (e.g. a service's staffing page: model
    Staffing, URL object Service); the authorization-matrix test uses it (and otherwise guesses from the
    URL name: ``service_year_edit`` → Service). `roles` narrows a step to some roles (e.g. deciding on a
    district proposal: kraj staff only, though district teams edit proposals): others get 403 up front.
    """

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if action != "view" and not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if action != "view" and not can_any(request.user, action, model):
                raise PermissionDenied
            if roles is not None and not has_role(request.user, roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.scope_model = model
        wrapped.scope_roles = tuple(roles) if roles is not None else None
        wrapped.scope_url_model = url_model
        wrapped.scope_action = action
        wrapped.scoped_write = action != "view"
        return wrapped

    return decorator


class ScopedPermissionRequiredMixin(AccessMixin):
    """For generic class-based views over a scoped model.

    ``scope_action`` defaults to ``view`` for display views, ``change`` for form views and ``delete`` for
    DeleteView. The queryset is restricted to visible rows (404 otherwise), the object must allow the
    action (403 otherwise), and a form's unsaved instance is checked again before saving, so a user cannot
    move a record out of their scope (e.g. assign a service to another provider).
    """

    scope_action: str | None = None
    scope_roles: tuple | None = None  # optional: only these roles (and superusers) may use the view

    @classmethod
    def _default_action(cls) -> str:
        from django.views.generic.edit import DeletionMixin, ProcessFormView

        if issubclass(cls, DeletionMixin):
            return "delete"
        if issubclass(cls, ProcessFormView):
            return "change"
        return "view"

    def get_scope_action(self) -> str:
        return self.scope_action or self._default_action()

    @classmethod
    def as_view(cls, **initkwargs):
        view = super().as_view(**initkwargs)
        action = initkwargs.get("scope_action") or cls.scope_action or cls._default_action()
        view.scope_action = action
        view.scoped_write = action != "view"
        view.scope_model = initkwargs.get("model") or getattr(cls, "model", None)
        view.scope_url_model = getattr(cls, "scope_url_model", None)
        view.scope_roles = cls.scope_roles
        return view

    def _scope_model(self):
        if getattr(self, "model", None) is not None:
            return self.model
        qs = getattr(self, "queryset", None)
        return qs.model if qs is not None else None

    def dispatch(self, request, *args, **kwargs):
        action = self.get_scope_action()
        if action != "view":
            if not request.user.is_authenticated:
                return self.handle_no_permission()
            model = self._scope_model()
            if model is not None and not can_any(request.user, action, model):
                raise PermissionDenied
            if self.scope_roles is not None and not has_role(request.user, self.scope_roles):
                raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        return restrict(super().get_queryset(), self.request.user, "view")

    def get_object(self, queryset=None):
        _notify(self._scope_model(), dict(self.kwargs))
        obj = super().get_object(queryset)
        action = self.get_scope_action()
        if action != "view" and not can(self.request.user, action, obj):
            raise PermissionDenied
        return obj

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        _restrict_choices(form, self.request.user)
        return form

    def form_valid(self, form):
        instance = getattr(form, "instance", None)
        action = self.get_scope_action()
        if instance is not None and action in ("change", "delete") and not can(self.request.user, action, instance):
            raise PermissionDenied
        return super().form_valid(form)


# --- DRF ----------------------------------------------------------------------------------------------------


def _view_model(view):
    qs = getattr(view, "queryset", None)
    if qs is not None:
        return qs.model
    serializer_class = getattr(view, "serializer_class", None)
    meta = getattr(serializer_class, "Meta", None)
    return getattr(meta, "model", None)


class ScopedPermission(BasePermission):
    """Reads: anyone (the queryset is restricted); writes: authenticated users allowed by the scope layer."""

    message = "Na tuto změnu nemáte oprávnění."

    def has_permission(self, request, view):
        if request.method in SAFE_METHODS:
            return True
        if not request.user or not request.user.is_authenticated:
            return False
        model = _view_model(view)
        return model is None or can_any(request.user, action_for_method(request.method), model)

    def has_object_permission(self, request, view, obj):
        return can(request.user, action_for_method(request.method), obj)


def _with_data(instance, model, data: dict):
    """A copy of `instance` (or a new unsaved one) carrying the non-m2m values of `data`."""
    obj = copy.copy(instance) if instance is not None else model()
    m2m = {f.name for f in model._meta.many_to_many}
    for key, value in data.items():
        if key not in m2m:
            try:
                setattr(obj, key, value)
            except (TypeError, ValueError, AttributeError):  # reverse relations and the like
                pass
    return obj


class ScopedViewSetMixin(VersionPreconditionMixin):
    """Mix into a DRF (Model)ViewSet: lists and details show only visible rows; writes are checked on the
    stored object *and* on the new state (a provider cannot create or move rows outside its own scope); a
    write to a versioned record needs its ETag in If-Match (`socplan.core.api_locking`)."""

    permission_classes = [ScopedPermission]
    scoped_write = True

    def get_queryset(self):
        return restrict(super().get_queryset(), self.request.user, "view")

    def _check_new_state(self, serializer, instance=None):
        model = serializer.Meta.model
        candidate = _with_data(instance, model, serializer.validated_data)
        if not can(self.request.user, "change", candidate):
            raise drf_exceptions.PermissionDenied(ScopedPermission.message)

    def perform_create(self, serializer):
        self._check_new_state(serializer)
        serializer.save()

    def perform_update(self, serializer):
        self._check_new_state(serializer, serializer.instance)
        serializer.save()
