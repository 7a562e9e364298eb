"""API of subsidy programmes: programmes with their rounds (public rules) and the decisions issued from the
approved allocations in force (the kraj's staff and the provider itself), with their services, schedules,
payments and settlement. Read-only: approving a round's run is the allocation runs' ``approve`` action
(``reason`` when it supersedes the run in force)."""

from __future__ import annotations

from rest_framework import serializers, viewsets
from rest_framework.permissions import AllowAny, IsAuthenticated

from socplan.accounts.permissions import ScopedViewSetMixin

from . import programme_selectors
from .models import (
    DecisionSettlement,
    GrantDecision,
    PaymentInstalment,
    Programme,
    ProgrammeKindLimit,
    ProgrammeRound,
)


class RoundSerializer(serializers.ModelSerializer):
    in_force_run = serializers.SerializerMethodField()

    class Meta:
        model = ProgrammeRound
        fields = ["id", "number", "budget", "applications_from", "applications_to", "decisions_by", "reports_by",
                  "refund_due", "in_force_run"]

    def get_in_force_run(self, obj) -> int | None:
        run = programme_selectors.round_in_force(obj)
        return run.pk if run is not None else None


class KindLimitSerializer(serializers.ModelSerializer):
    kind = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = ProgrammeKindLimit
        fields = ["kind", "total_floor", "total_cap"]


class ProgrammeSerializer(serializers.ModelSerializer):
    region = serializers.SlugRelatedField(slug_field="code", read_only=True)
    kinds = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    rounds = RoundSerializer(many=True, read_only=True)
    kind_limits = KindLimitSerializer(many=True, read_only=True)

    class Meta:
        model = Programme
        fields = ["id", "region", "year", "code", "name", "legal_basis", "budget", "kinds", "instrument",
                  "payment_schedule", "damping_max_drop", "district_min_per_capita", "kind_limits", "profit_rate", "carry_over_limit", "entrustment_from",
                  "entrustment_to", "illustrative", "rounds"]


class ProgrammeViewSet(viewsets.ReadOnlyModelViewSet):
    """Subsidy programmes of the kraje with their rounds (public: the kraj's published rules)."""

    serializer_class = ProgrammeSerializer
    permission_classes = [AllowAny]
    filterset_fields = {"region__code": ["exact"], "year": ["exact"], "legal_basis": ["exact"]}

    def get_queryset(self):
        return programme_selectors.programmes(self.request.user).order_by("region__code", "-year", "code")


class InstalmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = PaymentInstalment
        fields = ["order", "due_on", "amount"]


class SettlementSerializer(serializers.ModelSerializer):
    class Meta:
        model = DecisionSettlement
        fields = ["granted", "paid", "used", "overpayment", "overcompensation", "refund", "due_on", "lines",
                  "explanation", "computed_at"]


class DecisionSerializer(serializers.ModelSerializer):
    provider_ico = serializers.CharField(source="provider.ico", read_only=True)
    provider_name = serializers.CharField(source="provider.name", read_only=True)
    programme = serializers.IntegerField(source="programme_round.programme_id", read_only=True)
    round = serializers.IntegerField(source="programme_round.number", read_only=True)
    instalments = InstalmentSerializer(many=True, read_only=True)
    settlement = serializers.SerializerMethodField()

    class Meta:
        model = GrantDecision
        fields = ["id", "number", "instrument", "programme", "round", "run", "provider", "provider_ico",
                  "provider_name", "amount", "issued_on", "entrustment_number", "instalments", "settlement"]

    def get_settlement(self, obj) -> dict | None:
        s = DecisionSettlement.objects.filter(decision=obj).first()
        return SettlementSerializer(s).data if s is not None else None


class DecisionViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Decisions of the approved allocations in force (the kraj's staff; a provider its own)."""

    serializer_class = DecisionSerializer
    permission_classes = [IsAuthenticated]
    queryset = GrantDecision.objects.all()
    filterset_fields = {"programme_round__programme__code": ["exact"], "programme_round__programme__year": ["exact"]}

    def get_queryset(self):
        return programme_selectors.decisions(self.request.user, in_force_only=True).prefetch_related("instalments")
