"""Network API (DRF, scoped by the permission layer).

* ``GET /api/v1/network/{region}/{year}/`` – the year's current version (or ``?amendment=N``) with its entries;
* ``GET /api/v1/network/{region}/{year}/check/`` – every entry with each condition's result (the same JSON as
  ``socplan network-check --json``);
* ``/api/v1/network/versions/``, ``/declarations/`` – read-only lists (scoped);
  ``POST /api/v1/network/versions/{id}/approve/`` (``{"decision_ref", "confirm", "reason"}``) approves a draft:
  without ``confirm`` it answers **409** with ``failing_entries`` when entries fail the entry conditions;
* ``/api/v1/network/requests/`` – development requests: ``POST`` submits one, and
  ``POST /api/v1/network/requests/{id}/{action}/`` takes a step of its path – ``opinion``, ``review``,
  ``evaluate``, ``decide``, ``return``, ``resubmit``; every answer is the request with its ``state``, the
  ``network_entry`` naming it (``{"id", "version"}``) and the ``available_actions`` of the caller;
* ``/api/v1/network/entries/`` – entries (``?request=ID`` finds the entry naming a request); writes go through
  the services; a write on an entry of an approved version answers **409 Conflict** (approved networks are
  immutable – make an amendment).

The same service functions as the pages, so the same rules and permissions (socplan.accounts.decisions): a
refused step answers 403 with the reason, a step the request's state does not allow 400. Every list accepts
``page_size`` (at most 1000).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    inline_serializer,
)
from rest_framework import exceptions, serializers, status, viewsets
from rest_framework.decorators import action, api_view, permission_classes
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response

from socplan.accounts.decisions import DecisionKind
from socplan.accounts.immutability import ApprovedRecordImmutable
from socplan.accounts.permissions import ScopedViewSetMixin
from socplan.accounts.scope import restrict
from socplan.core.text_limits import bound_serializer_texts
from socplan.planning.models import ActionPlan, Measure
from socplan.registry.models import CapacityType, DeliveryForm, Provider, Service, ServiceKind
from socplan.territory.models import Orp, Region

from . import selectors, services
from .engine.conditions import checks_to_json
from .models import (
    CofinancingDeclaration,
    DevelopmentRequest,
    NetworkEntry,
    NetworkParameters,
    NetworkVersion,
    Tier,
)


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
                        "tier__code": ["exact"], "service": ["exact"], "request": ["exact"]}

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
        except DjangoValidationError as exc:  # e.g. the entry carries an admitted request
            raise _drf_validation(exc)


def _call(fn, /, **kwargs):
    """Run a service function; its refusals become API answers (403 stays 403: DRF maps PermissionDenied)."""
    try:
        return fn(**kwargs)
    except (services.FailingEntriesNotConfirmed, services.RequestFailsConditions):
        raise  # the approve and decide actions answer them with what fails (409)
    except ApprovedRecordImmutable as exc:
        raise Conflict() from exc
    except DjangoValidationError as exc:
        raise _drf_validation(exc) from exc


FAILING_ENTRY = inline_serializer("NetworkFailingEntry", {
    "entry_id": serializers.IntegerField(), "service_id": serializers.IntegerField(),
    "label": serializers.CharField(),
    "failures": inline_serializer("NetworkFailedCondition", {
        "code": serializers.CharField(), "name": serializers.CharField(), "reason": serializers.CharField()},
        many=True)}, many=True)


class ApproveSerializer(serializers.Serializer):
    decision_ref = serializers.CharField(max_length=200, allow_blank=True,
                                         help_text="Usnesení nebo rozhodnutí, kterým se verze schvaluje.")
    confirm = serializers.BooleanField(default=False, help_text="Potvrzuji schválení i s položkami, které "
                                                                  "nesplňují podmínky vstupu.")
    reason = serializers.CharField(required=False, allow_blank=True, default="",
                                   help_text="Odůvodnění (povinné s potvrzením nesplněných podmínek).")


class VersionViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = VersionSerializer
    queryset = NetworkVersion.objects.select_related("region", "publication").order_by("region__code", "year",
                                                                                       "amendment")
    filterset_fields = {"region__code": ["exact"], "year": ["exact"]}
    decision_kind = None  # per action: the decision it takes (read by the authorization-matrix test)

    @extend_schema(summary="Schválit verzi sítě", request=ApproveSerializer, responses={
        200: VersionSerializer, 409: OpenApiResponse(inline_serializer("NetworkApproveConflict", {
            "detail": serializers.CharField(), "failing_entries": FAILING_ENTRY}))})
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated],
            decision_kind=DecisionKind.NETWORK_APPROVE)
    def approve(self, request, pk=None):
        version = self.get_object()
        data = _valid(ApproveSerializer, request)
        try:
            _call(services.network_year_approve, actor=request.user, network=version,
                  decision_ref=data["decision_ref"], confirm_failing=data["confirm"], reason=data["reason"])
        except services.FailingEntriesNotConfirmed as exc:  # 409 with the entries to confirm
            return Response({"detail": exc.messages[0], "failing_entries": exc.entries},
                            status=status.HTTP_409_CONFLICT)
        version.refresh_from_db()
        return Response(VersionSerializer(version).data)


def _valid(serializer_class, request, **context) -> dict:
    ser = serializer_class(data=request.data, context={"request": request, **context})
    ser.is_valid(raise_exception=True)
    return ser.validated_data


class RequestSerializer(serializers.ModelSerializer):
    region = serializers.SlugRelatedField(slug_field="code", read_only=True)
    orp = serializers.SlugRelatedField(slug_field="code", read_only=True)
    kind = serializers.SlugRelatedField(slug_field="code", read_only=True)
    form = serializers.SlugRelatedField(slug_field="code", read_only=True)
    capacity_type = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    district_tier = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    decision_tier = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    network_entry = serializers.SerializerMethodField(
        help_text="Položka sítě, která záměr jmenuje (u zařazeného záměru), a její verze.")
    available_actions = serializers.SerializerMethodField(
        help_text="Kroky, které volající teď smí provést: opinion, review, evaluate, decide, return, resubmit.")

    class Meta:
        model = DevelopmentRequest
        fields = ["id", "region", "year", "orp", "title", "request_kind", "request_type", "provider", "service",
                  "kind", "form", "capacity", "capacity_type", "fte", "expected_cost", "justification", "measure",
                  "action_plan", "state", "state_label", "need_declared", "opinion", "district_recommends",
                  "district_tier", "district_note", "eligible", "evaluation", "evaluation_note", "decision_tier",
                  "decision_reason", "decided_at", "return_reason", "network_entry", "available_actions"]

    @extend_schema_field(inline_serializer("NetworkRequestEntry", {
        "id": serializers.IntegerField(), "version": serializers.IntegerField(),
        "version_status": serializers.CharField()}, allow_null=True))
    def get_network_entry(self, obj):
        admission = services.request_admission(obj)
        if admission is None:
            return None
        return {"id": admission.entry.pk, "version": admission.version.pk,
                "version_status": admission.version.status}

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=services.REQUEST_ACTIONS)))
    def get_available_actions(self, obj):
        request = self.context.get("request")
        return services.request_actions(request.user, obj) if request is not None else []


class RequestSubmitSerializer(serializers.Serializer):
    """A new development request (the same fields as the page's form; codes for territory and code lists)."""

    year = serializers.IntegerField(min_value=2000, max_value=2100)
    orp = serializers.SlugRelatedField(slug_field="code", queryset=Orp.objects.defer("boundary"))
    request_kind = serializers.ChoiceField(choices=DevelopmentRequest._meta.get_field("request_kind").choices)
    request_type = serializers.ChoiceField(choices=DevelopmentRequest._meta.get_field("request_type").choices)
    title = serializers.CharField(max_length=255)
    provider = serializers.PrimaryKeyRelatedField(queryset=Provider.objects.all(), required=False, allow_null=True)
    service = serializers.PrimaryKeyRelatedField(queryset=Service.objects.all(), required=False, allow_null=True)
    kind = serializers.SlugRelatedField(slug_field="code", queryset=ServiceKind.objects.all())
    form = serializers.SlugRelatedField(slug_field="code", queryset=DeliveryForm.objects.all())
    capacity = serializers.IntegerField(min_value=0, default=0)
    capacity_type = serializers.SlugRelatedField(slug_field="code", queryset=CapacityType.objects.all(),
                                                 required=False, allow_null=True)
    fte = serializers.DecimalField(max_digits=8, decimal_places=2, min_value=0, default=0)
    expected_cost = serializers.DecimalField(max_digits=15, decimal_places=0, min_value=0)
    justification = serializers.CharField()
    measure = serializers.PrimaryKeyRelatedField(queryset=Measure.objects.all(), required=False, allow_null=True)


class OpinionSerializer(serializers.Serializer):
    need_declared = serializers.BooleanField(help_text="ORP deklaruje potřebnost.")
    measure = serializers.PrimaryKeyRelatedField(queryset=Measure.objects.all(), required=False, allow_null=True,
                                                 help_text="Opatření komunitního plánu ORP.")
    text = serializers.CharField(required=False, allow_blank=True, default="")


class ReviewSerializer(serializers.Serializer):
    recommends = serializers.BooleanField(help_text="Okresní tým záměr doporučuje.")
    tier = serializers.CharField(required=False, allow_blank=True, allow_null=True, default=None,
                                 help_text="Kód navržené úrovně sítě roku záměru.")
    text = serializers.CharField(required=False, allow_blank=True, default="")


class EvaluateSerializer(serializers.Serializer):
    text = serializers.CharField(allow_blank=True, help_text="Hodnocení kraje.")
    action_plan = serializers.PrimaryKeyRelatedField(queryset=ActionPlan.objects.all(), required=False,
                                                     allow_null=True)


class DecideSerializer(serializers.Serializer):
    admit = serializers.BooleanField(help_text="true = zařadit do sítě, false = zamítnout.")
    tier = serializers.CharField(required=False, allow_blank=True, allow_null=True, default=None,
                                 help_text="Kód úrovně sítě (povinný při zařazení).")
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    service = serializers.PrimaryKeyRelatedField(
        queryset=Service.objects.all(), required=False, allow_null=True, default=None,
        help_text="U nové služby její záznam v registru (do sítě lze zařadit jen registrovanou službu).")
    confirm = serializers.BooleanField(default=False, help_text="Potvrzuji zařazení, ačkoli záměr nesplňuje "
                                                                  "podmínky vstupu (pak je odůvodnění povinné).")


FAILED_CONDITION = inline_serializer("RequestFailedCondition", {
    "code": serializers.CharField(), "name": serializers.CharField(), "reason": serializers.CharField()}, many=True)


class ReturnSerializer(serializers.Serializer):
    reason = serializers.CharField(help_text="Co je třeba doplnit.")


class ResubmitSerializer(serializers.Serializer):
    text = serializers.CharField(required=False, allow_blank=True, default="", help_text="Co bylo doplněno.")


def _tier(req: DevelopmentRequest, code) -> Tier | None:
    if not code:
        return None
    tier = Tier.objects.filter(parameters__in=NetworkParameters.objects.current().filter(
        region_id=req.region_id, year=req.year), code=code).first()
    if tier is None:
        raise exceptions.ValidationError({"tier": [f"Úroveň sítě „{code}“ roku {req.year} neexistuje."]})
    return tier


def _step_schema(summary: str, body):
    return extend_schema(summary=summary, request=body, responses={200: RequestSerializer})


class RequestViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Development requests: list and detail (scoped), submitting (POST) and every step of their path."""

    serializer_class = RequestSerializer
    queryset = DevelopmentRequest.objects.select_related("region", "orp", "kind", "form", "capacity_type",
                                                         "district_tier", "decision_tier") \
        .defer("region__boundary", "orp__boundary").order_by("pk")
    filterset_fields = {"region__code": ["exact"], "year": ["exact"], "state": ["exact"], "orp__code": ["exact"],
                        "measure": ["exact"], "service": ["exact"]}
    decision_kind = None  # per action: the decision it takes (read by the authorization-matrix test)

    def _answer(self, req, status_code=status.HTTP_200_OK):
        req.refresh_from_db()
        return Response(RequestSerializer(req, context=self.get_serializer_context()).data, status=status_code)

    @extend_schema(summary="Podat rozvojový záměr", request=RequestSubmitSerializer,
                   responses={201: RequestSerializer})
    def create(self, request):
        data = _valid(RequestSubmitSerializer, request)
        req = _call(services.development_request_submit, actor=request.user, data=dict(data))
        return self._answer(req, status.HTTP_201_CREATED)

    @_step_schema("Stanovisko ORP", OpinionSerializer)
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated],
            decision_kind=DecisionKind.REQUEST_OPINION)
    def opinion(self, request, pk=None):
        req = self.get_object()
        data = _valid(OpinionSerializer, request)
        return self._answer(_call(services.development_request_opinion, actor=request.user, request=req, **data))

    @_step_schema("Projednání v okrese", ReviewSerializer)
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated],
            decision_kind=DecisionKind.REQUEST_REVIEW)
    def review(self, request, pk=None):
        req = self.get_object()
        data = _valid(ReviewSerializer, request)
        return self._answer(_call(services.development_request_review, actor=request.user, request=req,
                                  recommends=data["recommends"], tier=_tier(req, data["tier"]), text=data["text"]))

    @_step_schema("Hodnocení kraje", EvaluateSerializer)
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated],
            decision_kind=DecisionKind.REQUEST_EVALUATE)
    def evaluate(self, request, pk=None):
        req = self.get_object()
        data = _valid(EvaluateSerializer, request)
        return self._answer(_call(services.development_request_evaluate, actor=request.user, request=req,
                                  text=data["text"], action_plan=data.get("action_plan")))

    @extend_schema(summary="Rozhodnutí kraje o záměru", request=DecideSerializer, responses={
        200: RequestSerializer, 409: OpenApiResponse(inline_serializer("RequestDecideConflict", {
            "detail": serializers.CharField(), "failing_conditions": FAILED_CONDITION}))})
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated],
            decision_kind=DecisionKind.REQUEST_DECIDE)
    def decide(self, request, pk=None):
        req = self.get_object()
        data = _valid(DecideSerializer, request)
        try:
            result = _call(services.development_request_decide, actor=request.user, request=req,
                           admit=data["admit"], tier=_tier(req, data["tier"]), reason=data["reason"],
                           service=data["service"], confirm_failing=data["confirm"])
        except services.RequestFailsConditions as exc:  # 409 with the conditions to confirm
            return Response({"detail": exc.messages[0], "failing_conditions": exc.failures},
                            status=status.HTTP_409_CONFLICT)
        return self._answer(result)

    @_step_schema("Vrátit záměr k doplnění", ReturnSerializer)
    @action(detail=True, methods=["post"], url_path="return", url_name="return",
            permission_classes=[IsAuthenticated])
    def return_(self, request, pk=None):
        req = self.get_object()
        data = _valid(ReturnSerializer, request)
        return self._answer(_call(services.development_request_return, actor=request.user, request=req,
                                  reason=data["reason"]))

    @_step_schema("Znovu podat doplněný záměr", ResubmitSerializer)
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated])
    def resubmit(self, request, pk=None):
        req = self.get_object()
        data = _valid(ResubmitSerializer, request)
        return self._answer(_call(services.development_request_resubmit, actor=request.user, request=req,
                                  text=data["text"]))


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


# Every free text is bounded where it enters the API (length, a run without a space, control characters).
bound_serializer_texts(VersionSerializer, EntrySerializer, ApproveSerializer, RequestSerializer, RequestSubmitSerializer, OpinionSerializer, ReviewSerializer, EvaluateSerializer, DecideSerializer, ReturnSerializer, ResubmitSerializer, DeclarationSerializer)
