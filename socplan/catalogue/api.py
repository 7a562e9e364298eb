"""Public catalogue API (read-only, anonymous): /api/v1/catalogue/…

- `services/` — search with the catalogue's filters (q, obec, radius_km, kind, target_group, form, situation,
  orp), paged (`page`, `page_size`);
- `services/{id}/` — one service;
- `situations/` — the life situations with their kinds and target groups.

Responses carry a strong ETag (catalogue content version + request) and `Cache-Control: public, max-age=60`;
`If-None-Match` with the current tag gets 304. Anonymous clients are rate limited per IP address
(`CatalogueAnonThrottle`: `SOCPLAN_CATALOGUE_API_RATE`, default 1200/minute; DRF keeps the counts in Django's
default cache — per process unless a shared cache is configured). Invalid parameters give 400 with
`{"errors": {parameter: message}}`.
"""

from __future__ import annotations

import csv
import os
from pathlib import Path

from django.http import Http404
from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from . import cache, presenters, selectors
from .models import CatalogueState
from .situations import FORM_ORDER, kind_plain, situations

DEFAULT_RATE = "1200/minute"
CACHE_CONTROL = "public, max-age=60"


class CatalogueAnonThrottle(AnonRateThrottle):
    scope = "catalogue_anon"

    def get_rate(self):
        return os.environ.get("SOCPLAN_CATALOGUE_API_RATE", DEFAULT_RATE)


def _kind_codes_static() -> list[str]:
    """Kind codes from the shipped code list (the schema must not need the database)."""
    path = Path(selectors.__file__).resolve().parent.parent / "registry" / "data" / "kinds.csv"
    with open(path, encoding="utf-8") as fh:
        return [r["code"] for r in csv.DictReader(fh)]


# --- serializers (response shapes; used for the OpenAPI schema) ---------------------------------------------------

class CatalogueCodeNameSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class CatalogueProviderSerializer(serializers.Serializer):
    name = serializers.CharField()
    ico = serializers.CharField(help_text="IČO poskytovatele (8 číslic).")


class CatalogueServiceSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = CatalogueCodeNameSerializer(help_text="Druh služby: paragraf zákona 108/2006 Sb. a název.")
    provider = CatalogueProviderSerializer()
    forms = serializers.ListField(child=serializers.ChoiceField(choices=FORM_ORDER),
                                  help_text="ter = přijde domů (terénní), amb = ambulantní, pob = pobytová")
    situations = serializers.ListField(child=serializers.CharField(), help_text="Kódy životních situací.")
    place = serializers.CharField(allow_blank=True, help_text="Obce zařízení, případně ORP působnosti.")
    distance_km = serializers.FloatField(allow_null=True,
                                         help_text="Vzdálenost nejbližšího místa od zvolené obce (km).")
    comes_home = serializers.BooleanField(help_text="Terénní služba, která působí ve zvolené obci.")
    in_network = serializers.BooleanField(allow_null=True,
                                          help_text="Součást zveřejněné krajské sítě; null = síť není k dispozici.")
    url = serializers.URLField(help_text="Stránka služby v katalogu.")
    api_url = serializers.URLField()


class CatalogueMunicipalitySerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    orp = serializers.CharField(allow_blank=True)
    lat = serializers.FloatField(allow_null=True)
    lon = serializers.FloatField(allow_null=True)


class CatalogueServicePageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    page = serializers.IntegerField()
    pages = serializers.IntegerField()
    page_size = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    obec = CatalogueMunicipalitySerializer(allow_null=True)
    results = CatalogueServiceSummarySerializer(many=True)


class CataloguePlaceSerializer(serializers.Serializer):
    name = serializers.CharField()
    address = serializers.CharField(allow_blank=True)
    municipality_code = serializers.CharField(allow_blank=True)
    municipality = serializers.CharField(allow_blank=True)
    lat = serializers.FloatField(allow_null=True)
    lon = serializers.FloatField(allow_null=True)


class CatalogueAreaSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=["orp", "obec"])
    code = serializers.CharField()
    name = serializers.CharField()


class CatalogueCapacitySerializer(serializers.Serializer):
    form = serializers.CharField()
    type = serializers.CharField()
    count = serializers.IntegerField()
    text = serializers.CharField()


class CatalogueContactSerializer(serializers.Serializer):
    phone = serializers.CharField(allow_blank=True)
    email = serializers.CharField(allow_blank=True)
    web = serializers.CharField(allow_blank=True)


class CatalogueTargetGroupSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class CatalogueOpeningHoursSerializer(serializers.Serializer):
    day = serializers.IntegerField(min_value=1, max_value=7, help_text="Den v týdnu, pondělí = 1.")
    opens = serializers.CharField(help_text="HH:MM")
    closes = serializers.CharField(help_text="HH:MM")


class CataloguePriceSerializer(serializers.Serializer):
    item = serializers.CharField()
    amount = serializers.DecimalField(max_digits=9, decimal_places=2, coerce_to_string=True, help_text="Kč")
    unit = serializers.CharField()


class CataloguePhotoSerializer(serializers.Serializer):
    url = serializers.CharField()
    caption = serializers.CharField()
    width = serializers.IntegerField()
    height = serializers.IntegerField()


class CatalogueServiceDetailSerializer(CatalogueServiceSummarySerializer):
    identifier = serializers.CharField(allow_null=True, help_text="Registrační číslo služby (7 číslic).")
    description = serializers.CharField(allow_blank=True, help_text="Co služba nabízí (srozumitelně).")
    for_whom = serializers.CharField(allow_blank=True)
    target_groups = CatalogueTargetGroupSerializer(many=True)
    age_groups = serializers.ListField(child=serializers.CharField())
    places = CataloguePlaceSerializer(many=True)
    areas = CatalogueAreaSerializer(many=True)
    capacities = CatalogueCapacitySerializer(many=True)
    contact = CatalogueContactSerializer()
    valid_from = serializers.DateField(allow_null=True)
    valid_to = serializers.DateField(allow_null=True)
    network_year = serializers.IntegerField(allow_null=True)
    provider_description = serializers.CharField(allow_blank=True,
                                                 help_text="Popis od poskytovatele (zveřejněn po schválení krajem).")
    how_to_apply = serializers.CharField(allow_blank=True)
    opening_hours = CatalogueOpeningHoursSerializer(many=True)
    opening_note = serializers.CharField(allow_blank=True)
    prices = CataloguePriceSerializer(many=True, help_text="Ceník úhrad (schválený krajem).")
    price_note = serializers.CharField(allow_blank=True)
    photos = CataloguePhotoSerializer(many=True)
    content_approved_on = serializers.DateField(allow_null=True,
                                                help_text="Kdy kraj schválil obsah od poskytovatele.")


class CatalogueSituationSerializer(serializers.Serializer):
    slug = serializers.CharField()
    label = serializers.CharField()
    description = serializers.CharField()
    kinds = serializers.ListField(child=serializers.CharField())
    target_groups = serializers.ListField(child=serializers.CharField())


class CatalogueErrorsSerializer(serializers.Serializer):
    errors = serializers.DictField(child=serializers.CharField(), help_text="parametr → popis chyby")


class CatalogueDetailSerializer(serializers.Serializer):
    detail = serializers.CharField()


COMMON_RESPONSES = {
    304: OpenApiResponse(description="Nezměněno (If-None-Match odpovídá aktuálnímu ETagu)."),
    429: OpenApiResponse(CatalogueDetailSerializer, description="Příliš mnoho požadavků (omezení pro anonymní klienty)."),
}

