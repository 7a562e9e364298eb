"""Administration of the network: every record read-only within the user's scope, with its history.

Versions, entries, requests, declarations and the yearly parameters are written through the network services on
the pages and the API (decisions from the table, versions checked, approved versions immutable, audited); the
admin is not a second way around them (`socplan.accounts.admin_scope`).
"""

from django.contrib import admin

from socplan.accounts.admin_scope import DomainReadOnlyAdmin

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


@admin.register(NetworkVersion)
class NetworkVersionAdmin(DomainReadOnlyAdmin):
    list_display = ["__str__", "region", "year", "amendment", "phase", "approved_at"]
    list_filter = ["region", "year", "phase"]


@admin.register(NetworkEntry)
class NetworkEntryAdmin(DomainReadOnlyAdmin):
    list_display = ["service", "network", "tier", "status", "capacity", "fte"]
    list_filter = ["network__region", "network__year", "network__amendment", "tier__code", "status"]
    search_fields = ["service__name", "service__identifier"]
    exclude = ["municipalities"]
    list_select_related = ["service", "network", "tier"]


@admin.register(DevelopmentRequest)
class DevelopmentRequestAdmin(DomainReadOnlyAdmin):
    list_display = ["title", "year", "orp", "request_kind", "request_type", "state"]
    list_filter = ["year", "state", "request_type"]
    search_fields = ["title"]


@admin.register(CofinancingDeclaration)
class CofinancingDeclarationAdmin(DomainReadOnlyAdmin):
    list_display = ["municipality", "year", "service", "request", "amount"]
    list_filter = ["year"]


@admin.register(NetworkParameters)
class NetworkParametersAdmin(DomainReadOnlyAdmin):
    list_display = ["region", "year", "cofinancing_rate", "cofinancing_rate_prevention"]


admin.site.register(Tier, DomainReadOnlyAdmin)
admin.site.register(ConditionRule, DomainReadOnlyAdmin)
admin.site.register(KindParameter, DomainReadOnlyAdmin)
admin.site.register(DistrictProposal, DomainReadOnlyAdmin)
