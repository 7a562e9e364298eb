"""`socplan load-demo`: the Jihomoravský kraj demo (territory, registry, synthetic year data, demo users).

Idempotent: a second run finds everything in place and changes nothing.
"""

import time

from django.core.management import call_command
from django.core.management.base import BaseCommand

from socplan.accounts.demo import demo_users_create
from socplan.registry.demo import DEMO_YEAR, demo_region_load


class Command(BaseCommand):
    help = "Načte demo Jihomoravského kraje: území, registr služeb (skutečné + syntetické), úvazky a hospodaření."

    def handle(self, *args, **options):
        started = time.perf_counter()
        call_command("import_territory", stdout=self.stdout, verbosity=options.get("verbosity", 1))
        counts = demo_region_load(progress=lambda step: self.stdout.write(f"… {step}"))
        self.stdout.write(
            f"Demo kraj: skutečné služby nové {counts['real']}, syntetické nové {counts['synthetic']}, "
            f"personální zajištění {DEMO_YEAR} nové {counts['staffing']}, hospodaření {DEMO_YEAR} nové "
            f"{counts['economics']}."
        )
        demo_users_create()
        self.stdout.write(self.style.SUCCESS(f"Demo připraveno za {time.perf_counter() - started:.1f} s."))
