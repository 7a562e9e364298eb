"""Rendering and storing generated documents.

`document_render(actor=…, builder=…, object_id=…, fmt=…)` builds the document's content, fingerprints it and
returns the stored rendering with that fingerprint, or renders (PDF/DOCX/XLSX) and stores a new one — so a
download is fast after the first one, and any change of the data gives a fresh document.
"""

from __future__ import annotations

import re
import time
import unicodedata

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction

from socplan.core.render.blocks import Document

from .builders import BUILDERS
from .models import DocumentFormat, GeneratedDocument

# Bump when the print CSS or the renderers change, so stored renderings are not reused.
RENDERER_VERSION = "1"


def render_bytes(doc: Document, fmt: str) -> bytes:
    if fmt == DocumentFormat.PDF:
        from socplan.core.render.pdf import document_pdf

        return document_pdf(doc)
    if fmt == DocumentFormat.DOCX:
        from socplan.core.render.word import document_docx

        return document_docx(doc)
    if fmt == DocumentFormat.XLSX:
        from socplan.core.render.spreadsheet import xlsx_workbook

        return xlsx_workbook(doc.tables(), title=doc.title)
    raise ValueError(f"neznámý formát {fmt!r}")


def ascii_slug(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower()[:80] or "dokument"


def document_render(*, actor, builder: str, object_id: int, fmt: str, force: bool = False) -> GeneratedDocument:
    if builder not in BUILDERS:
        raise ValueError(f"neznámý druh dokumentu {builder!r}")
    if fmt not in DocumentFormat.values:
        raise ValueError(f"neznámý formát {fmt!r}")
    built = BUILDERS[builder].build(object_id)
    key = f"{builder}:{object_id}"
    fingerprint = _fingerprint(built.document)
    existing = GeneratedDocument.objects.filter(key=key, format=fmt, fingerprint=fingerprint).first()
    if existing is not None and not force and existing.file and existing.file.storage.exists(existing.file.name):
        if existing.is_public != built.public:
            GeneratedDocument.objects.filter(pk=existing.pk).update(is_public=built.public)
            existing.is_public = built.public
        return existing
    started = time.perf_counter()
    content = render_bytes(built.document, fmt)
    seconds = time.perf_counter() - started
    filename = f"{ascii_slug(built.filename_stem)}.{fmt}"
    with transaction.atomic():
        if existing is not None:
            existing.file.save(filename, ContentFile(content), save=False)
            existing.size, existing.render_seconds, existing.is_public = len(content), seconds, built.public
            existing.save()
            return existing
        doc = GeneratedDocument(key=key, format=fmt, title=built.document.title, filename=filename,
                                fingerprint=fingerprint, size=len(content), render_seconds=seconds,
                                is_public=built.public, created_by=actor if getattr(actor, "pk", None) else None)
        doc.file.save(filename, ContentFile(content), save=False)
        try:
            with transaction.atomic():
                doc.save()
        except IntegrityError:  # rendered concurrently by someone else: use theirs
            doc.file.delete(save=False)
            return GeneratedDocument.objects.get(key=key, format=fmt, fingerprint=fingerprint)
    return doc


def _fingerprint(doc: Document) -> str:
    import hashlib

    return hashlib.sha256((RENDERER_VERSION + doc.fingerprint()).encode()).hexdigest()
