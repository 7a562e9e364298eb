"""A small document model (framework-free): a document is a title page plus a list of blocks.

The same `Document` renders to print HTML → PDF (`socplan.core.render.pdf.document_pdf`), to DOCX
(`socplan.core.render.word.document_docx`) and its tables to XLSX (`socplan.core.render.spreadsheet`), so the three
formats always carry the same headings, tables and numbers.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

# Column kinds: how a cell is formatted (text as is; numbers with Czech grouping; money in whole Kč).
TEXT, INT, DECIMAL, CZK, PERCENT, DATE = "text", "int", "decimal", "czk", "percent", "date"


@dataclass
class Heading:
    text: str
    level: int = 1
    id: str = ""
    toc: bool = True


@dataclass
class Paragraph:
    text: str
    style: str = ""  # "", "note", "lead"


@dataclass
class BulletList:
    items: list[str]


@dataclass
class KeyValues:
    pairs: list[tuple[str, str]]


@dataclass
class Column:
    label: str
    kind: str = TEXT
    width: float | None = None  # relative width (PDF/DOCX); XLSX uses character widths derived from it


@dataclass
class Table:
    columns: list[Column]
    rows: list[list[Any]]
    title: str = ""  # caption; also the XLSX sheet name
    totals: list[Any] | None = None
    note: str = ""
    id: str = ""
    small: bool = False


@dataclass
class Chart:
    """An inline SVG chart; `data` is the same information as a table (DOCX shows the table)."""

    title: str
    svg: str
    data: Table | None = None


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
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date | datetime):
        return value.isoformat()
    return str(value)
