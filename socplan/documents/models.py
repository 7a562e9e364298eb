"""Generated documents (PDF / DOCX / XLSX) kept so that a document is rendered once per content.

A document is identified by its `key` (e.g. ``planning.plan:12``) and format; `fingerprint` is the SHA-256
of the data it was rendered from. A request for the same key, format and fingerprint gets the stored file;
changed data give a new fingerprint and a new rendering (older renderings stay as history).

A rendering that failed (too slow, too much memory, an error) is kept too, with `status` = failed and the
reason in `error`: the next request for the same content gets the stored failure at once instead of rendering
again, until the data change (new fingerprint). While a rendering runs its row says `rendering`, so that
concurrent requests for the same content wait for it instead of starting their own.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class DocumentFormat(models.TextChoices):
    PDF = "pdf", "PDF"
    DOCX = "docx", _("DOCX (Word)")
    XLSX = "xlsx", _("XLSX (tabulky)")


CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _upload_to(instance, filename):
    return f"documents/{instance.key.replace(':', '_').replace('.', '_')}/{instance.fingerprint[:16]}/{filename}"


class RenderStatus(models.TextChoices):
    OK = "ok", _("vytvořen")
    RENDERING = "rendering", _("vytváří se")
    FAILED = "failed", _("nepodařilo se vytvořit")


class GeneratedDocument(models.Model):
    key = models.CharField(_("klíč dokumentu"), max_length=120, db_index=True)
    format = models.CharField(_("formát"), max_length=4, choices=DocumentFormat.choices)
    title = models.CharField(_("název"), max_length=300)
    filename = models.CharField(_("název souboru"), max_length=200)
    fingerprint = models.CharField(_("otisk podkladů (SHA-256)"), max_length=64)
    file = models.FileField(_("soubor"), upload_to=_upload_to, max_length=400, blank=True)
    status = models.CharField(_("stav"), max_length=10, choices=RenderStatus.choices, default=RenderStatus.OK)
    error = models.TextField(_("důvod selhání"), blank=True)
    started_at = models.DateTimeField(_("vytváření zahájeno"), null=True, blank=True)
    deadline = models.DateTimeField(_("vytváření nejpozději do"), null=True, blank=True)
    peak_memory = models.PositiveBigIntegerField(_("nejvyšší spotřeba paměti (B)"), null=True, blank=True)
    size = models.PositiveIntegerField(_("velikost (B)"), default=0)
    render_seconds = models.FloatField(_("doba vytvoření (s)"), default=0)
    is_public = models.BooleanField(_("veřejný"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("vytvořil"))
    created_at = models.DateTimeField(_("vytvořeno"), auto_now_add=True)

    class Meta:
        verbose_name = _("vygenerovaný dokument")
        verbose_name_plural = _("vygenerované dokumenty")
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["key", "format", "fingerprint"],
                                               name="documents_unique_rendering")]

    def __str__(self):
        return f"{self.title} ({self.format})"

    @property
    def available(self) -> bool:
        return self.status == RenderStatus.OK and bool(self.file) and self.file.storage.exists(self.file.name)

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.format]


class WordTemplateVersion(models.Model):
    """An edited Word template uploaded by a kraj administrator (`socplan.documents.word_templates`).

    Versions are kept as history: the newest version with `active` set is the template in force; resetting to the
    shipped default clears `active` on all of them (nothing is deleted)."""

    name = models.CharField(_("šablona"), max_length=100, db_index=True)
    content = models.BinaryField(_("soubor DOCX"))
    filename = models.CharField(_("název nahraného souboru"), max_length=200)
    sha256 = models.CharField(_("otisk souboru (SHA-256)"), max_length=64)
    placeholders = models.JSONField(_("použité údaje"), default=list)
    active = models.BooleanField(_("platná"), default=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("nahrál"))
    uploaded_at = models.DateTimeField(_("nahráno"), auto_now_add=True)

    class Meta:
        verbose_name = _("verze šablony Word")
        verbose_name_plural = _("verze šablon Word")
        ordering = ["name", "-uploaded_at", "-pk"]

    def __str__(self):
        return f"{self.name} ({self.uploaded_at:%Y-%m-%d %H:%M})"
