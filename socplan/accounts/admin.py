"""Administration of users and their roles (Django admin).

Superusers manage everything. A kraj administrator (staff user with the region_admin role and the model
permissions of the "Správci kraje" group, see `demo.py`/docs) sees and manages only the role assignments of
their kraj and the users who have roles only there (or none yet); they cannot grant staff/superuser status,
groups or model permissions, and cannot touch superusers.
"""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import REGION_ROLES, Role, RoleAssignment
from .scope import can, grants, restrict

User = get_user_model()


def _admin_region_ids(user) -> set[int]:
    return {g.region_id for g in grants(user) if g.role == Role.REGION_ADMIN and g.region_id}


def _limit_territory_choices(db_field, request, kwargs):
    if request.user.is_superuser:
        return
    regions = _admin_region_ids(request.user)
    name = db_field.name
    model = db_field.related_model
    if name == "region":
        kwargs["queryset"] = model.objects.filter(pk__in=regions)
    elif name in ("district", "orp"):
        kwargs["queryset"] = model.objects.filter(region_id__in=regions)


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0
    fields = ["role", "region", "district", "orp", "provider", "can_approve", "is_active", "note"]
    raw_id_fields = ["provider"]
    verbose_name = _("role")
    verbose_name_plural = _("role")

    def get_queryset(self, request):
        return restrict(super().get_queryset(request), request.user, "view")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        _limit_territory_choices(db_field, request, kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser or bool(_admin_region_ids(request.user))

    has_add_permission = has_change_permission
    has_delete_permission = has_change_permission

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser or bool({g for g in grants(request.user) if g.role in REGION_ROLES})


class HasRoleFilter(admin.SimpleListFilter):
    title = _("role")
    parameter_name = "role"

    def lookups(self, request, model_admin):
        return Role.choices

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(role_assignments__role=self.value(), role_assignments__is_active=True).distinct()
        return queryset


class RegionFilter(admin.SimpleListFilter):
    title = _("kraj")
    parameter_name = "kraj"

    def lookups(self, request, model_admin):
        Region = RoleAssignment._meta.get_field("region").related_model  # territory sits above accounts
        qs = Region.objects.order_by("name")
        if not request.user.is_superuser:
            qs = qs.filter(pk__in=_admin_region_ids(request.user))
        return [(r.code, r.name) for r in qs]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(role_assignments__region__code=self.value()).distinct()
        return queryset


admin.site.unregister(User)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    inlines = [RoleAssignmentInline]
    list_display = ["username", "first_name", "last_name", "email", "roles", "is_active", "is_staff", "last_login"]
    list_filter = [HasRoleFilter, RegionFilter, "is_active", "is_staff", "is_superuser"]

    @admin.display(description=_("role"))
    def roles(self, obj):
        return ", ".join(f"{r.get_role_display()} ({r.scope_label})" for r in obj.role_assignments.all()
                         if r.is_active)

    def get_queryset(self, request):
        qs = super().get_queryset(request).prefetch_related(
            "role_assignments__region", "role_assignments__district", "role_assignments__orp",
            "role_assignments__provider")
        if request.user.is_superuser:
            return qs
        regions = _admin_region_ids(request.user)
        # Users with roles only in my kraj, or without any role yet; never superusers.
        outside = RoleAssignment.objects.exclude(region_id__in=regions).values("user_id")
        return qs.filter(is_superuser=False).exclude(pk__in=outside).filter(
            Q(role_assignments__region_id__in=regions) | Q(role_assignments__isnull=True)
        ).distinct()

    def get_readonly_fields(self, request, obj=None):
        ro = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            ro += ["is_staff", "is_superuser", "groups", "user_permissions", "last_login", "date_joined"]
        return ro

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(SimpleHistoryAdmin):
    list_display = ["user", "role", "scope_label", "region", "can_approve", "is_active", "created_at"]
    list_filter = ["role", "can_approve", "is_active", "region", "district", "orp"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "provider__ico", "provider__name",
                     "orp__name", "district__name"]
    raw_id_fields = ["provider"]
    autocomplete_fields = ["user"]
    list_select_related = ["user", "region", "district", "orp", "provider"]

    def get_queryset(self, request):
        return restrict(super().get_queryset(request), request.user, "view")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        _limit_territory_choices(db_field, request, kwargs)
        if db_field.name == "user" and not request.user.is_superuser:
            kwargs["queryset"] = User.objects.filter(is_superuser=False)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_view_permission(self, request, obj=None):
        if obj is not None:
            return can(request.user, "view", obj)
        return super().has_view_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        if obj is not None:
            return can(request.user, "change", obj)
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None:
            return can(request.user, "delete", obj)
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        from django.core.exceptions import PermissionDenied

        if not can(request.user, "change", obj):
            raise PermissionDenied
        super().save_model(request, obj, form, change)
