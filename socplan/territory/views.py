"""Territory browser: kraj → okres → ORP → obec, each with its outline, population and links (lists in Czech
alphabetical order), and the list of obce (generic list page: filter, sort, export)."""

from __future__ import annotations

from django.db.models import OuterRef, Subquery
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from socplan.accounts import generic
from socplan.core.czech import order_czech
from socplan.core.money import format_number

from . import geometry, selectors
from .filters import MunicipalityFilter
from .models import District, Level, Municipality, Orp, PopulationFigure, Region
from .services import DATE_2020
from .tables import MunicipalityTable


def _map(parts: list[tuple[dict | None, str, str]], highlight: dict | None = None, width: int = 640) -> dict | None:
    """Inline SVG data for outlines: `parts` are (geometry, label, url) drawn as links; `highlight` on top."""
    geoms = [g for g, _label, _url in parts if g] + ([highlight] if highlight else [])
    if not geoms:
        return None
    proj = geometry.SvgProjection(geometry.bbox(geoms), width=width)
    return {
        "width": round(proj.width), "height": round(proj.height),
        "parts": [{"d": proj.path(g), "label": label, "url": url} for g, label, url in parts if g],
        "highlight": proj.path(highlight) if highlight else None,
    }


def _children(model, level, qs, url_name):
    totals = selectors.totals_by_code(level, [o.code for o in qs], DATE_2020)
    return [{"obj": o, "population": totals.get(o.code), "url": reverse(url_name, args=[o.code])} for o in qs]


def index(request):
    regions = list(order_czech(Region.objects.all(), "name"))
    rows = _children(Region, Level.REGION, regions, "territory:region")
    return render(request, "territory/index.html", {
        "rows": rows,
        "total": sum(r["population"] or 0 for r in rows),
        "map": _map([(r.boundary, r.name, reverse("territory:region", args=[r.code])) for r in regions]),
    })


def region(request, code):
    obj = get_object_or_404(Region, code=code)
    districts = list(order_czech(obj.districts.all(), "name"))
    return render(request, "territory/unit.html", {
        "unit": obj, "kind": _("Kraj"), "population": selectors.population_rows(obj),
        "counts": selectors.region_counts(obj),
        "children_title": _("Okresy"),
        "children": _children(District, Level.DISTRICT, districts, "territory:district"),
        "orps": _children(Orp, Level.ORP, list(order_czech(obj.orps.all(), "name")), "territory:orp"),
        "map": _map([(d.boundary, d.name, reverse("territory:district", args=[d.code])) for d in districts]),
        "crumbs": [],
        "codes": [(_("NUTS3"), obj.code), (_("kód ČSÚ"), obj.csu_code), (_("kód RÚIAN"), obj.ruian_code)],
    })


def district(request, code):
    obj = get_object_or_404(District.objects.select_related("region"), code=code)
    orps = list(order_czech(Orp.objects.filter(municipalities__district=obj).distinct(), "name"))
    return render(request, "territory/unit.html", {
        "unit": obj, "kind": _("Okres"), "population": selectors.population_rows(obj),
        "children_title": _("ORP"),
        "children": _children(Orp, Level.ORP, orps, "territory:orp"),
        "municipalities": _children(Municipality, Level.MUNICIPALITY, list(order_czech(obj.municipalities.all(), "name")),
                                    "territory:municipality"),
        "map": _map([(o.boundary, o.name, reverse("territory:orp", args=[o.code])) for o in orps], obj.boundary),
        "crumbs": [(obj.region.name, reverse("territory:region", args=[obj.region.code]))],
        "codes": [(_("LAU1"), obj.code), (_("kód ČSÚ"), obj.csu_code), (_("kód RÚIAN"), obj.ruian_code)],
    })


def orp(request, code):
    obj = get_object_or_404(Orp.objects.select_related("region", "district"), code=code)
    munis = list(order_czech(obj.municipalities.all(), "name"))
    return render(request, "territory/unit.html", {
        "unit": obj, "kind": _("ORP"), "population": selectors.population_rows(obj),
        "children_title": _("Obce"),
        "children": _children(Municipality, Level.MUNICIPALITY, munis, "territory:municipality"),
        "map": _map([(m.boundary, m.name, reverse("territory:municipality", args=[m.code])) for m in munis]),
        "crumbs": [(obj.region.name, reverse("territory:region", args=[obj.region.code])),
                   (obj.district.name, reverse("territory:district", args=[obj.district.code]))],
        "codes": [(_("kód ČSÚ"), obj.code), (_("kód RÚIAN"), obj.ruian_code or "—")],
    })


def municipality(request, code):
    obj = get_object_or_404(Municipality.objects.select_related("region", "district", "orp", "pou"), code=code)
    neighbours = list(obj.orp.municipalities.exclude(pk=obj.pk).only("code", "name", "boundary"))
    return render(request, "territory/unit.html", {
        "unit": obj, "kind": _("Obec"), "population": selectors.population_rows(obj),
        "map": _map([(m.boundary, m.name, reverse("territory:municipality", args=[m.code])) for m in neighbours],
                    obj.boundary),
        "crumbs": [(obj.region.name, reverse("territory:region", args=[obj.region.code])),
                   (obj.district.name, reverse("territory:district", args=[obj.district.code])),
                   (obj.orp.name, reverse("territory:orp", args=[obj.orp.code]))],
        "codes": [(_("kód obce (ČSÚ/RÚIAN)"), obj.code), (_("POÚ"), f"{obj.pou.name} ({obj.pou.code})"),
                  (_("souřadnice"), _("%(lat)s° s. š., %(lon)s° v. d.") % {
                      "lat": format_number(obj.lat, 5), "lon": format_number(obj.lon, 5)}
                  + (" " + _("(odvozeno z hranice)") if obj.point_derived else ""))],
    })


class MunicipalityList(generic.ObjectListView):
    """All obce with their ORP, okres and population on 1 January 2020: filter, Czech sorting, export."""

    queryset = Municipality.objects.select_related("orp", "district")
    table = MunicipalityTable
    filterset = MunicipalityFilter
    title = gettext_lazy("Obce")
    template_name = "territory/municipality_list.html"

    def get_queryset(self):
        population = PopulationFigure.objects.filter(level=Level.MUNICIPALITY, unit_code=OuterRef("code"),
                                                     band="total", ref_date=DATE_2020).values("value")[:1]
        return super().get_queryset().annotate(population=Subquery(population))
