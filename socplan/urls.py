"""Root URLs. Each domain app contributes `urls.py` (pages, under its Czech prefix) and `api_urls.py`
(DRF endpoints, under /api/v1/); they are picked up here when present, so apps stay self-contained."""

from importlib import import_module
from importlib.util import find_spec

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from socplan.core import views as core_views

# app → URL prefix of its pages (Czech, as citizens and officers see them)
PAGE_PREFIXES = {
    "core": "ulohy/",
    "accounts": "ucet/sprava/",
    "territory": "uzemi/",
    "registry": "registr/",
    "planning": "planovani/",
    "network": "sit/",
    "evaluation": "hodnoceni/",
    "finance": "financovani/",
    "availability": "dostupnost/",
    "catalogue": "katalog/",
    "documents": "dokumenty/",
}


def _has(module: str) -> bool:
    try:
        return find_spec(module) is not None
    except ModuleNotFoundError:
        return False


api_patterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
]
for app in PAGE_PREFIXES:
    if _has(f"socplan.{app}.api_urls"):
        api_patterns.append(path("", include(import_module(f"socplan.{app}.api_urls"))))

urlpatterns = [
    path("", core_views.home, name="home"),
    path("health/", core_views.health, name="health"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_patterns)),
]
# login/logout/password views (names "login", "logout", …); the accounts app may provide its own set.
urlpatterns.append(
    path("ucet/", include("socplan.accounts.auth_urls" if _has("socplan.accounts.auth_urls") else "django.contrib.auth.urls"))
)
for app, prefix in PAGE_PREFIXES.items():
    if _has(f"socplan.{app}.urls"):
        urlpatterns.append(path(prefix, include(f"socplan.{app}.urls", namespace=app)))
