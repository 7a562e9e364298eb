"""`socplan network-check --region CZ064 --year 2026 [--amendment N] [--json]`: every entry of the year's network
with the result of each entry condition (and its reason). Without --amendment the current version is checked
(the latest approved amendment, else the latest draft)."""

import json

from django.core.management.base import BaseCommand, CommandError

from socplan.network import selectors
from socplan.network.engine.conditions import checks_to_json
from socplan.network.models import NetworkVersion
from socplan.territory.models import Region


class Command(BaseCommand):
    help = "Ověří podmínky vstupu do sítě u všech položek sítě kraje na rok."

    def add_arguments(self, parser):
        parser.add_argument("--region", required=True, help="kód kraje (NUTS3), např. CZ064")
        parser.add_argument("--year", required=True, type=int)
        parser.add_argument("--amendment", type=int, default=None, help="číslo dodatku (0 = základní znění)")
        parser.add_argument("--json", action="store_true", help="strojově čitelný výstup (JSON)")
        parser.add_argument("--failed-only", action="store_true", help="jen položky, které podmínky nesplňují")

    def handle(self, *args, region, year, amendment, json: bool, failed_only: bool, **options):
        r = Region.objects.filter(code=region).first()
        if r is None:
            raise CommandError(f"Neznámý kraj {region}.")
        if amendment is None:
            version = selectors.current_version(r, year)
        else:
            version = NetworkVersion.objects.filter(region=r, year=year, amendment=amendment).first()
        if version is None:
            raise CommandError(f"Síť kraje {region} na rok {year} neexistuje.")
        checks = selectors.check_version(version)
        if failed_only:
            checks = [c for c in checks if not c.eligible]
        if json:
            data = checks_to_json(checks, region=r.code, year=year, amendment=version.amendment,
                                  version_status=version.status)
            self.stdout.write(_dumps(data))
            return
        self.stdout.write(f"{version.label} ({version.status_label}): {len(checks)} položek")
        for c in checks:
            flag = "ANO" if c.eligible else "NE "
            self.stdout.write(f"[{flag}] {c.service_id} {c.label} ({c.tier})")
            for res in c.results:
                mark = "✔" if res.passed else "✘"
                self.stdout.write(f"    {mark} {res.name}: {res.reason}")
        eligible = sum(1 for c in checks if c.eligible)
        self.stdout.write(f"Splňuje všechny podmínky: {eligible} z {len(checks)}")


def _dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=1, default=str)
