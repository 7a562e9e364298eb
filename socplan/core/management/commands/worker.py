"""`socplan worker`: the task worker (`db_worker`) with the heartbeat and the periodic jobs (reminders,
e-mail digests). Run one or more in production; `socplan demo` starts one."""

from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from socplan.core.worker import Clock


class Command(DbWorkerCommand):
    help = "Spustí zpracování úloh na pozadí včetně pravidelných úloh (připomínky, souhrny e-mailů)."

    def handle(self, *args, **options):
        clock = Clock()
        clock.start()
        try:
            super().handle(*args, **options)
        finally:
            clock.stop.set()
