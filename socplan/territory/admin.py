"""Territory in the admin: national data loaded by the territory import, for superusers only."""

from django.contrib import admin

from socplan.accounts.admin_scope import SuperuserOnlyAdmin

from .models import District, Municipality, Orp, PopulationFigure, Pou, Region


@admin.register(Region, District, Orp, Pou)
class UnitAdmin(SuperuserOnlyAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]
    exclude = ["boundary"]


@admin.register(Municipality)
class MunicipalityAdmin(SuperuserOnlyAdmin):
    list_display = ["code", "name", "orp", "district", "region", "point_derived"]
    list_filter = ["region", "point_derived"]
    search_fields = ["code", "name"]
    exclude = ["boundary"]


@admin.register(PopulationFigure)
class PopulationFigureAdmin(SuperuserOnlyAdmin):
    list_display = ["level", "unit_code", "ref_date", "band", "value", "is_estimate"]
    list_filter = ["level", "band", "ref_date", "is_estimate"]
    search_fields = ["unit_code"]
