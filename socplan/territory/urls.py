from django.urls import path

from . import views

app_name = "territory"
urlpatterns = [
    path("", views.index, name="index"),
    path("obce/", views.MunicipalityList.as_view(), name="municipality_list"),
    path("kraj/<str:code>/", views.region, name="region"),
    path("okres/<str:code>/", views.district, name="district"),
    path("orp/<str:code>/", views.orp, name="orp"),
    path("obec/<str:code>/", views.municipality, name="municipality"),
]
