"""API: ``GET /api/v1/evaluations/{year}/?region=CZ064`` – the results of a kraj and year as JSON.

Scoped like the pages: region staff of the kraj get every service, provider users only their own services,
anonymous users are refused (results are not public). The shape extends the output of
``socplan evaluate --json``: ``service_id`` is the registry ``Service`` primary key.
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from socplan.accounts.scope import grants
from socplan.registry.selectors import service_capacities
from socplan.territory.models import Region

from . import selectors
from .models import ServiceEvaluation


def _capacities_used(res, year: int, service_ids: list[int]) -> dict[int, tuple[int | None, str]]:
    """{service pk: (capacity, unit code)} the results were computed with: stored with a run; for a live
    computation the registry selector's figure of the year (what the evaluation input frame reads)."""
    if res.run is not None:
        return {sid: (cap, unit) for sid, cap, unit in ServiceEvaluation.objects.filter(
            run=res.run, service_id__in=service_ids).values_list("service_id", "capacity", "capacity_type")}
    return {sid: (c.capacity if c.capacity_type else None, c.capacity_type or "")
            for sid, c in service_capacities(service_ids, year).items()}

RESULT_FIELDS = {
    "service_id": serializers.IntegerField(help_text="Primární klíč služby v registru (Service.pk)."),
    "name": serializers.CharField(),
    "provider": serializers.CharField(),
    "kind": serializers.CharField(help_text="§ druhu služby, např. 49 nebo 60a."),
    "form": serializers.CharField(),
    "score": serializers.FloatField(help_text="Body 0–100, zaokrouhleno na 2 desetinná místa."),
    "rank": serializers.IntegerField(help_text="Pořadí v druhu (1 = nejlepší, shodné body = shodné pořadí)."),
    "n_ranked": serializers.IntegerField(),
    "threshold": serializers.FloatField(),
    "meets_threshold": serializers.BooleanField(),
    "missing": serializers.ListField(child=serializers.CharField(), help_text="Kódy chybějících ukazatelů."),
    "capacity": serializers.IntegerField(
        allow_null=True, help_text="Kapacita služby v roce, se kterou hodnocení počítalo (stanovená schválenou sítí "
        "kraje pro rok, jinak registrovaná kapacita hlavní formy); null = nic registrováno (u uloženého výpočtu "
        "i výpočet z doby, kdy se kapacita neukládala)."),
    "capacity_type": serializers.CharField(
        allow_blank=True, help_text="Jednotka té kapacity (kód typu kapacity: luzka, klient, kontakt, interv, hovor)."),
}


class EvaluationResultsView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="Výsledky hodnocení služeb kraje v roce",
        parameters=[OpenApiParameter("region", str, description="Kód kraje (NUTS3), např. CZ064. Bez něj kraj "
                                     "uživatele, má-li právě jeden.")],
        responses=inline_serializer("EvaluationResults", {
            "region": serializers.CharField(), "year": serializers.IntegerField(),
            "source": serializers.ChoiceField(["run", "live"]),
            "run_id": serializers.IntegerField(allow_null=True),
            "computed_at": serializers.DateTimeField(allow_null=True),
            "methodology": serializers.DictField(allow_null=True),
            "results": inline_serializer("EvaluationResultRow", RESULT_FIELDS, many=True),
        }),
    )
    def get(self, request, year: int):
        code = request.query_params.get("region")
        if not code:
            regions = {g.region_id for g in grants(request.user) if g.region_id}
            if len(regions) != 1:
                raise ValidationError({"region": "Zadejte kód kraje v parametru region (např. CZ064)."})
            region = Region.objects.get(pk=regions.pop())
        else:
            region = Region.objects.filter(code=code).first()
            if region is None:
                raise NotFound("Neznámý kraj.")
        res = selectors.results_for_user(request.user, region, year)
        if res is None:
            raise NotFound("Pro kraj a rok není metodika hodnocení.")
        rows = sorted(res.rows, key=lambda r: r.service_id)
        used = _capacities_used(res, int(year), [r.service_id for r in rows])
        m = res.methodology
        return Response({
            "region": region.code,
            "year": int(year),
            "source": "live" if res.live else "run",
            "run_id": res.run.pk if res.run else None,
            "computed_at": res.run.created_at.isoformat() if res.run else None,
            "methodology": {"id": m.pk, "year": m.year, "revision": m.revision, "status": m.status} if m else None,
            "results": [{
                "service_id": r.service_id, "name": r.name, "provider": r.provider_name, "kind": r.kind,
                "form": r.form, "score": round(r.score, 2), "rank": r.rank, "n_ranked": r.n_ranked,
                "threshold": r.threshold, "meets_threshold": r.meets_threshold, "missing": list(r.missing),
                "capacity": used.get(r.service_id, (None, ""))[0], "capacity_type": used.get(r.service_id, (None, ""))[1],
            } for r in rows],
        })
