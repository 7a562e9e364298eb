"""Jobs are scoped and attributed: the staff of another kraj neither see a kraj's jobs nor start a kraj's work from
the generic launcher; every job names who started it."""

import pytest
from django.test import Client

from socplan.core.models import Job
from tests.factories import officer

pytestmark = pytest.mark.django_db


def _client(user):
    c = Client()
    c.force_login(user)
    return c


def test_a_user_sees_only_their_own_jobs():
    jmk = officer(can_approve=True, username="jmk-officer")
    zlk = officer(can_approve=True, region_code="CZ072", username="zlk-officer")
    for u in (jmk, zlk):
        u.is_staff = True
        u.save()
    job = Job.objects.create(kind="evaluation_run", params={"region": "CZ064", "year": 2026}, created_by=jmk)
    assert _client(jmk).get(f"/ulohy/{job.pk}/").status_code == 200
    assert _client(zlk).get(f"/ulohy/{job.pk}/").status_code == 404
    assert f"/ulohy/{job.pk}/" not in _client(zlk).get("/ulohy/").content.decode()


def test_staff_of_another_kraj_cannot_start_a_kraj_job_from_the_launcher(django_capture_on_commit_callbacks):
    zlk = officer(can_approve=True, region_code="CZ072", username="zlk-officer")
    zlk.is_staff = True
    zlk.save()
    c = _client(zlk)
    assert "evaluation_run" not in c.get("/ulohy/").content.decode()
    with django_capture_on_commit_callbacks(execute=False):
        assert c.post("/ulohy/spustit/", {"kind": "evaluation_run"}).status_code == 403
    assert not Job.objects.exists()


def test_superuser_starts_it_and_is_named(django_user_model, django_capture_on_commit_callbacks):
    root = django_user_model.objects.create_superuser("job-root")
    with django_capture_on_commit_callbacks(execute=False):
        response = _client(root).post("/ulohy/spustit/", {"kind": "territory_import"})
    job = Job.objects.get()
    assert response.status_code == 302 and job.created_by == root
