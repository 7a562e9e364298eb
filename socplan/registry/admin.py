"""Registry in the admin: the national code lists for superusers; providers, services and their data read-only within
the user's scope (they are edited on the registry pages and by the imports, versioned and audited)."""

from django.contrib import admin

from socplan.accounts.admin_scope import (
    DomainReadOnlyAdmin,
    ReadOnlyInline,
    SuperuserOnlyAdmin,
    SuperuserOnlyHistoryAdmin,
)

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
class ServiceKindAdmin(SuperuserOnlyHistoryAdmin):
    list_display = ["code", "name", "category", "financing_group", "mpsv_od_id", "mpsv_od_id_confirmed", "mpsv_rest_id"]
    list_filter = ["category", "financing_group", "mpsv_od_id_confirmed", "in_act"]
    search_fields = ["code", "name"]


@admin.register(DeliveryForm, CapacityType)
class CodeListAdmin(SuperuserOnlyHistoryAdmin):
    list_display = ["code", "name", "mpsv_od_id"]


@admin.register(TargetGroup, AgeGroup)
class GroupAdmin(SuperuserOnlyHistoryAdmin):
    list_display = ["name", "mpsv_od_id", "name_confirmed"]
    search_fields = ["name", "mpsv_od_id"]


@admin.register(Provider)
class ProviderAdmin(DomainReadOnlyAdmin):
    list_display = ["name", "ico", "legal_form", "source"]
    list_filter = ["source", "legal_form"]
    search_fields = ["name", "ico"]


class ServiceFormInline(ReadOnlyInline):
    model = ServiceForm


class FacilityInline(ReadOnlyInline):
    model = Facility
    fields = ["name", "address", "address_point", "municipality", "valid_from", "valid_to", "source"]
    raw_id_fields = ["municipality"]


class ServiceAreaInline(ReadOnlyInline):
    model = ServiceArea
    raw_id_fields = ["orp", "municipality"]


@admin.register(Service)
class ServiceAdmin(DomainReadOnlyAdmin):
    list_display = ["name", "identifier", "registry_id", "kind", "provider", "region", "source"]
    list_filter = ["region", "kind", "source"]
    search_fields = ["name", "identifier", "provider__name", "provider__ico"]
    raw_id_fields = ["provider"]
    inlines = [ServiceFormInline, FacilityInline, ServiceAreaInline]


@admin.register(ServiceForm)
class ServiceFormAdmin(DomainReadOnlyAdmin):
    list_display = ["service", "form", "continuous"]
    raw_id_fields = ["service"]


@admin.register(Capacity)
class CapacityAdmin(DomainReadOnlyAdmin):
    list_display = ["service_form", "capacity_type", "count"]
    raw_id_fields = ["service_form"]


@admin.register(Facility)
class FacilityAdmin(DomainReadOnlyAdmin):
    list_display = ["name", "service", "municipality", "address_point", "valid_from", "valid_to"]
    search_fields = ["name", "address"]
    raw_id_fields = ["service", "municipality"]


@admin.register(ServiceArea)
class ServiceAreaAdmin(DomainReadOnlyAdmin):
    list_display = ["service", "orp", "municipality", "share", "source"]
    raw_id_fields = ["service", "orp", "municipality"]


@admin.register(Staffing)
class StaffingAdmin(DomainReadOnlyAdmin):
    list_display = ["service", "year", "fte_direct", "fte_other", "source"]
    list_filter = ["year", "source"]
    raw_id_fields = ["service"]


@admin.register(Economics)
class EconomicsAdmin(DomainReadOnlyAdmin):
    list_display = ["service", "year", "cost_personnel", "revenue_state_subsidy", "source"]
    list_filter = ["year", "source"]
    raw_id_fields = ["service"]


@admin.register(RegistryImport)
class RegistryImportAdmin(SuperuserOnlyAdmin):
    list_display = ["file_name", "started_at", "created", "updated", "unchanged", "rejected"]
    readonly_fields = [f.name for f in RegistryImport._meta.fields]
