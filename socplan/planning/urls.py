from django.urls import path

from . import views
from .formpages import urlpatterns as form_pages
from .pages import PAGES

app_name = "planning"
urlpatterns = [
    path("", views.index, name="index"),
    path("plan/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("opatreni/<int:pk>/", views.measure_detail, name="measure_detail"),
    path("plan/<int:pk>/plneni/", views.plan_fulfilment, name="plan_fulfilment"),
    path("kraj/<str:code>/plneni/", views.region_fulfilment, name="region_fulfilment"),
    path("akcni-plan/<int:pk>/", views.action_plan_detail, name="action_plan_detail"),
    path("plan/<int:pk>/pripominky/", views.plan_comments, name="plan_comments"),
    path("plan/<int:pk>/vyporadani/", views.plan_settlement, name="plan_settlement"),
    path("kalendar/", views.calendar, name="calendar"),
    path("kalendar.ics", views.calendar_ics, name="calendar_ics"),
    path("setkani/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("skupiny/", views.groups, name="groups"),
    path("skupina/<int:pk>/", views.group_detail, name="group_detail"),
    path("smlouvy/", views.contracts, name="contracts"),
    path("smlouva/<int:pk>/", views.contract_detail, name="contract_detail"),
    *form_pages(PAGES),
]
