"""Forms of the finance module (Czech labels; numbers accept a decimal comma and spaces)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from socplan.registry.models import FinancingGroup

from .models import AllocationMode, FinanceParams, FinanceRate, ProviderBudget

VERSION = "expected_version"


def parse_amount(value, *, whole: bool = False) -> Decimal:
    """'1 063 937 222', '1063937222', '2,5' → Decimal (spaces, NBSP and underscores ignored, decimal comma)."""
    text = str(value).strip().replace("\xa0", "").replace(" ", "").replace("_", "").replace(",", ".")
    if text.lower().endswith("kč"):
        text = text[:-2]
    try:
        d = Decimal(text)
    except InvalidOperation:
        raise ValidationError(_("„%(value)s“ není číslo.") % {"value": value}) from None
    if not d.is_finite():
        raise ValidationError(_("„%(value)s“ není číslo.") % {"value": value})
    if whole and d != d.to_integral_value():
        raise ValidationError(_("Zadejte celou částku v Kč."))
    return d


class AmountField(forms.CharField):
    def __init__(self, *args, whole: bool = True, min_value=None, **kwargs):
        self.whole, self.min_value = whole, min_value
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}))
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        if value in (None, ""):
            return None
        d = parse_amount(value, whole=self.whole)
        if self.min_value is not None and d < self.min_value:
            raise ValidationError(_("Hodnota nesmí být menší než %(min)s.") % {"min": self.min_value})
        return d


PARAM_FIELDS = ["months", "days", "region_cofinancing_a", "region_cofinancing_b", "region_cofinancing_c",
                "region_cofinancing_d", "share_state", "share_region", "share_users", "share_health_insurance",
                "share_other", "illustrative", "note"]


class ParamsForm(forms.ModelForm):
    expected_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    class Meta:
        model = FinanceParams
        fields = PARAM_FIELDS
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial[VERSION] = self.instance.version


RATE_FIELDS = ["normative", "occupancy", "min_occupancy", "user_fee", "health_insurance"]


class RateForm(forms.ModelForm):
    class Meta:
        model = FinanceRate
        fields = RATE_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in RATE_FIELDS:
            self.fields[name].widget.attrs.update({"class": "num", "size": 9})
        if not self.instance.is_bed_day:
            for name in ("occupancy", "min_occupancy", "health_insurance"):
                self.fields[name].disabled = True


class CopyForm(forms.Form):
    year = forms.IntegerField(label=_("cílový rok"), min_value=2000, max_value=2100)


class ParamsEditionForm(forms.Form):
    reason = forms.CharField(
        label=_("důvod nové verze parametrů"), max_length=100, required=False,
        help_text=_("Nová verze je kopií těchto parametrů i normativů, kterou lze upravit. Schválená rozdělení si "
                    "ponechají původní parametry; další výpočty roku použijí nové."))


class CreateForm(forms.Form):
    confirm = forms.BooleanField(label=_("založit výchozí ilustrativní parametry"), required=True, initial=True)


class AllocationForm(forms.Form):
    budget = AmountField(label=_("rozpočet (Kč)"), min_value=Decimal(0))
    mode = forms.ChoiceField(label=_("režim"), choices=AllocationMode.choices, initial=AllocationMode.RULES)
    note = forms.CharField(label=_("poznámka"), max_length=500, required=False)
    background = forms.BooleanField(label=_("spustit na pozadí"), required=False)


class WhatIfForm(forms.Form):
    base_budget = AmountField(label=_("výchozí rozpočet (Kč)"), min_value=Decimal(0), required=False)
    budget = AmountField(label=_("rozpočet ve variantě (Kč)"), min_value=Decimal(0), required=False)
    mode = forms.ChoiceField(label=_("režim rozdělení"), choices=AllocationMode.choices, required=False)
    scale = AmountField(label=_("změna normativů (%)"), whole=False, required=False,
                        help_text=_("Např. 25 = všechny normativy +25 % (Pravidla 2018, dodatek 1); −10 = o 10 % méně."))
    scale_kind = forms.ChoiceField(label=_("jen u druhu"), required=False)
    region_group = forms.ChoiceField(label=_("spolufinancování kraje – skupina"), required=False,
                                     choices=[("", "—")] + list(FinancingGroup.choices))
    region_share = AmountField(label=_("nový podíl kraje na ON"), whole=False, required=False,
                               help_text=_("Podíl 0–1, např. 0,05. Spolufinancování obcí je sazba nastavení sítě."))

    def __init__(self, *args, kinds=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scale_kind"].choices = [("", _("všechny druhy"))] + [(k, f"§ {k}") for k in kinds]

    def clean_scale(self):
        v = self.cleaned_data.get("scale")
        if v is not None and v <= -100:
            raise ValidationError(_("Normativy nelze snížit o 100 % a víc."))
        return v

    def clean_region_share(self):
        v = self.cleaned_data.get("region_share")
        if v is not None and not (0 <= v <= 1):
            raise ValidationError(_("Podíl kraje je mezi 0 a 1."))
        if v is not None and v != v.quantize(Decimal("0.0001")):
            raise ValidationError(_("Podíl kraje nejvýše na 4 desetinná místa."))
        return v


BUDGET_FIELDS = ProviderBudget.COST_FIELDS + list(ProviderBudget.REVENUE_FIELDS) + list(ProviderBudget.PUBLIC_FIELDS)


class BudgetForm(forms.Form):
    expected_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)
    note = forms.CharField(label=_("poznámka"), max_length=500, required=False)

    def __init__(self, *args, instance: ProviderBudget | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        for name in BUDGET_FIELDS:
            self.fields[name] = AmountField(label=ProviderBudget._meta.get_field(name).verbose_name,
                                            min_value=Decimal(0), required=False)
        if instance is not None and instance.pk and not self.is_bound:
            for name in BUDGET_FIELDS:
                self.initial[name] = getattr(instance, name)
            self.initial["note"] = instance.note
            self.initial[VERSION] = instance.version
        self.order_fields(BUDGET_FIELDS + ["note", VERSION])

    def data_dict(self) -> dict:
        out = {n: self.cleaned_data.get(n) or Decimal(0) for n in BUDGET_FIELDS}
        out["note"] = self.cleaned_data.get("note", "")
        return out


class UnitReportForm(forms.Form):
    actual_units = AmountField(label=_("skutečné jednotky za pololetí"), whole=False, min_value=Decimal(0))
    note = forms.CharField(label=_("poznámka"), max_length=500, required=False)
    expected_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)

    def clean_actual_units(self):
        v = self.cleaned_data["actual_units"]
        if v != v.quantize(Decimal("0.01")):
            raise ValidationError(_("Nejvýše na 2 desetinná místa."))
        return v


class ReturnForm(forms.Form):
    reason = forms.CharField(label=_("důvod vrácení"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class SettlementForm(forms.Form):
    profit_rate = AmountField(label=_("přiměřený zisk (% uznatelných nákladů)"), whole=False, min_value=Decimal(0),
                              required=False, initial="0")

    def clean_profit_rate(self):
        v = self.cleaned_data.get("profit_rate") or Decimal(0)
        if v > 100:
            raise ValidationError(_("Nejvýše 100 %."))
        return (v / 100).quantize(Decimal("0.0001"))
