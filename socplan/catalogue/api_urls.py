from django.urls import path

from . import api

urlpatterns = [
    path("catalogue/services/", api.CatalogueServiceList.as_view(), name="catalogue-api-services"),
    path("catalogue/services/<str:pk>/", api.CatalogueServiceDetail.as_view(), name="catalogue-api-service"),
    path("catalogue/situations/", api.CatalogueSituationList.as_view(), name="catalogue-api-situations"),
]
