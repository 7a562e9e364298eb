"""Pages of attachments: a parent's files with the upload form, the download, the removal.

Downloads are always `Content-Disposition: attachment` with the stored safe content type and `nosniff`; what
the parent's scope hides answers 404 (the file's existence is not revealed).
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import selectors, services
from .forms import AttachmentForm


def attachment_list(request, key, pk):
    parent, reg = selectors.visible_parent(request.user, key, pk)
    may_attach = reg.may_attach(request.user, parent)
    form = AttachmentForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if not may_attach:
            return render(request, "403.html", status=403)
        if form.is_valid():
            try:
                services.attachment_add(actor=request.user, parent=parent, upload=form.cleaned_data["file"])
            except ValidationError as e:
                form.add_error("file", e)
            else:
                messages.success(request, _("Soubor je přiložen."))
                return redirect("attachments:list", key=key, pk=pk)
    return render(request, "attachments/list.html", {
        "parent": parent, "key": key, "form": form, "may_attach": may_attach,
        "items": selectors.attachments_of(parent), "history": selectors.attachments_of(parent, include_removed=True)
        .filter(removed_at__isnull=False)})


def attachment_download(request, pk):
    att = selectors.visible_attachment(request.user, pk)
    resp = FileResponse(att.file.open("rb"), as_attachment=True, filename=att.name, content_type=att.content_type)
    resp["X-Content-Type-Options"] = "nosniff"
    resp["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return resp


@require_POST
def attachment_remove(request, pk):
    att = selectors.visible_attachment(request.user, pk)
    services.attachment_remove(actor=request.user, attachment=att)
    messages.success(request, _("Příloha je odebrána (zůstává v historii)."))
    return redirect("attachments:list", key=att.parent_type.app_label + "." + att.parent_type.model,
                    pk=att.parent_id)
