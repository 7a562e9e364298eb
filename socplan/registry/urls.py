"""Registry pages (under /registr/). Edit pages' names end in `_edit` (authorization-matrix test)."""

from django.urls import path

from . import codelist_views, views

app_name = "registry"
urlpatterns = [
    path("", views.ServiceList.as_view(), name="index"),
    path("sluzba/<int:pk>/", views.service_detail, name="service_detail"),
    path("sluzba/<int:pk>/upravit/", views.ServiceEdit.as_view(), name="service_edit"),
    path("sluzba/<int:pk>/kapacity/", views.service_capacity_edit, name="service_capacity_edit"),
    path("sluzba/<int:pk>/pusobnost/", views.service_scope_edit, name="service_scope_edit"),
    path("sluzba/<int:pk>/rocni-udaje/", views.service_year_edit, name="service_year_edit"),
    path("poskytovatele/", views.ProviderList.as_view(), name="provider_list"),
    path("poskytovatel/<int:pk>/", views.provider_detail, name="provider_detail"),
    path("poskytovatel/<int:pk>/rocni-udaje/", views.provider_data_edit, name="provider_data_edit"),
    path("poskytovatel/<int:pk>/sablona.xlsx", views.provider_xlsx_template, name="provider_xlsx_template"),
    path("ciselniky/", codelist_views.codelists, name="codelists"),
    path("ciselniky/zmeny/", codelist_views.CodeListChangeList.as_view(), name="codelist_changes"),
    path("ciselniky/zmeny/nova/", codelist_views.CodeListChangeCreate.as_view(), name="codelist_change_add"),
    path("ciselniky/zmeny/<int:pk>/", codelist_views.CodeListChangeDetail.as_view(), name="codelist_change"),
    path("ciselniky/zmeny/<int:pk>/schvalit/", codelist_views.codelist_change_approve,
         name="codelist_change_approve"),
    path("ciselniky/zmeny/<int:pk>/zamitnout/", codelist_views.codelist_change_reject,
         name="codelist_change_reject"),
]
