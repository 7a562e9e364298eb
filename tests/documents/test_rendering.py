"""Stored renderings: one per content (fingerprint), the background job, and download permissions."""

import pytest

from socplan.core.jobs import job_run_now
from socplan.documents.models import GeneratedDocument
from socplan.documents.services import document_render
from socplan.planning import services as svc

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def plan(db):
    from socplan.territory.models import Region

    plan = svc.plan_create(actor=None, kind="regional", title="Plán k tisku", region=Region.objects.get(code="CZ064"),
                           year_from=2024, year_to=2026, summary="Cíl.")
    svc.priority_create(actor=None, plan=plan, kind="system", code="A", title="Priorita A")
    return plan


def test_rendering_is_reused_until_the_content_changes(plan):
    first = document_render(actor=None, builder="planning.plan", object_id=plan.pk, fmt="docx")
    again = document_render(actor=None, builder="planning.plan", object_id=plan.pk, fmt="docx")
    assert again.pk == first.pk and not first.is_public
    svc.plan_update(actor=None, plan=plan, data={"title": "Plán k tisku v2"})
    changed = document_render(actor=None, builder="planning.plan", object_id=plan.pk, fmt="docx")
    assert changed.pk != first.pk and changed.fingerprint != first.fingerprint
    assert GeneratedDocument.objects.filter(key=f"planning.plan:{plan.pk}").count() == 2


def test_background_job_renders_a_document(plan):
    job = job_run_now(actor=None, kind="document_render",
                      params={"builder": "planning.plan", "object_id": plan.pk, "format": "xlsx"})
    assert job.status == "done", job.message
    doc = GeneratedDocument.objects.get(pk=job.result["document_id"])
    assert doc.format == "xlsx" and doc.size > 0 and job.result["url"].endswith(doc.filename)
    failed = job_run_now(actor=None, kind="document_render", params={"builder": "nic", "object_id": 1})
    assert failed.status == "failed" and "neznámý druh dokumentu" in failed.message


def test_download_respects_the_plan_visibility(client, plan, django_user_model):
    doc = document_render(actor=None, builder="planning.plan", object_id=plan.pk, fmt="docx")
    assert client.get(f"/dokumenty/{doc.pk}/").status_code == 404  # a draft
    svc.plan_publish_for_comments(actor=None, plan=plan)
    public = document_render(actor=None, builder="planning.plan", object_id=plan.pk, fmt="docx")
    assert public.is_public
    response = client.get(f"/dokumenty/{public.pk}/{public.filename}")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxmlformats")
    html = client.get("/dokumenty/").content.decode()
    assert "Plán k tisku" in html and f"/planovani/plan/{plan.pk}/dokument.pdf" in html


def test_generation_as_a_background_job_shows_its_progress_on_the_job_page(client, plan):
    """Queued from the documents page, run by the worker's task: the job's page shows each step while it runs
    (progress and message, stored on the job) and the finished document's address at the end."""
    from django.urls import reverse

    from socplan.core.jobs import run_job
    from socplan.core.models import Job
    from tests.factories import officer

    user = officer()
    client.force_login(user)
    response = client.post(reverse("documents:generate"),
                           {"builder": "planning.plan", "object_id": plan.pk, "format": "pdf"})
    job = Job.objects.get(created_by=user, kind="document_render")
    assert response.status_code == 302 and response["Location"] == reverse("core:job_detail", args=[job.pk])
    queued = client.get(response["Location"]).content.decode()
    assert 'http-equiv="refresh"' in queued and 'value="0"' in queued  # refreshes itself until the job ends
    run_job.func(job.pk)
    job.refresh_from_db()
    assert job.status == Job.Status.DONE, job.message
    doc = GeneratedDocument.objects.get(pk=job.result["document_id"])
    page = client.get(reverse("core:job_detail", args=[job.pk])).content.decode()
    assert 'value="100"' in page and f"Hotovo: {doc.filename}" in page and job.result["url"] in page
    assert doc.format == "pdf" and doc.size > 0 and doc.created_by == user
    # the steps the page shows while it runs, in order (a new content: the plan changed)
    svc.plan_update(actor=None, plan=plan, data={"title": "Plán k tisku v3"})
    steps = []
    again = job_run_now(actor=user, kind="document_render", echo=lambda pct, msg: steps.append((pct, msg)),
                        params={"builder": "planning.plan", "object_id": plan.pk, "format": "pdf"})
    assert again.status == Job.Status.DONE
    assert [p for p, _m in steps] == sorted(p for p, _m in steps) and steps[-1][0] == 100
    messages = " ".join(m for _p, m in steps)
    assert "Sestavuji obsah" in messages and "Vytvářím PDF" in messages and "Ukládám dokument" in messages
