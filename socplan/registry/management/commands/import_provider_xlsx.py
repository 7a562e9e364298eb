"""`socplan import-provider-xlsx FILE`: import a filled yearly-data template (all or nothing)."""

import os

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from socplan.registry.xlsx_exchange import XlsxImportError, XlsxRefused, provider_xlsx_import


class Command(BaseCommand):
    help = ("Načte vyplněnou šablonu ročních údajů poskytovatele (XLSX). Obsahuje-li soubor chybu, neuloží se nic "
            "a vypíše se každá chybná buňka.")

    def add_arguments(self, parser):
        parser.add_argument("file", help="vyplněná šablona (XLSX)")
        parser.add_argument("--user", help="uživatel, pod nímž se změny zapíší do historie (a jehož oprávnění "
                                           "se ověří); výchozí: systém")

    def handle(self, *args, file, user, **options):
        if not os.path.isfile(file):
            raise CommandError(f"Soubor {file} neexistuje.")
        actor = None
        if user:
            actor = get_user_model().objects.filter(username=user).first()
            if actor is None:
                raise CommandError(f"Uživatel {user} neexistuje.")
        try:
            result = provider_xlsx_import(actor=actor, file=file)
        except XlsxImportError as exc:
            for e in exc.cell_errors:
                self.stderr.write(str(e))
            raise CommandError(f"Soubor nebyl načten, nic nebylo uloženo ({len(exc.cell_errors)} chyb).")
        except XlsxRefused as exc:
            raise CommandError(str(exc))
        self.stdout.write(self.style.SUCCESS(result.summary()))
