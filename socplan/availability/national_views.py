"""National pages: capacity per 1,000 of each kind's target age group in all kraje (one page), one kind per kraj /
okres / ORP against a chosen comparator (country, own kraj, similar areas; RAG with its confidence), and the
accessibility of one kind over every obec of the country. Thin: read the request, call one selector, render.

Read-only pages for signed-in users (any seat), like the other availability analyses: the data are public
(territory, registry), the national accessibility is computed on request and is not offered to anonymous traffic.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from socplan.registry.models import ServiceKind
from socplan.territory.models import Level, Region

from . import adapter, maps, national, national_maps, selectors
from .forms import NationalAccessForm, NationalForm

UNIT_URLS = {Level.MUNICIPALITY: "territory:municipality", Level.ORP: "territory:orp",
             Level.DISTRICT: "territory:district", Level.REGION: "territory:region"}
LEVEL_NAMES = {Level.REGION: "kraj", Level.DISTRICT: "okres", Level.ORP: "ORP"}


def _int(x, lo=2000, hi=2100):
    try:
        v = int(x)
    except (TypeError, ValueError):
        return None
    return v if lo <= v <= hi else None


def _float(x):
    try:
        return float(str(x).replace(",", "."))
    except (TypeError, ValueError):
        return None


def _kind(code) -> ServiceKind:
    return (ServiceKind.objects.filter(code=code or "49").first()
            or ServiceKind.objects.order_by("order", "code").first())


class NationalParams:
    def __init__(self, request):
        get = request.GET
        self.kind = _kind(get.get("kind"))
        self.year = _int(get.get("year")) or national.default_year()
        self.level = get.get("level") if get.get("level") in national.UNIT_LEVELS else Level.REGION
        self.comparator = get.get("comparator") if get.get("comparator") in national.COMPARATORS else "country"
        code = get.get("region")
        self.region = Region.objects.filter(code=code).first() if code else None
        self.method = get.get("method") if get.get("method") in adapter.METHODS else "2sfca"
        self.radius = min(max(_float(get.get("radius_km")) or 30.0, 1.0), 100.0)

    def query(self, **over) -> str:
        data = {"kind": self.kind.code if self.kind else "", "year": self.year, "level": self.level,
                "comparator": self.comparator}
        if self.region:
            data["region"] = self.region.code
        data.update(over)
        return urlencode({k: v for k, v in data.items() if v is not None})

    def form(self) -> NationalForm:
        return NationalForm(initial={"kind": self.kind, "level": self.level, "comparator": self.comparator,
                                     "region": self.region, "year": self.year})

    def access_form(self) -> NationalAccessForm:
        radius = int(self.radius) if float(self.radius).is_integer() else self.radius
        return NationalAccessForm(initial={"kind": self.kind, "method": self.method, "radius_km": radius,
                                           "year": self.year})


@login_required
def national_overview(request):
    p = NationalParams(request)
    ov = national.national_overview(year=p.year)
    return render(request, "availability/national.html", {
        "p": p, "ov": ov, "note": national.data_note(),
        "api_url": reverse("availability-api-national") + "?" + urlencode({"year": p.year}),
    })


@login_required
def national_kind(request):
    p = NationalParams(request)
    rep = national.national_units(kind=p.kind, year=p.year, level=p.level, comparator=p.comparator,
                                  region=p.region)
    map_data = None
    if p.level in (Level.REGION, Level.DISTRICT, Level.ORP):
        scope = p.region.code if p.region else adapter.COUNTRY
        values = {r["code"]: r["per_1000"] for r in rep.rows}
        names = {r["code"]: r["name"] for r in rep.rows}
        map_data = maps.choropleth(
            level=p.level, scope=scope, values=values, names=names,
            url=lambda code: reverse(UNIT_URLS[p.level], args=[code]), version=rep.data_version,
            title=_("Kapacita na 1 000 obyvatel cílové skupiny"),
            unit=_("%(unit)s na 1 000 obyvatel ve věku %(band)s") % {
                "unit": rep.kind.unit_name or _("jednotky kapacity"), "band": rep.kind.band_label})
    drill = None
    if p.level == Level.REGION:
        drill = Level.ORP
    return render(request, "availability/national_kind.html", {
        "p": p, "form": p.form(), "rep": rep, "map": map_data, "note": national.data_note(), "drill": drill,
        "level_name": LEVEL_NAMES[p.level],
        "api_url": reverse("availability-api-national-units") + "?" + p.query(),
        "access_query": urlencode({"kind": p.kind.code, "year": p.year}),
    })


@login_required
def national_accessibility(request):
    p = NationalParams(request)
    res = national.national_accessibility(kind=p.kind, year=p.year, method=p.method, radius=p.radius)
    values = {c: v * 1000 for c, v in zip(res.frame.codes, res.values, strict=True)}
    names = dict(zip(res.frame.codes, res.frame.names, strict=True))
    map_data = national_maps.obce_map(values=values, names=names, title=_("Dostupnost na 1 000 obyvatel skupiny"),
                                      unit=_("jednotek kapacity na 1 000 obyvatel skupiny"), version=res.data_version)
    regions = res.per_unit(Level.REGION)
    orps = res.per_unit(Level.ORP)
    obce = sorted(({"code": c, "name": n, "orp": res.frame.unit_names[Level.ORP].get(o), "population": pop,
                    "value": v * 1000}
                   for c, n, o, pop, v in zip(res.frame.codes, res.frame.names, res.frame.orp,
                                              res.demand.population, res.values, strict=True)
                   if pop > 0), key=lambda r: r["value"])
    return render(request, "availability/national_accessibility.html", {
        "p": p, "form": p.access_form(), "res": res, "map": map_data, "regions": regions, "orps": orps,
        "worst": obce[:50], "n_obce": len(res.frame.codes), "n_zero": sum(1 for r in obce if r["value"] == 0),
        "note": national.data_note(), "band_label": selectors.band_label(res.band),
        "json_url": reverse("availability-api-accessibility") + "?" + urlencode(
            {"country": 1, "kind": p.kind.code, "year": p.year, "method": p.method, "radius_km": f"{p.radius:g}"}),
    })
