"""Form widgets shared by every app.

`SearchableSelect` / `SearchableSelectMultiple`: a plain ``<select>`` (works without JavaScript, with the
keyboard, with a screen reader) that ``socplan/picker.js`` enhances with a search box above it: typing narrows
the options to those containing every typed word (case and accents ignored, so "brec" finds "Břeclav"), Enter
or ↓ moves to the list, a live region says how many options are left. Long pickers (548 services, 673 obce,
the providers) use it; their option labels carry what people search by (see `socplan.registry.pickers`,
`socplan.territory.pickers`).
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class _Searchable:
    def __init__(self, attrs=None, choices=()):
        attrs = {"data-picker": "1", "data-picker-label": str(_("Hledat v seznamu")),
                 "data-picker-count": str(_("Počet položek v seznamu:")), **(attrs or {})}
        super().__init__(attrs=attrs, choices=choices)


class SearchableSelect(_Searchable, forms.Select):
    pass


class SearchableSelectMultiple(_Searchable, forms.SelectMultiple):
    def __init__(self, attrs=None, choices=()):
        super().__init__(attrs={"size": 8, **(attrs or {})}, choices=choices)
