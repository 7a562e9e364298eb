"""The Django admin under the one permission layer: what each kind of record may do in `/admin/`.

The pages and the API write through the domain services (permission, version, validation, immutability once
approved, audit in one transaction). The admin's own save would skip all of that, so it is not a second way in:

- `DomainReadOnlyAdmin` – a domain record that pages and services edit (registry, network, …). The admin lists
  only the rows of the user's own scope (`restrict(…, "view_private")`: their kraj, okres, ORP or provider;
  superusers every row) and shows them read-only with their history. Adding, changing, deleting and reverting to
  a historical version are refused for everyone, superusers included (403 on a forced POST).
- `SuperuserOnlyAdmin` – national data without a kraj (code lists, territory): only superusers see it and edit it;
  a save validates the model (`full_clean`) first.

Every registered model admin derives from one of these or is an accounts admin with its own scope (users and
role assignments); `tests/accounts/test_admin_scope.py` checks that no admin is left outside.
"""

from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from simple_history.admin import SimpleHistoryAdmin

from .scope import can, is_superuser, model_scope, restrict


class DomainReadOnlyAdmin(SimpleHistoryAdmin):
    """A scoped domain record, read-only in the admin (its writes go through the domain services)."""

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if is_superuser(request.user):
            return qs
        if model_scope(qs.model) is None:
            return qs.none()
        return restrict(qs, request.user, "view_private")

    def has_module_permission(self, request):
        return is_superuser(request.user) or self._may_view_some(request)

    def has_view_permission(self, request, obj=None):
        if is_superuser(request.user):
            return True
        if obj is not None:
            return model_scope(obj) is not None and can(request.user, "view_private", obj)
        return self._may_view_some(request)

    def _may_view_some(self, request) -> bool:
        # staff with the model's Django view permission, limited to their scope by get_queryset
        return bool(request.user.is_active and request.user.is_staff
                    and super().has_view_permission(request) and model_scope(self.model) is not None)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        return {}

    # A forced POST (the change form, the history "revert" form, a bulk delete) never writes.
    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    def save_model(self, request, obj, form, change):
        raise PermissionDenied

    def delete_model(self, request, obj):
        raise PermissionDenied

    def delete_queryset(self, request, queryset):
        raise PermissionDenied

    def save_related(self, request, form, formsets, change):
        raise PermissionDenied


class _SuperuserOnly:
    def has_module_permission(self, request):
        return is_superuser(request.user)

    def has_view_permission(self, request, obj=None):
        return is_superuser(request.user)

    def has_add_permission(self, request, *args):
        return is_superuser(request.user)

    def has_change_permission(self, request, obj=None):
        return is_superuser(request.user)

    def has_delete_permission(self, request, obj=None):
        return is_superuser(request.user)

    def save_model(self, request, obj, form, change):
        if not is_superuser(request.user):
            raise PermissionDenied
        obj.full_clean()
        super().save_model(request, obj, form, change)


class SuperuserOnlyAdmin(_SuperuserOnly, admin.ModelAdmin):
    """National data without a kraj: superusers only."""


class SuperuserOnlyHistoryAdmin(_SuperuserOnly, SimpleHistoryAdmin):
    """National data without a kraj that keeps a history: superusers only."""


class ReadOnlyInline(admin.TabularInline):
    """Rows shown inside a `DomainReadOnlyAdmin` change page: read-only like their parent."""

    extra = 0

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if is_superuser(request.user) or model_scope(qs.model) is None:
            return qs
        return restrict(qs, request.user, "view_private")
