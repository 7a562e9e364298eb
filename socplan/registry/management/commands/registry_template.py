"""`socplan registry-template --provider ICO --year Y -o FILE`: the provider's yearly-data XLSX template."""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from socplan.registry.models import Provider
from socplan.registry.xlsx_exchange import template_build, template_filename, template_services


class Command(BaseCommand):
    help = ("Vytvoří šablonu XLSX ročních údajů (úvazky, náklady, výnosy) předvyplněnou službami poskytovatele "
            "a údaji, které socplan za rok má.")

    def add_arguments(self, parser):
        parser.add_argument("--provider", required=True, help="IČO poskytovatele")
        parser.add_argument("--year", required=True, type=int, help="rok údajů")
        parser.add_argument("-o", "--output", help="výstupní soubor (výchozí socplan-rocni-udaje-IČO-ROK.xlsx)")
        parser.add_argument("--user", help="uživatel, jehož oprávnění se uplatní (výchozí: systém, všechny služby)")

    def handle(self, *args, provider, year, output, user, **options):
        if not 2000 <= year <= 2100:
            raise CommandError("Rok musí být mezi 2000 a 2100.")
        obj = Provider.objects.filter(ico=provider.strip()).first()
        if obj is None:
            raise CommandError(f"Poskytovatel s IČO {provider} v socplan není.")
        actor = None
        if user:
            actor = get_user_model().objects.filter(username=user).first()
            if actor is None:
                raise CommandError(f"Uživatel {user} neexistuje.")
        try:
            content = template_build(provider=obj, year=year, user=actor)
        except PermissionDenied as exc:
            raise CommandError(str(exc))
        path = output or template_filename(obj, year)
        with open(path, "wb") as fh:
            fh.write(content)
        n = len(template_services(provider=obj, year=year, user=actor))
        self.stdout.write(self.style.SUCCESS(f"Šablona {path}: {obj}, rok {year}, služeb {n}."))
