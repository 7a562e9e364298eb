"""Registry of document builders: other modules register how to build a document for one of their objects.

    @document_builder("planning.plan", title="Plán", can_view=plan_can_view, catalogue=plan_catalogue)
    def build_plan(object_id: int) -> BuiltDocument: ...

`socplan.documents.services.document_render` renders any registered builder to PDF/DOCX/XLSX (also as the
background job kind ``document_render``); `catalogue(user)` lists the documents a user may download on the
documents page (the public sees published documents only).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from socplan.core.render.blocks import Document


@dataclass
class BuiltDocument:
    document: Document
    filename_stem: str  # without extension, ASCII (e.g. "spr-jmk-2015-2017")
    public: bool = False  # may anyone download it (e.g. a published plan)?


@dataclass
class CatalogueEntry:
    title: str
    subtitle: str = ""
    links: list[tuple[str, str]] = field(default_factory=list)  # (format, url)
    public: bool = True


@dataclass(frozen=True)
class Builder:
    name: str
    title: str
    build: Callable[[int], BuiltDocument]
    can_view: Callable[[object, int], bool]
    catalogue: Callable[[object], list[CatalogueEntry]] | None = None


BUILDERS: dict[str, Builder] = {}


def document_builder(name: str, *, title: str, can_view: Callable[[object, int], bool],
                     catalogue: Callable[[object], list[CatalogueEntry]] | None = None):
    def register(fn):
        BUILDERS[name] = Builder(name, title, fn, can_view, catalogue)
        return fn

    return register
