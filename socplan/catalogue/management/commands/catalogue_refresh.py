"""`socplan catalogue-refresh`: rebuild the public catalogue from the registry (idempotent); `--kraje` sets
which kraje it lists (comma-separated NUTS 3 codes, "" = every kraj with services)."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from socplan.catalogue.services import catalogue_refresh, catalogue_regions_set


class Command(BaseCommand):
    help = "Obnoví veřejný katalog služeb (vyhledávací text, místa, příznak sítě) z registru."

    def add_arguments(self, parser):
        parser.add_argument("--kraje", default=None, help="Kódy krajů, které katalog zveřejňuje (např. CZ064); "
                            "prázdný řetězec = všechny kraje se službami.")

    def handle(self, *args, **options):
        try:
            result = (catalogue_refresh() if options["kraje"] is None
                      else catalogue_regions_set(region_codes=options["kraje"].split(",")))
        except ValidationError as exc:
            raise CommandError("; ".join(m for ms in exc.message_dict.values() for m in ms)) from exc
        self.stdout.write(
            f"Katalog: {result['entries']} služeb, {result['places']} míst; "
            + ("obsah se změnil." if result["changed"] else "beze změny.")
            + (f" Síť {result['network_year']}." if result["network_year"] else " Síť služeb není k dispozici.")
        )
