"""Planning API (DRF): plans, measures, indicators and comments.

- ``GET /api/v1/plans/`` — plans the caller may see (anyone: the published ones), each with ``pdf_url``,
  ``docx_url`` and ``xlsx_url`` of its generated documents and ``fulfilment_url`` of its public page.
- ``GET /api/v1/measures/?plan=ID`` — measures with their yearly monitoring and expected costs.
- ``GET /api/v1/indicators/?plan=ID&measure=ID`` — indicators with baseline, targets and values per year.
- ``GET /api/v1/capacity-needs/?plan=ID&orp=CODE&kind=49&year=2026`` — capacity needs of community plans
  (total capacity of a kind an ORP needs in a year, in the registry's capacity unit).
- ``GET /api/v1/comments/?plan=ID`` — comments: the published settlement (anyone), everything to the plan's
  coordinators (no e-mail is ever exposed). Comments are submitted on the plan's page (web form), where the
  public form has its anti-spam protection.
"""

from __future__ import annotations

from decimal import Decimal

from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.exceptions import ValidationError

from .models import CapacityNeed, Comment, Indicator, Measure, Plan, Priority


def _restrict(qs, user):
    from socplan.accounts.scope import restrict

    return restrict(qs, user, "view")


def _int_param(request, name):
    value = request.query_params.get(name)
    if value in (None, ""):
        return None
    if not str(value).isdigit():
        raise ValidationError({name: "Očekává se číslo."})
    return int(value)


class PrioritySerializer(serializers.ModelSerializer):
    target_group_label = serializers.CharField(source="get_target_group_display", read_only=True, allow_null=True)

    class Meta:
        model = Priority
        fields = ["id", "kind", "code", "number", "title", "description", "target_group", "target_group_label"]


class PlanSerializer(serializers.ModelSerializer):
    region = serializers.SlugRelatedField(slug_field="code", read_only=True)
    orp = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    url = serializers.SerializerMethodField()
    pdf_url = serializers.SerializerMethodField()
    docx_url = serializers.SerializerMethodField()
    xlsx_url = serializers.SerializerMethodField()
    fulfilment_url = serializers.SerializerMethodField()

    class Meta:
        model = Plan
        fields = ["id", "kind", "kind_label", "title", "region", "orp", "year_from", "year_to", "status",
                  "status_label", "approved_on", "approval_ref", "comments_until", "settlement_published", "url",
                  "pdf_url", "docx_url", "xlsx_url", "fulfilment_url"]

    def _abs(self, path: str) -> str:
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path

    @extend_schema_field(serializers.URLField())
    def get_url(self, obj):
        return self._abs(reverse("planning:plan_detail", args=[obj.pk]))

    @extend_schema_field(serializers.URLField())
    def get_pdf_url(self, obj):
        return self._abs(reverse("documents:plan_document", args=[obj.pk, "pdf"]))

    @extend_schema_field(serializers.URLField())
    def get_docx_url(self, obj):
        return self._abs(reverse("documents:plan_document", args=[obj.pk, "docx"]))

    @extend_schema_field(serializers.URLField())
    def get_xlsx_url(self, obj):
        return self._abs(reverse("documents:plan_document", args=[obj.pk, "xlsx"]))

    @extend_schema_field(serializers.URLField())
    def get_fulfilment_url(self, obj):
        return self._abs(reverse("planning:plan_fulfilment", args=[obj.pk]))


class PlanDetailSerializer(PlanSerializer):
    priorities = PrioritySerializer(many=True, read_only=True)
    summary = serializers.CharField(read_only=True)

    class Meta(PlanSerializer.Meta):
        fields = PlanSerializer.Meta.fields + ["summary", "priorities"]


