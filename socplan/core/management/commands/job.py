"""`socplan job list | run KIND [key=value …] | enqueue KIND … | watch ID` — background jobs from the CLI."""

import time

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from socplan.core.jobs import KINDS, job_enqueue, job_run_now
from socplan.core.models import Job


def _params(pairs):
    out = {}
    for pair in pairs:
        if "=" not in pair:
            raise CommandError(f"parametr „{pair}“ má mít tvar klíč=hodnota")
        k, v = pair.split("=", 1)
        out[k] = v
    return out


class Command(BaseCommand):
    help = "Úlohy na pozadí: výpis, spuštění (s ukazatelem průběhu), zařazení do fronty, sledování."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["list", "kinds", "run", "enqueue", "watch"])
        parser.add_argument("args", nargs="*")

    def handle(self, *args, action, **options):
        if action == "kinds":
            for k in KINDS.values():
                self.stdout.write(f"{k.name:28} {k.title}")
        elif action == "list":
            for job in Job.objects.all()[:50]:
                self.stdout.write(f"#{job.pk:<6} {job.kind:24} {job.get_status_display():14} {job.progress:3d} %  {job.message}")
        elif action in ("run", "enqueue"):
            if not args:
                raise CommandError("chybí druh úlohy (viz `socplan job kinds`)")
            kind, params = args[0], _params(args[1:])
            if kind not in KINDS:
                raise CommandError(f"neznámý druh úlohy „{kind}“ (viz `socplan job kinds`)")
            if action == "enqueue":
                job = job_enqueue(actor=None, kind=kind, params=params)
                self.stdout.write(f"Úloha #{job.pk} zařazena do fronty; sledujte ji: socplan job watch {job.pk}")
                return
            bar = tqdm(total=100, desc=KINDS[kind].title, unit="%", file=self.stderr._out)
            job = job_run_now(actor=None, kind=kind, params=params,
                              echo=lambda pct, msg: (bar.update(pct - bar.n), bar.set_postfix_str(msg)))
            bar.close()
            self._finish(job)
        elif action == "watch":
            if not args:
                raise CommandError("chybí číslo úlohy")
            job = Job.objects.filter(pk=args[0]).first()
            if job is None:
                raise CommandError(f"úloha #{args[0]} neexistuje")
            bar = tqdm(total=100, desc=f"#{job.pk} {job.kind}", unit="%", file=self.stderr._out)
            while not job.finished:
                bar.update(job.progress - bar.n)
                bar.set_postfix_str(job.message)
                time.sleep(0.5)
                job.refresh_from_db()
            bar.update(job.progress - bar.n)
            bar.close()
            self._finish(job)

    def _finish(self, job):
        if job.status == Job.Status.FAILED:
            raise CommandError(f"Úloha #{job.pk} selhala: {job.message}")
        self.stdout.write(self.style.SUCCESS(f"Úloha #{job.pk} dokončena: {job.result}"))
