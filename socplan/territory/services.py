"""Writes for the territory: the national import (idempotent upsert) and the ČSÚ population import.

Both run in one transaction: a failure leaves the database exactly as it was.
"""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.db import transaction

from socplan.core.money import largest_remainder

from . import geometry
from .models import AgeBand, District, Level, Municipality, Orp, PopulationFigure, Pou, Region

DATA_DIR = Path(__file__).resolve().parent / "data"
DATE_2020 = date(2020, 1, 1)
DATE_SLDB = date(2021, 3, 26)
SRC_2020 = "ČSÚ, obyvatelé obcí k 1. 1. 2020"
SRC_SLDB = "ČSÚ, Sčítání lidu, domů a bytů 2021 (obvyklý pobyt)"
SRC_EST_BANDS = "odhad: podíly věkových skupin ORP ze SLDB 2021 × obyvatelé k 1. 1. 2020"
# Assumption until real ČSÚ age data (dataset 130149 / SLDB vek5) is imported: the share of people aged 80+
# among those 65+. Nationally about 0.22 around 2021 (ČSÚ: ~0.47 M of ~2.15 M); marked as an estimate everywhere.
SHARE_80_OF_65 = Decimal("0.22")
SRC_EST_80 = f"odhad: 65+ × podíl 80+ (předpoklad {SHARE_80_OF_65 * 100:.0f} %, do načtení věkových dat ČSÚ)"


@dataclass
class ImportReport:
    created: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    updated: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    unchanged: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    @property
    def changed(self) -> bool:
        return bool(sum(self.created.values()) + sum(self.updated.values()))

    def lines(self) -> list[str]:
        keys = sorted(set(self.created) | set(self.updated) | set(self.unchanged))
        return [
            f"{k}: nové {self.created[k]}, změněné {self.updated[k]}, beze změny {self.unchanged[k]}" for k in keys
        ]


def _upsert(model, rows: dict[str, dict], report: ImportReport, label: str, key: str = "code") -> dict[str, int]:
    """Create/update `model` rows keyed by `key`; leave identical rows untouched. Returns key → pk."""
    existing = {getattr(o, key): o for o in model.objects.all()}
    to_create, to_update, fields_changed = [], [], set()
    for k, values in rows.items():
        obj = existing.get(k)
        if obj is None:
            to_create.append(model(**{key: k}, **values))
            continue
        diff = [f for f, v in values.items() if getattr(obj, f) != v]
        if diff:
            for f in diff:
                setattr(obj, f, values[f])
            fields_changed.update(diff)
            to_update.append(obj)
        else:
            report.unchanged[label] += 1
    model.objects.bulk_create(to_create, batch_size=500)
    if to_update:
        model.objects.bulk_update(to_update, sorted(fields_changed), batch_size=500)
    report.created[label] += len(to_create)
    report.updated[label] += len(to_update)
    return dict(model.objects.values_list(key, "pk"))


def _load_geojson(name: str, code_prop: str) -> dict[str, dict]:
    with open(DATA_DIR / name, encoding="utf-8") as fh:
        fc = json.load(fh)
    return {f["properties"][code_prop]: f["geometry"] for f in fc["features"]}