@extend_schema_view(list=extend_schema(parameters=[
    OpenApiParameter("region", str, description="kód kraje (NUTS3), např. CZ064"),
    OpenApiParameter("orp", str, description="kód ORP, např. 6201"),
    OpenApiParameter("kind", str, description="community | regional"),
    OpenApiParameter("status", str, description="draft | comment | approved | superseded"),
]))
class PlanViewSet(viewsets.ReadOnlyModelViewSet):
    """Plány: anonymně jen zveřejněné (v připomínkování, schválené, nahrazené), s odkazy na dokumenty."""

    queryset = Plan.objects.select_related("region", "orp").order_by("kind", "orp__name", "-year_from", "pk")

    def get_serializer_class(self):
        return PlanDetailSerializer if self.action == "retrieve" else PlanSerializer

    def get_queryset(self):
        qs = _restrict(super().get_queryset(), self.request.user)
        p = self.request.query_params
        if p.get("region"):
            qs = qs.filter(region__code=p["region"])
        if p.get("orp"):
            qs = qs.filter(orp__code=p["orp"])
        if p.get("kind"):
            qs = qs.filter(kind=p["kind"])
        if p.get("status"):
            qs = qs.filter(status=p["status"])
        if self.action == "retrieve":
            qs = qs.prefetch_related("priorities")
        return qs


class ReportSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    state = serializers.CharField()
    progress = serializers.IntegerField()


class MeasureSerializer(serializers.ModelSerializer):
    priority = serializers.SlugRelatedField(slug_field="code", read_only=True)
    services = serializers.SerializerMethodField()
    expected_cost = serializers.SerializerMethodField()
    reports = serializers.SerializerMethodField()

    class Meta:
        model = Measure
        fields = ["id", "plan", "priority", "code", "title", "description", "responsible", "year_from", "year_to",
                  "funding_note", "expected_cost", "services", "development_note", "reports"]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_services(self, obj):
        return [s.identifier or str(s.pk) for s in obj.services.all()]

    @extend_schema_field(serializers.DecimalField(max_digits=15, decimal_places=0))
    def get_expected_cost(self, obj):
        return str(sum((b.amount for b in obj.budget.all()), Decimal(0)))

    @extend_schema_field(ReportSerializer(many=True))
    def get_reports(self, obj):
        return [{"year": r.year, "state": r.state, "progress": r.progress}
                for r in sorted(obj.reports.all(), key=lambda r: r.year)]


@extend_schema_view(list=extend_schema(parameters=[OpenApiParameter("plan", int)]))
class MeasureViewSet(viewsets.ReadOnlyModelViewSet):
    """Opatření plánů s ročním plněním a předpokládanými náklady."""

    serializer_class = MeasureSerializer
    queryset = Measure.objects.select_related("priority").prefetch_related("services", "budget", "reports").order_by(
        "plan", "code")

    def get_queryset(self):
        qs = _restrict(super().get_queryset(), self.request.user)
        plan = _int_param(self.request, "plan")
        return qs.filter(plan_id=plan) if plan is not None else qs


class IndicatorSerializer(serializers.ModelSerializer):
    measure_code = serializers.CharField(source="measure.code", read_only=True, default=None, allow_null=True)
    plan = serializers.IntegerField(source="measure.plan_id", read_only=True)
    targets = serializers.SerializerMethodField()
    values = serializers.SerializerMethodField()

    class Meta:
        model = Indicator
        fields = ["id", "plan", "measure", "measure_code", "name", "unit", "baseline", "baseline_year", "direction",
                  "targets", "values"]

    @extend_schema_field(serializers.DictField(child=serializers.DecimalField(max_digits=14, decimal_places=2)))
    def get_targets(self, obj):
        return {str(t.year): str(t.value) for t in obj.targets.all()}

    @extend_schema_field(serializers.DictField(child=serializers.DecimalField(max_digits=14, decimal_places=2)))
    def get_values(self, obj):
        return {str(v.year): str(v.value) for v in obj.values.all()}


