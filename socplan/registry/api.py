"""Read-only registry API: `/api/v1/services/` (the list filters of the pages, nested forms with capacities,
facilities, territorial scope; staffing and economics only for callers allowed to read them) and
`/api/v1/providers/`. Every list is restricted by the permission layer (`socplan.accounts.scope.restrict`)."""

from __future__ import annotations

from django.db.models import Count, Prefetch
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers, viewsets
from rest_framework.filters import OrderingFilter
from rest_framework.reverse import reverse

from socplan.accounts.permissions import ScopedPermission
from socplan.accounts.scope import restrict

from . import ui_selectors as selectors
from .filters import ProviderFilter, ServiceFilter
from .models import (
    COST_FIELDS,
    REVENUE_FIELDS,
    Capacity,
    Economics,
    Facility,
    Provider,
    Service,
    ServiceArea,
    ServiceForm,
    Staffing,
)


class ProvenanceMixin(serializers.Serializer):
    source_label = serializers.CharField(source="get_source_display", read_only=True)


class RegistryCapacitySerializer(ProvenanceMixin, serializers.ModelSerializer):
    type = serializers.CharField(source="capacity_type.code", read_only=True)
    type_name = serializers.CharField(source="capacity_type.name", read_only=True)
    unit = serializers.CharField(source="capacity_type.unit", read_only=True)

    class Meta:
        model = Capacity
        fields = ["type", "type_name", "unit", "count", "description", "source", "source_label", "verified_at"]


class RegistryServiceFormSerializer(ProvenanceMixin, serializers.ModelSerializer):
    form = serializers.CharField(source="form.code", read_only=True)
    form_name = serializers.CharField(source="form.name", read_only=True)
    capacities = RegistryCapacitySerializer(many=True, read_only=True)

    class Meta:
        model = ServiceForm
        fields = ["form", "form_name", "continuous", "capacities", "source", "source_label", "verified_at"]


class RegistryFacilitySerializer(ProvenanceMixin, serializers.ModelSerializer):
    municipality = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    municipality_name = serializers.CharField(source="municipality.name", read_only=True, default=None, allow_null=True)

    class Meta:
        model = Facility
        fields = ["id", "name", "address", "street", "house_number", "orientation_number", "postcode",
                  "address_point", "municipality", "municipality_name", "lat", "lon", "valid_from", "valid_to",
                  "source", "source_label", "verified_at"]


class RegistryAreaSerializer(ProvenanceMixin, serializers.ModelSerializer):
    orp = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    orp_name = serializers.CharField(source="orp.name", read_only=True, default=None, allow_null=True)
    municipality = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    municipality_name = serializers.CharField(source="municipality.name", read_only=True, default=None, allow_null=True)

    class Meta:
        model = ServiceArea
        fields = ["orp", "orp_name", "municipality", "municipality_name", "share", "source", "source_label",
                  "verified_at"]


class RegistryStaffingSerializer(ProvenanceMixin, serializers.ModelSerializer):
    class Meta:
        model = Staffing
        fields = ["year", "fte_direct", "fte_other", "source", "source_label", "verified_at", "version"]


class RegistryEconomicsSerializer(ProvenanceMixin, serializers.ModelSerializer):
    total_costs = serializers.DecimalField(max_digits=16, decimal_places=2, read_only=True)
    total_revenues = serializers.DecimalField(max_digits=16, decimal_places=2, read_only=True)

    class Meta:
        model = Economics
        fields = ["year", *COST_FIELDS, *REVENUE_FIELDS, "total_costs", "total_revenues", "source", "source_label",
                  "verified_at", "version"]


class RegistryProviderBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Provider
        fields = ["id", "ico", "name"]


