"""The worker's heartbeat and the periodic job kinds it enqueues.

`socplan worker` runs the task worker (`db_worker`) and beside it a small clock: every half minute it records
that a worker is alive (the job pages warn when none was seen for a while) and enqueues each periodic job kind
when its interval has passed. Periodic jobs are idempotent (a second run changes nothing), so two workers that
both enqueue one cost a little time, never a duplicate e-mail.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from datetime import timedelta

from django.core.cache import cache
from django.utils import timezone

HEARTBEAT_KEY = "socplan:worker:heartbeat"
HEARTBEAT_EVERY = 30  # seconds
STALE_AFTER = timedelta(minutes=3)


@dataclass(frozen=True)
class Periodic:
    kind: str
    every_seconds: int


PERIODIC: dict[str, Periodic] = {}


def periodic(*, every_seconds: int):
    """Mark a registered job kind (apply above `@job_kind`) as run by the worker every `every_seconds`."""

    def register(fn):
        from .jobs import KINDS

        name = next(k.name for k in KINDS.values() if k.fn is fn)
        PERIODIC[name] = Periodic(name, every_seconds)
        return fn

    return register


def heartbeat(now=None) -> None:
    cache.set(HEARTBEAT_KEY, (now or timezone.now()).isoformat(), timeout=24 * 3600)


def last_seen():
    value = cache.get(HEARTBEAT_KEY)
    return timezone.datetime.fromisoformat(value) if value else None


def worker_alive(now=None) -> bool:
    seen = last_seen()
    return seen is not None and (now or timezone.now()) - seen < STALE_AFTER


def periodic_due(now: float, last: dict[str, float]) -> list[str]:
    """Kinds whose interval has passed since `last` (seconds since the epoch); the first tick runs them all."""
    return [p.kind for p in PERIODIC.values() if now - last.get(p.kind, float("-inf")) >= p.every_seconds]


class Clock(threading.Thread):
    """Heartbeat and periodic enqueueing, in a daemon thread beside the worker loop."""

    def __init__(self):
        super().__init__(daemon=True, name="socplan-clock")
        self.stop = threading.Event()
        self.last: dict[str, float] = {}

    def tick(self) -> list[str]:
        from django.db import close_old_connections

        from .jobs import job_enqueue

        close_old_connections()
        heartbeat()
        now = time.time()
        due = periodic_due(now, self.last)
        for kind in due:
            job_enqueue(actor=None, kind=kind)
            self.last[kind] = now
        return due

    def run(self):
        while not self.stop.is_set():
            self.tick()
            self.stop.wait(HEARTBEAT_EVERY)
