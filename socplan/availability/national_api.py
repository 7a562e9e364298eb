"""National availability API (`/api/v1/availability/national/…`), signed-in users only (read-only):

* `national/?year=` — capacity per 1,000 of each kind's target age group for every kraj and the country;
* `national/units/?kind=&level=kraj|okres|orp&comparator=country|region|similar&region=&year=` — one kind per
  unit against the chosen comparator, with RAG, the 95 % interval and the confidence of the RAG.
"""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from socplan.territory.models import Level

from . import national
from .api import _kind, _number, _region

YEAR = OpenApiParameter("year", OpenApiTypes.INT, description="rok (výchozí: letošní)")


class NationalOverviewView(APIView):
    """Capacity per 1,000 of the target age group, per kind, for every kraj and the country."""

    permission_classes = [IsAuthenticated]

    @extend_schema(parameters=[YEAR], responses=OpenApiTypes.OBJECT)
    def get(self, request):
        year = int(_number(request.query_params, "year", national.default_year(), 2000, 2100, int))
        return Response(national.overview_dict(national.national_overview(year=year)))


class NationalUnitsView(APIView):
    """One kind per kraj / okres / ORP of the country against a comparator (country, own kraj, similar areas)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[OpenApiParameter("kind", OpenApiTypes.STR, description="§ druhu služby, např. 49", required=True),
                    OpenApiParameter("level", OpenApiTypes.STR, enum=[str(v) for v in national.UNIT_LEVELS],
                                     description="kraj / okres / orp (výchozí kraj)"),
                    OpenApiParameter("comparator", OpenApiTypes.STR, enum=list(national.COMPARATORS),
                                     description="country / region / similar (výchozí country)"),
                    OpenApiParameter("region", OpenApiTypes.STR, description="jen jednotky tohoto kraje (NUTS3)"),
                    YEAR],
        responses=OpenApiTypes.OBJECT,
    )
    def get(self, request):
        q = request.query_params
        kind = _kind(q.get("kind"))
        level = q.get("level") or Level.REGION
        if level not in national.UNIT_LEVELS:
            raise ValidationError({"level": "kraj, okres nebo orp"})
        comparator = q.get("comparator") or "country"
        if comparator not in national.COMPARATORS:
            raise ValidationError({"comparator": "country, region nebo similar"})
        region = _region(q.get("region")) if q.get("region") else None
        year = int(_number(q, "year", national.default_year(), 2000, 2100, int))
        rep = national.national_units(kind=kind, year=year, level=level, comparator=comparator, region=region)
        return Response(national.units_dict(rep))
