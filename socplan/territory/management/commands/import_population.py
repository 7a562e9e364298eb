"""`socplan import-population FILE`: population by age band from a ČSÚ open-data CSV (all or nothing)."""

from django.core.management.base import BaseCommand, CommandError

from socplan.territory.population_import import PopulationFileError, population_import


class Command(BaseCommand):
    help = "Načte počty obyvatel podle věkových skupin ze souboru otevřených dat ČSÚ (CSV)."

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file, **options):
        try:
            report = population_import(path=file)
        except PopulationFileError as exc:
            raise CommandError(str(exc))
        for line in report.lines():
            self.stdout.write(line)
