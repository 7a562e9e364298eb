"""`socplan demo`: the one-command start — migrate, load the demo region, the modules' demos and the demo users,
print the logins, start the background worker (jobs, reminders, e-mails) and serve.

Idempotent: running it again reuses the existing database and changes nothing that is already loaded. The
worker is a child process (`socplan worker`) that stops with the server; `--no-worker` leaves it out.
"""

import os
import subprocess
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from socplan.accounts.demo import demo_users_create
from socplan.site.demo import app_demos_load


def worker_command() -> list[str]:
    """The same interpreter and settings as this process, running `socplan worker`."""
    return [sys.executable, "-c", "from socplan.cli import main; main()", "worker", "--no-startup-delay",
            "--verbosity", "0"]


class Command(BaseCommand):
    help = "Připraví demo (databáze, území, demo kraj, uživatelé), spustí zpracování úloh na pozadí a webový server."

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")
        parser.add_argument("--no-serve", action="store_true", help="jen připravit data, server nespouštět")
        parser.add_argument("--no-worker", action="store_true",
                            help="nespouštět zpracování úloh na pozadí (úlohy, připomínky, e-maily)")

    def handle(self, *args, addrport, no_serve, no_worker, **options):
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write(f"Databáze: {settings.DATABASES['default']['NAME']}")
        call_command("load_demo", stdout=self.stdout)
        app_demos_load(self.stdout)
        logins = demo_users_create()
        url = f"http://{addrport}/"
        self.stdout.write(self.style.SUCCESS(f"\nsocplan běží na {url}"))
        self.stdout.write("Demo přihlášení (uživatel / heslo):")
        for username, password, role in logins:
            self.stdout.write(f"  {username:24} {password:20} {role}")
        if no_serve:
            return
        if "SOCPLAN_BASE_URL" not in os.environ:
            settings.SOCPLAN_BASE_URL = url  # links in the demo's e-mails lead to this server
        worker = None
        if not no_worker:
            env = {**os.environ, "SOCPLAN_BASE_URL": settings.SOCPLAN_BASE_URL}
            worker = subprocess.Popen(worker_command(), env=env)  # noqa: S603 (our own interpreter and command)
            self.stdout.write(f"Úlohy na pozadí: socplan worker (proces {worker.pid}); e-maily se vypisují sem.")
        try:
            call_command("runserver", addrport, use_reloader=False)
        finally:
            if worker is not None:
                worker.terminate()
                worker.wait(timeout=10)
