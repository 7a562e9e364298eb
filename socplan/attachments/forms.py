"""The upload form."""

from django import forms
from django.utils.translation import gettext_lazy as _


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("Soubor (PDF, DOCX, XLSX, PNG, JPG)"), max_length=200)
