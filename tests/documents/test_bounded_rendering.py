"""Bounded documents: the probe's inputs — a 2 MB plan section without a space and a 10,000-character word — are
refused where they enter (service, form, page, API serializer) and, stored anyway (old data, a migration), render
within a time and a memory cap measured here; a rendering that fails is stored and answered at once until the
data change; a running one answers "busy".

Memory is the rendering child's own peak resident size (`ru_maxrss`, stored on the rendering as `peak_memory`).
"""

from __future__ import annotations

import time
from dataclasses import asdict

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from socplan.core.render.blocks import (
    BulletList,
    Chart,
    Column,
    Document,
    Heading,
    KeyValues,
    Paragraph,
    Table,
)
from socplan.core.render.isolation import RenderFailed, RenderLimits, render_isolated
from socplan.core.render.typography import (
    BREAK_EVERY,
    TEXT_LIMIT,
    ZWSP,
    breakable,
    document_text,
    longest_token,
)
from socplan.core.text_limits import LONG_TEXT, MAX_TOKEN
from socplan.documents.models import GeneratedDocument, RenderStatus
from socplan.planning import services as svc
from socplan.planning.api import MeasureSerializer
from socplan.planning.forms import SectionForm
from socplan.planning.models import Comment, Measure, PlanSection, Resolution
from tests.factories import CommunityPlanFactory, MeasureFactory, PriorityFactory, orp_coordinator

pytestmark = pytest.mark.django_db

WORD_2MB = "x" * 2_000_000  # the probe: a 2 MB plan section without a space
WORD_10K = "y" * 10_000  # the probe: a 10,000-character word
MEMORY_CAP = 1536 * 1024 * 1024  # 1.5 GB peak resident memory of the rendering
TIME_CAP = 30.0  # seconds for the whole anonymous download


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def plan():
    plan = CommunityPlanFactory(title="Plán s dlouhými texty")
    svc.section_create(actor=None, plan=plan, title="Analýza", body="Úvodní odstavec.\n\nDruhý odstavec.")
    MeasureFactory(priority=PriorityFactory(plan=plan), approved=False, description="Popis opatření.")
    return plan


# --- the one bound every text passes ----------------------------------------------------------------------------

@pytest.mark.parametrize("text", [WORD_10K, WORD_2MB, "\xa0".join(["slovo"] * 5000), "ab " * 50 + "c" * 500])
def test_document_text_breaks_every_long_run_and_bounds_the_length(text):
    out = document_text(text)
    assert longest_token(text) > BREAK_EVERY
    assert longest_token(out) <= BREAK_EVERY
    assert len(out) <= TEXT_LIMIT
    assert document_text(out) == out  # idempotent: a block made from a block's text stays the same


def test_a_long_text_is_cut_with_a_note():
    out = document_text(WORD_2MB)
    assert "text zkrácen" in out and "2\xa0000\xa0000 znaků" in out
    assert out.replace(ZWSP, "").startswith("x" * 90_000)


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=400))
def test_breakable_only_adds_break_opportunities(text):
    text = text.replace(ZWSP, "")
    out = breakable(text, every=7)
    assert out.replace(ZWSP, "") == text
    assert longest_token(out) <= 7
    assert breakable(out, every=7) == out


def test_every_text_of_a_document_is_bounded():
    t = Table([Column(WORD_10K)], [[WORD_2MB], [12]], title=WORD_10K, note=WORD_10K, totals=[WORD_10K])
    doc = Document(title=WORD_10K, subtitle=WORD_2MB, meta=[(WORD_10K, WORD_2MB)], running_title=WORD_10K,
                   footer_note=WORD_10K,
                   blocks=[Heading(WORD_10K), Paragraph(WORD_2MB), BulletList([WORD_10K]),
                           KeyValues([(WORD_10K, WORD_2MB)]), t, Chart(WORD_10K, "<svg/>", t)])
    texts = []

    def walk(value):
        if isinstance(value, str):
            texts.append(value)
        elif isinstance(value, dict):
            for v in value.values():
                walk(v)
        elif isinstance(value, list | tuple):
            for v in value:
                walk(v)

    walk(asdict(doc))
    assert len(texts) > 15
    assert max(longest_token(x) for x in texts) <= BREAK_EVERY
    assert max(len(x) for x in texts) <= TEXT_LIMIT
    assert t.rows[1] == [12]  # numbers stay numbers


# --- refused where they enter -----------------------------------------------------------------------------------

@pytest.mark.parametrize("text, message", [(WORD_2MB, "Text je příliš dlouhý"),
                                           (WORD_10K, "souvislý řetězec bez mezer dlouhý 10000 znaků"),
                                           ("odstavec\x00s NUL", "řídicí znak (U+0000)")])
