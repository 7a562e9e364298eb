from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    AgeGroup,
    Capacity,
    CapacityType,
    DeliveryForm,
    Economics,
    Facility,
    Provider,
    RegistryImport,
    Service,
    ServiceArea,
    ServiceForm,
    ServiceKind,
    Staffing,
    TargetGroup,
)


@admin.register(ServiceKind)
class ServiceKindAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "category", "financing_group", "mpsv_od_id", "mpsv_od_id_confirmed", "mpsv_rest_id"]
    list_filter = ["category", "financing_group", "mpsv_od_id_confirmed", "in_act"]
    search_fields = ["code", "name"]


@admin.register(DeliveryForm, CapacityType)
class CodeListAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "mpsv_od_id"]


@admin.register(TargetGroup, AgeGroup)
class GroupAdmin(SimpleHistoryAdmin):
    list_display = ["name", "mpsv_od_id", "name_confirmed"]
    search_fields = ["name", "mpsv_od_id"]


@admin.register(Provider)
class ProviderAdmin(SimpleHistoryAdmin):
    list_display = ["name", "ico", "legal_form", "source"]
    list_filter = ["source", "legal_form"]
    search_fields = ["name", "ico"]


class ServiceFormInline(admin.TabularInline):
    model = ServiceForm
    extra = 0


class FacilityInline(admin.TabularInline):
    model = Facility
    extra = 0
    fields = ["name", "address", "address_point", "municipality", "valid_from", "valid_to", "source"]
    raw_id_fields = ["municipality"]


class ServiceAreaInline(admin.TabularInline):
    model = ServiceArea
    extra = 0
    raw_id_fields = ["orp", "municipality"]


@admin.register(Service)
class ServiceAdmin(SimpleHistoryAdmin):
    list_display = ["name", "identifier", "registry_id", "kind", "provider", "region", "source"]
    list_filter = ["region", "kind", "source"]
    search_fields = ["name", "identifier", "provider__name", "provider__ico"]
    raw_id_fields = ["provider"]
    inlines = [ServiceFormInline, FacilityInline, ServiceAreaInline]


@admin.register(ServiceForm)
class ServiceFormAdmin(SimpleHistoryAdmin):
    list_display = ["service", "form", "continuous"]
    raw_id_fields = ["service"]


@admin.register(Capacity)
class CapacityAdmin(SimpleHistoryAdmin):
    list_display = ["service_form", "capacity_type", "count"]
    raw_id_fields = ["service_form"]


@admin.register(Facility)
class FacilityAdmin(SimpleHistoryAdmin):
    list_display = ["name", "service", "municipality", "address_point", "valid_from", "valid_to"]
    search_fields = ["name", "address"]
    raw_id_fields = ["service", "municipality"]


@admin.register(ServiceArea)
class ServiceAreaAdmin(SimpleHistoryAdmin):
    list_display = ["service", "orp", "municipality", "share", "source"]
    raw_id_fields = ["service", "orp", "municipality"]


@admin.register(Staffing)
class StaffingAdmin(SimpleHistoryAdmin):
    list_display = ["service", "year", "fte_direct", "fte_other", "source"]
    list_filter = ["year", "source"]
    raw_id_fields = ["service"]


@admin.register(Economics)
class EconomicsAdmin(SimpleHistoryAdmin):
    list_display = ["service", "year", "cost_personnel", "revenue_state_subsidy", "source"]
    list_filter = ["year", "source"]
    raw_id_fields = ["service"]


@admin.register(RegistryImport)
class RegistryImportAdmin(admin.ModelAdmin):
    list_display = ["file_name", "started_at", "created", "updated", "unchanged", "rejected"]
    readonly_fields = [f.name for f in RegistryImport._meta.fields]
