"""API of the finance module (DRF, under /api/v1/finance/):

* ``GET {region}/{year}/support/`` – optimised cost and optimal support of every network entry **with the
  explanation** (the formula with the entry's numbers). Region, district and ORP staff of the kraj see every
  entry, provider users their own services' entries; anonymous users are refused.
* ``GET {region}/{year}/allocation/?mode=rules|optimise`` – region staff: the latest stored allocation run of the
  mode (the shape of ``socplan allocate --json``, proposals included); provider users: their own rows of the
  allocations in force (approved, one per programme round; ``selectors.region_rows_in_force``), never a proposal.
* ``GET {region}/{year}/chapter/`` – the financial chapter (public, like the plan it belongs to).
* ``GET /api/v1/cofinancing/{region}/{year}/`` (``?municipality=<code>``, ``?version=<id>``) – the co-financing
  statement: per municipality and per network entry required, declared, difference (the selector of the pages);
  territorial roles of the kraj see the whole network, provider users their own services' entries.
* ``POST {region}/{year}/allocation/`` (``{"budget", "mode", "note"}``) – compute and store a run (kraj staff);
  ``allocations/`` lists the stored runs, ``POST allocations/{id}/approve/`` approves one;
* ``budgets/``, ``unit-reports/`` – provider reports; ``POST …/{id}/submit/`` (the provider or kraj staff),
  ``…/{id}/approve/`` and ``…/{id}/return/`` (``{"reason"}``; kraj staff with the right to approve).

Amounts are whole CZK as decimal strings.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, inline_serializer
from rest_framework import exceptions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from socplan.accounts.decisions import DecisionKind
from socplan.accounts.immutability import ApprovedRecordImmutable
from socplan.accounts.permissions import ScopedViewSetMixin
from socplan.accounts.scope import can
from socplan.network.selectors import versions as network_versions
from socplan.territory.models import Municipality, Region

from . import selectors, services
from .adapter import frame_cache
from .models import AllocationMode, AllocationRow, AllocationRun, ProviderBudget, UnitReport

AMOUNT = serializers.CharField(help_text="Celé Kč jako desítkový řetězec.")


def _region(code: str) -> Region:
    region = Region.objects.filter(code=code).defer("boundary").first()
    if region is None:
        raise NotFound("Neznámý kraj.")
    return region


def _comp(region, year):
    comp = selectors.computation(region, year)
    if comp is None:
        raise NotFound("Pro kraj a rok nejsou parametry financování.")
    return comp


def service_ref(key: str, service_pk: int) -> dict:
    """``{"service_id": <registry pk>}`` plus ``"part"`` when the network splits the service."""
    out = {"service_id": int(service_pk)}
    part = str(key).partition("/")[2]
    if part:
        out["part"] = part
    return out


def _params_dict(comp) -> dict:
    p = comp.stored
    return {"id": p.pk, "version": p.version, "illustrative": p.illustrative,
            "region_cofinancing": {g: str(getattr(p, f)) for g, f in p.GROUP_FIELDS.items()},
            "source_shares": {k: str(getattr(p, f)) for k, f in p.SOURCE_FIELDS.items()}}


SUPPORT_ROW = {
    "service_id": serializers.IntegerField(help_text="Primární klíč služby v registru."),
    "part": serializers.CharField(required=False, help_text="Část služby (forma), je-li služba v síti rozdělena."),
    "name": serializers.CharField(), "provider": serializers.CharField(), "kind": serializers.CharField(),
    "form": serializers.CharField(), "group": serializers.CharField(), "tier": serializers.IntegerField(),
    "optimised_cost": AMOUNT, "user_fees": AMOUNT, "health_insurance": AMOUNT, "cofinancing": AMOUNT,
    "optimal_support": AMOUNT,
    "capacity": serializers.IntegerField(
        help_text="Kapacita, se kterou je položka spočtena: z položky sítě (u schválené verze = kapacita, kterou "
        "síť stanovila pro rok a kterou čte i hodnocení a dostupnost; u návrhu kapacita návrhu), bez sítě "
        "kapacita hlavní formy služby z registru."),
    "capacity_type": serializers.CharField(
        allow_blank=True, help_text="Jednotka té kapacity (kód typu kapacity: luzka, klient, kontakt, interv, hovor)."),
    "explanation": serializers.CharField(help_text="Vzorec s čísly služby (česky)."),
}


def _capacities_used(comp) -> dict[str, tuple[int, str]]:
    """{row key: (capacity, unit code)} of the network frame the computation used."""
    f = comp.network.frame
    return {str(k): (int(c), str(t)) for k, c, t in zip(f["service_id"], f["capacity"], f["capacity_type"],
                                                         strict=True)}


class SupportView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(summary="Optimální podpora položek sítě s vysvětlením", responses=inline_serializer(
        "FinanceSupport", {"region": serializers.CharField(), "year": serializers.IntegerField(),
                           "network_source": serializers.CharField(), "params": serializers.DictField(),
                           "services": inline_serializer("FinanceSupportRow", SUPPORT_ROW, many=True)}))
    def get(self, request, region: str, year: int):
        region = _region(region)
        if not selectors.region_member(request.user, region) and not selectors.provider_ids(request.user):
            raise PermissionDenied("Optimální podporu vidí pracovníci kraje a poskytovatelé (své služby).")
        with frame_cache():
            comp = _comp(region, year)
        rows = selectors.support_rows(comp, user=request.user, explain=True)
        used = _capacities_used(comp)
        return Response({
            "region": region.code, "year": int(year), "network_source": comp.network.source,
            "params": _params_dict(comp),
            "services": [{
                **service_ref(r.key, r.service_pk), "name": r.name, "provider": r.provider, "kind": r.kind,
                "form": r.form, "group": r.group, "tier": r.tier,
                "optimised_cost": str(r.optimised_cost), "user_fees": str(r.user_fees),
                "health_insurance": str(r.health_insurance), "cofinancing": str(r.cofinancing),
                "optimal_support": str(r.optimal_support),
                "capacity": used[str(r.key)][0], "capacity_type": used[str(r.key)][1],
                "explanation": r.explanation,
            } for r in rows],
        })


class AllocationView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(summary="Poslední uložené rozdělení rozpočtu", parameters=[
        OpenApiParameter("mode", str, enum=AllocationMode.values, description="rules (výchozí) nebo optimise")],
        responses=inline_serializer("FinanceAllocation", {
            "region": serializers.CharField(), "year": serializers.IntegerField(), "mode": serializers.CharField(),
            "run_id": serializers.IntegerField(), "created_at": serializers.DateTimeField(),
            "run_ids": serializers.ListField(child=serializers.IntegerField(), help_text=(
                "Rozdělení, z nichž řádky pocházejí: pracovník kraje poslední výpočet režimu, poskytovatel "
                "schválená rozdělení v platnosti (po jednom za kolo programu).")),
            "budget": serializers.CharField(allow_null=True, help_text="Celé Kč; poskytovatel null."), "total_optimal": AMOUNT, "total_allocated": AMOUNT,
            "services": inline_serializer("FinanceAllocationRow", {
                "service_id": serializers.IntegerField(), "part": serializers.CharField(required=False),
                "optimal_support": AMOUNT, "allocated": AMOUNT}, many=True)}))
    def get(self, request, region: str, year: int):
        region = _region(region)
        mode = request.query_params.get("mode", AllocationMode.RULES)
        if mode not in AllocationMode.values:
            raise NotFound("Neznámý režim.")
        if not can(request.user, "view", AllocationRun(region=region, year=int(year), mode=mode, budget=0)):
            return self._in_force(request, region, int(year))
        run = AllocationRun.objects.filter(region=region, year=year, mode=mode).order_by("-created_at", "-pk").first()
        if run is None:
            raise NotFound("Pro kraj, rok a režim není uložené rozdělení.")
        rows = AllocationRow.objects.filter(run=run).order_by("pk")
        return Response({
            "region": region.code, "year": int(year), "mode": run.mode, "run_id": run.pk, "run_ids": [run.pk],
            "created_at": run.created_at.isoformat(), "budget": str(run.budget),
            "total_optimal": str(run.total_optimal), "total_allocated": str(run.total_allocated),
            "services": [{**service_ref(r.key, r.service_id), "optimal_support": str(r.optimal_support),
                          "allocated": str(r.allocated)} for r in rows]})

    def _in_force(self, request, region, year: int):
        """A provider: its own rows of the binding allocations of the year (the owner the pages read), whatever
        newer proposals the kraj computed; ``?mode=`` narrows them to runs of that mode."""
        rows = selectors.region_rows_in_force(region, year, user=request.user)
        if "mode" in request.query_params:
            rows = rows.filter(run__mode=request.query_params["mode"])
        rows = list(rows)
        if not rows:
            raise NotFound("Pro kraj a rok není schválené rozdělení s vašimi službami.")
        runs = sorted({r.run for r in rows}, key=lambda r: (r.approved_at, r.pk))
        return Response({
            "region": region.code, "year": year, "mode": runs[-1].mode, "run_id": runs[-1].pk,
            "run_ids": [r.pk for r in runs], "created_at": runs[-1].created_at.isoformat(), "budget": None,
            "total_optimal": str(sum(r.optimal_support for r in rows)),
            "total_allocated": str(sum(r.allocated for r in rows)),
            "services": [{**service_ref(r.key, r.service_id), "optimal_support": str(r.optimal_support),
                          "allocated": str(r.allocated)} for r in rows]})


def _records(df, key):
    out = []
    for r in df.to_dict("records"):
        out.append({k: (str(v) if v is not None and k != key and k != "services" else v) for k, v in r.items()})
    return out


class ChapterView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(summary="Finanční kapitola kraje a roku", responses=inline_serializer("FinanceChapter", {
        "region": serializers.CharField(), "year": serializers.IntegerField(), "title": serializers.CharField(),
        "network_source": serializers.CharField(), "illustrative": serializers.BooleanField(),
        "services": serializers.IntegerField(), "totals": serializers.DictField(child=AMOUNT),
        "state_need": serializers.CharField(help_text="Potřeba ze státního rozpočtu, vypočtená: optimalizované "
                                                      "náklady − všechny ostatní zdroje podle pravidel (celé Kč)."),
        "state_share_pct": serializers.CharField(read_only=True, help_text="Vypočtený podíl potřeby ze státního "
                                                                         "rozpočtu na optimalizovaných nákladech (%)."),
        "sources": serializers.ListField(child=serializers.DictField(), help_text=(
            "Každý zdroj optimalizovaných nákladů s pravidlem: source, label, amount (celé Kč), share_pct, rule; "
            "součet = optimalizované náklady.")),
        "illustrative_note": serializers.CharField(allow_blank=True),
        "planned_sources": serializers.ListField(child=serializers.DictField()),
        "tables": serializers.DictField()}))
    def get(self, request, region: str, year: int):
        region = _region(region)
        with frame_cache():
            ch = selectors.financial_chapter(region, year)
        if ch is None:
            raise NotFound("Pro kraj a rok nejsou parametry financování.")
        return Response({
            "region": region.code, "year": int(year), "title": ch.title, "network_source": ch.source,
            "illustrative": ch.illustrative, "services": ch.services,
            "totals": {k: str(v) for k, v in ch.totals.items()},
            "state_need": str(ch.state_need), "state_share_pct": str(ch.state_share_pct),
            "optimal_support_pct": str(ch.optimal_support_pct),
            "sources": [{"source": p["key"], "label": p["label"], "amount": str(p["amount"]),
                         "share_pct": str(p["pct"]), "rule": p["rule"]} for p in ch.formula_sources],
            "illustrative_note": ("Ilustrativní (syntetické) parametry financování, ne schválené normativy kraje."
                                  if ch.illustrative else ""),
            "planned_sources": [{"source": p["key"], "label": p["label"], "share": str(p["share"]),
                                 "amount": str(p["amount"])} for p in ch.planned],
            "tables": {dim: _records(df, dim) for dim, df in ch.tables.items()},
            "year_on_year": _records(ch.year_on_year, "kind") if ch.year_on_year is not None else None,
        })


# --- co-financing ------------------------------------------------------------------------------------------

COFIN_TOTALS = {"required": AMOUNT, "declared": AMOUNT, "difference": AMOUNT,
                "unassigned": serializers.CharField(help_text="Požadováno, ale bez obce k rozdělení (celé Kč).")}
COFIN_MUNICIPALITY = {
    "code": serializers.CharField(help_text="Kód obce."), "name": serializers.CharField(),
    "orp": serializers.CharField(), "required": AMOUNT, "declared": AMOUNT,
    "difference": serializers.CharField(help_text="Deklarováno − požadováno, celé Kč (záporné = chybí)."),
}
COFIN_ENTRY = {
    "entry_id": serializers.IntegerField(allow_null=True, help_text="Položka sítě (null: rok bez sítě, řádek z "
                                                                    "registru)."),
    "service_id": serializers.IntegerField(help_text="Primární klíč služby v registru."),
    "part": serializers.CharField(required=False, help_text="Část služby (forma), je-li služba v síti rozdělena."),
    "service": serializers.CharField(), "provider": serializers.CharField(), "kind": serializers.CharField(),
    "form": serializers.CharField(), "tier": serializers.CharField(), "group": serializers.CharField(),
    "optimised_cost": AMOUNT, "rate": serializers.CharField(help_text="Sazba spolufinancování obcí v %."),
    "required": AMOUNT, "declared": AMOUNT,
    "difference": serializers.CharField(help_text="Deklarováno − požadováno, celé Kč (záporné = chybí)."),
    "method": serializers.CharField(help_text="declared (podle deklarací) / population (podle obyvatel) / ''."),
}


class CofinancingView(APIView):
    """``GET /api/v1/cofinancing/{region}/{year}/`` – the co-financing statement (the same selector as the pages)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="Spolufinancování obcí: požadováno, deklarováno, rozdíl (po obcích a po položkách sítě)",
        description="Požadovaný podíl obcí na položce = sazba (nastavení sítě podle druhu, formy a úrovně: 0 % "
                    "nebo 10–20 %) × optimalizované náklady položky, zaokrouhleno na celé Kč; rozdělen mezi obce "
                    "podle deklarací, jinak podle územní působnosti a počtu obyvatel. Pracovníci kraje, okresu a "
                    "ORP vidí celou síť, poskytovatelé jen své služby. Částky jsou celé Kč jako řetězce.",
        parameters=[OpenApiParameter("municipality", str, description="Kód obce: jen její podíly."),
                    OpenApiParameter("version", int, description="Jiná verze sítě roku než aktuální.")],
        responses=inline_serializer("Cofinancing", {
            "region": serializers.CharField(), "year": serializers.IntegerField(),
            "network_source": serializers.CharField(), "version_id": serializers.IntegerField(allow_null=True),
            "illustrative": serializers.BooleanField(), "note": serializers.CharField(),
            "municipality": serializers.CharField(allow_null=True),
            "totals": inline_serializer("CofinancingTotals", COFIN_TOTALS),
            "municipalities": inline_serializer("CofinancingMunicipality", COFIN_MUNICIPALITY, many=True),
            "entries": inline_serializer("CofinancingEntry", COFIN_ENTRY, many=True)}))
    def get(self, request, region: str, year: int):
        region = _region(region)
        if not selectors.region_member(request.user, region) and not selectors.provider_ids(request.user):
            raise PermissionDenied("Spolufinancování vidí pracovníci kraje a poskytovatelé (své služby).")
        municipality = version = None
        if request.query_params.get("municipality"):
            municipality = Municipality.objects.filter(code=request.query_params["municipality"], region=region) \
                .defer("boundary").first()
            if municipality is None:
                raise NotFound("Neznámá obec kraje.")
        if request.query_params.get("version"):
            version = network_versions(user=request.user, region=region, year=int(year)).filter(
                pk=request.query_params["version"]).first() if request.query_params["version"].isdigit() else None
            if version is None:
                raise NotFound("Neznámá verze sítě kraje a roku.")
        with frame_cache():
            st = selectors.cofinancing(region, int(year), user=request.user, municipality=municipality,
                                       version=version)
        if not st.available:
            raise NotFound(st.note)
        lines_by_key = {}
        if municipality is not None:  # the municipality's parts of the entries
            lines_by_key = {ln.key: ln for ln in st.lines}
        entries = []
        for e in st.entries:
            part = lines_by_key.get(e.key)
            required, declared = (part.required, part.declared) if part is not None else (e.required, e.declared)
            entries.append({
                "entry_id": e.entry_id, **service_ref(e.key, e.service_id), "service": e.service,
                "provider": e.provider, "kind": e.kind, "form": e.form, "tier": e.tier, "group": e.group,
                "optimised_cost": str(e.optimised_cost), "rate": str(e.rate), "required": str(required),
                "declared": str(declared), "difference": str(declared - required), "method": e.method})
        return Response({
            "region": region.code, "year": int(year), "network_source": st.source, "version_id": st.version_id,
            "illustrative": st.illustrative, "note": st.note, "municipality": st.municipality,
            "totals": {"required": str(st.required), "declared": str(st.declared), "difference": str(st.difference),
                       "unassigned": str(st.unassigned)},
            "municipalities": [{"code": m.code, "name": m.name, "orp": m.orp, "required": str(m.required),
                                "declared": str(m.declared), "difference": str(m.difference)}
                               for m in st.municipalities],
            "entries": entries,
        })