SEARCH_PARAMETERS = [
    OpenApiParameter("q", {"type": "string", "maxLength": 200},
                     description="Hledaný text (bez ohledu na diakritiku a tvary slov)."),
    OpenApiParameter("obec", {"type": "string", "pattern": "^[0-9]{6}$"},
                     description="Kód obce ČSÚ: služby dostupné obyvatelům obce, řazené podle vzdálenosti."),
    OpenApiParameter("radius_km", {"type": "number", "minimum": 0, "exclusiveMinimum": True,
                                   "maximum": selectors.RADIUS_MAX_KM},
                     description="S parametrem obec: služby do této vzdálenosti (km) a terénní služby působící "
                     "v obci („v mém okolí“). Bez parametru obec je chybou."),
    OpenApiParameter("kind", {"type": "string", "enum": _kind_codes_static()},
                     description="Druh služby (paragraf zákona 108/2006 Sb.)."),
    OpenApiParameter("target_group", {"type": "integer", "minimum": 1, "maximum": 999999999},
                     description="ID cílové skupiny."),
    OpenApiParameter("form", {"type": "string", "enum": list(FORM_ORDER)},
                     description="Forma: ter (u klienta doma), amb (v zařízení), pob (pobyt)."),
    OpenApiParameter("situation", {"type": "string", "enum": [s.slug for s in situations()]},
                     description="Životní situace (viz /api/v1/catalogue/situations/)."),
    OpenApiParameter("orp", {"type": "string", "pattern": "^[0-9]{4}$"}, description="Kód ORP (ČSÚ)."),
    OpenApiParameter("page", {"type": "integer", "minimum": 1, "maximum": 999999}, description="Stránka (od 1)."),
    OpenApiParameter("page_size", {"type": "integer", "minimum": 1, "maximum": selectors.MAX_PAGE_SIZE},
                     description=f"Počet služeb na stránce (výchozí {selectors.PAGE_SIZE})."),
]


# --- views -----------------------------------------------------------------------------------------------------------

