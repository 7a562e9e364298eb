"""Rendering and storing generated documents.

`document_render(actor=…, builder=…, object_id=…, fmt=…)` builds the document's content, fingerprints it and
returns the stored rendering with that fingerprint, or renders (PDF/DOCX/XLSX) and stores a new one — so a
download is fast after the first one, and any change of the data gives a fresh document.

Rendering is bounded: it runs in a child process (`socplan.core.render.isolation`) with a time limit
(`SOCPLAN_DOCUMENT_RENDER_SECONDS`, default 60 s, for a download; `SOCPLAN_DOCUMENT_JOB_RENDER_SECONDS`, default
600 s, for the background job) and an address-space limit (`SOCPLAN_DOCUMENT_RENDER_MEMORY_MB`, default 2048 MB).
A rendering that fails is stored as a failure of that content: until the data change, every further request gets
`DocumentUnavailable` at once (the page answers 503) instead of rendering again. While one request renders, the
others for the same content get `DocumentUnavailable` with `busy=True` (503, Retry-After); a rendering whose
process was killed (its deadline passed) is taken over by the next request. The background job
(`retry_failed=True`) renders a failed content again, with its longer limit.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from socplan.core.render.blocks import Document
from socplan.core.render.isolation import RenderFailed, RenderLimits, document_bytes, render_isolated

from .builders import BUILDERS
from .models import DocumentFormat, GeneratedDocument, RenderStatus

# Bump when the print CSS or the renderers change, so stored renderings are not reused.
RENDERER_VERSION = "4"  # 2: XLSX cells through safe_cells (no formulas); 3: PDF laid out by Typst; 4: rows kept on a page, DOCX from Word templates


DEFAULT_RENDER_SECONDS = 60  # a download (below a web worker's timeout)
DEFAULT_JOB_RENDER_SECONDS = 600  # the background job
DEFAULT_RENDER_MEMORY_MB = 2048
STALE_MARGIN = dt.timedelta(seconds=30)  # a `rendering` row this long past its deadline is abandoned


class DocumentUnavailable(Exception):
    """The document cannot be served now: its rendering failed (`document.error` says why) or, with `busy`,
    another request is rendering it."""

    def __init__(self, document: GeneratedDocument, *, busy: bool = False):
        self.document = document
        self.busy = busy
        super().__init__(document.error if not busy else "dokument se právě vytváří")


def render_limits(*, background: bool = False) -> RenderLimits:
    """The limits of a rendering: a download's, or with `background` the job's (a longer time)."""
    if background:
        seconds = float(getattr(settings, "SOCPLAN_DOCUMENT_JOB_RENDER_SECONDS", DEFAULT_JOB_RENDER_SECONDS))
    else:
        seconds = float(getattr(settings, "SOCPLAN_DOCUMENT_RENDER_SECONDS", DEFAULT_RENDER_SECONDS))
    memory_mb = int(getattr(settings, "SOCPLAN_DOCUMENT_RENDER_MEMORY_MB", DEFAULT_RENDER_MEMORY_MB))
    return RenderLimits(seconds=seconds, memory_bytes=memory_mb * 1024 * 1024)


def render_bytes(doc: Document, fmt: str) -> bytes:
    """Render in this process, without limits (benchmarks and tests of the renderers)."""
    if fmt not in DocumentFormat.values:
        raise ValueError(f"neznámý formát {fmt!r}")
    return document_bytes(doc, fmt)


def ascii_slug(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower()[:80] or "dokument"


FORMAT_LABELS = {"pdf": "PDF", "docx": "DOCX", "xlsx": "XLSX"}


def _no_progress(percent: int, message: str = "") -> None:
    pass


def document_render(*, actor, builder: str, object_id: int, fmt: str, force: bool = False,
                    retry_failed: bool = False, background: bool = False,
                    progress: Callable[[int, str], None] = _no_progress) -> GeneratedDocument:
    """The stored rendering of the builder's document for `object_id` in `fmt`, rendered now if needed.
    Raises `DocumentUnavailable` when the rendering of this content failed (before, or now) or is running.
    `retry_failed` renders a content whose rendering failed again; `force` renders again in any case;
    `background` (the job) renders with the job's longer time limit; `progress(percent, message)` hears how far
    it got (the job shows it on its page)."""
    if builder not in BUILDERS:
        raise ValueError(f"neznámý druh dokumentu {builder!r}")
    if fmt not in DocumentFormat.values:
        raise ValueError(f"neznámý formát {fmt!r}")
    progress(10, "Sestavuji obsah dokumentu z aktuálních údajů.")
    built = BUILDERS[builder].build(object_id)
    key = f"{builder}:{object_id}"
    fingerprint = _fingerprint(built.document)
    limits = render_limits(background=background)
    existing = GeneratedDocument.objects.filter(key=key, format=fmt, fingerprint=fingerprint).first()
    if existing is not None:
        if existing.status == RenderStatus.RENDERING and not _abandoned(existing):
            raise DocumentUnavailable(existing, busy=True)
        if existing.status == RenderStatus.OK and existing.available and not force:
            if existing.is_public != built.public:
                GeneratedDocument.objects.filter(pk=existing.pk).update(is_public=built.public)
                existing.is_public = built.public
            progress(100, "Dokument s tímto obsahem už je uložen.")
            return existing
        if existing.status == RenderStatus.FAILED and not (force or retry_failed):
            raise DocumentUnavailable(existing)
    filename = f"{ascii_slug(built.filename_stem)}.{fmt}"
    doc = _claim(existing, key=key, fmt=fmt, fingerprint=fingerprint, filename=filename, built=built, actor=actor,
                 limits=limits)
    progress(30, f"Vytvářím {FORMAT_LABELS[fmt]} ({len(built.document.blocks)} bloků, "
                 f"{sum(len(t.rows) for t in built.document.tables())} řádků tabulek).")
    try:
        rendered = render_isolated(built.document, fmt, limits=limits)
    except RenderFailed as exc:
        GeneratedDocument.objects.filter(pk=doc.pk).update(
            status=RenderStatus.FAILED, error=exc.message, render_seconds=exc.seconds, size=0)
        doc.refresh_from_db()
        raise DocumentUnavailable(doc)
    progress(90, f"Ukládám dokument ({len(rendered.content) // 1024} kB, {rendered.seconds:.1f} s).")
    if doc.file:
        doc.file.delete(save=False)
    doc.file.save(filename, ContentFile(rendered.content), save=False)
    doc.size, doc.render_seconds, doc.peak_memory = len(rendered.content), rendered.seconds, rendered.peak_rss
    doc.status, doc.error, doc.is_public, doc.filename = RenderStatus.OK, "", built.public, filename
    doc.save(update_fields=["file", "size", "render_seconds", "peak_memory", "status", "error", "is_public",
                            "filename"])
    return doc


def _abandoned(doc: GeneratedDocument) -> bool:
    """A `rendering` row whose renderer cannot be running any more (its deadline has passed: its process was
    killed, e.g. with the web worker that waited for it)."""
    return doc.deadline is None or timezone.now() > doc.deadline + STALE_MARGIN


def _claim(existing, *, key, fmt, fingerprint, filename, built, actor, limits: RenderLimits) -> GeneratedDocument:
    """Mark the rendering of this content as running (one row per key, format and fingerprint), or raise
    `DocumentUnavailable(busy=True)` when another request got there first."""
    now = timezone.now()
    deadline = now + dt.timedelta(seconds=limits.seconds)
    if existing is None:
        doc = GeneratedDocument(key=key, format=fmt, title=built.document.title[:300], filename=filename,
                                fingerprint=fingerprint, is_public=built.public, status=RenderStatus.RENDERING,
                                started_at=now, deadline=deadline,
                                created_by=actor if getattr(actor, "pk", None) else None)
        try:
            with transaction.atomic():
                doc.save()
        except IntegrityError:  # another request has just claimed it
            other = GeneratedDocument.objects.get(key=key, format=fmt, fingerprint=fingerprint)
            raise DocumentUnavailable(other, busy=other.status == RenderStatus.RENDERING)
        return doc
    claimed = GeneratedDocument.objects.filter(pk=existing.pk, status=existing.status,
                                               started_at=existing.started_at).update(
        status=RenderStatus.RENDERING, started_at=now, deadline=deadline, error="")
    existing.refresh_from_db()
    if not claimed:
        raise DocumentUnavailable(existing, busy=existing.status == RenderStatus.RENDERING)
    return existing


def _fingerprint(doc: Document) -> str:
    import hashlib

    return hashlib.sha256((RENDERER_VERSION + doc.fingerprint()).encode()).hexdigest()
