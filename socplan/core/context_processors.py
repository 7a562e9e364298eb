"""Template context shared by every page."""

from functools import lru_cache

from .navigation import menu


@lru_cache(maxsize=4)
def _menu_cached(lang: str):
    return menu()


def navigation(request):
    app = getattr(getattr(request, "resolver_match", None), "app_name", "") or ""
    from django.utils.translation import get_language

    return {"nav_modules": _menu_cached(get_language() or "cs"), "nav_active": app}
