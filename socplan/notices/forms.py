"""The e-mail preference form."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import EmailMode


class PreferenceForm(forms.Form):
    email_mode = forms.ChoiceField(label=_("Upozornění e-mailem"), choices=EmailMode.choices,
                                   widget=forms.RadioSelect)
