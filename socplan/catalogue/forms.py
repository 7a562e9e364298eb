"""Forms of the catalogue's self-service: the content a provider proposes, and the kraj's return reason."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from . import content

PHOTO_SLOTS = 3


class ContentProposalForm(forms.Form):
    description = forms.CharField(label=_("Popis služby pro veřejnost"), widget=forms.Textarea(attrs={"rows": 6}),
                                  required=False, max_length=4000,
                                  help_text=_("Srozumitelně: co služba dělá, pro koho, co od ní čekat."))
    how_to_apply = forms.CharField(label=_("Jak požádat o službu"), widget=forms.Textarea(attrs={"rows": 3}),
                                   required=False, max_length=2000)
    phone = forms.CharField(label=_("Telefon"), required=False, max_length=60)
    email = forms.EmailField(label=_("E-mail"), required=False)
    web = forms.URLField(label=_("Web"), required=False, max_length=300, assume_scheme="https")
    opening_note = forms.CharField(label=_("Poznámka k otevírací době"), required=False, max_length=300)
    prices_text = forms.CharField(
        label=_("Ceník úhrad"), widget=forms.Textarea(attrs={"rows": 5}), required=False,
        help_text=_("Každá položka na samostatný řádek: položka; částka v Kč; jednotka – např. "
                    "„Pomoc při osobní hygieně; 135; hodina“."))
    price_note = forms.CharField(label=_("Poznámka k ceníku"), required=False, max_length=300)

    def __init__(self, *args, keep_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        for day in range(1, 8):
            name = content.DAY_NAMES[day - 1]
            self.fields[f"opens_{day}"] = forms.CharField(label=_("%(day)s od") % {"day": name}, required=False,
                                                          max_length=5)
            self.fields[f"closes_{day}"] = forms.CharField(label=_("%(day)s do") % {"day": name}, required=False,
                                                           max_length=5)
        for n in range(1, PHOTO_SLOTS + 1):
            self.fields[f"photo_{n}"] = forms.FileField(
                label=_("Fotografie %(n)s") % {"n": n}, required=False,
                widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png"}),
                help_text=_("JPEG nebo PNG, nejvýše 3 MB, 200–6000 px na stranu."))
            self.fields[f"caption_{n}"] = forms.CharField(label=_("Co je na fotografii %(n)s") % {"n": n},
                                                          required=False, max_length=200)
        if keep_choices:
            self.fields["keep_photos"] = forms.MultipleChoiceField(
                label=_("Ponechat zveřejněné fotografie"), required=False, choices=keep_choices,
                widget=forms.CheckboxSelectMultiple, initial=[c for c, _l in keep_choices])

    def day_rows(self):
        return [(content.DAY_NAMES[d - 1], self[f"opens_{d}"], self[f"closes_{d}"]) for d in range(1, 8)]

    def photo_rows(self):
        return [(self[f"photo_{n}"], self[f"caption_{n}"]) for n in range(1, PHOTO_SLOTS + 1)]

    def clean(self):
        data = super().clean()
        rows = []
        for day in range(1, 8):
            opens, closes = (data.get(f"opens_{day}") or "").strip(), (data.get(f"closes_{day}") or "").strip()
            if opens or closes:
                rows.append({"day": day, "opens": opens, "closes": closes})
        try:
            data["opening_hours"] = content.opening_hours(rows)
            data["prices"] = content.parse_prices(data.get("prices_text", ""))
        except content.ContentError as exc:
            raise forms.ValidationError(str(exc)) from None
        return data


class ReturnForm(forms.Form):
    reason = forms.CharField(label=_("Důvod vrácení"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000,
                             help_text=_("Co má poskytovatel opravit; poskytovatel ho uvidí v upozornění."))
