"""`socplan catalogue-refresh`: rebuild the public catalogue from the registry (idempotent)."""

from django.core.management.base import BaseCommand

from socplan.catalogue.services import catalogue_refresh


class Command(BaseCommand):
    help = "Obnoví veřejný katalog služeb (vyhledávací text, místa, příznak sítě) z registru."

    def handle(self, *args, **options):
        result = catalogue_refresh()
        self.stdout.write(
            f"Katalog: {result['entries']} služeb, {result['places']} míst; "
            + ("obsah se změnil." if result["changed"] else "beze změny.")
            + (f" Síť {result['network_year']}." if result["network_year"] else " Síť služeb není k dispozici.")
        )
