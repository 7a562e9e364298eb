"""`socplan import-registry FILE`: import the MPSV registry open data (rpss.json) — streaming, idempotent."""

import os

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from socplan.registry.mpsv_import.parse import FileRefused
from socplan.registry.services import registry_import_file


class _ProgressReader:
    """File wrapper that advances a tqdm bar by the bytes ijson reads."""

    def __init__(self, fh, bar):
        self._fh, self._bar = fh, bar

    def read(self, n=-1):
        data = self._fh.read(n)
        self._bar.update(len(data))
        return data

    def seek(self, *args):
        position = self._fh.seek(*args)
        self._bar.n = position  # the reader may start again from the beginning (see mpsv_import/stream.py)
        self._bar.refresh()
        return position

    def tell(self):
        return self._fh.tell()


class Command(BaseCommand):
    help = ("Načte otevřená data registru poskytovatelů sociálních služeb MPSV (rpss.json). Opakovaný import "
            "téhož souboru nic nezmění; vadný soubor se odmítne celý, vadný záznam se odmítne a vypíše.")

    def add_arguments(self, parser):
        parser.add_argument("file", help="soubor rpss.json (kořenový klíč „polozky“)")
        parser.add_argument("--no-progress", action="store_true", help="nezobrazovat průběh")

    def handle(self, *args, file, no_progress, **options):
        if not os.path.isfile(file):
            raise CommandError(f"Soubor {file} neexistuje.")
        size = os.path.getsize(file)
        show = not no_progress and options.get("verbosity", 1) > 0
        bar = tqdm(total=size, unit="B", unit_scale=True, desc="čtení registru", disable=not show)
        try:
            report = registry_import_file(path=file, wrap=lambda fh: _ProgressReader(fh, bar))
        except FileRefused as exc:
            raise CommandError(f"Soubor odmítnut, nic nebylo změněno. {exc}")
        finally:
            bar.close()
        for line in report.lines():
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS("Import dokončen." if report.changed else "Nic se nezměnilo."))