def _read_csv(name: str) -> list[dict[str, str]]:
    with open(DATA_DIR / name, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@transaction.atomic
def territory_import(*, progress=None) -> ImportReport:
    """Load the shipped national territory (kraje, okresy, ORP, POÚ, obce, outlines, population)."""
    step = progress or (lambda msg: None)
    report = ImportReport()
    obce = _read_csv("cz_obce_uzemi.csv")
    sldb = {r["kod_orp"]: r for r in _read_csv("cz_orp_sldb2021.csv")}
    step("hranice")
    g_kraj = _load_geojson("cz_kraje_hranice.geojson", "kod_kraj_nuts3")
    g_okres = _load_geojson("cz_okresy_hranice.geojson", "kod_okres_lau1")
    g_orp = _load_geojson("cz_orp_hranice.geojson", "kod_orp")
    g_obec = _load_geojson("cz_obce_hranice.geojson", "kod_obce")

    step("kraje")
    regions = {
        r["kod_kraj_nuts3"]: {"name": r["nazev_kraj"], "csu_code": r["kod_kraj_csu"], "ruian_code": r["kod_kraj_ruian"],
                              "boundary": g_kraj.get(r["kod_kraj_nuts3"])}
        for r in obce
    }
    region_pk = _upsert(Region, regions, report, "kraje")

    step("okresy")
    districts = {
        r["kod_okres_lau1"]: {"name": r["nazev_okres"], "csu_code": r["kod_okres_csu"], "ruian_code": r["kod_okres_ruian"],
                              "region_id": region_pk[r["kod_kraj_nuts3"]], "boundary": g_okres.get(r["kod_okres_lau1"])}
        for r in obce
    }
    district_pk = _upsert(District, districts, report, "okresy")

    step("ORP")
    # A few ORP reach into two or three okresy (boundary changes after 2020); an ORP's okres is the one
    # holding most of its obce. Each obec keeps its own okres.
    orp_district_votes: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for r in obce:
        orp_district_votes[r["kod_orp"]][r["kod_okres_lau1"]] += 1
    orps = {}
    for r in obce:
        code = r["kod_orp"]
        if code in orps:
            continue
        votes = orp_district_votes[code]
        main_district = max(sorted(votes), key=lambda d: votes[d])
        orps[code] = {"name": r["nazev_orp"], "ruian_code": sldb.get(code, {}).get("kod_orp_ruian", ""),
                      "district_id": district_pk[main_district], "region_id": region_pk[r["kod_kraj_nuts3"]],
                      "boundary": g_orp.get(code)}
    orp_pk = _upsert(Orp, orps, report, "ORP")

    step("POÚ")
    pous = {r["kod_pou"]: {"name": r["nazev_pou"], "orp_id": orp_pk[r["kod_orp"]]} for r in obce}
    pou_pk = _upsert(Pou, pous, report, "POÚ")

    step("obce")
    municipalities = {}
    for r in obce:
        geom = g_obec.get(r["kod_obce"])
        if r["lat"] and r["lon"]:
            lat, lon, derived = round(float(r["lat"]), 6), round(float(r["lon"]), 6), False
        else:
            lon, lat = geometry.centroid(geom)
            lat, lon, derived = round(lat, 6), round(lon, 6), True
        municipalities[r["kod_obce"]] = {
            "name": r["nazev_obce"], "pou_id": pou_pk[r["kod_pou"]], "orp_id": orp_pk[r["kod_orp"]],
            "district_id": district_pk[r["kod_okres_lau1"]], "region_id": region_pk[r["kod_kraj_nuts3"]],
            "lat": lat, "lon": lon, "point_derived": derived, "in_ruian_2026": r["v_ruian_2026"] == "1",
            "boundary": geom,
        }
    _upsert(Municipality, municipalities, report, "obce")

    step("obyvatelé")
    _upsert_population(_population_rows(obce, sldb), report)
    return report


def _population_rows(obce: list[dict], sldb: dict[str, dict]) -> dict[tuple, tuple[int, bool, str]]:
    """All figures the shipped data gives, real and estimated: key (level, code, date, band) → (value, est, source)."""
    rows: dict[tuple, tuple[int, bool, str]] = {}
    sums: dict[tuple, int] = defaultdict(int)
    est_sums: dict[tuple, int] = defaultdict(int)
    for r in obce:
        total = int(r["obyvatel_2020_01_01"])
        rows[(Level.MUNICIPALITY, r["kod_obce"], DATE_2020, AgeBand.TOTAL)] = (total, False, SRC_2020)
        for level, code in ((Level.ORP, r["kod_orp"]), (Level.DISTRICT, r["kod_okres_lau1"]), (Level.REGION, r["kod_kraj_nuts3"])):
            sums[(level, code)] += total
        census = sldb.get(r["kod_orp"])
        if census:
            shares = [int(census["vek_0_14"]), int(census["vek_15_64"]), int(census["vek_65_plus"])]
            parts = largest_remainder(Decimal(total), shares)
            a65 = parts[2]
            a80 = largest_remainder(a65, [SHARE_80_OF_65, 1 - SHARE_80_OF_65])[0]
            bands = {AgeBand.A0_14: parts[0], AgeBand.A15_64: parts[1], AgeBand.A65: a65,
                     AgeBand.A80: a80, AgeBand.A65_79: a65 - a80}
            for band, value in bands.items():
                src = SRC_EST_80 if band in (AgeBand.A80, AgeBand.A65_79) else SRC_EST_BANDS
                rows[(Level.MUNICIPALITY, r["kod_obce"], DATE_2020, band)] = (int(value), True, src)
                for level, code in ((Level.ORP, r["kod_orp"]), (Level.DISTRICT, r["kod_okres_lau1"]),
                                    (Level.REGION, r["kod_kraj_nuts3"])):
                    est_sums[(level, code, band)] += int(value)
    for (level, code), value in sums.items():
        rows[(level, code, DATE_2020, AgeBand.TOTAL)] = (value, False, SRC_2020 + " (součet obcí)")
    for (level, code, band), value in est_sums.items():
        rows[(level, code, DATE_2020, band)] = (value, True, SRC_EST_BANDS + " (součet obcí)")
    # Census 2021 per ORP (real) and per kraj (sum of its ORP, real: ORP never cross kraje).
    orp_region = {r["kod_orp"]: r["kod_kraj_nuts3"] for r in obce}
    region_sums: dict[tuple, list] = defaultdict(lambda: [0, False])
    for code, c in sldb.items():
        a65 = int(c["vek_65_plus"])
        a80 = int(largest_remainder(Decimal(a65), [SHARE_80_OF_65, 1 - SHARE_80_OF_65])[0])
        figures = {
            AgeBand.TOTAL: (int(c["obyvatel_sldb_2021"]), False, SRC_SLDB),
            AgeBand.A0_14: (int(c["vek_0_14"]), False, SRC_SLDB),
            AgeBand.A15_64: (int(c["vek_15_64"]), False, SRC_SLDB),
            AgeBand.A65: (a65, False, SRC_SLDB),
            AgeBand.A80: (a80, True, SRC_EST_80),
            AgeBand.A65_79: (a65 - a80, True, SRC_EST_80),
        }
        for band, (value, est, src) in figures.items():
            rows[(Level.ORP, code, DATE_SLDB, band)] = (value, est, src)
            acc = region_sums[(orp_region[code], band)]
            acc[0] += value
            acc[1] = acc[1] or est
    for (code, band), (value, est) in region_sums.items():
        rows[(Level.REGION, code, DATE_SLDB, band)] = (value, est, (SRC_EST_80 if est else SRC_SLDB) + " (součet ORP)")
    return rows


def _upsert_population(rows: dict[tuple, tuple[int, bool, str]], report: ImportReport, label: str = "počty obyvatel"):
    existing = {
        (p.level, p.unit_code, p.ref_date, p.band): p
        for p in PopulationFigure.objects.filter(ref_date__in={k[2] for k in rows})
    }
    to_create, to_update = [], []
    for key, (value, est, src) in rows.items():
        obj = existing.get(key)
        if obj is None:
            to_create.append(PopulationFigure(level=key[0], unit_code=key[1], ref_date=key[2], band=key[3],
                                              value=value, is_estimate=est, source=src))
        elif (obj.value, obj.is_estimate, obj.source) != (value, est, src):
            obj.value, obj.is_estimate, obj.source = value, est, src
            to_update.append(obj)
        else:
            report.unchanged[label] += 1
    PopulationFigure.objects.bulk_create(to_create, batch_size=1000)
    PopulationFigure.objects.bulk_update(to_update, ["value", "is_estimate", "source"], batch_size=1000)
    report.created[label] += len(to_create)
    report.updated[label] += len(to_update)
