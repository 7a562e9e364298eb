"""The plan documents: PDF opened with pypdf (headings, network table rows, financial totals), DOCX read with
python-docx (the same headings), XLSX with openpyxl; the 547-service network table of the demo region."""

import io
import re
from decimal import Decimal

import pytest
from django.db.models import Q, Sum

from socplan.core.money import format_czk
from socplan.planning.demo import planning_demo_load
from socplan.planning.models import ActionPlan, Plan, PlanKind

pytestmark = pytest.mark.django_db

HEADINGS_REGIONAL = ["Úvod a cíl strategie", "Analytická část", "Systémové priority", "Priority pro cílové skupiny",
                     "Přehled opatření", "Síť sociálních služeb", "Finanční kapitola"]
SEED_PRIORITIES = [
    "Priorita A – Podpora procesu plánování dostupnosti sociálních služeb na místní a regionální úrovni",
    "Priorita D – Podpora informovanosti o sociálních službách",
    "PRIORITA 1 – Udržení stávající sítě, její optimalizace a doplnění o služby poskytované nejpřirozenějšími "
    "formami a umožňující běžný životní rytmus.",
]


def norm(text: str) -> str:
    """Whitespace (incl. non-breaking spaces) collapsed, PDF hyphenation at line ends undone."""
    return " ".join(text.replace("\u2010\n", "").replace("-\n", "").split())


def pdf_text(content: bytes) -> tuple[str, int]:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(content))
    return norm("\n".join(p.extract_text() for p in reader.pages)), len(reader.pages)


@pytest.fixture
def demo(db):
    planning_demo_load()
    return Plan.objects.get(region__code="CZ064", kind=PlanKind.REGIONAL, year_from=2026)


def expected_network(plan, year):
    """Rows of the network table, computed here independently: the Network module's current version of the
    year when it has one, else the services registered in the region that year."""
    import datetime as dt

    from socplan.network.selectors import network_rows
    from socplan.registry.models import Service

    rows = network_rows(plan.region, year)
    if rows:
        return [(r.identifier, r.service) for r in rows]
    qs = (Service.objects.filter(region=plan.region)
          .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=dt.date(year, 12, 31)))
          .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=dt.date(year, 1, 1))))
    return [(s.identifier or "", s.name) for s in qs]


def expected_cost_total(plan, year):
    """The financial total the document shows: the Financing module's chapter when the year has financing
    parameters, else the sum of the services' reported costs in the registry for the year."""
    from socplan.finance.selectors import financial_chapter

    chapter = financial_chapter(plan.region, year)
    if chapter is not None:
        return Decimal(chapter.total)
    from socplan.registry.models import COST_FIELDS, Economics

    sums = Economics.objects.filter(service__region=plan.region, year=year).aggregate(
        **{f: Sum(f) for f in COST_FIELDS})
    return sum((v or Decimal(0) for v in sums.values()), Decimal(0))


def test_regional_plan_pdf(client, demo):
    response = client.get(f"/planovani/plan/{demo.pk}/dokument.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text, pages = pdf_text(b"".join(response.streaming_content))
    for h in HEADINGS_REGIONAL + SEED_PRIORITIES:
        assert norm(h) in text, h
    # Table of contents with page numbers, page numbering in the footer.
    assert "Obsah" in text and re.search(r"Systémové priority \.+ \d+", text)
    assert f"strana 2 z {pages}" in text
    # The network table: every service is a row (identifier present), the count in the totals row.
    rows = expected_network(demo, 2026)
    assert len(rows) >= 500
    assert f"Celkem {len(rows)} služeb" in text
    for identifier, _name in rows[:: max(len(rows) // 25, 1)]:
        if identifier:
            assert identifier in text, identifier
    # The financial totals.
    total = expected_cost_total(demo, 2026)
    assert total > 0 and norm(format_czk(total)) in text
    budget = demo.measures.aggregate(s=Sum("budget__amount"))["s"]
    assert norm(format_czk(budget)) in text


def test_regional_plan_docx_and_xlsx(client, demo):
    from docx import Document
    from openpyxl import load_workbook

    response = client.get(f"/planovani/plan/{demo.pk}/dokument.docx")
    assert response.status_code == 200
    doc = Document(io.BytesIO(b"".join(response.streaming_content)))
    headings = [norm(p.text) for p in doc.paragraphs if p.style.name.startswith("Heading")]
    for h in HEADINGS_REGIONAL + SEED_PRIORITIES:
        assert norm(h) in headings, h
    network = next(t for t in doc.tables if norm(t.rows[-1].cells[0].text).startswith("Celkem")
                   and "služeb" in t.rows[-1].cells[0].text)
    assert len(network.rows) == len(expected_network(demo, 2026)) + 2  # header + rows + totals

    response = client.get(f"/planovani/plan/{demo.pk}/dokument.xlsx")
    wb = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = next(ws for ws in wb.worksheets if ws.title.startswith("Síť sociálních služeb"))
    first = [r[0] for r in sheet.iter_rows(min_row=2, values_only=True)]
    totals_row = next(i for i, v in enumerate(first) if str(v or "").startswith("Celkem"))
    assert totals_row == len(expected_network(demo, 2026))  # data rows before the totals row
    measures = next(ws for ws in wb.worksheets if ws.title.startswith("Všechna opatření"))
    costs = [r[4] for r in measures.iter_rows(min_row=2, values_only=True) if isinstance(r[4], int)]
    assert sum(costs[:-1]) == costs[-1] == demo.measures.aggregate(s=Sum("budget__amount"))["s"]
    assert measures.cell(2, 5).number_format == '#,##0" Kč"'


def test_community_plan_and_action_plan_documents(client, demo):
    from docx import Document

    kp = Plan.objects.get(orp__code="6201", year_from=2015)
    text, _pages = pdf_text(b"".join(client.get(f"/planovani/plan/{kp.pk}/dokument.pdf").streaming_content))
    assert "Komunitní plán sociálních služeb ORP Blansko" in text and "Plnění plánu" in text
    assert "SWOT analýza" in text
    ap = ActionPlan.objects.get(plan__kind=PlanKind.REGIONAL, plan__year_from=2015, year=2016)
    response = client.get(f"/planovani/akcni-plan/{ap.pk}/dokument.docx")
    doc = Document(io.BytesIO(b"".join(response.streaming_content)))
    headings = [norm(p.text) for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert {"Opatření na rok 2016", "Síť sociálních služeb na rok 2016", "Rozvojové záměry přijaté do sítě",
            "Finanční výhled"} <= set(headings)


def test_draft_documents_are_not_public(client, t):
    from .conftest import build_plan

    plan = build_plan(t.jmk)
    assert client.get(f"/planovani/plan/{plan.pk}/dokument.pdf").status_code == 404
    data = client.get("/api/v1/plans/").json()
    assert plan.pk not in [p["id"] for p in data["results"]]
