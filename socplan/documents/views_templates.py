"""The page where a kraj administrator manages the Word templates: download the template in force or the shipped
default, upload an edited one (validated; a refused file leaves the previous in force), return to the default,
and see the history of uploads."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .models import WordTemplateVersion
from .templates_services import may_edit_templates, word_template_reset, word_template_upload
from .word_templates import (
    MAX_TEMPLATE_BYTES,
    TemplateInvalid,
    get,
    registered,
    template_bytes,
    uploaded_version,
)

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _template_or_404(name: str):
    try:
        return get(name)
    except KeyError:
        raise Http404 from None


@login_required
def word_templates(request):
    if not may_edit_templates(request.user):
        raise PermissionDenied(_("Šablony dokumentů spravuje správce kraje."))
    rows = []
    for t in registered():
        history = list(WordTemplateVersion.objects.filter(name=t.name).select_related("uploaded_by")
                       .defer("content")[:10])
        rows.append({"template": t, "current": uploaded_version(t.name), "history": history,
                     "placeholders": sorted(t.placeholders)})
    return render(request, "documents/word_templates.html", {"rows": rows, "max_mb": MAX_TEMPLATE_BYTES // 2**20})


@login_required
def word_template_file(request, name: str, which: str):
    if not may_edit_templates(request.user):
        raise PermissionDenied(_("Šablony dokumentů spravuje správce kraje."))
    t = _template_or_404(name)
    if which not in ("platna", "vychozi"):
        raise Http404
    content = template_bytes(name) if which == "platna" else t.default.read_bytes()
    response = HttpResponse(content, content_type=DOCX)
    response["Content-Disposition"] = f'attachment; filename="{name.replace(".", "-")}-{which}.docx"'
    return response


@login_required
@require_POST
def word_template_upload_view(request, name: str):
    if not may_edit_templates(request.user):
        raise PermissionDenied(_("Šablony dokumentů spravuje správce kraje."))
    t = _template_or_404(name)
    upload = request.FILES.get("file")
    if request.POST.get("reset"):
        word_template_reset(actor=request.user, name=name)
        messages.success(request, _("Šablona „%(label)s“ je opět výchozí.") % {"label": t.label})
        return redirect("documents:word_templates")
    if upload is None:
        messages.error(request, _("Vyberte soubor DOCX se šablonou."))
        return redirect("documents:word_templates")
    if upload.size > MAX_TEMPLATE_BYTES:
        messages.error(request, _("Soubor je větší než %(mb)s MB; šablona zůstává beze změny.")
                       % {"mb": MAX_TEMPLATE_BYTES // 2**20})
        return redirect("documents:word_templates")
    try:
        word_template_upload(actor=request.user, name=name, content=upload.read(), filename=upload.name)
    except TemplateInvalid as exc:
        messages.error(request, _("Šablona nebyla přijata, platí dosavadní: %(reason)s") % {"reason": exc.message})
    else:
        messages.success(request, _("Nová šablona „%(label)s“ platí.") % {"label": t.label})
    return redirect("documents:word_templates")
