from django.urls import re_path
from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("network/versions", api.VersionViewSet, basename="network-version")
router.register("network/entries", api.EntryViewSet, basename="network-entry")
router.register("network/requests", api.RequestViewSet, basename="network-request")
router.register("network/declarations", api.DeclarationViewSet, basename="network-declaration")
urlpatterns = [
    *router.urls,
    re_path(r"^network/(?P<region>CZ0[0-9]{2})/(?P<year>[0-9]{4})/$", api.network_year, name="network-year"),
    re_path(r"^network/(?P<region>CZ0[0-9]{2})/(?P<year>[0-9]{4})/check/$", api.network_year_check,
            name="network-year-check"),
]
