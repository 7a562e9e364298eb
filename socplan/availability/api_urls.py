from django.urls import path
from rest_framework.routers import SimpleRouter

from . import api, national_api

router = SimpleRouter()
router.register("availability/targets", api.TargetViewSet, basename="availability-target")
router.register("availability/rates", api.RateViewSet, basename="availability-rate")
router.register("availability/scenarios", api.ScenarioViewSet, basename="availability-scenario")
router.register("availability/matrices", api.MatrixViewSet, basename="availability-matrix")
urlpatterns = [
    path("availability/coverage/", api.CoverageView.as_view(), name="availability-api-coverage"),
    path("availability/accessibility/", api.AccessibilityView.as_view(), name="availability-api-accessibility"),
    path("availability/national/", national_api.NationalOverviewView.as_view(), name="availability-api-national"),
    path("availability/national/units/", national_api.NationalUnitsView.as_view(),
         name="availability-api-national-units"),
    *router.urls,
]
