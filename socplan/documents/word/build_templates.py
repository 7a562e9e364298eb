"""Builds the default Word templates of the decision documents (run: python -m socplan.documents.word.build_templates).

The region edits these files (or uploads its own) – the placeholders are Jinja for docxtpl and may use only the
context names registered in ``socplan.documents.decisions`` and ``socplan.documents.plans`` (the template contract). Kept so that the shipped
defaults can be regenerated after a change of the wording.
"""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

HERE = Path(__file__).parent


def _doc() -> Document:
    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "Calibri"
    style.font.size = Pt(11)
    return doc


def _table(doc, header: list[str], row: list[str], loop: str, total: list[str] | None = None):
    """Header, the docxtpl row loop (`{%tr for … %}` … `{%tr endfor %}`), the data row, an optional total."""
    rows = [header, ["{%tr " + loop + " %}"] + [""] * (len(header) - 1), row,
            ["{%tr endfor %}"] + [""] * (len(header) - 1)] + ([total] if total else [])
    table = doc.add_table(rows=len(rows), cols=len(header))
    table.style = "Table Grid"
    for r, texts in enumerate(rows):
        for c, text in enumerate(texts):
            table.rows[r].cells[c].text = text
    return table


def decision() -> Document:
    doc = _doc()
    doc.add_paragraph("{{ synthetic_note }}")
    p = doc.add_paragraph("{{ region }}")
    p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    doc.add_heading("{{ decision.title }}", level=1)
    doc.add_paragraph("Č. j.: {{ decision.number }}    Datum: {{ decision.issued_on }}")
    doc.add_paragraph("Dotační program: {{ programme.name }} ({{ programme.legal_basis }}), rok {{ programme.year }}, "
                      "{{ programme_round.number }}. kolo")
    doc.add_heading("Poskytovatel sociálních služeb (příjemce)", level=2)
    doc.add_paragraph("{{ provider.name }}, IČO {{ provider.ico }}")
    doc.add_heading("Výrok", level=2)
    doc.add_paragraph("{{ region }} poskytuje příjemci dotaci ve výši {{ decision.amount }} na poskytování "
                      "sociálních služeb uvedených níže, zařazených do sítě sociálních služeb kraje, v souladu "
                      "s pověřením č. {{ entrustment.number }}.")
    doc.add_heading("Služby a částky", level=2)
    _table(doc, ["Služba", "Identifikátor", "Druh", "Území", "Dotace"],
           ["{{ s.name }}", "{{ s.identifier }}", "§ {{ s.kind }}", "{{ s.territory }}", "{{ s.amount }}"],
           "for s in services", ["Celkem", "", "", "", "{{ decision.amount }}"])
    doc.add_heading("Splátkový kalendář", level=2)
    _table(doc, ["Splátka", "Splatnost", "Částka"], ["{{ i.order }}.", "{{ i.due_on }}", "{{ i.amount }}"],
           "for i in instalments")
    doc.add_heading("Podmínky", level=2)
    doc.add_paragraph("{{ programme.conditions }}")
    doc.add_paragraph("Příjemce předloží vyúčtování dotace do {{ programme_round.reports_by }}. Nevyčerpané "
                      "prostředky a nadměrnou vyrovnávací platbu vrátí do {{ programme_round.refund_due }}.")
    doc.add_paragraph("")
    doc.add_paragraph("………………………………………")
    doc.add_paragraph("za {{ region }}")
    return doc


def entrustment() -> Document:
    doc = _doc()
    doc.add_paragraph("{{ synthetic_note }}")
    doc.add_heading("Pověření k poskytování služeb obecného hospodářského zájmu", level=1)
    doc.add_paragraph("Č. {{ entrustment.number }}")
    doc.add_paragraph("Podle rozhodnutí Komise 2012/21/EU pověřuje {{ region }} poskytovatele {{ provider.name }}, "
                      "IČO {{ provider.ico }}, poskytováním níže uvedených sociálních služeb jako služeb obecného "
                      "hospodářského zájmu na období {{ entrustment.period }}.")
    doc.add_heading("Služby a území", level=2)
    _table(doc, ["Služba", "Identifikátor", "Druh", "Území"],
           ["{{ s.name }}", "{{ s.identifier }}", "§ {{ s.kind }}", "{{ s.territory }}"], "for s in services")
    doc.add_heading("Parametry vyrovnávací platby", level=2)
    doc.add_paragraph("{{ compensation.method }}")
    doc.add_paragraph("Přiměřený zisk: {{ compensation.profit_rate }} uznatelných nákladů.")
    doc.add_paragraph("Kontrola nadměrné vyrovnávací platby: {{ compensation.check }}")
    doc.add_paragraph("Převod nadměrné vyrovnávací platby: {{ compensation.carry_over }}")
    doc.add_paragraph("")
    doc.add_paragraph("………………………………………")
    doc.add_paragraph("za {{ region }}")
    return doc


def plan() -> Document:
    """The frame of a plan document (medium-term plan, community plan, action plan): title page and the place of
    the generated content (`body`, or the chapters one by one: `{%p for c in chapters %}{{ c.content }}…`)."""
    doc = _doc()
    doc.add_paragraph("{{ note }}")
    doc.add_heading("{{ title }}", level=0)
    doc.add_paragraph("{{ subtitle }}")
    table = doc.add_table(rows=3, cols=2)
    table.style = "Table Grid"
    for r, (left, right) in enumerate([("{%tr for m in meta %}", ""), ("{{ m.label }}", "{{ m.value }}"),
                                       ("{%tr endfor %}", "")]):
        table.rows[r].cells[0].text, table.rows[r].cells[1].text = left, right
    doc.add_page_break()
    doc.add_paragraph("{{ body }}")
    return doc


def main() -> None:
    decision().save(HERE / "rozhodnuti.docx")
    entrustment().save(HERE / "povereni.docx")
    plan().save(HERE / "plan.docx")


if __name__ == "__main__":
    main()
