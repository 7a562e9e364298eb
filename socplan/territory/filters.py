"""Filter of the obce list: text (name or code), kraj, okres, ORP (searchable pickers, Czech order)."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from socplan.core.czech import order_czech
from socplan.core.widgets import SearchableSelect

from .models import District, Municipality, Orp, Region


def _regions(request=None):
    return order_czech(Region.objects.all(), "name")


def _districts(request=None):
    return order_czech(District.objects.all(), "name")


def _orps(request=None):
    return order_czech(Orp.objects.all(), "name")


class MunicipalityFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("hledat"), help_text=_("název nebo kód obce"))
    region = django_filters.ModelChoiceFilter(queryset=_regions, to_field_name="code", label=_("kraj"))
    district = django_filters.ModelChoiceFilter(queryset=_districts, to_field_name="code", label=_("okres"),
                                                widget=SearchableSelect)
    orp = django_filters.ModelChoiceFilter(queryset=_orps, to_field_name="code", label=_("ORP"),
                                           widget=SearchableSelect)

    class Meta:
        model = Municipality
        fields: list[str] = []

    def filter_q(self, qs, name, value):
        value = (value or "").strip()[:120]
        if not value:
            return qs
        return qs.filter(Q(name__icontains=value) | Q(code=value))
