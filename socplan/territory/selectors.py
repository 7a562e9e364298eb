"""Reads for the territory pages and API. Territory is public data: no restriction by user."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .models import District, Level, Municipality, Orp, PopulationFigure, Region

LEVEL_OF = {Region: Level.REGION, District: Level.DISTRICT, Orp: Level.ORP, Municipality: Level.MUNICIPALITY}
BAND_ORDER = ["total", "0-14", "15-64", "65+", "65-79", "80+"]


@dataclass
class PopulationRow:
    ref_date: date
    band: str
    band_label: str
    value: int
    is_estimate: bool
    source: str


def population_rows(unit) -> list[PopulationRow]:
    figures = PopulationFigure.objects.filter(level=LEVEL_OF[type(unit)], unit_code=unit.code)
    rows = [
        PopulationRow(f.ref_date, f.band, f.get_band_display(), f.value, f.is_estimate, f.source) for f in figures
    ]
    rows.sort(key=lambda r: (-r.ref_date.toordinal(), BAND_ORDER.index(r.band)))
    return rows


def population_total(unit, ref_date: date | None = None) -> int | None:
    """The latest real total (or the one at `ref_date`) for a unit."""
    qs = PopulationFigure.objects.filter(level=LEVEL_OF[type(unit)], unit_code=unit.code, band="total", is_estimate=False)
    if ref_date:
        qs = qs.filter(ref_date=ref_date)
    f = qs.order_by("-ref_date").first()
    return f.value if f else None


def totals_by_code(level: str, codes, ref_date: date) -> dict[str, int]:
    return dict(
        PopulationFigure.objects.filter(level=level, unit_code__in=list(codes), band="total", ref_date=ref_date)
        .values_list("unit_code", "value")
    )


def region_counts(region: Region) -> dict[str, int]:
    return {
        "districts": region.districts.count(),
        "orps": region.orps.count(),
        "municipalities": region.municipalities.count(),
    }
