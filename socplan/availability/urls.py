from django.urls import path

from . import views

app_name = "availability"
urlpatterns = [
    path("", views.index, name="index"),
    path("pokryti/", views.coverage, name="coverage"),
    path("dostupnost/", views.accessibility, name="accessibility"),
    path("scenare/", views.scenario_list, name="scenario_list"),
    path("scenare/novy/", views.scenario_create, name="scenario_create"),
    path("scenare/<int:pk>/", views.scenario_detail, name="scenario_detail"),
    path("scenare/<int:pk>/upravit/", views.scenario_edit, name="scenario_edit"),
    path("scenare/<int:pk>/prepocitat/", views.scenario_recompute, name="scenario_recompute"),
    path("scenare/<int:pk>/smazat/", views.scenario_delete, name="scenario_delete"),
    path("kde-pridat/", views.placement_create, name="placement_create"),
    path("kde-pridat/<int:pk>/", views.placement_detail, name="placement_detail"),
    path("parametry/", views.parameters, name="parameters"),
    path("parametry/cil/novy/", views.target_create, name="target_create"),
    path("parametry/cil/<int:pk>/", views.target_edit, name="target_edit"),
    path("parametry/mira/nova/", views.rate_create, name="rate_create"),
    path("parametry/mira/<int:pk>/", views.rate_edit, name="rate_edit"),
    path("parametry/projekce/nova/", views.projection_create, name="projection_create"),
    path("parametry/projekce/<int:pk>/", views.projection_edit, name="projection_edit"),
    path("matice/", views.matrix_list, name="matrix_list"),
    path("matice/nova/", views.matrix_create, name="matrix_create"),
]
