"""Forms of the availability pages (Czech labels)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from socplan.core.czech import order_czech
from socplan.core.forms import VersionedModelFormMixin
from socplan.core.widgets import SearchableSelect, SearchableSelectMultiple
from socplan.registry.models import Service, ServiceKind
from socplan.registry.pickers import service_choices
from socplan.territory.models import District, Level, Region
from socplan.territory.pickers import municipality_choices

from .models import CoverageTarget, Method, PopulationProjection, Scenario, UtilisationRate

LEVEL_CHOICES = [(Level.MUNICIPALITY, _("obce")), (Level.ORP, _("ORP")), (Level.DISTRICT, _("okresy")),
                 (Level.REGION, _("kraj"))]


def kind_field(**kwargs):
    return forms.ModelChoiceField(ServiceKind.objects.order_by("order", "code"), to_field_name="code",
                                  label=_("druh služby"), **kwargs)


class AnalysisForm(forms.Form):
    """The choice on the index page (GET): kind, territorial level, method, radius, year, kraj."""

    region = forms.ModelChoiceField(order_czech(Region.objects.all(), "name"), to_field_name="code", label=_("kraj"))
    kind = kind_field()
    level = forms.ChoiceField(choices=LEVEL_CHOICES, initial=Level.ORP, label=_("úroveň"))
    year = forms.IntegerField(min_value=2000, max_value=2100, label=_("rok"))
    method = forms.ChoiceField(choices=Method.choices, initial=Method.TWO_STEP, label=_("metoda dostupnosti"))
    radius_km = forms.FloatField(min_value=1, max_value=100, initial=30, label=_("dosah (km)"))


class ScenarioForm(VersionedModelFormMixin, forms.ModelForm):
    """A scenario with its changes as form fields: up to three additions, services to close, population year."""

    add_obec_1 = forms.ChoiceField(required=False, label=_("přidat kapacitu v obci"))
    add_capacity_1 = forms.IntegerField(required=False, min_value=1, max_value=100000, label=_("počet jednotek"))
    add_obec_2 = forms.ChoiceField(required=False, label=_("přidat kapacitu v obci (2)"))
    add_capacity_2 = forms.IntegerField(required=False, min_value=1, max_value=100000, label=_("počet jednotek (2)"))
    add_obec_3 = forms.ChoiceField(required=False, label=_("přidat kapacitu v obci (3)"))
    add_capacity_3 = forms.IntegerField(required=False, min_value=1, max_value=100000, label=_("počet jednotek (3)"))
    close_services = forms.MultipleChoiceField(required=False, label=_("zrušit služby"),
                                               widget=forms.SelectMultiple(attrs={"size": 8}))
    population_year = forms.TypedChoiceField(required=False, coerce=int, empty_value=None,
                                             label=_("obyvatelé roku (projekce)"))

    ADDS = 3

    class Meta:
        model = Scenario
        fields = ["name", "kind", "year", "method", "radius_km", "shared_with", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, region: Region, **kwargs):
        super().__init__(*args, **kwargs)
        self.region = region
        self.fields["kind"].queryset = ServiceKind.objects.order_by("order", "code")
        self.fields["kind"].to_field_name = "code"
        self.fields["shared_with"].queryset = order_czech(District.objects.filter(region=region), "name")
        obce = [("", "—")] + municipality_choices(region)
        for i in range(1, self.ADDS + 1):
            self.fields[f"add_obec_{i}"].choices = obce
            self.fields[f"add_obec_{i}"].widget = SearchableSelect(choices=obce)
        self.fields["close_services"].choices = service_choices(Service.objects.filter(region=region))
        self.fields["close_services"].widget = SearchableSelectMultiple(choices=self.fields["close_services"].choices)
        years = sorted(set(PopulationProjection.objects.filter(region=region).values_list("year", flat=True)))
        self.fields["population_year"].choices = [("", "—")] + [(y, str(y)) for y in years]
        changes = (self.instance.changes if self.instance and self.instance.pk else None) or []
        if not self.is_bound and changes:
            adds = [c for c in changes if c["op"] == "add"][: self.ADDS]
            for i, c in enumerate(adds, start=1):
                self.initial[f"add_obec_{i}"] = c["obec"]
                self.initial[f"add_capacity_{i}"] = c["capacity"]
            self.initial["close_services"] = [str(c["service"]) for c in changes if c["op"] == "close"]
            pop = [c["year"] for c in changes if c["op"] == "population"]
            self.initial["population_year"] = pop[0] if pop else None

    def clean(self):
        data = super().clean()
        for i in range(1, self.ADDS + 1):
            obec, cap = data.get(f"add_obec_{i}"), data.get(f"add_capacity_{i}")
            if bool(obec) != bool(cap):
                self.add_error(f"add_capacity_{i}", _("Vyplňte obec i počet jednotek, nebo nic."))
        return data

    def changes(self) -> list[dict]:
        data = self.cleaned_data
        out = []
        for i in range(1, self.ADDS + 1):
            if data.get(f"add_obec_{i}") and data.get(f"add_capacity_{i}"):
                out.append({"op": "add", "obec": data[f"add_obec_{i}"], "capacity": data[f"add_capacity_{i}"]})
        out += [{"op": "close", "service": int(pk)} for pk in data.get("close_services") or []]
        if data.get("population_year"):
            out.append({"op": "population", "year": int(data["population_year"])})
        # keep additions beyond the form's slots (entered through the API)
        if self.instance and self.instance.pk:
            extra = [c for c in (self.instance.changes or []) if c["op"] == "add"][self.ADDS:]
            out = extra + out if extra else out
        return out

    def model_data(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k in self.Meta.fields}


class _ParameterForm(VersionedModelFormMixin, forms.ModelForm):
    def __init__(self, *args, region: Region, **kwargs):
        super().__init__(*args, **kwargs)
        self.region = region
        if "kind" in self.fields:
            self.fields["kind"].queryset = ServiceKind.objects.order_by("order", "code")

    def model_data(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k in self.Meta.fields}


class CoverageTargetForm(_ParameterForm):
    class Meta:
        model = CoverageTarget
        fields = ["year", "kind", "band", "capacity_type", "per_1000", "source", "is_assumption", "note"]


class UtilisationRateForm(_ParameterForm):
    class Meta:
        model = UtilisationRate
        fields = ["year", "kind", "band", "rate_percent", "source", "is_assumption"]


class PopulationProjectionForm(_ParameterForm):
    class Meta:
        model = PopulationProjection
        fields = ["year", "band", "factor", "source", "is_assumption"]


class TravelTimeMatrixForm(forms.Form):
    name = forms.CharField(max_length=200, label=_("název"))
    file = forms.FileField(label=_("soubor CSV (origin,destination,minutes)"))
    source = forms.CharField(max_length=300, required=False, label=_("zdroj"))
    whole_country = forms.BooleanField(required=False, label=_("matice pro celou ČR"))


class PlacementForm(forms.Form):
    kind = kind_field()
    k = forms.IntegerField(min_value=1, max_value=50, initial=5, label=_("počet obcí (K)"))
    radius_km = forms.FloatField(min_value=1, max_value=100, initial=15, label=_("dosah (km)"))
    year = forms.IntegerField(min_value=2000, max_value=2100, label=_("rok"))


COMPARATOR_CHOICES = [("country", _("Česká republika")), ("region", _("vlastní kraj")),
                      ("similar", _("podobná území (velikost a podíl 65+)"))]
NATIONAL_LEVEL_CHOICES = [(Level.REGION, _("kraje")), (Level.DISTRICT, _("okresy")), (Level.ORP, _("ORP"))]


class NationalForm(forms.Form):
    """The choice on the national pages (GET): kind, level, comparator, kraj of the drill-down, year."""

    kind = kind_field()
    level = forms.ChoiceField(choices=NATIONAL_LEVEL_CHOICES, initial=Level.REGION, label=_("úroveň"))
    comparator = forms.ChoiceField(choices=COMPARATOR_CHOICES, initial="country", label=_("srovnání s"))
    region = forms.ModelChoiceField(order_czech(Region.objects.all(), "name"), to_field_name="code",
                                    required=False, label=_("jen kraj"), empty_label=_("celá ČR"))
    year = forms.IntegerField(min_value=2000, max_value=2100, label=_("rok"))


class NationalAccessForm(forms.Form):
    """The choice on the national accessibility page (GET): kind, method, radius, year."""

    kind = kind_field()
    method = forms.ChoiceField(choices=Method.choices, initial=Method.TWO_STEP, label=_("metoda dostupnosti"))
    radius_km = forms.FloatField(min_value=1, max_value=100, initial=30, label=_("dosah (km)"))
    year = forms.IntegerField(min_value=2000, max_value=2100, label=_("rok"))
