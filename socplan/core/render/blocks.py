"""A small document model (framework-free): a document is a title page plus a list of blocks.

The same `Document` renders to print HTML → PDF (`socplan.core.render.pdf.document_pdf`), to DOCX
(`socplan.core.render.word.document_docx`) and its tables to XLSX (`socplan.core.render.spreadsheet`), so the three
formats always carry the same headings, tables and numbers.

Every text enters a document through these classes, and each of them passes its texts through
`socplan.core.render.typography.document_text` when it is made: at most `TEXT_LIMIT` characters in one piece and
a break opportunity inside any unbroken run longer than `BREAK_EVERY` characters. Whatever the data hold (a
2 MB plan section without a space, written before the forms refused it), no renderer gets text it would need
unbounded time or memory to lay out.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from .typography import document_text

# Column kinds: how a cell is formatted (text as is; numbers with Czech grouping; money in whole Kč).
TEXT, INT, DECIMAL, CZK, PERCENT, DATE = "text", "int", "decimal", "czk", "percent", "date"


def _texts(values) -> list:
    return [document_text(v) for v in values]


@dataclass
class Heading:
    text: str
    level: int = 1
    id: str = ""
    toc: bool = True

    def __post_init__(self):
        self.text = document_text(self.text)


@dataclass
class Paragraph:
    text: str
    style: str = ""  # "", "note", "lead"

    def __post_init__(self):
        self.text = document_text(self.text)


@dataclass
class BulletList:
    items: list[str]

    def __post_init__(self):
        self.items = _texts(self.items)


@dataclass
class KeyValues:
    pairs: list[tuple[str, str]]

    def __post_init__(self):
        self.pairs = [(document_text(k), document_text(v)) for k, v in self.pairs]


@dataclass
class Column:
    label: str
    kind: str = TEXT
    width: float | None = None  # relative width (PDF/DOCX); XLSX uses character widths derived from it

    def __post_init__(self):
        self.label = document_text(self.label)


@dataclass
class Table:
    columns: list[Column]
    rows: list[list[Any]]
    title: str = ""  # caption; also the XLSX sheet name
    totals: list[Any] | None = None
    note: str = ""
    id: str = ""
    small: bool = False

    def __post_init__(self):
        self.rows = [_texts(row) for row in self.rows]
        self.title, self.note = document_text(self.title), document_text(self.note)
        if self.totals is not None:
            self.totals = _texts(self.totals)


@dataclass
class Chart:
    """An inline SVG chart; `data` is the same information as a table (DOCX shows the table)."""

    title: str
    svg: str  # made by socplan.core.render.charts from numbers and labels (which it cuts to fit)
    data: Table | None = None

    def __post_init__(self):
        self.title = document_text(self.title)


@dataclass
class PageBreak:
    pass


@dataclass
class Toc:
    title: str = "Obsah"
    max_level: int = 2


Block = Heading | Paragraph | BulletList | KeyValues | Table | Chart | PageBreak | Toc


@dataclass
class Document:
    title: str
    subtitle: str = ""
    meta: list[tuple[str, str]] = field(default_factory=list)  # shown on the title page
    blocks: list[Block] = field(default_factory=list)
    running_title: str = ""  # page header; defaults to the title
    lang: str = "cs"
    footer_note: str = ""
    word_template: bytes = b""  # a DOCX template (docxtpl) that frames the Word rendering; empty: the built-in layout

    def __post_init__(self):
        self.title, self.subtitle = document_text(self.title), document_text(self.subtitle)
        self.running_title, self.footer_note = document_text(self.running_title), document_text(self.footer_note)
        self.meta = [(document_text(k), document_text(v)) for k, v in self.meta]

    def tables(self) -> list[Table]:
        out = []
        for b in self.blocks:
            if isinstance(b, Table):
                out.append(b)
            elif isinstance(b, Chart) and b.data is not None:
                out.append(b.data)
        return out

    def headings(self, max_level: int = 6) -> list[Heading]:
        return [b for b in self.blocks if isinstance(b, Heading) and b.level <= max_level]

    def number_headings(self) -> None:
        """Give every heading without an id a stable one (h-1, h-2, …) for the TOC links."""
        for i, h in enumerate((b for b in self.blocks if isinstance(b, Heading)), start=1):
            if not h.id:
                h.id = f"h-{i}"

    def fingerprint(self) -> str:
        """SHA-256 of the content: equal documents render to equal files (used to cache renderings)."""
        return hashlib.sha256(json.dumps(asdict(self), default=_json_default, sort_keys=True,
                                         ensure_ascii=False).encode()).hexdigest()


def _json_default(value):
    if isinstance(value, bytes):
        return hashlib.sha256(value).hexdigest()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date | datetime):
        return value.isoformat()
    return str(value)
