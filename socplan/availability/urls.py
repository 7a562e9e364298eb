from django.urls import path

from . import national_views, views

app_name = "availability"
urlpatterns = [
    path("", views.index, name="index"),
    path("pokryti/", views.coverage, name="coverage"),
    path("dostupnost/", views.accessibility, name="accessibility"),
    path("cr/", national_views.national_overview, name="national"),
    path("cr/druh/", national_views.national_kind, name="national_kind"),
    path("cr/dostupnost/", national_views.national_accessibility, name="national_accessibility"),
    path("scenare/", views.ScenarioList.as_view(), name="scenario_list"),
    path("scenare/smazat-vybrane/", views.ScenarioBulkDelete.as_view(), name="scenario_bulk_delete"),
    path("scenare/novy/", views.scenario_create, name="scenario_create"),
    path("scenare/<int:pk>/", views.scenario_detail, name="scenario_detail"),
    path("scenare/<int:pk>/upravit/", views.scenario_edit, name="scenario_edit"),
    path("scenare/<int:pk>/prepocitat/", views.scenario_recompute, name="scenario_recompute"),
    path("scenare/<int:pk>/smazat/", views.ScenarioDelete.as_view(), name="scenario_delete"),
    path("kde-pridat/", views.placement_create, name="placement_create"),
    path("kde-pridat/<int:pk>/", views.placement_detail, name="placement_detail"),
    path("parametry/", views.parameters, name="parameters"),
    path("parametry/cil/novy/", views.TargetEdit.as_view(), name="target_create"),
    path("parametry/cil/<int:pk>/", views.TargetEdit.as_view(), name="target_edit"),
    path("parametry/mira/nova/", views.RateEdit.as_view(), name="rate_create"),
    path("parametry/mira/<int:pk>/", views.RateEdit.as_view(), name="rate_edit"),
    path("parametry/projekce/nova/", views.ProjectionEdit.as_view(), name="projection_create"),
    path("parametry/projekce/<int:pk>/", views.ProjectionEdit.as_view(), name="projection_edit"),
    path("matice/", views.matrix_list, name="matrix_list"),
    path("matice/nova/", views.matrix_create, name="matrix_create"),
]