def test_service_refuses_the_probe_texts(plan, text, message):
    before = PlanSection.objects.count()
    with pytest.raises(ValidationError) as exc:
        svc.section_create(actor=None, plan=plan, title="Kapitola", body=text)
    assert message in " ".join(exc.value.message_dict["body"])
    section = plan.sections.get()
    with pytest.raises(ValidationError) as exc:
        svc.section_update(actor=None, section=section, data={"strengths": text})
    assert "strengths" in exc.value.message_dict
    measure = Measure.objects.get(plan=plan)
    with pytest.raises(ValidationError) as exc:
        svc.measure_update(actor=None, measure=measure, data={"description": text})
    assert "description" in exc.value.message_dict
    assert PlanSection.objects.count() == before
    section.refresh_from_db()
    measure.refresh_from_db()
    assert section.strengths == "" and measure.description == "Popis opatření."


@pytest.mark.parametrize("text", [WORD_2MB, WORD_10K])
def test_form_and_api_serializer_refuse_the_probe_texts(plan, text):
    form = SectionForm(data={"kind": "other", "title": "Kapitola", "body": text, "order": 1})
    assert not form.is_valid() and "body" in form.errors
    measure = Measure.objects.get(plan=plan)
    serializer = MeasureSerializer(instance=measure, data={"description": text}, partial=True)
    assert not serializer.is_valid() and "description" in serializer.errors


def test_page_refuses_a_2mb_section_and_stores_nothing(client, plan):
    client.force_login(orp_coordinator())
    before = PlanSection.objects.count()
    response = client.post(f"/planovani/plan/{plan.pk}/kapitola/nova/",
                           {"kind": "other", "title": "Příliš dlouhá", "body": WORD_2MB, "order": 2})
    assert response.status_code == 200
    assert "100 000" in response.content.decode() or "100000" in response.content.decode()
    assert PlanSection.objects.count() == before
    assert LONG_TEXT == 100_000 and MAX_TOKEN < len(WORD_10K)


# --- stored anyway: rendered within bounds ----------------------------------------------------------------------

def _published_with(plan, text: str):
    """The plan published for comments with `text` written around the limits (as old data or a migration
    would): the section's body (a paragraph) and a comment's text (a cell of the settlement table)."""
    svc.plan_publish_for_comments(actor=None, plan=plan)
    comment = svc.comment_submit(actor=None, plan=plan, text="Krátká připomínka.", author_name="Jana Nová")
    svc.comment_resolve(actor=None, comment=comment, resolution=Resolution.ACCEPTED, reasoning="Doplněno.")
    svc.settlement_publish(actor=None, plan=plan)
    PlanSection.objects.filter(plan=plan).update(body=text)
    Comment.objects.filter(pk=comment.pk).update(text=text[:LONG_TEXT * 3])


@pytest.mark.parametrize("word", [WORD_2MB, WORD_10K], ids=["2MB", "10k"])
@pytest.mark.parametrize("fmt", ["pdf", "docx", "xlsx"])
def test_stored_probe_text_renders_within_time_and_memory(client, plan, word, fmt):
    _published_with(plan, word)
    started = time.perf_counter()
    response = client.get(f"/planovani/plan/{plan.pk}/dokument.{fmt}")  # anonymous
    elapsed = time.perf_counter() - started
    assert response.status_code == 200, response.content[:500]
    body = b"".join(response.streaming_content)
    doc = GeneratedDocument.objects.get(key=f"planning.plan:{plan.pk}", format=fmt)
    assert doc.status == RenderStatus.OK and doc.size == len(body) > 0
    assert elapsed < TIME_CAP, f"{fmt}: {elapsed:.1f} s"
    assert 0 < doc.peak_memory < MEMORY_CAP, f"{fmt}: {doc.peak_memory / 2**20:.0f} MB"


# --- limits, stored failures, concurrent requests ---------------------------------------------------------------

def test_a_timed_out_rendering_is_stored_and_answered_at_once_until_the_data_change(client, plan, settings):
    _published_with(plan, "Obyčejný odstavec.")
    url = f"/planovani/plan/{plan.pk}/dokument.pdf"
    settings.SOCPLAN_DOCUMENT_RENDER_SECONDS = 0  # no rendering answers within zero seconds
    first = client.get(url)
    assert first.status_code == 503 and "nebylo dokončeno do 0 s" in first.content.decode()
    failed = GeneratedDocument.objects.get(key=f"planning.plan:{plan.pk}", format="pdf")
    assert failed.status == RenderStatus.FAILED and failed.error and not failed.file
    settings.SOCPLAN_DOCUMENT_RENDER_SECONDS = 120  # would succeed now, but the content has not changed
    again = client.get(url)
    assert again.status_code == 503 and failed.error in again.content.decode()
    stored = GeneratedDocument.objects.get(pk=failed.pk)
    assert (stored.status, stored.started_at) == (RenderStatus.FAILED, failed.started_at)  # not rendered again
    assert client.get(f"/dokumenty/{failed.pk}/").status_code == 503
    svc.plan_return_to_draft(actor=None, plan=plan)
    svc.plan_update(actor=None, plan=plan, data={"title": "Plán s dlouhými texty, opravený"})
    svc.plan_publish_for_comments(actor=None, plan=plan)
    fresh = client.get(url)
    assert fresh.status_code == 200
    assert GeneratedDocument.objects.filter(key=f"planning.plan:{plan.pk}", status=RenderStatus.OK).count() == 1


