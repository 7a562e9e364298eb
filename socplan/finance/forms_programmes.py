"""Forms of the programme pages: a programme and a round (create and edit, with optimistic locking), a round's
allocation run, its approval (or superseding), a payment and the group limits."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from socplan.core.forms import VersionedModelFormMixin
from socplan.registry.models import ServiceKind

from .forms import AmountField
from .models import AllocationMode, PaymentKind, Programme, ProgrammeRound
from .programmes import PROGRAMME_FIELDS, ROUND_FIELDS

DATE = {"type": "date"}


class ProgrammeForm(VersionedModelFormMixin, forms.ModelForm):
    """A programme's data and eligible kinds (its kraj and year come from the page)."""

    budget = AmountField(label=_("rozpočet programu (Kč)"), min_value=Decimal(0))

    class Meta:
        model = Programme
        fields = [f for f in PROGRAMME_FIELDS if f != "district_min_per_capita"] + ["kinds"]
        localized_fields = ["damping_max_drop", "profit_rate", "carry_over_limit"]
        widgets = {"kinds": forms.CheckboxSelectMultiple, "conditions": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kinds"].queryset = ServiceKind.objects.order_by("code")
        self.fields["kinds"].label_from_instance = lambda k: f"§ {k.code} {k.name}"
        if self.instance.pk:  # the code is part of the decision numbers; the year and kraj are fixed
            self.fields["code"].help_text = _("Kód je součástí čísel rozhodnutí a spojuje program s loňským "
                                              "programem téhož kódu (tlumení).")

    def programme_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self._meta.fields if name != "kinds"}


class ProgrammeRoundForm(VersionedModelFormMixin, forms.ModelForm):
    budget = AmountField(label=_("rozpočet kola (Kč)"), min_value=Decimal(0))

    class Meta:
        model = ProgrammeRound
        fields = list(ROUND_FIELDS)
        widgets = {name: forms.DateInput(attrs=DATE, format="%Y-%m-%d") for name in ROUND_FIELDS[2:]}

    def round_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in ROUND_FIELDS}


class RoundRunForm(forms.Form):
    budget = AmountField(label=_("rozpočet kola (Kč)"), min_value=Decimal(0))
    mode = forms.ChoiceField(label=_("režim"), choices=AllocationMode.choices, initial=AllocationMode.RULES)
    note = forms.CharField(label=_("poznámka"), max_length=500, required=False)


class ApproveRunForm(forms.Form):
    decision_ref = forms.CharField(label=_("usnesení / rozhodnutí"), max_length=200, required=False)
    reason = forms.CharField(label=_("důvod nahrazení (jen nahrazuje-li platné rozdělení)"), max_length=2000,
                             required=False, widget=forms.Textarea(attrs={"rows": 2}))
    confirm_below_floor = forms.BooleanField(
        label=_("potvrzuji schválení, přestože některé služby dostávají méně než své chráněné minimum"),
        required=False)
    below_floor_reason = forms.CharField(label=_("důvod schválení pod chráněným minimem"), max_length=2000,
                                         required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def clean(self):
        data = super().clean()
        if data.get("below_floor_reason", "").strip() and not data.get("confirm_below_floor"):
            self.add_error("confirm_below_floor", _("Důvod schválení pod chráněným minimem platí jen s potvrzením."))
        return data


class PaymentForm(forms.Form):
    kind = forms.ChoiceField(label=_("druh platby"), choices=PaymentKind.choices)
    paid_on = forms.DateField(label=_("datum platby"), initial=dt.date.today,
                              widget=forms.DateInput(attrs={"type": "date"}))
    amount = AmountField(label=_("částka (Kč)"), min_value=Decimal(1))
    reference = forms.CharField(label=_("variabilní symbol / doklad"), max_length=60, required=False)


class LimitsForm(forms.Form):
    """The programme's group limits: the district minimum per inhabitant and, per kind, the totals."""

    district_min_per_capita = forms.DecimalField(
        label=_("minimum okresu na obyvatele (Kč)"), required=False, min_value=Decimal(0), max_digits=9,
        decimal_places=2, localize=True)

    def __init__(self, *args, kinds=(), limits=None, **kwargs):
        super().__init__(*args, **kwargs)
        limits = limits or {}
        self.kinds = list(kinds)
        for kind in self.kinds:
            current = limits.get(kind.pk)
            self.fields[f"floor_{kind.code}"] = AmountField(
                label=_("§ %(code)s – nejméně celkem (Kč)") % {"code": kind.code}, required=False,
                min_value=Decimal(0), initial=current.total_floor if current else None)
            self.fields[f"cap_{kind.code}"] = AmountField(
                label=_("§ %(code)s – nejvýše celkem (Kč)") % {"code": kind.code}, required=False,
                min_value=Decimal(0), initial=current.total_cap if current else None)

    def clean(self):
        data = super().clean()
        for kind in self.kinds:
            floor, cap = data.get(f"floor_{kind.code}"), data.get(f"cap_{kind.code}")
            if floor is not None and cap is not None and floor > cap:
                self.add_error(f"cap_{kind.code}", _("Nejvýše celkem musí být aspoň nejméně celkem."))
        return data

    def kind_limits(self) -> dict:
        return {k: (self.cleaned_data.get(f"floor_{k.code}"), self.cleaned_data.get(f"cap_{k.code}"))
                for k in self.kinds}