@extend_schema_view(list=extend_schema(parameters=[OpenApiParameter("plan", int), OpenApiParameter("measure", int)]))
class IndicatorViewSet(viewsets.ReadOnlyModelViewSet):
    """Indikátory s výchozí hodnotou, cíli a dosaženými hodnotami po letech."""

    serializer_class = IndicatorSerializer
    queryset = Indicator.objects.select_related("measure").prefetch_related("targets", "values").order_by(
        "measure__plan", "measure__code", "order", "pk")

    def get_queryset(self):
        qs = _restrict(super().get_queryset(), self.request.user)
        plan, measure = _int_param(self.request, "plan"), _int_param(self.request, "measure")
        if plan is not None:
            qs = qs.filter(measure__plan_id=plan)
        if measure is not None:
            qs = qs.filter(measure_id=measure)
        return qs


class CommentSerializer(serializers.ModelSerializer):
    target = serializers.CharField(source="target_label", read_only=True)
    resolution_label = serializers.CharField(source="get_resolution_display", read_only=True)

    class Meta:
        model = Comment
        fields = ["id", "plan", "section", "priority", "measure", "target", "author_name", "organisation", "text",
                  "submitted_at", "resolution", "resolution_label", "reasoning", "resolved_at"]
        read_only_fields = fields


@extend_schema_view(list=extend_schema(parameters=[OpenApiParameter("plan", int)]))
class CommentViewSet(viewsets.ReadOnlyModelViewSet):
    """Připomínky k návrhům plánů a jejich vypořádání (e-mail autora se nikdy nezveřejňuje)."""

    serializer_class = CommentSerializer
    queryset = Comment.objects.select_related("section", "priority", "measure").order_by("plan", "submitted_at", "pk")

    def get_queryset(self):
        qs = _restrict(super().get_queryset(), self.request.user)
        plan = _int_param(self.request, "plan")
        return qs.filter(plan_id=plan) if plan is not None else qs


class CapacityNeedSerializer(serializers.ModelSerializer):
    orp = serializers.CharField(source="plan.orp.code", read_only=True, default=None, allow_null=True)
    orp_name = serializers.CharField(source="plan.orp.name", read_only=True, default=None, allow_null=True)
    plan_status = serializers.CharField(source="plan.status", read_only=True)
    kind = serializers.CharField(source="kind.code", read_only=True)
    kind_name = serializers.CharField(source="kind.name", read_only=True)
    unit = serializers.CharField(source="capacity_type.code", read_only=True)
    unit_label = serializers.CharField(source="capacity_type.unit", read_only=True)
    measure_code = serializers.CharField(source="measure.code", read_only=True, default=None, allow_null=True)

    class Meta:
        model = CapacityNeed
        fields = ["id", "plan", "plan_status", "orp", "orp_name", "kind", "kind_name", "year", "capacity", "unit",
                  "unit_label", "measure", "measure_code", "basis"]
        read_only_fields = fields


@extend_schema_view(list=extend_schema(parameters=[
    OpenApiParameter("plan", int), OpenApiParameter("orp", str, description="kód ORP (ČSÚ)"),
    OpenApiParameter("kind", str, description="§ druhu služby, např. 49"), OpenApiParameter("year", int)]))
class CapacityNeedViewSet(viewsets.ReadOnlyModelViewSet):
    """Potřeby kapacit z komunitních plánů ORP: celková potřebná kapacita druhu služby v roce."""

    serializer_class = CapacityNeedSerializer
    queryset = CapacityNeed.objects.select_related("plan", "plan__orp", "kind", "capacity_type", "measure").order_by(
        "plan", "kind__code", "capacity_type__order", "year", "pk")

    def get_queryset(self):
        qs = _restrict(super().get_queryset(), self.request.user)
        plan, year = _int_param(self.request, "plan"), _int_param(self.request, "year")
        if plan is not None:
            qs = qs.filter(plan_id=plan)
        if year is not None:
            qs = qs.filter(year=year)
        if orp := self.request.query_params.get("orp"):
            qs = qs.filter(plan__orp__code=orp)
        if kind := self.request.query_params.get("kind"):
            qs = qs.filter(kind__code=kind)
        return qs
