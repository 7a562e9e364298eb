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
