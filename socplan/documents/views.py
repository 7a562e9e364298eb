"""Documents pages: the catalogue of downloadable documents, the download of a stored rendering and the plan and
action-plan documents (PDF / DOCX / XLSX; their URLs sit next to the plan pages, `/planovani/plan/<id>/dokument.pdf`)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_POST

from socplan.accounts.permissions import get_scoped_object
from socplan.planning import selectors as planning_selectors
from socplan.planning.models import ActionPlan

from .builders import BUILDERS
from .models import DocumentFormat, GeneratedDocument, RenderStatus
from .services import DocumentUnavailable, document_render

BUSY_RETRY_AFTER = 30  # seconds: how long a client should wait while another request renders the document

# Builders register their section title in Czech (the documents themselves are Czech); the page translates it.
SECTION_TITLES = (gettext_noop("Plány"), gettext_noop("Akční plány"), gettext_noop("Finanční kapitoly"))


def index(request):
    sections = []
    for builder in BUILDERS.values():
        if builder.catalogue is None:
            continue
        entries = builder.catalogue(request.user)
        if entries:
            sections.append({"title": _(builder.title), "entries": entries})
    recent = []
    if request.user.is_authenticated and request.user.is_staff:
        recent = GeneratedDocument.objects.select_related("created_by")[:20]
    return render(request, "documents/index.html", {"sections": sections, "recent": recent,
                                                    "builders": list(BUILDERS.values()),
                                                    "formats": DocumentFormat.choices})


def _builder_and_id(doc: GeneratedDocument):
    name, _sep, object_id = doc.key.rpartition(":")
    builder = BUILDERS.get(name)
    if builder is None or not object_id.isdigit():
        raise Http404
    return builder, int(object_id)


def download(request, pk, filename=None):
    doc = get_object_or_404(GeneratedDocument, pk=pk)
    builder, object_id = _builder_and_id(doc)
    if not (doc.is_public or builder.can_view(request.user, object_id)):
        raise Http404
    if doc.status in (RenderStatus.FAILED, RenderStatus.RENDERING):
        return _unavailable(request, DocumentUnavailable(doc, busy=doc.status == RenderStatus.RENDERING))
    if not doc.available:
        raise Http404
    return FileResponse(doc.file.open("rb"), as_attachment=True, filename=doc.filename,
                        content_type=doc.content_type)


@login_required
@require_POST
def generate(request):
    """Queue a document rendering as a background job (for users who may see the object)."""
    from socplan.core.jobs import job_enqueue

    name = request.POST.get("builder", "")
    fmt = request.POST.get("format", "pdf")
    object_id = request.POST.get("object_id", "")
    builder = BUILDERS.get(name)
    if builder is None or fmt not in DocumentFormat.values or not object_id.isdigit():
        messages.error(request, _("Neplatný požadavek na dokument."))
        return redirect("documents:index")
    if not builder.can_view(request.user, int(object_id)):
        raise PermissionDenied
    job = job_enqueue(actor=request.user, kind="document_render",
                      params={"builder": name, "object_id": int(object_id), "format": fmt,
                              "actor_id": request.user.pk})
    messages.success(request, _("Dokument se vytváří na pozadí."))
    return redirect("core:job_detail", pk=job.pk)


def _document(request, builder: str, object_id: int, fmt: str):
    if fmt not in DocumentFormat.values:
        raise Http404
    try:
        doc = document_render(actor=request.user, builder=builder, object_id=object_id, fmt=fmt)
    except DocumentUnavailable as exc:
        return _unavailable(request, exc)
    response = FileResponse(doc.file.open("rb"), as_attachment=fmt != "pdf", filename=doc.filename,
                            content_type=doc.content_type)
    response["Cache-Control"] = "private, max-age=0"
    return response


def _unavailable(request, exc: DocumentUnavailable):
    """503: the rendering of this content failed (stored; the same answer until the data change) or runs now."""
    response = render(request, "documents/unavailable.html", {"doc": exc.document, "busy": exc.busy,
                                                              "retry_after": BUSY_RETRY_AFTER}, status=503)
    if exc.busy:
        response["Retry-After"] = str(BUSY_RETRY_AFTER)
    response["Cache-Control"] = "private, max-age=0"
    return response


def plan_document(request, pk, fmt):
    plan = planning_selectors.plan_get(request.user, pk)
    return _document(request, "planning.plan", plan.pk, fmt)


def action_plan_document(request, pk, fmt):
    ap = get_scoped_object(request, ActionPlan, "view", pk=pk)
    return _document(request, "planning.action_plan", ap.pk, fmt)


def chapter_document(request, pk, fmt):
    """The financial chapter of a kraj and year (public, as its web page); `pk` is the year's financing parameters."""
    from .finance_chapter import _can_view

    if not _can_view(request.user, pk):
        raise Http404
    return _document(request, "finance.chapter", pk, fmt)