# --- decisions: allocation runs and provider reports ---------------------------------------------------------
# ``POST {region}/{year}/allocation/`` stores a new allocation run (kraj staff); ``allocations/{id}/approve/``
# approves it; ``budgets/{id}/`` and ``unit-reports/{id}/`` are the provider reports with ``submit/`` (the
# provider or kraj staff), ``approve/`` and ``return/`` (kraj staff with the right to approve). The same service
# functions as the pages (socplan.finance.services), so the same rules (socplan.accounts.decisions).


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "Schválený záznam nelze měnit ani mazat."
    default_code = "approved"


def _call(fn, /, **kwargs):
    """Run a service function: a validation error answers 400, an approved record 409, a refusal 403."""
    try:
        return fn(**kwargs)
    except ApprovedRecordImmutable as exc:
        raise Conflict() from exc
    except DjangoValidationError as exc:
        if hasattr(exc, "error_dict"):
            raise exceptions.ValidationError({k: [m for e in v for m in e.messages]
                                              for k, v in exc.error_dict.items()}) from exc
        raise exceptions.ValidationError(exc.messages) from exc


class AllocationRunSerializer(serializers.ModelSerializer):
    region = serializers.SlugRelatedField(slug_field="code", read_only=True)
    run_id = serializers.IntegerField(source="pk", read_only=True)
    approved = serializers.BooleanField(source="is_approved", read_only=True)
    services = serializers.SerializerMethodField()

    class Meta:
        model = AllocationRun
        fields = ["run_id", "region", "year", "mode", "budget", "total_optimal", "total_allocated", "network_source",
                  "note", "created_at", "state", "approved", "approved_at", "approved_by", "decision_ref",
                  "supersedes", "services"]

    @extend_schema_field(inline_serializer("FinanceAllocationRunRow", {
        "service_id": serializers.IntegerField(), "part": serializers.CharField(required=False),
        "optimal_support": AMOUNT, "allocated": AMOUNT}, many=True))
    def get_services(self, run):
        rows = AllocationRow.objects.filter(run=run).order_by("pk")
        return [{**service_ref(r.key, r.service_id), "optimal_support": str(r.optimal_support),
                 "allocated": str(r.allocated)} for r in rows]


