"""PDF of a `blocks.Document` through Typst (PyPI `typst`, the compiler as a library; no external process).

Why Typst and not WeasyPrint for the documents: the cost of laying out a long table in WeasyPrint grows with the
number of cells far faster than in Typst (the regional plan's 547-row network table: ≈ 5 s against ≈ 0.4 s on a
2-CPU machine; measured by `bench/documents_engine_bench.py`, reasoning in docs/documents.md). WeasyPrint stays
for print HTML that is not a `Document` (`socplan.core.render.pdf.pdf_from_html`).

The layout (one source of truth, the preamble below): A4; DejaVu Sans (Debian `fonts-dejavu-core`, full Czech
diacritics) with Czech hyphenation; a title page; the table of contents with page numbers (`outline`); a running
header with the document title and the current chapter, a footer "strana N z M"; PDF bookmarks from the headings;
tables whose header row repeats on every page, numbers right-aligned, rows never split; columns empty in every
row left out; charts as SVG images; and the document's `footer_note` (e.g. the statement that inputs are
synthetic) on every page, the title page included.

Every text enters the Typst source as a string literal (code mode), never as markup, so nothing a user typed can
become a Typst command; `_s` escapes it.
"""

from __future__ import annotations

import os
import re
from functools import lru_cache

from .blocks import (
    CZK,
    DATE,
    DECIMAL,
    INT,
    PERCENT,
    TEXT,
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

FONT_DIRS = ("/usr/share/fonts/truetype/dejavu",)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")

PREAMBLE = r"""
#let muted = rgb("#555e68")
#let accent = rgb("#0b3d73")
#let rule = rgb("#aab4bf")
#let headfill = rgb("#e6edf5")
#let footfill = rgb("#f3f5f8")
#set document(title: DOCTITLE)
#set text(font: "DejaVu Sans", size: 9pt, lang: "cs", hyphenate: true, fill: rgb("#1b1f24"))
#set par(justify: true, leading: 0.55em, spacing: 0.9em)
#let chapter-on(p) = {
  let here-page = query(heading.where(level: 1)).filter(h => h.location().page() == p)
  if here-page.len() > 0 { return here-page.first().body }
  let before = query(heading.where(level: 1).before(here()))
  if before.len() > 0 { before.last().body } else { none }
}
#set page(paper: "a4", margin: (top: 20mm, bottom: 18mm, left: 18mm, right: 16mm),
  header: context {
    let p = here().page()
    if p > 1 {
      set text(7.5pt, fill: muted, hyphenate: false)
      set par(justify: false)
      grid(columns: (1fr, auto), column-gutter: 12pt, RUNNING, align(right, chapter-on(p)))
      v(-4pt)
      line(length: 100%, stroke: 0.4pt + rule)
    }
  },
  footer: context {
    set text(7pt, fill: muted, hyphenate: false)
    set par(justify: false)
    let p = here().page()
    if FOOTNOTE != "" { block(width: 100%, below: 3pt, text(weight: "bold", fill: rgb("#5c4400"), FOOTNOTE)) }
    if p > 1 {
      grid(columns: (1fr, auto), [], [strana #counter(page).display() z #counter(page).final().first()])
    }
  })
#set heading(numbering: none)
#show heading: set text(fill: accent, hyphenate: false)
#show heading: set par(justify: false)
#show heading.where(level: 1): it => { pagebreak(weak: true); block(below: 8pt, text(15pt, it)) }
#show heading.where(level: 2): it => block(above: 12pt, below: 6pt, sticky: true, text(12pt, it))
#show heading.where(level: 3): it => block(above: 10pt, below: 4pt, sticky: true, text(10.5pt, it))
#show heading.where(level: 4): it => block(above: 8pt, below: 3pt, sticky: true, text(9.5pt, it))
#show outline.entry.where(level: 1): set text(weight: "bold")
#set table(stroke: 0.5pt + rule, inset: (x: 3pt, y: 2.2pt))
#let caption(t) = block(above: 6pt, below: 3pt, sticky: true, text(weight: "bold", t))
#let note(t) = block(above: 3pt, below: 8pt, text(7.5pt, fill: muted, par(justify: false, t)))
#let hrow(..cells) = cells.pos().map(c => table.cell(fill: headfill, text(weight: "bold", hyphenate: false, c)))
#let trow(..cells) = cells.pos().map(c => table.cell(fill: footfill, text(weight: "bold", hyphenate: false, c)))
#let hy(c) = text(hyphenate: true, c)
#set table.cell(breakable: false)
"""


def _s(text) -> str:
    """A Typst string literal holding `text` (escaped; control characters other than newline/tab dropped)."""
    text = _CONTROL.sub("", str(text))
    text = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
    return f'"{text}"'


def _cell_text(value, kind: str) -> str:
    if value is None or value == "":
        return "" if kind == TEXT else "—"
    if kind == CZK:
        return cz_czk(value)
    if kind == INT:
        return cz_number(value, 0)
    if kind == DECIMAL:
        return cz_number(value, 2)
    if kind == PERCENT:
        return cz_number(value, 1 if float(value) % 1 else 0) + "\xa0%"
    if kind == DATE:
        return f"{value.day}. {value.month}. {value.year}"
    return cz_text(str(value))


def _filled(t: Table) -> list[int]:
    """Indices of the columns that hold something in at least one row (an empty column is left out)."""
    keep = [i for i in range(len(t.columns))
            if any(i < len(row) and row[i] not in (None, "") for row in t.rows)]
    return keep or list(range(len(t.columns)))


def _carry_dropped_totals(t: Table, keep: list[int], cells: list[str]) -> None:
    """A totals value in a left-out column (typically the label "Celkem 541 služeb" under an empty identifier
    column) moves to the nearest kept column whose totals cell is free, to its right first, so it is not lost."""
    for i, v in enumerate(t.totals or []):
        if i in keep or v in (None, ""):
            continue
        right = [k for k, j in enumerate(keep) if j > i and not cells[k]]
        left = [k for k, j in enumerate(keep) if j < i and not cells[k]]
        target = right[0] if right else (left[-1] if left else None)
        if target is not None:
            cells[target] = _cell_text(v, TEXT if isinstance(v, str) else t.columns[i].kind)


def _is_num(kind: str) -> bool:
    return kind not in (TEXT, DATE)


TEXT_WIDTH_PT = (210 - 18 - 16) / 25.4 * 72  # A4 less the margins
CELL_INSET_PT = 3.0
EM = {False: 0.60, True: 0.66}  # DejaVu Sans: upper bound of the mean advance of Czech text, regular / bold
_SPLIT = re.compile("[ \t\n\u200b-]+")


def _longest_word(text: str) -> int:
    return max((len(w) for w in _SPLIT.split(text)), default=0)


def column_widths(labels: list[str], cells: list[list[str]], weights: list[float], size: float) -> list[float]:
    """Widths in pt of the table's columns: proportional to `weights`, but no column narrower than its longest
    unbreakable word (header in bold, cells; numbers never break) — the other columns give way. This is what
    keeps a header such as "Identifikátor" from running into the next column."""
    n = len(weights)
    need = []
    for j in range(n):
        longest_head = _longest_word(labels[j]) * size * EM[True]
        longest_cell = max((_longest_word(row[j]) for row in cells), default=0) * size * EM[False]
        need.append(min(max(longest_head, longest_cell), TEXT_WIDTH_PT * 0.4) + 2 * CELL_INSET_PT + 1)
    widths = [TEXT_WIDTH_PT * w / sum(weights) for w in weights]
    for _ in range(n):  # raise the narrow ones, take the difference from the others in proportion
        short = [j for j in range(n) if widths[j] < need[j] - 0.01]
        if not short:
            break
        deficit = sum(need[j] - widths[j] for j in short)
        for j in short:
            widths[j] = need[j]
        free = [j for j in range(n) if j not in short and widths[j] > need[j]]
        room = sum(widths[j] - need[j] for j in free)
        if room <= 0:
            break
        for j in free:
            widths[j] -= deficit * (widths[j] - need[j]) / room if room > deficit else widths[j] - need[j]
    return widths


def _totals_cells(t: Table, keep: list[int]) -> list[str]:
    cells = []
    for i in keep:
        v = t.totals[i] if i < len(t.totals) else None
        cells.append(_cell_text(v, TEXT if isinstance(v, str) else t.columns[i].kind) if v not in (None, "") else "")
    _carry_dropped_totals(t, keep, cells)
    return cells


def _table(t: Table) -> str:
    """A table: the widths from `column_widths` (the totals row counted, so "Celkem" is never split), rows kept
    on one page, no hyphenation in the cells except a word wider than its column (then it must break)."""
    keep = _filled(t)
    cols = [t.columns[i] for i in keep]
    size_pt = 7.0 if t.small else 8.0
    body = [[_cell_text(row[i] if i < len(row) else None, t.columns[i].kind) for i in keep] for row in t.rows]
    totals = _totals_cells(t, keep) if t.totals is not None else None
    bold = [c.label + (" " + totals[j] if totals else "") for j, c in enumerate(cols)]  # header and totals
    widths_pt = column_widths(bold, body, [c.width or 1 for c in cols], size_pt)
    widths = ", ".join(f"{w:.1f}pt" for w in widths_pt)
    fits = [w - 2 * CELL_INSET_PT - 1 for w in widths_pt]  # text width inside the cell
    aligns = ", ".join("right" if _is_num(c.kind) else "left" for c in cols)
    size = f"{size_pt:g}pt"
    out = []
    if t.title:
        out.append(f"#caption({_s(cz_text(t.title))})")
    lines = [f"#block(breakable: true, {{set text({size}, hyphenate: false); set par(justify: false)",
             f"table(columns: ({widths},), align: ({aligns},),",
             "table.header(repeat: true, ..hrow(" + ", ".join(_s(c.label) for c in cols) + ")),"]
    for cells in body:
        lines.append(", ".join(f"hy({_s(c)})" if _longest_word(c) * size_pt * EM[False] > fits[j] else _s(c)
                               for j, c in enumerate(cells)) + ",")
    if totals is not None:
        lines.append("table.footer(repeat: false, ..trow(" + ", ".join(_s(c) for c in totals) + ")),")
    lines.append(")})")
    out.append("\n".join(lines))
    if t.note:
        out.append(f"#note({_s(cz_text(t.note))})")
    return "\n".join(out)


def document_typst(doc: Document) -> str:
    """The Typst source of `doc` (tested for content; the PDF comes from `document_pdf`)."""
    doc.number_headings()
    pre = (PREAMBLE.replace("DOCTITLE", _s(doc.title)).replace("RUNNING", _s(doc.running_title or doc.title))
           .replace("FOOTNOTE", _s(doc.footer_note)))
    out = [pre]
    # Title page: not a heading (it is no chapter and no outline entry).
    out.append("#v(45mm)")
    out.append(f"#par(justify: false, text(22pt, weight: \"bold\", fill: accent, hyphenate: false, {_s(cz_text(doc.title))}))")
    if doc.subtitle:
        out.append(f"#v(4mm)\n#par(justify: false, text(13pt, fill: muted, hyphenate: false, {_s(cz_text(doc.subtitle))}))")
    if doc.meta:
        out.append("#v(16mm)")
        cells = ", ".join(f"text(weight: \"bold\", {_s(k)}), {_s(cz_text(str(v)))}" for k, v in doc.meta)
        out.append(f"#grid(columns: (auto, 1fr), column-gutter: 10pt, row-gutter: 6pt, {cells})")
    out.append("#pagebreak()")
    for block in doc.blocks:
        out.append(_block(block))
    return "\n".join(out)


def _block(block) -> str:
    if isinstance(block, Toc):
        return (f"#heading(level: 1, outlined: false, bookmarked: true, {_s(block.title)})\n"
                f"#outline(title: none, depth: {int(block.max_level)}, indent: auto)\n#pagebreak(weak: true)")
    if isinstance(block, Heading):
        lvl = min(max(int(block.level), 1), 4)
        outlined = "true" if block.toc else "false"
        return f"#heading(level: {lvl}, outlined: {outlined}, {_s(cz_text(block.text))})"
    if isinstance(block, Paragraph):
        if block.style == "note":
            return f"#note({_s(cz_text(block.text))})"
        size = ", size: 10.5pt" if block.style == "lead" else ""
        return f"#par(text({_s(cz_text(block.text))}{size}))"
    if isinstance(block, BulletList):
        return "#list(" + ", ".join(_s(cz_text(i)) for i in block.items) + ")"
    if isinstance(block, KeyValues):
        cells = ", ".join(f"table.cell(fill: headfill, text(weight: \"bold\", {_s(k)})), {_s(cz_text(str(v)))}"
                          for k, v in block.pairs)
        return f"#block({{set text(8pt); set par(justify: false); table(columns: (35%, 65%), {cells})}})"
    if isinstance(block, Table):
        return _table(block)
    if isinstance(block, Chart):
        # The SVG is made by socplan.core.render.charts from numbers and escaped labels, never from user markup.
        svg = _s(block.svg)
        out = [f"#block(breakable: false, above: 8pt, below: 8pt, {{caption({_s(block.title)}); "
               f"image(bytes({svg}), format: \"svg\", width: 100%)}})"]
        if block.data is not None:
            out.append(_table(block.data))
        return "\n".join(out)
    if isinstance(block, PageBreak):
        return "#pagebreak(weak: true)"
    raise TypeError(f"neznámý blok {type(block).__name__}")


@lru_cache(maxsize=1)
def _font_paths() -> tuple[str, ...]:
    return tuple(p for p in FONT_DIRS if os.path.isdir(p))


def typst_pdf(source: str) -> bytes:
    """Compile Typst source to PDF bytes (the system's DejaVu fonts; Typst's own fonts otherwise)."""
    import typst

    return typst.compile(source.encode(), format="pdf", font_paths=list(_font_paths()), ignore_system_fonts=True)


def document_pdf(doc: Document) -> bytes:
    return typst_pdf(document_typst(doc))
