from django.urls import path
from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("accounts/role-assignments", api.RoleAssignmentViewSet, basename="accounts-roleassignment")
urlpatterns = [
    path("accounts/me/", api.me, name="accounts-me"),
    *router.urls,
]
