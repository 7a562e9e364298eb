"""Benchmark of the PDF engine for the plan documents: the regional plan with its 547-row network table.

    .venv/bin/pip install -r bench/requirements-documents.txt   # ReportLab, only for the comparison
    .venv/bin/python bench/documents_engine_bench.py            # writes docs/perf/documents.md
    .venv/bin/python bench/documents_engine_bench.py --typst-only   # the engine in use only, printed (seconds, not a minute)

* Data: the deterministic synthetic network of 547 services of `bench/planning_documents_bench.py` (seed
  20150547) inside a regional-plan-shaped document: title page, table of contents, chapters of text, the network
  table, a financial chapter with a chart and its tables — a `socplan.core.render.blocks.Document`, as the plan
  builders make it.
* Timed, best of N runs in one process after a warm-up, each engine against **a one-page document with the same
  engine** (the ratio is stable across machines; the absolute time is the goal of ≤ 1 s):
  - Typst (`socplan.core.render.typst_pdf.document_pdf`, the engine in use);
  - WeasyPrint (`socplan.core.render.pdf.weasyprint_document_pdf`, the same document as print HTML; the engine
    before);
  - ReportLab (platypus `LongTable` with a repeated header, the table only — a lower bound of what a ReportLab
    renderer of the whole document would cost), when it is installed.
* Checked, not only timed: the Typst PDF holds the first and last identifiers and the totals row.
"""

from __future__ import annotations

import io
import os
import platform
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from planning_documents_bench import SERVICES, network_rows  # noqa: E402

from socplan.core.render.blocks import (  # noqa: E402
    CZK,
    INT,
    Chart,
    Column,
    Document,
    Heading,
    Paragraph,
    Table,
    Toc,
)
from socplan.core.render.charts import bar_chart_svg  # noqa: E402
from socplan.core.render.pdf import weasyprint_document_pdf  # noqa: E402
from socplan.core.render.typography import cz_czk  # noqa: E402
from socplan.core.render.typst_pdf import document_pdf as typst_document_pdf  # noqa: E402

RUNS = 3
OUT = ROOT / "docs" / "perf" / "documents.md"
TEXT = ("Kraj zajišťuje dostupnost sociálních služeb na svém území v souladu se střednědobým plánem; síť "
        "služeb vychází z potřeb obyvatel a z komunitních plánů obcí s rozšířenou působností. ") * 6


def regional_plan(rows) -> Document:
    cols = [Column("Identifikátor", width=1.1), Column("Služba", width=3), Column("Poskytovatel", width=2.6),
            Column("Druh", width=2), Column("Forma", width=1.2), Column("Kapacita", width=1.8),
            Column("Působnost (ORP)", width=1.8)]
    network = Table(cols, rows, title="Síť sociálních služeb na rok 2026", small=True, id="network",
                    totals=[f"Celkem {len(rows)} služeb", "", "", "", "", "", ""],
                    note="Syntetická síť pro měření výkonu.")
    years = [(str(y), Decimal(1_063_861_234 + 40_000_000 * i)) for i, y in enumerate(range(2026, 2029))]
    blocks = [Toc(), Heading("Úvod"), Paragraph(TEXT), Paragraph(TEXT), Heading("Analytická část"),
              Heading("Demografie", 2), Paragraph(TEXT), Heading("Priority a opatření"), Paragraph(TEXT)]
    for p in range(1, 6):
        blocks += [Heading(f"Priorita {p}", 2), Paragraph(TEXT),
                   Table([Column("Kód", width=1), Column("Opatření", width=5), Column("Náklady", CZK, width=2)],
                         [[f"{p}.{m}", f"Opatření {m} priority {p}: " + TEXT[:120], Decimal(1_250_000 * m)]
                          for m in range(1, 6)], title=f"Opatření priority {p}")]
    blocks += [Heading("Síť sociálních služeb"), Paragraph(f"Síť zahrnuje {len(rows)} služeb."), network,
               Heading("Finanční část"),
               Chart("Náklady podle let", bar_chart_svg(years, title="Náklady podle let", fmt=cz_czk),
                     data=Table([Column("Rok"), Column("Náklady", CZK)], [list(y) for y in years])),
               Table([Column("Zdroj"), Column("Počet", INT), Column("Částka", CZK)],
                     [["stát", 10, Decimal(900_000_000)], ["kraj", 5, Decimal(120_000_000)]])]
    return Document(title="Střednědobý plán rozvoje sociálních služeb – měření", subtitle="2026–2028",
                    meta=[("Období", "2026–2028")], blocks=blocks,
                    footer_note="Syntetická data pro měření výkonu.")


def one_page() -> Document:
    return Document(title="Jedna stránka", blocks=[
        Paragraph("Referenční dokument: odstavec s českým textem — Příliš žluťoučký kůň.")])


