"""`socplan demo`: the one-command start — migrate, load the demo region, the modules' demos and the demo users,
print the logins, serve.

Idempotent: running it again reuses the existing database and changes nothing that is already loaded.
"""

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from socplan.accounts.demo import demo_users_create
from socplan.site.demo import app_demos_load


class Command(BaseCommand):
    help = "Připraví demo (databáze, území, demo kraj, uživatelé) a spustí webový server."

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")
        parser.add_argument("--no-serve", action="store_true", help="jen připravit data, server nespouštět")

    def handle(self, *args, addrport, no_serve, **options):
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
        if not no_serve:
            call_command("runserver", addrport, use_reloader=False)
