from django.urls import path

from . import views

app_name = "evaluation"
urlpatterns = [
    path("", views.index, name="index"),
    path("metodiky/", views.MethodologyList.as_view(), name="methodology_list"),
    path("metodiky/nova/", views.methodology_create, name="methodology_create"),
    path("metodiky/<int:pk>/", views.methodology_detail, name="methodology_detail"),
    path("metodiky/<int:pk>/tisk/", views.methodology_print, name="methodology_print"),
    path("metodiky/<int:pk>/vahy/", views.methodology_edit, name="methodology_edit"),
    path("metodiky/<int:pk>/prahy/", views.threshold_edit, name="threshold_edit"),
    path("metodiky/<int:pk>/kopie/", views.methodology_copy_create, name="methodology_copy_create"),
    path("metodiky/<int:pk>/schvalit/", views.methodology_approve, name="methodology_approve"),
    path("metodiky/<int:pk>/ukazatel/<int:ind>/", views.indicator_detail, name="indicator_detail"),
    path("metodiky/<int:pk>/ukazatel/<int:ind>/stupnice/", views.scale_create, name="scale_create"),
    path("metodiky/<int:pk>/ukazatel/<int:ind>/reference/", views.reference_edit, name="reference_edit"),
    path("metodiky/<int:pk>/stupnice/<int:scale>/", views.scale_edit, name="scale_edit"),
    path("vysledky/<str:region>/<int:year>/", views.results, name="results"),
    path("vysledky/<str:region>/<int:year>/xlsx/", views.results_xlsx, name="results_xlsx"),
    path("vysledky/<str:region>/<int:year>/spustit/", views.run_create, name="run_create"),
    path("sluzba/<int:pk>/<int:year>/", views.service_breakdown, name="service_breakdown"),
    path("sluzba/<int:pk>/<int:year>/hodnoceni/", views.assessment_edit, name="assessment_edit"),
    path("sluzba/<int:pk>/<int:year>/srovnani/", views.service_standing, name="service_standing"),
    path("srovnani/<str:region>/<int:year>/", views.benchmark, name="benchmark"),
]
