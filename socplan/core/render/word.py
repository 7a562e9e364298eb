"""DOCX output with python-docx, for further editing in Word / LibreOffice.

`docx_document(title, blocks, …)` builds a document from `socplan.core.render.blocks` (headings use Word's
built-in "Heading N" styles, so the navigation pane and a regenerated table of contents work); a table of
contents is inserted as a TOC field that Word fills in on opening (F9 / "update fields"). Charts are carried
as their data tables (the picture is in the PDF). Czech: document language cs-CZ, DejaVu Sans / Calibri.
"""

from __future__ import annotations

import io

from .blocks import (
    BulletList,
    Chart,
    Document,
    Heading,
    KeyValues,
    PageBreak,
    Paragraph,
    Table,
    Toc,
)
from .pdf import _cell
from .typography import cz_text


def _set_language(styles, lang: str = "cs-CZ") -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    style = styles["Normal"]
    rpr = style.element.get_or_add_rPr()
    el = rpr.find(qn("w:lang"))
    if el is None:
        el = OxmlElement("w:lang")
        rpr.append(el)
    el.set(qn("w:val"), lang)


def _toc_field(paragraph, max_level: int) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    run = paragraph.add_run()
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f'TOC \\o "1-{max_level}" \\h \\z \\u'
    sep = OxmlElement("w:fldChar")
    sep.set(qn("w:fldCharType"), "separate")
    text = OxmlElement("w:t")
    text.text = "Obsah se zobrazí po aktualizaci polí (F9)."
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    for el in (begin, instr, sep, text, end):
        run._r.append(el)


def _page_number_footer(section) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    p = section.footer.paragraphs[0]
    p.text = "strana "
    run = p.add_run()
    for kind, payload in (("begin", None), ("instr", "PAGE"), ("end", None)):
        if kind == "instr":
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = payload
        else:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        run._r.append(el)


def _add_table(docx, t: Table) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    if t.title:
        cap = docx.add_paragraph(cz_text(t.title))
        cap.runs[0].bold = True
    rows = len(t.rows) + 1 + (1 if t.totals is not None else 0)
    table = docx.add_table(rows=rows, cols=len(t.columns))
    table.style = "Table Grid"
    size = Pt(7 if t.small else 8)

    def put(cell, text, *, bold=False, right=False):
        cell.text = ""
        para = cell.paragraphs[0]
        run = para.add_run(text)
        run.font.size = size
        run.bold = bold
        if right:
            para.alignment = WD_ALIGN_PARAGRAPH.RIGHT

    for j, col in enumerate(t.columns):
        put(table.cell(0, j), col.label, bold=True, right=col.kind not in ("text", "date"))
    # Header row repeats on every page.
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    trpr = table.rows[0]._tr.get_or_add_trPr()
    hdr = OxmlElement("w:tblHeader")
    hdr.set(qn("w:val"), "true")
    trpr.append(hdr)
    for i, row in enumerate(t.rows, start=1):
        cells = table.rows[i].cells
        for j, (value, col) in enumerate(zip(row, t.columns, strict=False)):
            cls, _text = _cell(value, col.kind)
            put(cells[j], _plain(value, col.kind), right=cls == "num")
    if t.totals is not None:
        cells = table.rows[-1].cells
        for j, (value, col) in enumerate(zip(t.totals, t.columns, strict=False)):
            kind = col.kind if not isinstance(value, str) else "text"
            put(cells[j], _plain(value, kind), bold=True, right=kind not in ("text", "date"))
    if t.note:
        note = docx.add_paragraph(cz_text(t.note))
        note.runs[0].italic = True
        note.runs[0].font.size = Pt(8)


def _plain(value, kind: str) -> str:
    import html

    _cls, text = _cell(value, kind)
    return html.unescape(text)


def add_blocks(docx, blocks: list) -> None:
    """Append the blocks to a python-docx document (at its end, before the section properties)."""
    from docx.shared import Pt

    for block in blocks:
        if isinstance(block, Toc):
            docx.add_page_break()
            docx.add_paragraph(block.title).runs[0].bold = True
            _toc_field(docx.add_paragraph(), block.max_level)
            docx.add_page_break()
        elif isinstance(block, Heading):
            docx.add_heading(cz_text(block.text), level=min(max(block.level, 1), 4))
        elif isinstance(block, Paragraph):
            p = docx.add_paragraph(cz_text(block.text))
            if block.style == "note":
                for r in p.runs:
                    r.italic = True
                    r.font.size = Pt(8)
        elif isinstance(block, BulletList):
            for item in block.items:
                docx.add_paragraph(cz_text(item), style="List Bullet")
        elif isinstance(block, KeyValues):
            for key, value in block.pairs:
                p = docx.add_paragraph()
                p.add_run(f"{key}: ").bold = True
                p.add_run(cz_text(str(value)))
        elif isinstance(block, Table):
            _add_table(docx, block)
        elif isinstance(block, Chart):
            p = docx.add_paragraph(block.title)
            p.runs[0].bold = True
            if block.data is not None:
                _add_table(docx, block.data)
        elif isinstance(block, PageBreak):
            docx.add_page_break()



