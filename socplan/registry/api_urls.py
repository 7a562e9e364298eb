"""Registry API routes (mounted under /api/v1/): read-only services and providers."""

from rest_framework.routers import DefaultRouter

from . import api

router = DefaultRouter()
router.register("services", api.ServiceViewSet, basename="registry-service")
router.register("providers", api.ProviderViewSet, basename="registry-provider")
urlpatterns = router.urls
