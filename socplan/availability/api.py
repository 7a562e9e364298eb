"""Availability API (`/api/v1/availability/…`): coverage per level and kind, accessibility per kind (the same
JSON as `socplan accessibility --json`), the region's parameters and the user's scenarios. Signed-in users only."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from socplan.registry.models import ServiceKind
from socplan.territory.models import Level, Region

from . import adapter, selectors
from .models import CoverageTarget, Scenario, TravelTimeMatrix, UtilisationRate


def _region(code):
    region = Region.objects.filter(code=code).first() if code else None
    if region is None:
        raise NotFound(f"neznámý kraj {code!r}")
    return region


def _kind(code):
    kind = ServiceKind.objects.filter(code=code).first() if code else None
    if kind is None:
        raise ValidationError({"kind": f"neznámý druh služby {code!r} (zadejte § druhu, např. 49 nebo 60a)"})
    return kind


def _number(params, name, default, lo, hi, cast=float):
    raw = params.get(name)
    if raw in (None, ""):
        return default
    try:
        value = cast(raw)
    except (TypeError, ValueError):
        raise ValidationError({name: "očekáváno číslo"})
    if not lo <= value <= hi:
        raise ValidationError({name: f"povolený rozsah {lo}–{hi}"})
    return value


COMMON = [
    OpenApiParameter("kind", OpenApiTypes.STR, description="§ druhu služby, např. 49 nebo 60a", required=True),
    OpenApiParameter("year", OpenApiTypes.INT, description="rok (výchozí: poslední rok s cílovými hodnotami kraje)"),
]


class CoverageView(APIView):
    """Coverage per 1,000 of the kind's population band, gap to the kraj's target, need, RAG and trend."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[OpenApiParameter("region", OpenApiTypes.STR, description="kód kraje (NUTS3), např. CZ064",
                                     required=True), *COMMON,
                    OpenApiParameter("level", OpenApiTypes.STR, enum=[str(v) for v in selectors.LEVELS],
                                     description="obec / orp / okres / kraj (výchozí orp)")],
        responses=OpenApiTypes.OBJECT,
    )
    def get(self, request):
        q = request.query_params
        region = _region(q.get("region"))
        kind = _kind(q.get("kind"))
        level = q.get("level") or Level.ORP
        if level not in selectors.LEVELS:
            raise ValidationError({"level": "obec, orp, okres nebo kraj"})
        year = int(_number(q, "year", selectors.default_year(region), 2000, 2100, int))
        report = selectors.coverage_report(region=region, kind=kind, year=year, level=level)
        return Response(selectors.coverage_dict(report))


class AccessibilityView(APIView):
    """2SFCA / E2SFCA of a kind for a kraj or the country: {kind, method, radius_km, results, facilities}."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[OpenApiParameter("region", OpenApiTypes.STR, description="kód kraje; nebo country=1"),
                    OpenApiParameter("country", OpenApiTypes.BOOL, description="celá ČR"), *COMMON,
                    OpenApiParameter("method", OpenApiTypes.STR, enum=list(adapter.METHODS)),
                    OpenApiParameter("radius_km", OpenApiTypes.NUMBER, description="dosah (km), výchozí 30"),
                    OpenApiParameter("sigma_km", OpenApiTypes.NUMBER,
                                     description="σ gaussovského útlumu E2SFCA a BFCA (výchozí dosah / 2)"),
                    OpenApiParameter("matrix", OpenApiTypes.INT,
                                     description="id matice dojezdových časů (dosah je pak v minutách)")],
        responses=OpenApiTypes.OBJECT,
    )
    def get(self, request):
        q = request.query_params
        kind = _kind(q.get("kind"))
        country = str(q.get("country", "")).lower() in {"1", "true", "yes"}
        region = None if country else _region(q.get("region"))
        scope = adapter.COUNTRY if country else region.code
        method = q.get("method") or "2sfca"
        if method not in adapter.METHODS:
            raise ValidationError({"method": "2sfca, e2sfca nebo bfca"})
        radius = _number(q, "radius_km", 30.0, 1.0, 200.0)
        sigma = _number(q, "sigma_km", None, 0.1, 200.0)
        default_year = selectors.default_year(region or selectors.default_region(request.user))
        year = int(_number(q, "year", default_year, 2000, 2100, int))
        matrix = None
        if q.get("matrix"):
            matrix = selectors.matrices(request.user).filter(pk=_number(q, "matrix", 0, 1, 10**12, int)).first()
            if matrix is None:
                raise NotFound("neznámá matice dojezdových časů")
        try:
            res = selectors.accessibility(scope=scope, kind_code=kind.code, year=year, method=method, radius=radius,
                                          sigma=sigma, matrix=matrix)
        except ValueError as exc:
            raise ValidationError({"detail": str(exc)})
        return Response(res.json())


class TargetSerializer(serializers.ModelSerializer):
    region = serializers.SlugRelatedField(slug_field="code", read_only=True)
    kind = serializers.SlugRelatedField(slug_field="code", read_only=True)
    capacity_type = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = CoverageTarget
        fields = ["id", "region", "year", "kind", "band", "capacity_type", "per_1000", "source", "is_assumption",
                  "note", "version"]


class RateSerializer(serializers.ModelSerializer):
    region = serializers.SlugRelatedField(slug_field="code", read_only=True)
    kind = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = UtilisationRate
        fields = ["id", "region", "year", "kind", "band", "rate_percent", "source", "is_assumption", "version"]


class TargetViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [IsAuthenticated]
    serializer_class = TargetSerializer
    queryset = CoverageTarget.objects.select_related("region", "kind", "capacity_type").order_by("region__code",
                                                                                                 "-year", "kind__order")
    filterset_fields = {"region__code": ["exact"], "year": ["exact"], "kind__code": ["exact"]}


class RateViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [IsAuthenticated]
    serializer_class = RateSerializer
    queryset = UtilisationRate.objects.select_related("region", "kind").order_by("region__code", "-year",
                                                                                "kind__order")
    filterset_fields = {"region__code": ["exact"], "year": ["exact"], "kind__code": ["exact"]}


class ScenarioSerializer(serializers.ModelSerializer):
    region = serializers.SlugRelatedField(slug_field="code", read_only=True)
    kind = serializers.SlugRelatedField(slug_field="code", read_only=True)
    shared_with = serializers.SlugRelatedField(slug_field="code", read_only=True)
    owner = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = Scenario
        fields = ["id", "name", "owner", "region", "kind", "year", "method", "radius_km", "changes", "shared_with",
                  "note", "results", "computed_at", "data_version", "version"]


class ScenarioViewSet(viewsets.ReadOnlyModelViewSet):
    """Scenarios the user may see (own, the kraj's for its staff, shared with the user's okres)."""

    permission_classes = [IsAuthenticated]
    serializer_class = ScenarioSerializer
    queryset = Scenario.objects.none()

    def get_queryset(self):
        return selectors.scenario_list(self.request.user).order_by("-created_at", "-pk")


class MatrixSerializer(serializers.ModelSerializer):
    region = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = TravelTimeMatrix
        fields = ["id", "name", "region", "n_pairs", "n_obce", "max_minutes", "source", "sha256", "created_at"]


class MatrixViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [IsAuthenticated]
    serializer_class = MatrixSerializer
    queryset = TravelTimeMatrix.objects.none()

    def get_queryset(self):
        return selectors.matrices(self.request.user).order_by("-created_at")
