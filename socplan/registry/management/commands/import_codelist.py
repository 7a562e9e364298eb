"""`socplan import-codelist FILE…`: learn ids and names from official MPSV code lists (ciselniky/*.json)."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from socplan.registry.services import codelist_sync_file, codelists_load


class Command(BaseCommand):
    help = ("Načte oficiální číselník MPSV (druhy-socialni-sluzby.json, cilove-skupiny-osoby.json, "
            "vekove-skupiny-osoby.json) a doplní podle něj kódy a názvy.")

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+")

    def handle(self, *args, files, **options):
        codelists_load()
        for path in files:
            try:
                lines = codelist_sync_file(path=path)
            except (OSError, ValidationError) as exc:
                raise CommandError(f"{path}: {exc}")
            self.stdout.write(f"{path}: {len(lines)} změn")
            for line in lines:
                self.stdout.write("  " + line)
