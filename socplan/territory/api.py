"""Read-only territory API (public data)."""

from django.db.models import Count
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers, viewsets
from rest_framework.permissions import AllowAny

from . import selectors
from .models import District, Municipality, Orp, Region
from .services import DATE_2020


class PopulationMixin(serializers.Serializer):
    population = serializers.SerializerMethodField(help_text="Obyvatelé k 1. 1. 2020 (ČSÚ).")
    population_ref_date = serializers.SerializerMethodField()

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_population(self, obj):
        return selectors.population_total(obj, DATE_2020)

    @extend_schema_field(serializers.DateField())
    def get_population_ref_date(self, obj):
        return DATE_2020


class RegionSerializer(PopulationMixin, serializers.ModelSerializer):
    districts = serializers.IntegerField(source="n_districts", read_only=True)
    orps = serializers.IntegerField(source="n_orps", read_only=True)
    municipalities = serializers.IntegerField(source="n_municipalities", read_only=True)

    class Meta:
        model = Region
        fields = ["code", "name", "csu_code", "ruian_code", "districts", "orps", "municipalities",
                  "population", "population_ref_date"]


class DistrictSerializer(PopulationMixin, serializers.ModelSerializer):
    region = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = District
        fields = ["code", "name", "csu_code", "ruian_code", "region", "population", "population_ref_date"]


class OrpSerializer(PopulationMixin, serializers.ModelSerializer):
    region = serializers.SlugRelatedField(slug_field="code", read_only=True)
    district = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Orp
        fields = ["code", "name", "ruian_code", "district", "region", "population", "population_ref_date"]


class MunicipalitySerializer(PopulationMixin, serializers.ModelSerializer):
    region = serializers.SlugRelatedField(slug_field="code", read_only=True)
    district = serializers.SlugRelatedField(slug_field="code", read_only=True)
    orp = serializers.SlugRelatedField(slug_field="code", read_only=True)
    pou = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Municipality
        fields = ["code", "name", "pou", "orp", "district", "region", "lat", "lon", "point_derived",
                  "population", "population_ref_date"]


class _ReadOnly(viewsets.ReadOnlyModelViewSet):
    lookup_field = "code"
    permission_classes = [AllowAny]


class RegionViewSet(_ReadOnly):
    serializer_class = RegionSerializer
    queryset = Region.objects.annotate(
        n_districts=Count("districts", distinct=True), n_orps=Count("orps", distinct=True),
        n_municipalities=Count("municipalities", distinct=True),
    ).order_by("code")


class DistrictViewSet(_ReadOnly):
    serializer_class = DistrictSerializer
    queryset = District.objects.select_related("region").order_by("code")
    filterset_fields = {"region__code": ["exact"]}


class OrpViewSet(_ReadOnly):
    serializer_class = OrpSerializer
    queryset = Orp.objects.select_related("region", "district").order_by("code")
    filterset_fields = {"region__code": ["exact"], "district__code": ["exact"]}


class MunicipalityViewSet(_ReadOnly):
    serializer_class = MunicipalitySerializer
    queryset = Municipality.objects.select_related("region", "district", "orp", "pou").order_by("code")
    filterset_fields = {"region__code": ["exact"], "district__code": ["exact"], "orp__code": ["exact"]}
