"""Word templates the region edits: a kraj administrator downloads the template in force, edits it in Word and
uploads it; a valid template changes the plan documents' DOCX, a broken one (a name the application does not
provide, a syntax error, no place for the content, not a DOCX) is refused with a Czech message naming the
problem and the previous template stays in force; every upload is kept as history; only a kraj administrator
may change templates."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from socplan.documents.models import WordTemplateVersion
from socplan.documents.plans import ACTION_PLAN_TEMPLATE, PLAN_TEMPLATE
from socplan.documents.services import document_render
from socplan.documents.templates_services import word_template_reset, word_template_upload
from socplan.documents.word_templates import TemplateInvalid, template_bytes
from socplan.planning import services as svc
from tests.factories import officer, region, region_admin

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def plan():
    plan = svc.plan_create(actor=None, kind="regional", title="Plán ze šablony", region=region(),
                           year_from=2024, year_to=2026, summary="Cíl plánu.")
    svc.priority_create(actor=None, plan=plan, kind="system", code="A", title="Priorita A")
    return plan


def edited(base: bytes, *paragraphs: str) -> bytes:
    """The template as a person edits it in Word: the given paragraphs added at its start."""
    from docx import Document as Docx

    doc = Docx(io.BytesIO(base))
    first = doc.paragraphs[0]
    for text in paragraphs:
        first.insert_paragraph_before(text)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def docx_text(content: bytes) -> str:
    from docx import Document as Docx

    doc = Docx(io.BytesIO(content))
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells).replace("\xa0", " ")  # no-break spaces (vlna)


def plan_docx(plan) -> str:
    doc = document_render(actor=None, builder="planning.plan", object_id=plan.pk, fmt="docx")
    with doc.file.open("rb") as f:
        return docx_text(f.read())


def test_the_plan_docx_comes_from_the_shipped_template(plan):
    text = plan_docx(plan)
    assert "Plán ze šablony" in text and "Priorita A" in text and "Cíl plánu." in text
    assert "{{" not in text and "[[socplan" not in text  # every placeholder filled, every content mark replaced
    assert template_bytes(PLAN_TEMPLATE.name) == PLAN_TEMPLATE.default.read_bytes()


def test_a_valid_edited_template_changes_the_output_and_is_kept_in_the_history(client, plan):
    admin = region_admin()
    client.force_login(admin)
    page = client.get(reverse("documents:word_templates"))
    assert page.status_code == 200 and PLAN_TEMPLATE.label in page.content.decode()
    current = client.get(reverse("documents:word_template_file", args=[PLAN_TEMPLATE.name, "platna"]))
    assert current.status_code == 200
    before = plan_docx(plan)
    content = edited(b"".join(current.streaming_content) if current.streaming else current.content,
                     "Schváleno zastupitelstvem: {{ title }}")
    upload = client.post(reverse("documents:word_template_upload", args=[PLAN_TEMPLATE.name]),
                         {"file": _file(content, "plan-kraje.docx")}, follow=True)
    assert "platí" in upload.content.decode()
    after = plan_docx(plan)
    assert "Schváleno zastupitelstvem: Plán ze šablony" in after and "Schváleno zastupitelstvem" not in before
    assert "Priorita A" in after  # the content still comes where the template places it
    version = WordTemplateVersion.objects.get(name=PLAN_TEMPLATE.name, active=True)
    assert version.uploaded_by == admin and version.filename == "plan-kraje.docx"
    assert {"title", "body"} <= set(version.placeholders)
    history = client.get(reverse("documents:word_templates")).content.decode()
    assert "plan-kraje.docx" in history
    # the action plan has a template of its own: unchanged
    assert template_bytes(ACTION_PLAN_TEMPLATE.name) == ACTION_PLAN_TEMPLATE.default.read_bytes()


@pytest.mark.parametrize(("paragraph", "message"), [
    ("Podepsal: {{ hejtman }}", "hejtman"),  # a name the application does not provide
    ("Název: {{ title ", "chyba v zápisu"),  # Jinja syntax broken in Word
])
def test_a_broken_template_is_refused_in_czech_and_the_previous_one_stays(client, plan, paragraph, message):
    admin = region_admin()
    good = edited(PLAN_TEMPLATE.default.read_bytes(), "Verze kraje 1")
    first = word_template_upload(actor=admin, name=PLAN_TEMPLATE.name, content=good, filename="v1.docx")
    output = plan_docx(plan)
    client.force_login(admin)
    response = client.post(reverse("documents:word_template_upload", args=[PLAN_TEMPLATE.name]),
                           {"file": _file(edited(good, paragraph), "rozbita.docx")}, follow=True)
    page = response.content.decode()
    assert "Šablona nebyla přijata, platí dosavadní" in page and message in page
    assert list(WordTemplateVersion.objects.filter(name=PLAN_TEMPLATE.name)) == [first]
    assert WordTemplateVersion.objects.get(pk=first.pk).active
    assert template_bytes(PLAN_TEMPLATE.name) == good
    assert plan_docx(plan) == output and "Verze kraje 1" in output


def test_a_template_without_a_place_for_the_content_or_no_docx_is_refused():
    from docx import Document as Docx

    admin = region_admin()
    doc = Docx()
    doc.add_paragraph("{{ title }}")
    out = io.BytesIO()
    doc.save(out)
    with pytest.raises(TemplateInvalid, match=r"místo pro obsah dokumentu.*\{\{ body \}\}"):
        word_template_upload(actor=admin, name=PLAN_TEMPLATE.name, content=out.getvalue(), filename="bez.docx")
    with pytest.raises(TemplateInvalid, match="není dokument Word"):
        word_template_upload(actor=admin, name=PLAN_TEMPLATE.name, content=b"%PDF-1.7", filename="plan.pdf")
    assert not WordTemplateVersion.objects.filter(name=PLAN_TEMPLATE.name).exists()


def test_only_a_kraj_administrator_changes_templates(client):
    clerk = officer(can_approve=True)
    good = edited(PLAN_TEMPLATE.default.read_bytes(), "Verze referenta")
    with pytest.raises(PermissionDenied):
        word_template_upload(actor=clerk, name=PLAN_TEMPLATE.name, content=good, filename="x.docx")
    client.force_login(clerk)
    assert client.get(reverse("documents:word_templates")).status_code == 403
    response = client.post(reverse("documents:word_template_upload", args=[PLAN_TEMPLATE.name]),
                           {"file": _file(good, "x.docx")})
    assert response.status_code == 403
    assert not WordTemplateVersion.objects.exists()


def test_return_to_the_default_keeps_the_history(plan):
    admin = region_admin()
    word_template_upload(actor=admin, name=PLAN_TEMPLATE.name,
                         content=edited(PLAN_TEMPLATE.default.read_bytes(), "Verze kraje"), filename="v.docx")
    assert "Verze kraje" in plan_docx(plan)
    assert word_template_reset(actor=admin, name=PLAN_TEMPLATE.name) == 1
    assert "Verze kraje" not in plan_docx(plan)
    assert WordTemplateVersion.objects.filter(name=PLAN_TEMPLATE.name).count() == 1


def test_chapters_may_be_placed_one_by_one_in_another_order(plan):
    """A template that loops over the chapters (here in reverse) instead of `body`: each chapter's generated
    content lands where the template puts it."""
    from docx import Document as Docx

    doc = Docx()
    doc.add_paragraph("{{ title }}")
    doc.add_paragraph("{%p for c in chapters|reverse %}")
    doc.add_paragraph("{{ c.content }}")
    doc.add_paragraph("{%p endfor %}")
    out = io.BytesIO()
    doc.save(out)
    word_template_upload(actor=region_admin(), name=PLAN_TEMPLATE.name, content=out.getvalue(), filename="k.docx")
    text = plan_docx(plan)
    first, last = text.index("Úvod a cíl strategie"), text.index("Priorita A")
    assert last < first and "[[socplan" not in text


def _file(content: bytes, name: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="application/vnd.openxmlformats-officedocument."
                                                          "wordprocessingml.document")
