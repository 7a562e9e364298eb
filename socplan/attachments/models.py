"""An attachment: a file with its parent (any registered model), who added it and when; removal keeps the row
(history) and only hides the file from the parent's list."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _


@deconstructible
class AttachmentStorage(FileSystemStorage):
    """Files under SOCPLAN_ATTACHMENT_DIR, read at use (tests and deployments set their own)."""

    def __init__(self):
        super().__init__()

    @property
    def base_location(self):
        return settings.SOCPLAN_ATTACHMENT_DIR

    @property
    def location(self):
        return str(settings.SOCPLAN_ATTACHMENT_DIR)


class Attachment(models.Model):
    """Příloha záměru, výkazu, rozhodnutí nebo plánu."""

    parent_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("druh nadřazeného záznamu"))
    parent_id = models.PositiveBigIntegerField(_("nadřazený záznam"))
    parent = GenericForeignKey("parent_type", "parent_id")
    file = models.FileField(_("soubor"), storage=AttachmentStorage(), upload_to="%Y/%m/", max_length=200)
    name = models.CharField(_("název souboru"), max_length=200)
    content_type = models.CharField(_("typ obsahu"), max_length=100)
    size = models.PositiveBigIntegerField(_("velikost (B)"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                    related_name="+", verbose_name=_("vložil"))
    uploaded_at = models.DateTimeField(_("vloženo"), auto_now_add=True)
    removed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("odebral"))
    removed_at = models.DateTimeField(_("odebráno"), null=True, blank=True)

    class Meta:
        verbose_name = _("příloha")
        verbose_name_plural = _("přílohy")
        ordering = ["uploaded_at", "pk"]
        indexes = [models.Index(fields=["parent_type", "parent_id"])]

    def __str__(self):
        return self.name