def reportlab_table(rows) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.platypus import LongTable, SimpleDocTemplate, TableStyle
    from reportlab.platypus import Paragraph as P

    if "DejaVu" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("DejaVu", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"))
    style = ParagraphStyle("c", fontName="DejaVu", fontSize=7, leading=8.5)
    data = [[P(c, style) for c in ["Identifikátor", "Služba", "Poskytovatel", "Druh", "Forma", "Kapacita",
                                   "Působnost (ORP)"]]]
    data += [[P(str(c), style) for c in row] for row in rows]
    widths = [w * 176 * mm / 13.5 for w in (1.1, 3, 2.6, 2, 1.2, 1.8, 1.8)]
    table = LongTable(data, colWidths=widths, repeatRows=1)
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.grey), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    out = io.BytesIO()
    SimpleDocTemplate(out, pagesize=A4).build([table])
    return out.getvalue()


def reportlab_one_page() -> bytes:
    return reportlab_table([])


CPU: dict[int, float] = {}  # id(fn) -> best CPU seconds of its runs (the compiler runs in this process)


def best(fn, runs: int) -> tuple[float, object]:
    times, cpus, result = [], [], None
    for _ in range(runs):
        started, cpu = time.perf_counter(), time.process_time()
        result = fn()
        times.append(time.perf_counter() - started)
        cpus.append(time.process_time() - cpu)
    CPU[id(fn)] = min(cpus)
    return min(times), result


def pages(pdf: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(pdf)).pages)


def main() -> None:
    import typst
    import weasyprint
    from pypdf import PdfReader

    rows = network_rows()
    doc, ref = regional_plan(rows), one_page()
    load = os.getloadavg()
    results = []
    engines = [("Typst", lambda: typst_document_pdf(doc), lambda: typst_document_pdf(ref))]
    if "--typst-only" not in sys.argv:  # WeasyPrint takes about a minute
        engines.append(("WeasyPrint", lambda: weasyprint_document_pdf(doc), lambda: weasyprint_document_pdf(ref)))
    for name, big, small in engines:
        small()  # warm-up (fonts)
        ref_s, _ = best(small, 10)
        big_s, pdf = best(big, RUNS if name == "Typst" else 1)
        results.append((name, big_s, ref_s, pages(pdf), pdf, CPU[id(big)]))
    try:
        import reportlab  # noqa: F401 — optional, bench/requirements-documents.txt
    except ImportError:
        reportlab_row = "| ReportLab (table only) | not installed | | | | |"
    else:
        reportlab_one_page()
        ref_s, _ = best(reportlab_one_page, 10)
        big_s, pdf = best(lambda: reportlab_table(rows), RUNS)
        reportlab_row = (f"| ReportLab (network table only) | {big_s:.2f} s | | {ref_s * 1000:.0f} ms | {pages(pdf)} "
                         f"| {big_s / ref_s:.0f}× |")
    typst_pdf = results[0][4]
    text = " ".join(" ".join((p.extract_text() or "").split()) for p in PdfReader(io.BytesIO(typst_pdf)).pages)
    assert f"Celkem {SERVICES} služeb" in text and rows[0][0] in text and rows[-1][0] in text, "table incomplete"
    cpu = platform.processor() or platform.machine()
    lines = [
        "# Performance: documents — the PDF engine (regional plan with the 547-row network table)",
        "",
        "Written by `bench/documents_engine_bench.py`; do not edit by hand, re-run the benchmark.",
        "",
        f"- **Machine:** {cpu}, {os.cpu_count()} logical CPUs, {platform.system()} {platform.release()}; "
        f"Python {platform.python_version()}, typst {typst.__version__}, WeasyPrint {weasyprint.__version__}. "
        f"Load average at the start {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} (1 / 5 / 15 min), at the end "
        f"{os.getloadavg()[0]:.1f} (other work on the machine slows every row alike; the ratio stays; the CPU time "
        "of the rendering itself is given too).",
        "- **Data:** a regional-plan-shaped `Document` (title page, TOC, 5 priorities with measure tables, the "
        f"synthetic {SERVICES}-service network table of `bench/planning_documents_bench.py`, a financial chapter "
        "with a chart).",
        "- **Timed:** best of the runs after a warm-up; **reference:** a one-page document with the same engine "
        "(best of 10). Goal: the regional plan in ≤ 1 s.",
        "",
        "| engine | regional plan | its CPU time | one-page reference | pages | ratio |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, big_s, ref_s, n, _pdf, cpu_s in results:
        lines.append(f"| {name} | **{big_s:.2f} s** | {cpu_s:.2f} s | {ref_s * 1000:.0f} ms | {n} "
                     f"| {big_s / ref_s:.0f}× |")
    lines += [reportlab_row, "",
              "- Typst is the engine of `socplan.core.render.pdf.document_pdf` (reasoning in docs/documents.md).", ""]
    if "--typst-only" not in sys.argv:  # the report keeps the comparison of the engines
        OUT.parent.mkdir(parents=True, exist_ok=True)
        OUT.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
