"""Network API (DRF, scoped by the permission layer).

* ``GET /api/v1/network/{region}/{year}/`` – the year's current version (or ``?amendment=N``) with its entries;
* ``GET /api/v1/network/{region}/{year}/check/`` – every entry with each condition's result (the same JSON as
  ``socplan network-check --json``);
* ``/api/v1/network/versions/``, ``/requests/``, ``/declarations/`` – read-only lists (scoped);
* ``/api/v1/network/entries/`` – entries; writes go through the services; a write on an entry of an approved
  version answers **409 Conflict** (approved networks are immutable – make an amendment).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers, status, viewsets
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from socplan.accounts.immutability import ApprovedRecordImmutable
from socplan.accounts.permissions import ScopedViewSetMixin
from socplan.accounts.scope import restrict
from socplan.registry.models import CapacityType, DeliveryForm, Service
from socplan.territory.models import Orp, Region

from . import selectors, services
from .engine.conditions import checks_to_json
from .models import CofinancingDeclaration, DevelopmentRequest, NetworkEntry, NetworkVersion, Tier


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "Schválený záznam nelze měnit ani mazat; změna vytvoří jeho novou verzi."
    default_code = "approved"


def _drf_validation(exc: DjangoValidationError):
    if hasattr(exc, "error_dict"):
        return exceptions.ValidationError({k: [str(m) for e in v for m in e.messages] for k, v in exc.error_dict.items()})
    return exceptions.ValidationError(exc.messages)


class VersionSerializer(serializers.ModelSerializer):
    region = serializers.SlugRelatedField(slug_field="code", read_only=True)
    status = serializers.CharField(read_only=True)
    label = serializers.CharField(read_only=True)
    entries = serializers.IntegerField(source="entries.count", read_only=True)

    class Meta:
        model = NetworkVersion
        fields = ["id", "region", "year", "amendment", "label", "status", "title", "reason", "decision_ref",
                  "approved_at", "supersedes", "entries"]


class EntrySerializer(serializers.ModelSerializer):
    network = serializers.PrimaryKeyRelatedField(queryset=NetworkVersion.objects.all())
    service = serializers.PrimaryKeyRelatedField(queryset=Service.objects.all())
    form = serializers.SlugRelatedField(slug_field="code", queryset=DeliveryForm.objects.all(), required=False,
                                        allow_null=True)
    orp = serializers.SlugRelatedField(slug_field="code", queryset=Orp.objects.all(), required=False, allow_null=True)
    tier = serializers.PrimaryKeyRelatedField(queryset=Tier.objects.all())
    tier_code = serializers.CharField(source="tier.code", read_only=True)
    capacity_type = serializers.SlugRelatedField(slug_field="code", queryset=CapacityType.objects.all(),
                                                 required=False, allow_null=True)
    orps = serializers.SlugRelatedField(slug_field="code", queryset=Orp.objects.all(), many=True, required=False)
    service_name = serializers.CharField(source="service.name", read_only=True)

    class Meta:
        model = NetworkEntry
        fields = ["id", "network", "service", "service_name", "form", "orp", "tier", "tier_code", "status",
                  "capacity", "capacity_type", "fte", "orps", "entrusted_from", "entrusted_to", "request", "note",
                  "version"]
        read_only_fields = ["version", "request"]


class EntryViewSet(ScopedViewSetMixin, viewsets.ModelViewSet):
    serializer_class = EntrySerializer
    queryset = NetworkEntry.objects.select_related("network", "service", "form", "orp", "tier", "capacity_type") \
        .prefetch_related("orps").order_by("pk")
    filterset_fields = {"network": ["exact"], "network__year": ["exact"], "network__region__code": ["exact"],
                        "tier__code": ["exact"], "service": ["exact"]}

    def perform_create(self, serializer):
        network = serializer.validated_data["network"]
        if network.is_approved:
            raise Conflict()
        self._check_new_state(serializer)
        data = dict(serializer.validated_data)
        orps = data.pop("orps", [])
        data.pop("network")
        try:
            serializer.instance = services.network_entry_add(actor=self.request.user, network=network, orps=orps,
                                                             **data)
        except ApprovedRecordImmutable:
            raise Conflict()
        except DjangoValidationError as exc:
            raise _drf_validation(exc)

    def perform_update(self, serializer):
        entry = serializer.instance
        target = serializer.validated_data.get("network", entry.network)
        if entry.network_is_approved() or target.is_approved:
            raise Conflict()
        self._check_new_state(serializer, entry)
        data = dict(serializer.validated_data)
        orps = data.pop("orps", None)
        try:
            serializer.instance = services.network_entry_update(actor=self.request.user, entry=entry, data=data,
                                                                orps=orps)
        except ApprovedRecordImmutable:
            raise Conflict()
        except DjangoValidationError as exc:
            raise _drf_validation(exc)

    def perform_destroy(self, instance):
        if instance.network_is_approved():
            raise Conflict()
        try:
            services.network_entry_remove(actor=self.request.user, entry=instance)
        except ApprovedRecordImmutable:
            raise Conflict()


class VersionViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = VersionSerializer
    queryset = NetworkVersion.objects.select_related("region", "publication").order_by("region__code", "year",
                                                                                       "amendment")
    filterset_fields = {"region__code": ["exact"], "year": ["exact"]}


class RequestSerializer(serializers.ModelSerializer):
    region = serializers.SlugRelatedField(slug_field="code", read_only=True)
    orp = serializers.SlugRelatedField(slug_field="code", read_only=True)
    kind = serializers.SlugRelatedField(slug_field="code", read_only=True)
    form = serializers.SlugRelatedField(slug_field="code", read_only=True)
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    decision_tier = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = DevelopmentRequest
        fields = ["id", "region", "year", "orp", "title", "request_kind", "request_type", "provider", "service",
                  "kind", "form", "capacity", "fte", "expected_cost", "measure", "action_plan", "state",
                  "state_label", "need_declared", "district_recommends", "eligible", "evaluation", "decision_tier",
                  "decision_reason", "decided_at"]


class RequestViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = RequestSerializer
    queryset = DevelopmentRequest.objects.select_related("region", "orp", "kind", "form", "decision_tier") \
        .order_by("pk")
    filterset_fields = {"region__code": ["exact"], "year": ["exact"], "state": ["exact"], "orp__code": ["exact"]}


class DeclarationSerializer(serializers.ModelSerializer):
    region = serializers.SlugRelatedField(slug_field="code", read_only=True)
    municipality = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = CofinancingDeclaration
        fields = ["id", "region", "year", "municipality", "service", "request", "amount", "declared_on", "reference"]


class DeclarationViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = DeclarationSerializer
    queryset = CofinancingDeclaration.objects.select_related("region", "municipality").order_by("pk")
    filterset_fields = {"region__code": ["exact"], "year": ["exact"], "municipality__code": ["exact"],
                        "service": ["exact"]}


# --- the year endpoints -------------------------------------------------------------------------------------

def _version_for(request, region: str, year: int) -> NetworkVersion:
    r = get_object_or_404(Region.objects.defer("boundary"), code=region)
    amendment = request.query_params.get("amendment")
    if amendment is not None:
        if not amendment.isdigit():
            raise exceptions.ValidationError({"amendment": "Číslo dodatku musí být celé číslo."})
        qs = selectors.versions(user=request.user, region=r, year=year)
        return get_object_or_404(qs, amendment=int(amendment))
    v = selectors.current_version(r, year, user=request.user)
    if v is None:
        raise exceptions.NotFound("Síť na tento rok neexistuje nebo není zveřejněna.")
    return v


def _row(r) -> dict:
    return {
        "entry_id": r.entry_id, "service_id": r.service_id, "service": r.service, "identifier": r.identifier,
        "provider": r.provider, "provider_ico": r.provider_ico, "kind": r.kind_code, "kind_name": r.kind,
        "form": r.form, "orp": r.orp, "orps": list(r.orps), "capacity": r.capacity, "capacity_unit": r.capacity_unit,
        "fte": str(r.fte), "tier": r.tier_code, "tier_name": r.tier, "status": r.status,
        "entrusted_from": r.entrusted_from.isoformat() if r.entrusted_from else None,
        "entrusted_to": r.entrusted_to.isoformat() if r.entrusted_to else None,
    }


AMENDMENT = OpenApiParameter("amendment", int, description="Číslo dodatku (0 = základní znění); jinak platná verze.")


@extend_schema(parameters=[AMENDMENT], responses=dict, summary="Síť kraje na rok")
@api_view(["GET"])
@permission_classes([AllowAny])
def network_year(request, region: str, year: int):
    v = _version_for(request, region, int(year))
    rows = selectors.network_rows(v.region, v.year, version=v, user=request.user)
    versions = selectors.versions(user=request.user, region=v.region, year=v.year).order_by("amendment")
    return Response({
        "region": v.region.code, "year": v.year,
        "version": VersionSerializer(v).data,
        "versions": [{"id": x.pk, "amendment": x.amendment, "label": x.label, "status": x.status} for x in versions],
        "entries": [_row(r) for r in rows],
    })


@extend_schema(parameters=[AMENDMENT], responses=dict, summary="Podmínky vstupu všech položek sítě")
@api_view(["GET"])
@permission_classes([AllowAny])
def network_year_check(request, region: str, year: int):
    v = _version_for(request, region, int(year))
    visible = set(restrict(v.entries.all(), request.user, "view").values_list("pk", flat=True))
    checks = [c for c in selectors.check_version(v) if c.key in visible]
    return Response(checks_to_json(checks, region=v.region.code, year=v.year, amendment=v.amendment,
                                   version_status=v.status))
