from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("plans", api.PlanViewSet, basename="planning-plan")
router.register("measures", api.MeasureViewSet, basename="planning-measure")
router.register("indicators", api.IndicatorViewSet, basename="planning-indicator")
router.register("capacity-needs", api.CapacityNeedViewSet, basename="planning-capacity-need")
router.register("comments", api.CommentViewSet, basename="planning-comment")
urlpatterns = router.urls