class _CatalogueView(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [CatalogueAnonThrottle]

    def _respond(self, request, key: tuple, build):
        base = request.build_absolute_uri("/").rstrip("/")
        tag = cache.etag("api", base, *key)
        if cache.not_modified(request, tag):
            resp = Response(status=304)
        else:
            resp = Response(cache.cached(("api", base, *key), lambda: build(base)))
        resp["ETag"] = tag
        resp["Cache-Control"] = CACHE_CONTROL
        return resp


def _summary(base: str, e, distance=None, comes_home=False) -> dict:
    return {
        "id": e.service_id, "name": e.name, "kind": {"code": e.kind_code, "name": e.kind_name},
        "provider": {"name": e.provider_name, "ico": e.provider_ico},
        "forms": presenters.form_codes(e.forms), "situations": [s for s in e.situations.split("|") if s],
        "place": e.place_label, "distance_km": round(distance, 2) if distance is not None else None,
        "comes_home": bool(comes_home), "in_network": e.in_network,
        "url": base + reverse("catalogue:service", args=[e.service_id]),
        "api_url": base + reverse("catalogue-api-service", args=[e.service_id]),
    }


class CatalogueServiceList(_CatalogueView):
    @extend_schema(
        operation_id="catalogue_services_search", tags=["catalogue"], parameters=SEARCH_PARAMETERS,
        summary="Vyhledání služeb v katalogu",
        responses={200: CatalogueServicePageSerializer, 400: OpenApiResponse(CatalogueErrorsSerializer), **COMMON_RESPONSES},
    )
    def get(self, request):
        params, errors = selectors.parse_params(request.query_params, strict=True)
        if errors:
            return Response({"errors": errors}, status=400)
        return self._respond(request, ("list", params.key), lambda base: self._build(request, base, params))

    @staticmethod
    def _build(request, base: str, params: selectors.SearchParams) -> dict:
        result = selectors.search(params)
        path = base + reverse("catalogue-api-services")
        query = {k: v for k, v in request.query_params.items() if k != "page"}

        def link(page):
            from urllib.parse import urlencode

            return path + "?" + urlencode({**query, "page": page})

        m = result.municipality
        return {
            "count": result.total, "page": result.page, "pages": result.pages, "page_size": params.page_size,
            "next": link(result.page + 1) if result.has_next else None,
            "previous": link(result.page - 1) if result.has_previous and result.page - 1 <= result.pages else None,
            "obec": {"code": m.code, "name": m.name, "orp": m.orp_code, "lat": m.lat, "lon": m.lon} if m else None,
            "results": [_summary(base, h.entry, h.distance_km, h.comes_home) for h in result.hits],
        }


class CatalogueServiceDetail(_CatalogueView):
    @extend_schema(
        operation_id="catalogue_service_detail", tags=["catalogue"], summary="Jedna služba katalogu",
        parameters=[OpenApiParameter("id", {"type": "integer", "minimum": 1, "maximum": 2**63 - 1},
                                     OpenApiParameter.PATH, description="ID služby v katalogu.")],
        responses={200: CatalogueServiceDetailSerializer, 404: OpenApiResponse(CatalogueDetailSerializer),
                   **COMMON_RESPONSES},
    )
    def get(self, request, pk: str):
        if not (pk.isascii() and pk.isdigit() and len(pk) < 19 and int(pk) > 0):
            return Response({"detail": "Služba v katalogu není."}, status=404)
        pk = int(pk)
        try:
            return self._respond(request, ("detail", pk), lambda base: self._build(base, pk))
        except Http404:
            return Response({"detail": "Služba v katalogu není."}, status=404)

    @staticmethod
    def _build(base: str, pk: int) -> dict:
        page = selectors.service_page(pk=pk)
        e, d = page.entry, page.detail
        plain = kind_plain(e.kind_code)
        own = d.get("content") or {}
        st = CatalogueState.objects.filter(pk=1).first()
        caps = [{"form": f["code"], "type": c["type"], "count": c["count"],
                 "text": presenters.capacity_text(c["count"], c["type"], c["type_name"])}
                for f in d.get("forms", []) for c in f.get("capacities", [])]
        places = [{"name": f["name"], "address": f["address"], "municipality_code": f["municipality_code"],
                   "municipality": f["municipality"], "lat": f["lat"], "lon": f["lon"]} for f in d.get("facilities", [])]
        return {
            **_summary(base, e),
            "identifier": d.get("identifier"), "description": plain["what"], "for_whom": plain["who"],
            "target_groups": d.get("target_groups", []), "age_groups": d.get("age_groups", []),
            "places": places, "areas": d.get("areas", []), "capacities": caps,
            "contact": {k: d.get("contact", {}).get(k, "") for k in ("phone", "email", "web")},
            "valid_from": e.valid_from.isoformat() if e.valid_from else None,
            "valid_to": e.valid_to.isoformat() if e.valid_to else None,
            "network_year": st.network_year if st and e.in_network is not None else None,
            "provider_description": own.get("description", ""), "how_to_apply": own.get("how_to_apply", ""),
            "opening_hours": own.get("opening_hours", []), "opening_note": own.get("opening_note", ""),
            "prices": own.get("prices", []), "price_note": own.get("price_note", ""),
            "photos": [{"url": f"{base}{reverse('catalogue:photo', args=[ph['id']])}", "caption": ph["caption"],
                        "width": ph["width"], "height": ph["height"]} for ph in own.get("photos", [])],
            "content_approved_on": own.get("approved_on") or None,
        }


class CatalogueSituationList(_CatalogueView):
    @extend_schema(operation_id="catalogue_situations", tags=["catalogue"], summary="Životní situace katalogu",
                   responses={200: CatalogueSituationSerializer(many=True), **COMMON_RESPONSES})
    def get(self, request):
        return self._respond(request, ("situations",), lambda base: [
            {"slug": s.slug, "label": s.label, "description": s.description, "kinds": list(s.kinds),
             "target_groups": list(s.target_groups)} for s in situations()])
