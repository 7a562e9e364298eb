"""Administration of the network. Approved versions and their entries are read-only here too: the change form
shows them without a save button, and a forced POST is refused (403) – changes are made by an amendment."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from socplan.accounts.scope import can, restrict

from .models import (
    CofinancingDeclaration,
    ConditionRule,
    DevelopmentRequest,
    DistrictProposal,
    KindParameter,
    NetworkEntry,
    NetworkParameters,
    NetworkVersion,
    Tier,
)


class ScopedAdmin(SimpleHistoryAdmin):
    def get_queryset(self, request):
        return restrict(super().get_queryset(request), request.user, "view")

    def has_view_permission(self, request, obj=None):
        if obj is not None:
            return can(request.user, "view", obj)
        return super().has_view_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        if obj is not None and not can(request.user, "change", obj):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and not can(request.user, "delete", obj):
            return False
        return super().has_delete_permission(request, obj)


@admin.register(NetworkVersion)
class NetworkVersionAdmin(ScopedAdmin):
    list_display = ["__str__", "region", "year", "amendment", "phase", "approved_at"]
    list_filter = ["region", "year", "phase"]
    readonly_fields = ["approved_at", "approved_by", "supersedes"]

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_approved:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_approved:
            return False
        return super().has_delete_permission(request, obj)


@admin.register(NetworkEntry)
class NetworkEntryAdmin(ScopedAdmin):
    list_display = ["service", "network", "tier", "status", "capacity", "fte"]
    list_filter = ["network__region", "network__year", "network__amendment", "tier__code", "status"]
    search_fields = ["service__name", "service__identifier"]
    raw_id_fields = ["service", "request"]
    filter_horizontal = ["orps"]
    exclude = ["municipalities"]
    list_select_related = ["service", "network", "tier"]

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.network_is_approved():
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.network_is_approved():
            return False
        return super().has_delete_permission(request, obj)


@admin.register(DevelopmentRequest)
class DevelopmentRequestAdmin(ScopedAdmin):
    list_display = ["title", "year", "orp", "request_kind", "request_type", "state"]
    list_filter = ["year", "state", "request_type"]
    search_fields = ["title"]
    raw_id_fields = ["service", "provider", "measure", "action_plan"]


@admin.register(CofinancingDeclaration)
class CofinancingDeclarationAdmin(ScopedAdmin):
    list_display = ["municipality", "year", "service", "request", "amount"]
    list_filter = ["year"]
    raw_id_fields = ["municipality", "service", "request"]


@admin.register(NetworkParameters)
class NetworkParametersAdmin(ScopedAdmin):
    list_display = ["region", "year", "cofinancing_rate", "cofinancing_rate_prevention"]


admin.site.register(Tier, ScopedAdmin)
admin.site.register(ConditionRule, ScopedAdmin)
admin.site.register(KindParameter, ScopedAdmin)
admin.site.register(DistrictProposal, ScopedAdmin)
