"""socplan.documents: PDF (page numbers, TOC, Czech text), DOCX, XLSX, SVG charts and Czech typography."""

import io
import re
import xml.etree.ElementTree as ET
from datetime import date
from decimal import Decimal

import pytest

from socplan.core.render.blocks import (
    CZK,
    DATE,
    DECIMAL,
    INT,
    PERCENT,
    BulletList,
    Chart,
    Column,
    Document,
    Heading,
    PageBreak,
    Paragraph,
    Table,
    Toc,
)
from socplan.core.render.charts import bar_chart_svg, grouped_bar_svg, stacked_bar_svg
from socplan.core.render.typography import NBSP, cz_czk, cz_number, cz_quotes, vlna

PANGRAM = "Příliš žluťoučký kůň úpěl ďábelské ódy"


def sample_document() -> Document:
    rows = [[f"{i:03d}", f"Služba {i}", i * 10, Decimal(i) * Decimal("1000.5"), Decimal(i) / 3, date(2026, 1, i % 28 + 1)]
            for i in range(1, 121)]
    cols = [Column("Kód"), Column("Název", width=3), Column("Kapacita", INT), Column("Náklady", CZK),
            Column("Podíl", PERCENT), Column("Od", DATE)]
    return Document(title="Testovací dokument", subtitle="Podtitul", meta=[("Stav", "návrh")], blocks=[
        Toc(), Heading("Úvod"), Paragraph(PANGRAM + " v kraji a s obcemi."), BulletList(["první", "druhá"]),
        Heading("Tabulky"), Heading("Dlouhá tabulka", 2),
        Table(cols, rows, title="Seznam služeb", totals=["Celkem", "", sum(r[2] for r in rows),
                                                          sum(r[3] for r in rows), None, None], note="Poznámka."),
        PageBreak(), Heading("Graf"),
        Chart("Náklady", bar_chart_svg([("A", 10), ("B", 20)], title="Náklady"),
              Table([Column("Položka"), Column("Částka", CZK)], [["A", 10], ["B", 20]], title="Data grafu")),
    ])


def test_typography():
    assert vlna("jde o k domu a v obci") == f"jde o{NBSP}k{NBSP}domu a{NBSP}v{NBSP}obci"
    assert vlna("Priorita A") == "Priorita A"  # a capital at the end is not a preposition before a word
    assert cz_quotes('řekl "ano"') == "řekl \u201eano\u201c"
    assert cz_number(Decimal("3039820634")) == f"3{NBSP}039{NBSP}820{NBSP}634"
    assert cz_number(Decimal("-1234.565"), 2) == f"-1{NBSP}234,57"
    assert cz_czk(Decimal("1063937222.4")) == f"1{NBSP}063{NBSP}937{NBSP}222{NBSP}Kč"


def test_pdf_page_numbers_toc_and_czech_text():
    from pypdf import PdfReader

    from socplan.core.render.pdf import document_pdf

    reader = PdfReader(io.BytesIO(document_pdf(sample_document())))
    pages = [" ".join(p.extract_text().split()) for p in reader.pages]
    n = len(pages)
    assert n >= 4
    assert PANGRAM in " ".join(pages)
    # Footer numbering on every page but the title page.
    assert all(f"strana {i + 1} z {n}" in pages[i] for i in range(1, n))
    assert "strana 1 z" not in pages[0]
    # The TOC page numbers point to the pages where the headings are.
    toc = pages[1]
    for heading in ("Úvod", "Tabulky", "Graf"):
        page_no = next(i + 1 for i in range(2, n) if heading in pages[i])  # first page after the TOC with it
        m = re.search(re.escape(heading) + r" \.+ (\d+)", toc)
        assert m and int(m.group(1)) == page_no, (heading, toc)
    # Numbers in Czech format, the totals row, the repeated table header on the next page.
    text = " ".join(pages)
    assert "7 263 630 Kč" in text  # sum of i × 1000,5 for i = 1..120 = 7 260 × 1000,5
    assert sum(1 for p in pages if "Kód Název Kapacita" in p) >= 2
    # Bookmarks from the headings.
    assert [o.title for o in reader.outline if not isinstance(o, list)][:2] == ["Obsah", "Úvod"]


