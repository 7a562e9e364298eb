from rest_framework.routers import DefaultRouter

from . import api

router = DefaultRouter()
router.register("territory/regions", api.RegionViewSet, basename="territory-region")
router.register("territory/districts", api.DistrictViewSet, basename="territory-district")
router.register("territory/orps", api.OrpViewSet, basename="territory-orp")
router.register("territory/municipalities", api.MunicipalityViewSet, basename="territory-municipality")
urlpatterns = router.urls
