"""`socplan evaluate --region CZ064 --year 2026 [--json] [--store] [--methodology ID]`

Evaluates every service of the kraj in the year by its methodology (the latest approved revision, else the
latest draft) from the current data. ``--json`` prints ``{"region", "year", "results": [{"service_id",
"kind", "score", "rank", "meets_threshold", "missing"}]}`` (service_id = registry Service primary key,
services in primary-key order); services the methodology does not evaluate are reported on stderr.
``--store`` also saves the results as an evaluation run (what the pages and the API show).
"""

import json

from django.core.management.base import BaseCommand, CommandError

from socplan.evaluation import engine
from socplan.evaluation.models import Methodology
from socplan.evaluation.selectors import evaluation_compute
from socplan.evaluation.services import evaluation_run
from socplan.territory.models import Region


class Command(BaseCommand):
    help = "Ohodnotí služby kraje v roce podle metodiky hodnocení (volitelně JSON a uložení výsledků)."

    def add_arguments(self, parser):
        parser.add_argument("--region", required=True, help="kód kraje (NUTS3), např. CZ064")
        parser.add_argument("--year", required=True, type=int)
        parser.add_argument("--json", action="store_true", help="strojově čitelný výstup (JSON)")
        parser.add_argument("--store", action="store_true", help="uložit výsledky jako výpočet hodnocení")
        parser.add_argument("--methodology", type=int, help="ID metodiky (jinak metodika kraje pro rok)")

    def handle(self, *args, **opts):
        region = Region.objects.filter(code=opts["region"]).first()
        if region is None:
            raise CommandError(f"Neznámý kraj {opts['region']!r}.")
        year = opts["year"]
        methodology = None
        if opts["methodology"]:
            methodology = Methodology.objects.filter(pk=opts["methodology"], region=region).first()
            if methodology is None:
                raise CommandError(f"Metodika {opts['methodology']} pro kraj {region.code} neexistuje.")
        try:
            comp = evaluation_compute(region, year, methodology=methodology)
        except engine.MethodologyError as exc:
            raise CommandError(str(exc))
        if comp is None:
            raise CommandError(f"Pro kraj {region.code} a rok {year} není žádná metodika hodnocení.")
        for s in comp.inputs.skipped:
            self.stderr.write(f"nehodnoceno: služba {s['service_id']} – {s['reason']}")
        if opts["store"]:
            run = evaluation_run(actor=None, region=region, year=year, methodology=comp.methodology)
            self.stderr.write(f"uloženo jako výpočet {run.pk}")
        data = engine.to_json_dict(comp.result, region.code, year)
        if opts["json"]:
            self.stdout.write(json.dumps(data, ensure_ascii=False))
            return
        m = comp.methodology
        res = data["results"]
        meets = sum(1 for r in res if r["meets_threshold"])
        missing = sum(1 for r in res if r["missing"])
        self.stdout.write(f"Kraj {region.name} ({region.code}), rok {year}; metodika {m.name}, verze {m.revision} "
                          f"({m.get_status_display()}).")
        self.stdout.write(f"Hodnoceno {len(res)} služeb, práh splňuje {meets}, s chybějícími údaji {missing}.")
        names = dict(comp.inputs.meta["name"].items())
        self.stdout.write(f"{'ID':>7}  {'§':<4} {'body':>6} {'pořadí':>6}  práh  služba")
        for r in sorted(res, key=lambda r: (r["kind"], r["rank"], r["service_id"])):
            self.stdout.write(f"{r['service_id']:>7}  {r['kind']:<4} {r['score']:>6.2f} {r['rank']:>6}  "
                              f"{'ano ' if r['meets_threshold'] else 'ne  '}  {names.get(r['service_id'], '')}")