class AllocationCreateSerializer(serializers.Serializer):
    budget = serializers.DecimalField(max_digits=15, decimal_places=0, min_value=0,
                                      help_text="Rozpočet k rozdělení, celé Kč.")
    mode = serializers.ChoiceField(choices=AllocationMode.choices, default=AllocationMode.RULES)
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class AllocationRunsView(AllocationView):
    """``GET`` the latest stored run (see AllocationView); ``POST`` computes and stores a new one."""

    queryset = AllocationRun.objects.all()  # what the run is (the permission layer and the API docs read it)

    @extend_schema(summary="Spočítat a uložit rozdělení rozpočtu", request=AllocationCreateSerializer,
                   responses={201: AllocationRunSerializer})
    def post(self, request, region: str, year: int):
        region = _region(region)
        ser = AllocationCreateSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        run = _call(services.allocation_run, actor=request.user, region=region, year=int(year),
                    budget=ser.validated_data["budget"], mode=ser.validated_data["mode"],
                    note=ser.validated_data["note"])
        return Response(AllocationRunSerializer(run).data, status=status.HTTP_201_CREATED)


class ApproveRunSerializer(serializers.Serializer):
    decision_ref = serializers.CharField(max_length=200, required=False, allow_blank=True, default="",
                                         help_text="Usnesení nebo rozhodnutí, kterým se rozdělení schvaluje.")
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="",
                                   help_text="Důvod nahrazení platného rozdělení kola (povinný, nahrazuje-li).")


class AllocationRunViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Stored allocation runs (kraj staff; private) and their approval."""

    serializer_class = AllocationRunSerializer
    queryset = AllocationRun.objects.select_related("region").defer("region__boundary").order_by("-created_at", "-pk")
    filterset_fields = {"region__code": ["exact"], "year": ["exact"], "mode": ["exact"], "state": ["exact"]}
    decision_kind = None  # per action: the decision it takes (read by the authorization-matrix test)

    @extend_schema(summary="Schválit rozdělení rozpočtu", request=ApproveRunSerializer,
                   responses={200: AllocationRunSerializer})
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated],
            decision_kind=DecisionKind.ALLOCATION_APPROVE)
    def approve(self, request, pk=None):
        run = self.get_object()
        ser = ApproveRunSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        run = _call(services.allocation_run_approve, actor=request.user, run=run,
                    decision_ref=ser.validated_data["decision_ref"], reason=ser.validated_data["reason"])
        return Response(AllocationRunSerializer(run).data)


class ReportSerializer(serializers.ModelSerializer):
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    checks = serializers.JSONField(read_only=True)

    class Meta:
        fields = ["id", "service", "year", "state", "state_label", "note", "return_reason", "checks", "submitted_at",
                  "approved_at", "approved_by", "version"]
        read_only_fields = fields


class BudgetSerializer(ReportSerializer):
    total_costs = serializers.DecimalField(max_digits=15, decimal_places=0, read_only=True)
    total_sources = serializers.DecimalField(max_digits=15, decimal_places=0, read_only=True)

    class Meta(ReportSerializer.Meta):
        model = ProviderBudget
        fields = ReportSerializer.Meta.fields[:3] + ["term"] + ReportSerializer.Meta.fields[3:] + [
            "total_costs", "total_sources"]
        read_only_fields = fields


class UnitReportSerializer(ReportSerializer):
    class Meta(ReportSerializer.Meta):
        model = UnitReport
        fields = ReportSerializer.Meta.fields[:3] + ["half", "unit", "actual_units"] + ReportSerializer.Meta.fields[3:]
        read_only_fields = fields


class ReturnReportSerializer(serializers.Serializer):
    reason = serializers.CharField(help_text="Co má poskytovatel opravit.")


class _ReportViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """A provider report (private: the provider and the kraj staff) and its path: submit, approve, return."""

    filterset_fields = {"year": ["exact"], "state": ["exact"], "service": ["exact"]}
    decision_kind = None  # per action: the decision it takes (read by the authorization-matrix test)

    def _answer(self, report):
        report.refresh_from_db()
        return Response(self.get_serializer(report).data)

    @extend_schema(summary="Předložit výkaz ke kontrole kraje", request=None)
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated])
    def submit(self, request, pk=None):
        report = self.get_object()
        return self._answer(_call(services.provider_report_submit, actor=request.user, report=report))

    @extend_schema(summary="Schválit výkaz", request=None)
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated],
            decision_kind=DecisionKind.REPORT_APPROVE)
    def approve(self, request, pk=None):
        report = self.get_object()
        return self._answer(_call(services.provider_report_approve, actor=request.user, report=report))

    @extend_schema(summary="Vrátit výkaz k opravě", request=ReturnReportSerializer)
    @action(detail=True, methods=["post"], url_path="return", url_name="return",
            permission_classes=[IsAuthenticated], decision_kind=DecisionKind.REPORT_RETURN)
    def return_(self, request, pk=None):
        report = self.get_object()
        ser = ReturnReportSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        return self._answer(_call(services.provider_report_return, actor=request.user, report=report,
                                  reason=ser.validated_data["reason"]))


class BudgetViewSet(_ReportViewSet):
    serializer_class = BudgetSerializer
    queryset = ProviderBudget.objects.order_by("pk")
    filterset_fields = {**_ReportViewSet.filterset_fields, "term": ["exact"]}


class UnitReportViewSet(_ReportViewSet):
    serializer_class = UnitReportSerializer
    queryset = UnitReport.objects.order_by("pk")
    filterset_fields = {**_ReportViewSet.filterset_fields, "half": ["exact"]}