def test_pdf_refuses_external_resources():
    from socplan.core.render.pdf import pdf_from_html, safe_url_fetcher

    with pytest.raises(ValueError):
        safe_url_fetcher()("http://example.com/logo.png")
    # The document still renders (the image is left out).
    assert pdf_from_html('<p>Text <img src="http://example.com/x.png"></p>').startswith(b"%PDF")


def test_docx_headings_tables_and_toc_field():
    from docx import Document as Docx

    from socplan.core.render.word import document_docx

    doc = Docx(io.BytesIO(document_docx(sample_document())))
    headings = [(p.style.name, " ".join(p.text.split())) for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert ("Heading 1", "Úvod") in headings and ("Heading 2", "Dlouhá tabulka") in headings
    assert any(p.style.name == "Title" and p.text == "Testovací dokument" for p in doc.paragraphs)
    table = doc.tables[0]
    assert len(table.rows) == 1 + 120 + 1
    assert table.rows[1].cells[3].text == f"1{NBSP}001{NBSP}Kč"  # 1000,5 rounded half up
    assert table.rows[-1].cells[0].text == "Celkem"
    assert "TOC \\o" in doc.element.xml
    assert doc.core_properties.language == "cs-CZ"


def test_xlsx_numbers_stay_numbers():
    from openpyxl import load_workbook

    from socplan.core.render.spreadsheet import xlsx_workbook

    doc = sample_document()
    doc.tables()[0].title = "Seznam: služeb / 2026"  # characters Excel forbids in sheet names
    wb = load_workbook(io.BytesIO(xlsx_workbook(doc.tables() + [doc.tables()[1]])))
    assert wb.sheetnames[0] == "Seznam  služeb   2026" and len(set(wb.sheetnames)) == 3
    ws = wb.worksheets[0]
    assert [c.value for c in ws[1]] == ["Kód", "Název", "Kapacita", "Náklady", "Podíl", "Od"]
    assert ws["C2"].value == 10 and ws["C2"].number_format == "#,##0"
    assert ws["D2"].value == pytest.approx(1000.5) and ws["D2"].number_format == '#,##0" Kč"'
    assert ws["F2"].is_date and ws["F2"].number_format == "d. m. yyyy"
    assert ws["C122"].value == sum(i * 10 for i in range(1, 121)) and ws["C122"].font.b
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == "A1:F121"


def test_charts_are_valid_svg_with_proportional_bars():
    svg = bar_chart_svg([("malá", 50), ("velká", 100)], title="Test", reference=75, reference_label="cíl")
    root = ET.fromstring(svg)
    ns = "{http://www.w3.org/2000/svg}"
    widths = [float(r.get("width")) for r in root.iter(f"{ns}rect")]
    assert widths[0] / widths[1] == pytest.approx(0.5)
    assert root.find(f"{ns}title").text == "Test" and root.get("role") == "img"
    stacked = ET.fromstring(stacked_bar_svg([("a", 1), ("b", 3)], title="S", width=400))
    bars = [r for r in stacked.iter(f"{ns}rect") if r.get("height") == "28"]
    assert [float(b.get("width")) for b in bars] == [100.0, 300.0]
    ET.fromstring(grouped_bar_svg(["2024", "2025"], [("cíl", [1, 2]), ("skutečnost", [1, None])], title="G"))
    # Labels are escaped.
    assert "&lt;b&gt;" in bar_chart_svg([("<b>", 1)], title="x")


def test_fingerprint_is_stable_and_content_sensitive():
    a, b = sample_document(), sample_document()
    assert a.fingerprint() == b.fingerprint()
    b.blocks.append(Paragraph("změna"))
    assert a.fingerprint() != b.fingerprint()


def test_decimal_column_in_html():
    from socplan.core.render.pdf import table_html

    html = table_html(Table([Column("x", DECIMAL)], [[Decimal("1234.5")]]))
    assert f"1{NBSP}234,50" in html and 'class="num"' in html
