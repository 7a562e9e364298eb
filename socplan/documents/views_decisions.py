"""Downloads of a subsidy decision and its Pověření: DOCX from the region's Word template, PDF through the
document pipeline. Only users who may see the decision (the kraj's staff, the provider itself) get it."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse

from socplan.documents.services import ascii_slug
from socplan.finance import programme_selectors

from . import decisions
from .views import _document

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
BUILDERS = {"rozhodnuti": ("finance.decision", decisions.decision_docx),
            "povereni": ("finance.entrustment", decisions.entrustment_docx)}


@login_required
def decision_file(request, pk: int, doc: str, fmt: str):
    if doc not in BUILDERS or fmt not in ("docx", "pdf"):
        raise Http404
    decision = programme_selectors.decisions(request.user).filter(pk=pk).first()
    if decision is None:
        raise Http404
    builder, docx = BUILDERS[doc]
    if fmt == "pdf":
        return _document(request, builder, decision.pk, "pdf")
    response = HttpResponse(docx(decision), content_type=DOCX)
    response["Content-Disposition"] = f'attachment; filename="{doc}-{ascii_slug(decision.number)}.docx"'
    response["Cache-Control"] = "private, max-age=0"
    return response
