"""Background jobs: queued through the database backend, run by the real `db_worker`, progress recorded."""

from django.contrib.auth.models import User
from django.core.management import call_command

from socplan.core.jobs import job_enqueue, job_kind
from socplan.core.models import Job


@job_kind("test_count", "Testovací počítání", staff_only=False)
def _count(progress, n="4"):
    for i in range(int(n)):
        progress(100 * (i + 1) / int(n), f"krok {i + 1}")
    return {"counted": int(n)}


@job_kind("test_fail", "Testovací chyba")
def _fail(progress):
    progress(50, "v půli")
    raise ValueError("schválně")


def test_enqueued_job_runs_in_the_worker(transactional_db):
    # Real commits: the worker closes its database connections between tasks, as in production.
    job = job_enqueue(actor=None, kind="test_count", params={"n": "5"})
    job.refresh_from_db()
    assert job.status == Job.Status.QUEUED and job.task_id
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)
    job.refresh_from_db()
    assert (job.status, job.progress, job.message, job.result) == (Job.Status.DONE, 100, "krok 5", {"counted": 5})
    assert job.started_at <= job.finished_at


def test_failed_job_keeps_its_progress_and_error(db):
    out = []
    from socplan.core.jobs import job_run_now

    job = job_run_now(actor=None, kind="test_fail", echo=lambda p, m: out.append((p, m)))
    assert job.status == Job.Status.FAILED
    assert job.progress == 50
    assert job.message == "ValueError: schválně"
    assert out == [(50, "v půli")]


def test_job_pages(client, db, django_capture_on_commit_callbacks):
    staff = User.objects.create_user("officer", password="x-very-long-pass", is_staff=True)
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post("/ulohy/spustit/", {"kind": "test_count"})
    job = Job.objects.get()
    assert response.status_code == 302 and response.url == f"/ulohy/{job.pk}/"
    page = client.get(response.url).content.decode()
    assert 'http-equiv="refresh"' in page and "čeká ve frontě" in page
    assert "Testovací počítání" in client.get("/ulohy/").content.decode()


def test_staff_only_job_refused_for_others(client, db):
    user = User.objects.create_user("someone", password="x-very-long-pass")
    client.force_login(user)
    assert client.post("/ulohy/spustit/", {"kind": "test_fail"}).status_code == 403
    assert not Job.objects.exists()
