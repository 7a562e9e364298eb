"""Background jobs: a registry of job kinds, enqueueing, and the task that runs them with progress.

A job kind is a plain function `fn(progress, **params) -> dict` registered with `@job_kind("name", title)`.
`progress(percent, message)` records how far it got; the returned dict is stored as the job's result.
`job_enqueue` creates the `Job` row and hands it to the task queue after the transaction commits; the
database-backed worker (`socplan db_worker`) runs it. `job_run_now` runs one in the foreground (CLI).
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from .models import Job

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class JobKind:
    name: str
    title: str
    fn: Callable[..., dict]
    staff_only: bool = True


KINDS: dict[str, JobKind] = {}


def job_kind(name: str, title: str, *, staff_only: bool = True):
    def register(fn):
        KINDS[name] = JobKind(name, title, fn, staff_only)
        return fn

    return register


class _Progress:
    """Writes progress to the job row, at most once per whole percent, outside the job's own transaction."""

    def __init__(self, job: Job, echo: Callable[[int, str], None] | None = None):
        self.job, self.echo, self.last = job, echo, -1

    def __call__(self, percent: float, message: str = ""):
        pct = max(0, min(100, int(percent)))
        if pct == self.last and not message:
            return
        self.last = pct
        Job.objects.filter(pk=self.job.pk).update(progress=pct, message=message or self.job.message)
        if message:
            self.job.message = message
        if self.echo:
            self.echo(pct, message)


def _job_region(params: dict):
    """The kraj a job's parameters name (``{"region": "<code>", …}``), so that its staff see the job."""
    code = params.get("region")
    if not isinstance(code, str) or not code:
        return None
    return Job._meta.get_field("region").related_model.objects.filter(code=code).only("pk").first()


def job_enqueue(*, actor, kind: str, params: dict | None = None) -> Job:
    if kind not in KINDS:
        raise ValueError(f"neznámý druh úlohy {kind!r}")
    params = params or {}
    job = Job.objects.create(kind=kind, params=params, created_by=actor if getattr(actor, "pk", None) else None,
                             region=_job_region(params))

    def send():
        result = run_job.enqueue(job.pk)
        Job.objects.filter(pk=job.pk).update(task_id=str(result.id))

    transaction.on_commit(send)
    return job


def _execute(job: Job, echo=None) -> Job:
    kind = KINDS[job.kind]
    Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING, started_at=timezone.now(), progress=0)
    progress = _Progress(job, echo)
    try:
        result = kind.fn(progress, **job.params)
    except Exception as exc:  # the job records the failure; the worker keeps running
        log.exception("job %s failed", job.pk)
        Job.objects.filter(pk=job.pk).update(
            status=Job.Status.FAILED, finished_at=timezone.now(),
            message=f"{type(exc).__name__}: {exc}", result={"traceback": traceback.format_exc()[-4000:]},
        )
    else:
        Job.objects.filter(pk=job.pk).update(
            status=Job.Status.DONE, finished_at=timezone.now(), progress=100, result=result or {},
        )
    job.refresh_from_db()
    return job


@task()
def run_job(job_id: int) -> str:
    job = Job.objects.get(pk=job_id)
    return _execute(job).status


def job_run_now(*, actor, kind: str, params: dict | None = None, echo=None) -> Job:
    """Run a job in the foreground (the CLI), recording it like a queued one."""
    if kind not in KINDS:
        raise ValueError(f"neznámý druh úlohy {kind!r}")
    params = params or {}
    job = Job.objects.create(kind=kind, params=params, created_by=actor, region=_job_region(params))
    return _execute(job, echo)
