"""Writes of attachments: add a file to a parent (type and size checked), remove it (kept in history).

The type is decided by the file's extension *and* its first bytes; the stored content type is the fixed one of
the type, never what the browser claimed, so a download cannot turn into a page.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from .models import Attachment
from .registry import parent_of


@dataclass(frozen=True)
class FileType:
    content_type: str
    magic: tuple[bytes, ...]
    zip_member: str = ""  # an Office file is a zip with this folder inside


TYPES: dict[str, FileType] = {
    "pdf": FileType("application/pdf", (b"%PDF-",)),
    "docx": FileType("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (b"PK\x03\x04",),
                     "word/"),
    "xlsx": FileType("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (b"PK\x03\x04",), "xl/"),
    "png": FileType("image/png", (b"\x89PNG\r\n\x1a\n",)),
    "jpg": FileType("image/jpeg", (b"\xff\xd8\xff",)),
    "jpeg": FileType("image/jpeg", (b"\xff\xd8\xff",)),
}
MAX_PER_PARENT = 50


def _file_type(upload) -> FileType:
    name = upload.name or ""
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    kind = TYPES.get(ext)
    allowed = ", ".join(sorted({e.upper() for e in TYPES}))
    if kind is None:
        raise ValidationError(_("Soubor typu „%(ext)s“ nelze přiložit. Povolené typy: %(allowed)s.")
                              % {"ext": ext or "?", "allowed": allowed})
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if not any(head.startswith(m) for m in kind.magic):
        raise ValidationError(_("Obsah souboru „%(name)s“ neodpovídá typu %(ext)s.") % {"name": name[:100],
                                                                                       "ext": ext.upper()})
    if kind.zip_member:
        try:
            with zipfile.ZipFile(upload) as z:
                names = z.namelist()[:10000]
        except zipfile.BadZipFile as e:
            raise ValidationError(_("Soubor „%(name)s“ je poškozený.") % {"name": name[:100]}) from e
        finally:
            upload.seek(0)
        if not any(n.startswith(kind.zip_member) for n in names):
            raise ValidationError(_("Obsah souboru „%(name)s“ neodpovídá typu %(ext)s.")
                                  % {"name": name[:100], "ext": ext.upper()})
    return kind


@transaction.atomic
def attachment_add(*, actor, parent, upload) -> Attachment:
    reg = parent_of(parent)
    if not reg.may_attach(actor, parent):
        raise PermissionDenied(_("K tomuto záznamu nemůžete přikládat soubory."))
    limit = settings.SOCPLAN_ATTACHMENT_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(_("Soubor je příliš velký (%(size)s); nejvýše lze přiložit %(limit)s.")
                              % {"size": filesizeformat(upload.size), "limit": filesizeformat(limit)})
    if upload.size == 0:
        raise ValidationError(_("Soubor je prázdný."))
    kind = _file_type(upload)
    ct = ContentType.objects.get_for_model(parent)
    if Attachment.objects.filter(parent_type=ct, parent_id=parent.pk, removed_at__isnull=True).count() \
            >= MAX_PER_PARENT:
        raise ValidationError(_("K jednomu záznamu lze přiložit nejvýše %(n)d souborů.") % {"n": MAX_PER_PARENT})
    name = get_valid_filename(upload.name.rsplit("/", 1)[-1])[-150:] or "priloha"
    att = Attachment(parent_type=ct, parent_id=parent.pk, name=name, content_type=kind.content_type,
                     size=upload.size, uploaded_by=actor if getattr(actor, "pk", None) else None)
    att.file.save(name, upload, save=False)
    att.save()
    return att


@transaction.atomic
def attachment_remove(*, actor, attachment: Attachment) -> Attachment:
    att = Attachment.objects.select_for_update().get(pk=attachment.pk)
    if not parent_of(att.parent_type.model_class()).may_attach(actor, att.parent):
        raise PermissionDenied(_("Tuto přílohu nemůžete odebrat."))
    if att.removed_at is None:
        att.removed_at = timezone.now()
        att.removed_by = actor if getattr(actor, "pk", None) else None
        att.save(update_fields=["removed_at", "removed_by"])
    return att
