"""Filter of the methodology list: kraj, year, state, text."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from socplan.core.czech import order_czech
from socplan.territory.models import Region

from .models import Methodology, MethodologyStatus


def _regions(request=None):
    return order_czech(Region.objects.filter(pk__in=Methodology.objects.values("region")), "name")


class MethodologyFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label=_("hledat v názvu"))
    region = django_filters.ModelChoiceFilter(queryset=_regions, to_field_name="code", label=_("kraj"))
    year = django_filters.NumberFilter(label=_("rok"), min_value=2000, max_value=2100)
    status = django_filters.ChoiceFilter(choices=MethodologyStatus.choices, label=_("stav"), empty_label=_("— vše —"))

    class Meta:
        model = Methodology
        fields: list[str] = []
