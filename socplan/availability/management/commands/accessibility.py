"""`socplan accessibility --kind K --region CZ064|--country --method 2sfca|e2sfca|bfca --radius-km R [--json|--csv]`.

Spatial accessibility (2SFCA / E2SFCA) of one kind of service from every obec of a kraj or of the country.

--json prints {"kind", "method", "radius_km", "results": [{"obec", "population", "lat", "lon", "value"}, …],
"facilities": [{"id", "obec", "lat", "lon", "capacity"}, …]} — exactly the demand and supply points used.
--csv prints one row per obec (obec, name, orp, population, lat, lon, value, value_per_1000), written through
``socplan.core.render.safe_cells`` (a text that looks like a formula gets a leading apostrophe).
Without either, a summary per ORP.
"""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from socplan.availability import adapter, selectors
from socplan.availability.models import TravelTimeMatrix
from socplan.core.render import safe_cells
from socplan.core.years import calendar_year
from socplan.registry.models import ServiceKind
from socplan.territory.models import Level, Region


class Command(BaseCommand):
    help = "Prostorová dostupnost druhu sociální služby z každé obce (2SFCA / E2SFCA)."

    def add_arguments(self, parser):
        parser.add_argument("--kind", required=True, help="§ druhu služby, např. 49 nebo 60a")
        where = parser.add_mutually_exclusive_group(required=True)
        where.add_argument("--region", help="kód kraje (NUTS3), např. CZ064")
        where.add_argument("--country", action="store_true", help="celá Česká republika")
        parser.add_argument("--method", choices=["2sfca", "e2sfca", "bfca"], default="2sfca")
        parser.add_argument("--radius-km", type=float, default=30.0,
                            help="dosah (km; s maticí dojezdových časů v minutách), výchozí 30")
        parser.add_argument("--sigma-km", type=float, default=None,
                            help="σ gaussovského útlumu E2SFCA (výchozí dosah / 2)")
        parser.add_argument("--year", type=int, default=None, help="rok údajů (výchozí: poslední rok s cíli kraje)")
        parser.add_argument("--matrix", type=int, default=None, help="id načtené matice dojezdových časů")
        fmt = parser.add_mutually_exclusive_group()
        fmt.add_argument("--json", action="store_true", help="strojově čitelný výstup JSON")
        fmt.add_argument("--csv", action="store_true", help="tabulka CSV po obcích")

    def handle(self, *args, kind, region, country, method, radius_km, sigma_km, year, matrix, json: bool,
               csv: bool, **options):
        kind_obj = ServiceKind.objects.filter(code=kind).first()
        if kind_obj is None:
            raise CommandError(f"Neznámý druh služby {kind!r}: zadejte § druhu, např. 49 nebo 60a.")
        if country:
            scope = adapter.COUNTRY
            region_obj = None
        else:
            region_obj = Region.objects.filter(code=region).first()
            if region_obj is None:
                raise CommandError(f"Neznámý kraj {region!r} (zadejte kód NUTS3, např. CZ064).")
            scope = region_obj.code
        if not 0 < radius_km <= 500:
            raise CommandError("--radius-km musí být kladné číslo (nejvýše 500).")
        if year is None:
            year = selectors.default_year(region_obj) if region_obj else calendar_year()
        matrix_obj = None
        if matrix is not None:
            matrix_obj = TravelTimeMatrix.objects.filter(pk=matrix).first()
            if matrix_obj is None:
                raise CommandError(f"Matice dojezdových časů {matrix} neexistuje.")
        try:
            res = selectors.accessibility(scope=scope, kind_code=kind_obj.code, year=year, method=method,
                                          radius=radius_km, sigma=sigma_km, matrix=matrix_obj)
        except (LookupError, ValueError) as exc:
            raise CommandError(str(exc))
        if json:
            self._json(res)
        elif csv:
            self._csv(res)
        else:
            self._summary(res)

    def _json(self, res):
        self.stdout.write(json_dumps(res.json()))

    def _csv(self, res):
        writer = csv_writer(self.stdout)
        writer.writerow(["obec", "name", "orp", "population", "lat", "lon", "value", "value_per_1000"])
        f = res.frame
        for i in range(len(f)):
            v = float(res.values[i])
            writer.writerow([f.codes[i], f.names[i], f.orp[i], int(round(float(res.demand.population[i]))),
                             f"{f.lat[i]:.6f}", f"{f.lon[i]:.6f}", repr(v), repr(v * 1000)])

    def _summary(self, res):
        self.stdout.write(f"{res.scope_name}: druh § {res.kind}, {res.method}, dosah {res.radius:g} {res.cost_unit}, "
                          f"rok {res.year}, skupina obyvatel {res.band}, jednotka {res.unit}")
        self.stdout.write(f"Zařízení použitá ve výpočtu: {len(res.facilities)} "
                          f"(kapacita {res.facilities.capacity.sum():g}); obcí: {len(res.frame)}")
        self.stdout.write("Dostupnost na 1 000 obyvatel skupiny, průměr ORP vážený obyvateli:")
        for row in res.per_unit(Level.ORP):
            value = "—" if row["value"] is None else f"{row['value']:.3f}"
            self.stdout.write(f"  {row['code']}  {row['name']:<32} {value:>10}")


def json_dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False)


def csv_writer(stream):
    return safe_cells.csv_writer(stream, lineterminator="\n")
