"""`socplan import-territory`: load the shipped national territory (idempotent)."""

from django.core.management.base import BaseCommand

from socplan.territory.services import territory_import


class Command(BaseCommand):
    help = "Načte území ČR (kraje, okresy, ORP, POÚ, obce, hranice, obyvatelstvo) z dat dodaných s aplikací."

    def handle(self, *args, **options):
        report = territory_import(progress=lambda step: self.stdout.write(f"… {step}"))
        for line in report.lines():
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS("Území načteno." if report.changed else "Území je aktuální, nic se nezměnilo."))
