"""The main menu: one entry per module; a module appears once its URLs define an `index` view."""

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

MODULES = [
    ("territory", _("Území")),
    ("registry", _("Registr služeb")),
    ("planning", _("Plánování")),
    ("network", _("Síť služeb")),
    ("evaluation", _("Hodnocení")),
    ("finance", _("Financování")),
    ("availability", _("Dostupnost")),
    ("catalogue", _("Katalog pro občany")),
    ("documents", _("Dokumenty")),
]


def menu() -> list[dict]:
    items = []
    for app, label in MODULES:
        try:
            url = reverse(f"{app}:index")
        except NoReverseMatch:
            continue
        items.append({"app": app, "label": label, "url": url})
    return items
