from django.urls import path

from . import views, views_cofinancing

app_name = "finance"
urlpatterns = [
    path("", views.index, name="index"),
    path("parametry/<str:region>/<int:year>/", views.params_detail, name="params_detail"),
    path("parametry/<str:region>/<int:year>/upravit/", views.params_edit, name="params_edit"),
    path("parametry/<str:region>/<int:year>/kopie/", views.params_copy_create, name="params_copy_create"),
    path("parametry/<str:region>/<int:year>/zalozit/", views.params_create, name="params_create"),
    path("podpora/<str:region>/<int:year>/", views.support, name="support"),
    path("podpora/<str:region>/<int:year>/<path:key>/", views.support_detail, name="support_detail"),
    path("rozdeleni/vypocet/<int:pk>/", views.allocation_detail, name="allocation_detail"),
    path("rozdeleni/<str:region>/<int:year>/", views.allocation, name="allocation"),
    path("rozdeleni/<str:region>/<int:year>/spustit/", views.allocation_create, name="allocation_create"),
    path("co-kdyz/<str:region>/<int:year>/", views.whatif, name="whatif"),
    path("kapitola/<str:region>/<int:year>/", views.chapter, name="chapter"),
    path("kapitola/<str:region>/<int:year>/xlsx/", views.chapter_xlsx, name="chapter_xlsx"),
    path("celostatni/<int:year>/", views.national, name="national"),
    # co-financing (one selector; the network's pages of a version and of a municipality live here too)
    path("spolufinancovani/verze/<int:pk>/", views_cofinancing.version_cofinancing, name="version_cofinancing"),
    path("spolufinancovani/obec/<str:code>/", views_cofinancing.municipality_cofinancing,
         name="municipality_cofinancing"),
    path("spolufinancovani/<str:region>/<int:year>/", views_cofinancing.cofinancing, name="cofinancing"),
    path("spolufinancovani/<str:region>/<int:year>/<str:municipality>/", views_cofinancing.cofinancing_statement,
         name="cofinancing_statement"),
    path("vykazy/", views.reports, name="reports"),
    path("rozpocet/<int:pk>/", views.budget_detail, name="budget_detail"),
    path("rozpocet/<int:service>/<int:year>/<str:term>/", views.budget_edit, name="budget_edit"),
    path("rozpocet/<int:pk>/predlozit/", views.budget_submit, name="budget_submit"),
    path("rozpocet/<int:pk>/vratit/", views.budget_return, name="budget_return"),
    path("rozpocet/<int:pk>/schvalit/", views.budget_approve, name="budget_approve"),
    path("jednotky/<int:pk>/", views.unit_report_detail, name="unit_report_detail"),
    path("jednotky/<int:service>/<int:year>/<int:half>/", views.unit_report_edit, name="unit_report_edit"),
    path("jednotky/<int:pk>/predlozit/", views.unit_report_submit, name="unit_report_submit"),
    path("jednotky/<int:pk>/vratit/", views.unit_report_return, name="unit_report_return"),
    path("jednotky/<int:pk>/schvalit/", views.unit_report_approve, name="unit_report_approve"),
    path("vyuctovani/<str:region>/<int:year>/", views.settlement_list, name="settlement_list"),
    path("vyuctovani/sluzba/<int:service>/<int:year>/", views.settlement_detail, name="settlement_detail"),
    path("vyuctovani/sluzba/<int:service>/<int:year>/vypocet/", views.settlement_edit, name="settlement_edit"),
]
