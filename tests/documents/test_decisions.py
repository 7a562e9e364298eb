"""Decision documents: approve a round's run, issue the decisions, open each decision and Pověření as DOCX and PDF
and check that every amount equals the approved run to the crown; only the kraj's staff and the provider itself
may download them; an illustrative programme says so in the document."""

from __future__ import annotations

import io
import re
from decimal import Decimal

import pytest
from django.test import Client
from docx import Document as DocxDocument

from socplan.core.money import format_czk
from socplan.documents import decisions as docs
from socplan.documents.services import render_bytes
from socplan.finance import programme_selectors, programmes, services
from socplan.finance.models import AllocationRow
from tests.finance import test_adapter_world as world
from tests.finance.test_programmes import HALF, make_round, run_in

_fast_password_hashing, zlk, zlk_users = world._fast_password_hashing, world.zlk, world.zlk_users  # fixtures

pytestmark = pytest.mark.django_db


def _docx_text(data: bytes) -> str:
    doc = DocxDocument(io.BytesIO(data))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts.append(" | ".join(c.text for c in row.cells))
    return "\n".join(parts)


def _pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def _amounts(text: str) -> list[Decimal]:
    return [Decimal(re.sub(r"\s", "", m)) for m in re.findall(r"(\d{1,3}(?:[\s\xa0\u202f]\d{3})*)\s?Kč", text)]


@pytest.fixture
def issued(zlk, zlk_users):
    rnd = make_round(zlk, illustrative=True)
    run_in(zlk, rnd, budget=HALF - 1_000_000)  # a proposal: never in a document
    run = services.allocation_run_approve(actor=zlk_users.approver, run=run_in(zlk, rnd), decision_ref="RZK 1")
    return run, programmes.decisions_issue(actor=zlk_users.approver, run=run)


def test_every_amount_in_the_documents_equals_the_approved_run(issued, zlk):
    run, decisions = issued
    assert len(decisions) == 2
    for decision in decisions:
        rows = AllocationRow.objects.filter(run=run, service__provider=decision.provider)
        expected = {r.service.name: r.allocated for r in rows if r.allocated}
        total = sum(expected.values())
        assert decision.amount == total
        text = _docx_text(docs.decision_docx(decision))
        assert decision.number in text and decision.provider.name in text
        for name, amount in expected.items():
            line = next(ln for ln in text.splitlines() if ln.startswith(name))
            assert line.endswith(format_czk(amount)), line
        instalments = [i.amount for i in decision.instalments.all()]
        assert sum(instalments) == total
        assert set(_amounts(text)) == set(expected.values()) | {total} | set(instalments)
        assert "Ilustrativní data" in text
        povereni = _docx_text(docs.entrustment_docx(decision))
        assert decision.entrustment_number in povereni and all(name in povereni for name in expected)
        pdf = _pdf_text(render_bytes(docs.decision_document(programme_selectors.decision_data(decision)), "pdf"))
        assert decision.number in pdf
        flat = re.sub(r"[\s\xa0\u202f]", "", pdf)  # table cells run together in the extracted text
        for amount in set(expected.values()) | {total} | set(instalments):
            assert re.sub(r"\s", "", format_czk(amount)) in flat, amount


def test_only_the_kraj_and_the_provider_download(issued, zlk, zlk_users):
    _run, decisions = issued
    d1 = next(d for d in decisions if d.provider_id == zlk.p1.pk)
    url = f"/dokumenty/dotace/{d1.pk}/rozhodnuti.docx"
    for user, status in ((zlk_users.provider1, 200), (zlk_users.approver, 200), (zlk_users.provider2, 404),
                         (zlk_users.other_region, 404)):
        client = Client()
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == status, user
        if status == 200:
            assert format_czk(d1.amount) in _docx_text(b"".join(response.streaming_content)
                                                       if response.streaming else response.content)
    assert Client().get(url).status_code == 302  # anonymous → login
    client = Client()
    client.force_login(zlk_users.provider1)
    pdf = client.get(f"/dokumenty/dotace/{d1.pk}/povereni.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
