"""`socplan import-travel-times FILE --name NAME [--region CZ064] [--source TEXT]`: a travel-time matrix.

The CSV has the header `origin,destination,minutes` (ČSÚ obec codes, minutes); a missing pair means the
destination cannot be reached. The whole file is checked first (unknown codes, duplicates, bad minutes);
nothing is stored when it fails. Use the matrix with `socplan accessibility … --matrix ID`.
"""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from socplan.availability.services import travel_time_matrix_import
from socplan.territory.models import Region


class Command(BaseCommand):
    help = "Načte matici dojezdových časů mezi obcemi (CSV origin,destination,minutes)."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--name", required=True, help="název matice")
        parser.add_argument("--region", help="kód kraje (NUTS3); bez něj matice pro celou ČR")
        parser.add_argument("--source", default="", help="zdroj dat")

    def handle(self, *args, file, name, region, source, **options):
        region_obj = None
        if region:
            region_obj = Region.objects.filter(code=region).first()
            if region_obj is None:
                raise CommandError(f"Neznámý kraj {region!r}.")
        try:
            content = Path(file).read_bytes()
        except OSError as exc:
            raise CommandError(f"Soubor nelze otevřít: {exc.strerror}")
        try:
            matrix = travel_time_matrix_import(actor=None, name=name, content=content, region=region_obj,
                                               source=source)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages))
        self.stdout.write(f"Matice {matrix.pk} „{matrix.name}“: {matrix.n_pairs} dvojic, {matrix.n_obce} obcí, "
                          f"nejdelší čas {matrix.max_minutes:g} min.")
