"""Filters of the service list (pages and `/api/v1/services/`) and of the provider list.

Values are codes people can read in a URL: `?kind=49&form=pob&orp=6201&district=CZ0641&provider=44990260`.
A service is "in" an ORP (okres) when its declared territorial scope names the ORP or one of its obce, or when
one of its facilities lies there.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from socplan.core.czech import order_czech
from socplan.core.models import Source
from socplan.core.widgets import SearchableSelect
from socplan.territory.models import District, Orp, Region

from .models import (
    Category,
    DeliveryForm,
    Facility,
    PlanningGroup,
    Provider,
    Service,
    ServiceArea,
    ServiceKind,
    TargetGroup,
)
from .pickers import provider_label

ALL = _("— vše —")


@extend_schema_field(OpenApiTypes.STR)
class CodeChoiceFilter(django_filters.ModelChoiceFilter):
    """A choice of a code-list or territorial unit by its code (IČO for providers)."""


DATA_CHOICES = [("real", _("skutečné")), ("synthetic", _("syntetické (demo)"))]


def _regions(request=None):
    return order_czech(Region.objects.filter(pk__in=Service.objects.values("region")), "name")


def _districts(request=None):
    return order_czech(District.objects.filter(region__in=_regions()), "name")


def _orps(request=None):
    return order_czech(Orp.objects.filter(region__in=_regions()), "name")


def _providers(request=None):
    return order_czech(Provider.objects.all(), "name")


class ProviderField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return provider_label(obj)


@extend_schema_field(OpenApiTypes.STR)
class ProviderChoiceFilter(CodeChoiceFilter):
    """A provider by its IČO, picked from a searchable list labelled "name (IČO …)"."""

    field_class = ProviderField


class ServiceFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("hledat"),
                                  help_text=_("název služby, identifikátor, poskytovatel nebo IČO"))
    kind = CodeChoiceFilter(queryset=ServiceKind.objects.order_by("order", "code"),
                                            to_field_name="code", label=_("druh služby"))
    category = django_filters.ChoiceFilter(field_name="kind__category", choices=Category.choices,
                                           label=_("kategorie"), empty_label=ALL)
    form = CodeChoiceFilter(field_name="forms__form", queryset=DeliveryForm.objects.all(),
                                            to_field_name="code", label=_("forma"), distinct=True)
    region = CodeChoiceFilter(queryset=_regions, to_field_name="code", label=_("kraj"))
    district = CodeChoiceFilter(queryset=_districts, to_field_name="code", label=_("okres"),
                                                method="filter_district")
    orp = CodeChoiceFilter(queryset=_orps, to_field_name="code", label=_("ORP"), method="filter_orp",
                           widget=SearchableSelect)
    target_group = django_filters.ModelChoiceFilter(field_name="target_groups", queryset=TargetGroup.objects.all(),
                                                    label=_("cílová skupina"), distinct=True)
    planning_group = django_filters.ChoiceFilter(field_name="target_groups__planning_group",
                                                 choices=[(str(v), label) for v, label in PlanningGroup.choices],
                                                 label=_("plánovací skupina"), distinct=True, empty_label=ALL)
    provider = ProviderChoiceFilter(queryset=_providers, to_field_name="ico", label=_("poskytovatel"),
                                    widget=SearchableSelect)
    data = django_filters.ChoiceFilter(method="filter_data", choices=DATA_CHOICES, label=_("data"),
                                       empty_label=ALL)
    source = django_filters.ChoiceFilter(choices=Source.choices, label=_("zdroj záznamu"), empty_label=ALL)

    class Meta:
        model = Service
        fields: list[str] = []

    def filter_q(self, qs, name, value):
        value = (value or "").strip()
        if not value:
            return qs
        cond = Q(name__icontains=value) | Q(provider__name__icontains=value)
        if value.isdigit():
            cond |= Q(identifier=value) | Q(provider__ico=value) | Q(registry_id=int(value)) | Q(pk=int(value))
        return qs.filter(cond)

    def _in_units(self, qs, area_q: Q, facility_q: Q):
        in_scope = ServiceArea.objects.filter(area_q).values("service_id")
        with_facility = Facility.objects.filter(facility_q).values("service_id")
        return qs.filter(Q(pk__in=in_scope) | Q(pk__in=with_facility))

    def filter_orp(self, qs, name, value):
        if not value:
            return qs
        return self._in_units(qs, Q(orp=value) | Q(municipality__orp=value), Q(municipality__orp=value))

    def filter_district(self, qs, name, value):
        if not value:
            return qs
        return self._in_units(qs, Q(orp__district=value) | Q(municipality__district=value),
                              Q(municipality__district=value))

    def filter_data(self, qs, name, value):
        if value == "synthetic":
            return qs.filter(source=Source.SYNTHETIC)
        if value == "real":
            return qs.exclude(source=Source.SYNTHETIC)
        return qs


class ProviderFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("hledat"), help_text=_("název nebo IČO"))
    ico = django_filters.CharFilter(label=_("IČO"))
    region = CodeChoiceFilter(queryset=_regions, to_field_name="code", label=_("kraj"),
                                              method="filter_region")
    data = django_filters.ChoiceFilter(method="filter_data", choices=DATA_CHOICES, label=_("data"),
                                       empty_label=ALL)

    class Meta:
        model = Provider
        fields: list[str] = []

    def filter_q(self, qs, name, value):
        value = (value or "").strip()
        if not value:
            return qs
        return qs.filter(Q(name__icontains=value) | Q(ico__startswith=value))

    def filter_region(self, qs, name, value):
        if not value:
            return qs
        return qs.filter(pk__in=Service.objects.filter(region=value).values("provider_id"))

    def filter_data(self, qs, name, value):
        if value == "synthetic":
            return qs.filter(source=Source.SYNTHETIC)
        if value == "real":
            return qs.exclude(source=Source.SYNTHETIC)
        return qs