class RegistryServiceSerializer(ProvenanceMixin, serializers.ModelSerializer):
    provider = RegistryProviderBriefSerializer(read_only=True)
    kind = serializers.CharField(source="kind.code", read_only=True)
    kind_name = serializers.CharField(source="kind.name", read_only=True)
    category = serializers.CharField(source="kind.category", read_only=True)
    region = serializers.SlugRelatedField(slug_field="code", read_only=True)
    is_synthetic = serializers.SerializerMethodField()
    target_groups = serializers.SlugRelatedField(slug_field="name", many=True, read_only=True)
    forms = RegistryServiceFormSerializer(many=True, read_only=True)
    facilities = RegistryFacilitySerializer(many=True, read_only=True)
    areas = RegistryAreaSerializer(many=True, read_only=True)
    private_data_visible = serializers.SerializerMethodField(
        help_text="Smí volající číst úvazky a hospodaření služby (jen poskytovatel a pracovníci kraje)?")
    staffing = serializers.SerializerMethodField(help_text="Úvazky podle let; null, nesmí-li je volající číst.")
    economics = serializers.SerializerMethodField(help_text="Náklady a výnosy podle let (Kč); null, nesmí-li je "
                                                            "volající číst.")
    url = serializers.SerializerMethodField()

    class Meta:
        model = Service
        fields = ["id", "url", "identifier", "registry_id", "name", "provider", "kind", "kind_name", "category",
                  "region", "valid_from", "valid_to", "target_groups", "forms", "facilities", "areas",
                  "source", "source_label", "verified_at", "is_synthetic", "version", "private_data_visible",
                  "staffing", "economics"]

    def _visible(self, obj) -> bool:
        cache = self.context.setdefault("_private_visible", {})
        if obj.pk not in cache:
            cache[obj.pk] = selectors.private_visible(self.context["request"].user, obj)
        return cache[obj.pk]

    @extend_schema_field(serializers.BooleanField())
    def get_is_synthetic(self, obj) -> bool:
        return obj.source == "synthetic"

    @extend_schema_field(serializers.BooleanField())
    def get_private_data_visible(self, obj) -> bool:
        return self._visible(obj)

    @extend_schema_field(RegistryStaffingSerializer(many=True, allow_null=True))
    def get_staffing(self, obj):
        if not self._visible(obj):
            return None
        return RegistryStaffingSerializer(obj.visible_staffing, many=True).data

    @extend_schema_field(RegistryEconomicsSerializer(many=True, allow_null=True))
    def get_economics(self, obj):
        if not self._visible(obj):
            return None
        return RegistryEconomicsSerializer(obj.visible_economics, many=True).data

    @extend_schema_field(serializers.URLField())
    def get_url(self, obj) -> str:
        return reverse("registry-service-detail", args=[obj.pk], request=self.context.get("request"))


class ServiceViewSet(viewsets.ReadOnlyModelViewSet):
    """Sociální služby: filtry jako na stránce registru (`kind=49`, `form=pob`, `orp=6201`, `district=CZ0641`,
    `region=CZ064`, `provider=<IČO>`, `target_group=<id>`, `planning_group=2`, `category=pece`,
    `data=real|synthetic`, `source=mpsv`, `q=text`), řazení `ordering=name|-name|provider__name|kind__code`."""

    serializer_class = RegistryServiceSerializer
    queryset = Service.objects.all()
    permission_classes = [ScopedPermission]
    filter_backends = [DjangoFilterBackend, OrderingFilter]
    filterset_class = ServiceFilter
    ordering_fields = ["name", "provider__name", "kind__code", "verified_at", "id"]
    ordering = ["name", "id"]

    def get_queryset(self):
        user = self.request.user
        qs = selectors.list_prefetch(selectors.visible_services(user))
        return qs.prefetch_related(
            "target_groups",
            Prefetch("facilities", queryset=Facility.objects.select_related("municipality").order_by("name", "pk")),
            Prefetch("staffing", queryset=restrict(Staffing.objects.order_by("-year"), user, "view"),
                     to_attr="visible_staffing"),
            Prefetch("economics", queryset=restrict(Economics.objects.order_by("-year"), user, "view"),
                     to_attr="visible_economics"),
        )


class RegistryProviderSerializer(ProvenanceMixin, serializers.ModelSerializer):
    legal_form_label = serializers.CharField(source="get_legal_form_display", read_only=True)
    services_count = serializers.IntegerField(read_only=True)
    services_url = serializers.SerializerMethodField()
    is_synthetic = serializers.SerializerMethodField()

    class Meta:
        model = Provider
        fields = ["id", "ico", "name", "legal_form", "legal_form_label", "dic", "web", "email", "phone",
                  "services_count", "services_url", "source", "source_label", "verified_at", "is_synthetic",
                  "version"]

    @extend_schema_field(serializers.URLField())
    def get_services_url(self, obj) -> str:
        return reverse("registry-service-list", request=self.context.get("request")) + f"?provider={obj.ico}"

    @extend_schema_field(serializers.BooleanField())
    def get_is_synthetic(self, obj) -> bool:
        return obj.source == "synthetic"


class ProviderViewSet(viewsets.ReadOnlyModelViewSet):
    """Poskytovatelé sociálních služeb (detail podle IČO): filtry `q`, `ico`, `region=CZ064`, `data`."""

    serializer_class = RegistryProviderSerializer
    queryset = Provider.objects.all()
    permission_classes = [ScopedPermission]
    filter_backends = [DjangoFilterBackend, OrderingFilter]
    filterset_class = ProviderFilter
    ordering_fields = ["name", "ico", "services_count"]
    ordering = ["name"]
    lookup_field = "ico"
    lookup_value_regex = "[0-9]{8}"

    def get_queryset(self):
        return restrict(Provider.objects.all(), self.request.user, "view").annotate(
            services_count=Count("services", distinct=True))
