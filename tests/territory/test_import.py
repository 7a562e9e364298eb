"""The shipped territory: official counts, JMK figures, idempotent re-import, derived points."""

from django.db.models import Sum

from socplan.territory.models import District, Municipality, Orp, PopulationFigure, Pou, Region
from socplan.territory.services import DATE_2020, territory_import


def test_national_counts(db):
    assert Region.objects.count() == 14
    assert District.objects.count() == 77
    assert Orp.objects.count() == 206
    assert Pou.objects.count() == 393
    assert Municipality.objects.count() == 6258


def test_south_moravia(db):
    jmk = Region.objects.get(code="CZ064")
    assert jmk.name == "Jihomoravský kraj"
    assert jmk.districts.count() == 7
    assert jmk.orps.count() == 21
    assert jmk.municipalities.count() == 673
    total = PopulationFigure.objects.get(level="kraj", unit_code="CZ064", ref_date=DATE_2020, band="total")
    assert (total.value, total.is_estimate) == (1_191_989, False)
    # the kraj figure is the sum of its obce
    obce = PopulationFigure.objects.filter(
        level="obec", band="total", ref_date=DATE_2020,
        unit_code__in=jmk.municipalities.values_list("code", flat=True),
    ).aggregate(s=Sum("value"))["s"]
    assert obce == 1_191_989


def test_census_bands_add_up_and_estimates_are_marked(db):
    figures = {
        f.band: f for f in PopulationFigure.objects.filter(level="orp", unit_code="6201", ref_date="2021-03-26")
    }
    assert figures["0-14"].value + figures["15-64"].value + figures["65+"].value == figures["total"].value
    assert not figures["65+"].is_estimate
    assert figures["80+"].is_estimate and figures["65-79"].is_estimate
    assert figures["80+"].value + figures["65-79"].value == figures["65+"].value
    # obec-level age bands are estimates, and they add up to the real total
    brno = {f.band: f for f in PopulationFigure.objects.filter(level="obec", unit_code="582786", ref_date=DATE_2020)}
    assert brno["total"].value == 381_346 and not brno["total"].is_estimate
    assert brno["65+"].is_estimate
    assert brno["0-14"].value + brno["15-64"].value + brno["65+"].value == brno["total"].value


def test_points_derived_from_polygon_for_24_obce(db):
    derived = Municipality.objects.filter(point_derived=True)
    assert derived.count() == 24
    assert not Municipality.objects.filter(lat__isnull=True).exists()
    plzen = Municipality.objects.get(code="554791")
    assert plzen.point_derived
    # Plzeň's centroid lies in Plzeň (49.75 N, 13.38 E), within a few km
    assert abs(plzen.lat - 49.74) < 0.05 and abs(plzen.lon - 13.38) < 0.07


def test_reimport_changes_nothing(db):
    before = list(PopulationFigure.objects.order_by("pk").values_list("pk", "value"))
    report = territory_import()
    assert not report.changed
    assert sum(report.unchanged.values()) > 6258
    assert list(PopulationFigure.objects.order_by("pk").values_list("pk", "value")) == before


def test_reimport_repairs_a_changed_row(db):
    Municipality.objects.filter(code="582786").update(name="Brno (omylem)")
    report = territory_import()
    assert report.updated["obce"] == 1
    assert Municipality.objects.get(code="582786").name == "Brno"