def test_a_rendering_over_the_memory_limit_fails_and_is_stored(client, plan, settings):
    _published_with(plan, "Obyčejný odstavec. " * 2000)
    settings.SOCPLAN_DOCUMENT_RENDER_MEMORY_MB = 64  # less than the renderer itself needs
    response = client.get(f"/planovani/plan/{plan.pk}/dokument.pdf")
    assert response.status_code == 503
    doc = GeneratedDocument.objects.get(key=f"planning.plan:{plan.pk}", format="pdf")
    assert doc.status == RenderStatus.FAILED and doc.error


def test_a_running_rendering_answers_busy_and_an_abandoned_one_is_taken_over(client, plan, settings):
    _published_with(plan, "Obyčejný odstavec.")
    url = f"/planovani/plan/{plan.pk}/dokument.docx"
    settings.SOCPLAN_DOCUMENT_RENDER_SECONDS = 0  # no rendering answers within zero seconds
    assert client.get(url).status_code == 503
    settings.SOCPLAN_DOCUMENT_RENDER_SECONDS = 120
    doc = GeneratedDocument.objects.get(key=f"planning.plan:{plan.pk}", format="docx")
    now = timezone.now()
    GeneratedDocument.objects.filter(pk=doc.pk).update(status=RenderStatus.RENDERING, started_at=now,
                                                       deadline=now + timezone.timedelta(seconds=60))
    busy = client.get(url)
    assert busy.status_code == 503 and busy["Retry-After"] == "30"
    assert "právě vytváří" in busy.content.decode()
    GeneratedDocument.objects.filter(pk=doc.pk).update(deadline=now - timezone.timedelta(minutes=5))
    assert client.get(url).status_code == 200
    doc.refresh_from_db()
    assert doc.status == RenderStatus.OK and doc.available


def test_the_background_job_renders_what_a_download_could_not(client, plan, settings):
    from socplan.core.jobs import job_run_now

    _published_with(plan, "Obyčejný odstavec.")
    url = f"/planovani/plan/{plan.pk}/dokument.xlsx"
    params = {"builder": "planning.plan", "object_id": plan.pk, "format": "xlsx"}
    settings.SOCPLAN_DOCUMENT_RENDER_SECONDS = 0  # too short for any download (no child answers within 0 s)
    settings.SOCPLAN_DOCUMENT_JOB_RENDER_SECONDS = 0  # and for the job
    assert client.get(url).status_code == 503
    job = job_run_now(actor=None, kind="document_render", params=params)
    assert job.status == "failed" and "nebylo dokončeno" in job.message
    settings.SOCPLAN_DOCUMENT_JOB_RENDER_SECONDS = 600  # the job's limit, longer than a download's
    job = job_run_now(actor=None, kind="document_render", params=params)
    assert job.status == "done", job.message
    assert GeneratedDocument.objects.get(pk=job.result["document_id"]).status == RenderStatus.OK
    assert client.get(url).status_code == 200  # the stored file, though a download still could not render it


def test_isolated_rendering_is_killed_at_the_time_limit():
    doc = Document(title="Dlouhý", blocks=[Paragraph("slovo " * 15000) for _ in range(40)])
    started = time.perf_counter()
    with pytest.raises(RenderFailed) as exc:
        render_isolated(doc, "pdf", limits=RenderLimits(seconds=1.0, memory_bytes=MEMORY_CAP))
    assert exc.value.reason == "timeout"
    assert time.perf_counter() - started < 10


def test_isolated_rendering_reports_its_peak_memory():
    rendered = render_isolated(Document(title="Krátký", blocks=[Paragraph(WORD_10K)]), "pdf",
                               limits=RenderLimits(seconds=TIME_CAP, memory_bytes=MEMORY_CAP))
    assert rendered.content.startswith(b"%PDF") and 0 < rendered.peak_rss < MEMORY_CAP


def test_catalogue_print_pages_render_in_the_bounded_child(settings):
    """The catalogue's service card and brochure (print HTML, WeasyPrint) are laid out like every document: in a
    child process within the documents' time limit — a limit too short for them ends the rendering."""
    import pytest

    from socplan.catalogue.printing import CARD_CSS, catalogue_pdf
    from socplan.core.render.isolation import RenderFailed

    html = "<h1>Poradna Blansko</h1>" + "<p>Odborné sociální poradenství v obci a okolí.</p>" * 200
    pdf = catalogue_pdf(html, CARD_CSS, print_css=False)
    import io

    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) > 1 and "Poradna Blansko" in reader.pages[0].extract_text()
    settings.SOCPLAN_DOCUMENT_RENDER_SECONDS = 0.01
    with pytest.raises(RenderFailed) as failed:
        catalogue_pdf(html, CARD_CSS, print_css=False)
    assert failed.value.reason == "timeout" and "nebylo dokončeno" in failed.value.message
