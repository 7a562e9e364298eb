"""Jobs are scoped and attributed: the staff of another kraj neither see a kraj's jobs nor start a kraj's work from
the generic launcher; every job names who started it."""

import pytest
from django.test import Client

from socplan.accounts.scope import restrict
from socplan.core.jobs import job_enqueue
from socplan.core.models import Job
from tests.factories import ServiceFactory, officer, orp_coordinator, provider_user, region_admin

pytestmark = pytest.mark.django_db


def _client(user):
    c = Client()
    c.force_login(user)
    return c


def test_a_kraj_job_is_seen_by_its_starter_and_the_kraj_staff_not_by_another_kraj(
        django_user_model, django_capture_on_commit_callbacks):
    jmk = officer(can_approve=True, username="jmk-officer")
    colleague = region_admin(username="jmk-admin")
    zlk = officer(can_approve=True, region_code="CZ072", username="zlk-officer")
    for u in (jmk, zlk):
        u.is_staff = True
        u.save()
    with django_capture_on_commit_callbacks(execute=False):
        job = job_enqueue(actor=jmk, kind="evaluation_run", params={"region": "CZ064", "year": 2026})
    assert job.region.code == "CZ064" and job.created_by == jmk
    detail = f"/ulohy/{job.pk}/"
    for user in (jmk, colleague, django_user_model.objects.create_superuser("job-root-sees")):
        assert _client(user).get(detail).status_code == 200, user
        assert detail in _client(user).get("/ulohy/").content.decode(), user
    for user in (zlk, provider_user(ServiceFactory().provider, username="job-provider"), orp_coordinator(username="job-orp")):
        assert _client(user).get(detail).status_code == 404, user
        assert detail not in _client(user).get("/ulohy/").content.decode(), user
    assert _client(zlk).get("/ulohy/").status_code == 200
    # the scope is the permission layer's: the same rows through restrict()
    assert set(restrict(Job.objects.all(), colleague, "view")) == {job}
    assert not restrict(Job.objects.all(), zlk, "view").exists()


def test_a_job_without_a_kraj_is_seen_only_by_its_starter(django_capture_on_commit_callbacks):
    starter = officer(username="job-starter")
    with django_capture_on_commit_callbacks(execute=False):
        job = job_enqueue(actor=starter, kind="territory_import")
    assert job.region is None
    assert _client(starter).get(f"/ulohy/{job.pk}/").status_code == 200
    assert _client(region_admin(username="job-admin-same-kraj")).get(f"/ulohy/{job.pk}/").status_code == 404


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
