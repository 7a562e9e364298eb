"""`socplan demo_users`: create or reset the demo users (one per role in Jihomoravský kraj) and print them."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from socplan.accounts.demo import demo_users_create


class Command(BaseCommand):
    help = "Vytvoří (nebo obnoví) demo uživatele pro každou roli v demo kraji a vypíše jejich přihlášení."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true",
                            help="i když DEBUG není zapnutý (demo hesla jsou veřejná — jen pro lokální demo)")

    def handle(self, *args, force, **options):
        if not settings.DEBUG and not force and "sqlite" not in settings.DATABASES["default"]["ENGINE"]:
            raise CommandError("Demo uživatelé mají veřejná hesla; na produkční databázi je nevytvářejte "
                               "(pro lokální demo na PostgreSQL použijte --force).")
        for username, password, role in demo_users_create():
            self.stdout.write(f"{username:20} {password:20} {role}")
