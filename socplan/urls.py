"""Root URLs: every app's pages (under its Czech prefix) and its API (`api_urls.py`, under /api/v1/).

All apps are always installed; the lists below name them explicitly, so a missing or renamed urls module
fails at start-up.
"""

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from socplan.core import views as core_views
from socplan.site import start

# app → URL prefix of its pages (Czech, as citizens and officers see them). The documents app brings its own
# prefixes: its pages sit under /dokumenty/, the plan documents next to the plan pages under /planovani/.
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
    "documents": "",
    "notices": "upozorneni/",
    "attachments": "prilohy/",
    "inbox": "prace/",
}

# apps with an API (`socplan/<app>/api_urls.py`)
API_APPS = ["accounts", "territory", "registry", "planning", "network", "evaluation", "finance", "availability",
            "catalogue"]

api_patterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
]
api_patterns += [path("", include(f"socplan.{app}.api_urls")) for app in API_APPS]

urlpatterns = [
    path("", start.start, name="home"),
    path("health/", core_views.health, name="health"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_patterns)),
    # login/logout/password views (names "login", "logout", …)
    path("ucet/", include("socplan.accounts.auth_urls")),
]
urlpatterns += [path(prefix, include(f"socplan.{app}.urls", namespace=app)) for app, prefix in PAGE_PREFIXES.items()]