def docx_document(title: str, blocks: list, *, subtitle: str = "", meta: list[tuple[str, str]] | None = None,
                  running_title: str = "") -> bytes:
    """Build a DOCX from blocks (Heading, Paragraph, BulletList, KeyValues, Table, Chart, PageBreak, Toc)."""
    from docx import Document as DocxDocument
    from docx.enum.section import WD_ORIENT  # noqa: F401  (kept for callers that switch orientation)
    from docx.shared import Mm, Pt

    docx = DocxDocument()
    styles = docx.styles
    styles["Normal"].font.name = "DejaVu Sans"
    styles["Normal"].font.size = Pt(10)
    _set_language(styles)
    section = docx.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(18)
    section.top_margin = section.bottom_margin = Mm(20)
    section.header.paragraphs[0].text = running_title or title
    _page_number_footer(section)
    docx.core_properties.title = title
    docx.core_properties.language = "cs-CZ"

    docx.add_heading(cz_text(title), level=0)
    if subtitle:
        docx.add_paragraph(cz_text(subtitle))
    for key, value in meta or []:
        p = docx.add_paragraph()
        p.add_run(f"{key}: ").bold = True
        p.add_run(cz_text(str(value)))
    add_blocks(docx, blocks)
    buf = io.BytesIO()
    docx.save(buf)
    return buf.getvalue()


def document_docx(doc: Document) -> bytes:
    if doc.word_template:
        return templated_docx(doc)
    return docx_document(doc.title, doc.blocks, subtitle=doc.subtitle, meta=doc.meta,
                         running_title=doc.running_title)


BODY_MARK = "[[socplan:obsah]]"


def _chapter_mark(i: int) -> str:
    return f"[[socplan:kapitola:{i}]]"


def _chapters(blocks: list) -> tuple[list, list[tuple[str, list]]]:
    """(blocks before the first chapter, [(chapter title, its blocks from its level-1 heading on)])."""
    lead, chapters = [], []
    for b in blocks:
        if isinstance(b, Heading) and b.level == 1:
            chapters.append((b.text, [b]))
        elif chapters:
            chapters[-1][1].append(b)
        else:
            lead.append(b)
    return lead, chapters


def template_context(doc: Document) -> dict:
    """What a Word template of a document may use: `title`, `subtitle`, `meta` (list of {label, value}), `note`
    (the statement on synthetic inputs, or empty), `body` (the whole content), `chapters` (list of {number,
    title, content}: a template may reorder or leave out chapters). `body` and each chapter's `content` stand
    alone in a paragraph of their own: the generated headings, texts and tables replace that paragraph."""
    _lead, chapters = _chapters(doc.blocks)
    return {"title": doc.title, "subtitle": doc.subtitle,
            "meta": [{"label": k, "value": v} for k, v in doc.meta], "note": doc.footer_note, "body": BODY_MARK,
            "chapters": [{"number": i, "title": t, "content": _chapter_mark(i)}
                         for i, (t, _b) in enumerate(chapters, start=1)]}


TEMPLATE_NAMES = frozenset({"title", "subtitle", "meta", "note", "body", "chapters"})


def _ensure_styles(docx) -> None:
    """A template saved by Word carries only the styles it uses: add the ones the generated content needs."""
    from docx.enum.style import WD_STYLE_TYPE
    from docx.shared import Pt

    names = {s.name for s in docx.styles}
    for level, size in ((1, 16), (2, 13), (3, 11), (4, 10)):
        if f"Heading {level}" not in names:
            style = docx.styles.add_style(f"Heading {level}", WD_STYLE_TYPE.PARAGRAPH)
            style.font.bold, style.font.size = True, Pt(size)
    if "List Bullet" not in names:
        docx.styles.add_style("List Bullet", WD_STYLE_TYPE.PARAGRAPH)
    if "Table Grid" not in names:
        docx.styles.add_style("Table Grid", WD_STYLE_TYPE.TABLE)


def templated_docx(doc: Document) -> bytes:
    """The DOCX of `doc` framed by its Word template (docxtpl): the template's wording, logo, title page and
    order of chapters, with the generated content where it places `body` or a chapter's `content`."""
    from docx import Document as DocxDocument
    from docxtpl import DocxTemplate

    tpl = DocxTemplate(io.BytesIO(doc.word_template))
    tpl.render(template_context(doc), autoescape=True)
    filled = io.BytesIO()
    tpl.save(filled)
    docx = DocxDocument(io.BytesIO(filled.getvalue()))
    _ensure_styles(docx)
    lead, chapters = _chapters(doc.blocks)
    content = {BODY_MARK: doc.blocks} | {_chapter_mark(i): blocks for i, (_t, blocks) in enumerate(chapters, 1)}
    body = docx.element.body
    for paragraph in list(docx.paragraphs):
        mark = next((m for m in content if m in paragraph.text), None)
        if mark is None:
            continue
        before = set(body.iterchildren())
        add_blocks(docx, content[mark])
        for el in [el for el in body.iterchildren() if el not in before and el.tag != body.sectPr.tag]:
            paragraph._p.addprevious(el)
        paragraph._p.getparent().remove(paragraph._p)
    docx.core_properties.title = doc.title
    out = io.BytesIO()
    docx.save(out)
    return out.getvalue()
