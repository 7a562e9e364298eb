"""PDF output: `pdf_from_html(html, base_url)` (WeasyPrint) for any print HTML; `document_pdf` for a
`blocks.Document` (Typst, `socplan.core.render.typst_pdf`) and `document_html`, its HTML form.

Print CSS (`PRINT_CSS`, applied to every PDF): A4, DejaVu fonts (Czech diacritics), Czech hyphenation
(`lang="cs"`), running header with the document title and the current chapter (`string-set`), page numbers
"strana N z M" (`counter(page)` / `counter(pages)`), a table of contents with page numbers
(`target-counter`), repeated table headers on every page and PDF bookmarks from the headings.

Resources are fetched only from `data:` URLs and local files (no network access from a document).
"""

from __future__ import annotations

from html import escape

from .blocks import (
    CZK,
    DATE,
    DECIMAL,
    INT,
    PERCENT,
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
from .typography import cz_czk, cz_number, cz_text

PRINT_CSS = """
@page {
  size: A4; margin: 20mm 16mm 18mm 18mm;
  @top-left { content: string(doctitle); font-size: 7.5pt; color: #555e68; }
  @top-right { content: string(chapter); font-size: 7.5pt; color: #555e68; }
  @bottom-right { content: "strana " counter(page) " z " counter(pages); font-size: 7.5pt; color: #555e68; }
  @bottom-left { content: string(footnote); font-size: 7pt; color: #555e68; }
}
@page :first { @top-left { content: none; } @top-right { content: none; } @bottom-right { content: none; }
  @bottom-left { content: none; } }
html { font-family: "DejaVu Sans", sans-serif; font-size: 9.5pt; line-height: 1.4; color: #1b1f24; }
body { margin: 0; }
p, li { hyphens: auto; text-align: justify; orphans: 2; widows: 2; }
h1, h2, h3, h4 { font-family: "DejaVu Sans", sans-serif; color: #0b3d73; hyphens: manual; text-align: left;
  break-after: avoid; }
h1 { font-size: 16pt; margin: 0 0 8pt; string-set: chapter content(); bookmark-level: 1; break-before: page; }
h2 { font-size: 12.5pt; margin: 14pt 0 6pt; bookmark-level: 2; }
h3 { font-size: 10.5pt; margin: 10pt 0 4pt; bookmark-level: 3; }
h4 { font-size: 9.5pt; margin: 8pt 0 3pt; bookmark-level: 4; }
section.title-page { break-after: page; padding-top: 55mm; }
section.title-page h1 { break-before: avoid; font-size: 22pt; string-set: none; bookmark-level: none; }
.running-title { string-set: doctitle content(); font-size: 9pt; color: #555e68; }
.footnote { string-set: footnote content(); font-size: 9pt; color: #555e68; }
table.fixed { table-layout: fixed; }
section.title-page .subtitle { font-size: 13pt; color: #555e68; margin-bottom: 20mm; }
dl.meta { display: block; } dl.meta dt { font-weight: bold; margin-top: 4pt; } dl.meta dd { margin: 0 0 0 0; }
nav.toc { break-after: page; }
nav.toc h1 { string-set: chapter "Obsah"; }
nav.toc ol { list-style: none; padding: 0; margin: 0; }
nav.toc li { margin: 2pt 0; text-align: left; }
nav.toc li.l2 { margin-left: 12pt; } nav.toc li.l3 { margin-left: 24pt; font-size: 8.5pt; }
nav.toc a { color: inherit; text-decoration: none; }
nav.toc a::after { content: leader(".") " " target-counter(attr(href), page); }
table { border-collapse: collapse; width: 100%; margin: 4pt 0 10pt; font-size: 8.5pt; }
table.small { font-size: 7pt; }
caption { caption-side: top; text-align: left; font-weight: bold; padding-bottom: 3pt; }
thead { display: table-header-group; }
tfoot { display: table-row-group; }
tr { break-inside: avoid; }
th, td { border: 0.5pt solid #aab4bf; padding: 2pt 4pt; text-align: left; vertical-align: top; }
thead th { background: #e6edf5; }
td.num, th.num { text-align: right; white-space: nowrap; }
tfoot td { font-weight: bold; background: #f3f5f8; }
p.note { font-size: 8pt; color: #555e68; text-align: left; }
p.lead { font-size: 10.5pt; }
figure.chart { margin: 6pt 0 12pt; break-inside: avoid; }
figure.chart figcaption { font-weight: bold; margin-bottom: 4pt; }
figure.chart svg { max-width: 100%; height: auto; }
.page-break { break-after: page; }
"""


def safe_url_fetcher():
    """A WeasyPrint fetcher for `data:` and local `file:` URLs only: a document never reaches the network."""
    from weasyprint.urls import URLFetcher

    return URLFetcher(allowed_protocols={"data", "file"}, allow_redirects=False)


def pdf_from_html(html: str, base_url: str | None = None, *, stylesheets: list[str] | None = None,
                  print_css: bool = True) -> bytes:
    """Render print HTML to PDF bytes (with `PRINT_CSS` unless `print_css=False`)."""
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()
    sheets = ([CSS(string=PRINT_CSS, font_config=fonts)] if print_css else []) + [
        CSS(string=s, font_config=fonts) for s in (stylesheets or [])
    ]
    doc = HTML(string=html, base_url=base_url or ".", url_fetcher=safe_url_fetcher())
    return doc.write_pdf(stylesheets=sheets, font_config=fonts)


# --- Document → HTML ----------------------------------------------------------------------------------------

def _cell(value, kind: str) -> tuple[str, str]:
    """(css class, escaped text) of one table cell."""
    if value is None or value == "":
        return ("num" if kind != "text" else ""), "—" if kind != "text" else ""
    if kind == CZK:
        return "num", escape(cz_czk(value))
    if kind == INT:
        return "num", escape(cz_number(value, 0))
    if kind == DECIMAL:
        return "num", escape(cz_number(value, 2))
    if kind == PERCENT:
        return "num", escape(cz_number(value, 1 if float(value) % 1 else 0) + "\xa0%")
    if kind == DATE:
        return "", escape(f"{value.day}. {value.month}. {value.year}")
    return "", escape(cz_text(str(value)))


def _tag(name: str, cls: str, inner: str) -> str:
    attr = f' class="{cls}"' if cls else ""
    return f"<{name}{attr}>{inner}</{name}>"


def table_html(t: Table) -> str:
    classes = [name for name, on in (("small", t.small), ("fixed", any(c.width for c in t.columns))) if on]
    attrs = (f' class="{" ".join(classes)}"' if classes else "") + (f' id="{escape(t.id)}"' if t.id else "")
    out = [f"<table{attrs}>"]
    if t.title:
        out.append(f"<caption>{escape(cz_text(t.title))}</caption>")
    widths = [c.width for c in t.columns]
    if any(widths):
        total = sum(w or 1 for w in widths)
        out.append("<colgroup>" + "".join(f'<col style="width:{100 * (w or 1) / total:.1f}%">' for w in widths)
                   + "</colgroup>")
    out.append("<thead><tr>" + "".join(
        _tag("th", "num" if c.kind not in ("text", DATE) else "", escape(c.label)) for c in t.columns)
        + "</tr></thead><tbody>")
    for row in t.rows:
        cells = []
        for value, col in zip(row, t.columns, strict=False):
            cls, text = _cell(value, col.kind)
            cells.append(_tag("td", cls, text))
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</tbody>")
    if t.totals is not None:
        cells = []
        for value, col in zip(t.totals, t.columns, strict=False):
            cls, text = _cell(value, col.kind if not isinstance(value, str) else "text")
            cells.append(_tag("td", cls, text))
        out.append("<tfoot><tr>" + "".join(cells) + "</tr></tfoot>")
    out.append("</table>")
    if t.note:
        out.append(f'<p class="note">{escape(cz_text(t.note))}</p>')
    return "".join(out)


def document_html(doc: Document) -> str:
    doc.number_headings()
    out = [f'<!DOCTYPE html><html lang="{doc.lang}"><head><meta charset="utf-8"><title>{escape(doc.title)}</title>'
           "</head><body>"]
    out.append('<section class="title-page">')
    out.append(f'<p class="running-title">{escape(doc.running_title or doc.title)}</p>')
    if doc.footer_note:
        out.append(f'<p class="footnote">{escape(doc.footer_note)}</p>')
    out.append(f"<h1>{escape(cz_text(doc.title))}</h1>")
    if doc.subtitle:
        out.append(f'<p class="subtitle">{escape(cz_text(doc.subtitle))}</p>')
    if doc.meta:
        out.append('<dl class="meta">' + "".join(
            f"<dt>{escape(k)}</dt><dd>{escape(cz_text(str(v)))}</dd>" for k, v in doc.meta) + "</dl>")
    out.append("</section>")
    for block in doc.blocks:
        if isinstance(block, Toc):
            items = [h for h in doc.headings(block.max_level) if h.toc]
            out.append(f'<nav class="toc"><h1>{escape(block.title)}</h1><ol>' + "".join(
                f'<li class="l{h.level}"><a href="#{escape(h.id)}">{escape(h.text)}</a></li>' for h in items)
                + "</ol></nav>")
        elif isinstance(block, Heading):
            lvl = min(max(block.level, 1), 4)
            out.append(f'<h{lvl} id="{escape(block.id)}">{escape(cz_text(block.text))}</h{lvl}>')
        elif isinstance(block, Paragraph):
            cls = f' class="{block.style}"' if block.style else ""
            out.append(f"<p{cls}>{escape(cz_text(block.text))}</p>")
        elif isinstance(block, BulletList):
            out.append("<ul>" + "".join(f"<li>{escape(cz_text(i))}</li>" for i in block.items) + "</ul>")
        elif isinstance(block, KeyValues):
            out.append('<table class="kv"><tbody>' + "".join(
                f'<tr><th style="width:35%">{escape(k)}</th><td>{escape(cz_text(str(v)))}</td></tr>'
                for k, v in block.pairs) + "</tbody></table>")
        elif isinstance(block, Table):
            out.append(table_html(block))
        elif isinstance(block, Chart):
            # The SVG is produced by socplan.core.render.charts from numbers (escaped there), never from user HTML.
            out.append(f'<figure class="chart"><figcaption>{escape(block.title)}</figcaption>{block.svg}</figure>')
            if block.data is not None:
                out.append(table_html(block.data))
        elif isinstance(block, PageBreak):
            out.append('<div class="page-break"></div>')
    out.append("</body></html>")
    return "".join(out)


def document_pdf(doc: Document) -> bytes:
    """The PDF of a `Document`: laid out by Typst (`socplan.core.render.typst_pdf`; why: docs/documents.md).
    `document_html` stays the HTML form of the same document (web preview, `weasyprint_document_pdf`)."""
    from .typst_pdf import document_pdf as typst_document_pdf

    return typst_document_pdf(doc)


def weasyprint_document_pdf(doc: Document) -> bytes:
    """The same document through WeasyPrint (the previous engine; kept for the engine benchmark)."""
    return pdf_from_html(document_html(doc))
