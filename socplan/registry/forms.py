"""Edit forms of the registry pages. The forms only validate input (Czech messages); the writes go through
`socplan.registry.edit_services` (permission check, optimistic locking, history)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from socplan.core.czech import order_czech
from socplan.core.forms import VersionedModelFormMixin, stale_lines
from socplan.core.money import czk
from socplan.core.services import StaleEdit
from socplan.core.text_limits import bound_form_texts
from socplan.core.widgets import SearchableSelect
from socplan.territory.models import Municipality, Orp
from socplan.territory.pickers import municipality_choices

from .edit_services import ECONOMICS_FIELDS, STAFFING_FIELDS
from .models import CapacityType, DeliveryForm, Economics, Service, Staffing

NON_NEGATIVE = gettext_lazy("Zadejte nezáporné číslo.")
NEGATIVE_CAPACITY = gettext_lazy("Kapacita nesmí být záporná.")
SHARE_RANGE = gettext_lazy("Podíl musí být mezi 0 a 100 %%.")  # %% : Django formats it with params
FTE_STEP = Decimal("0.01")


def stale_messages(exc: StaleEdit) -> list[str]:
    """The StaleEdit message and one line per changed field (when you opened it → now → yours)."""
    lines = [exc.message]
    for c in exc.changes:
        if c.loaded_known:
            lines.append(_("„%(label)s“: když jste stránku otevřeli: %(loaded)s; nyní uloženo: %(stored)s") % {
                "label": c.label, "loaded": c.loaded_display, "stored": c.stored_display})
        else:
            lines.append(_("„%(label)s“: nyní %(stored)s") % {"label": c.label, "stored": c.stored_display})
    lines.append(_("Zkontrolujte změny. Formulář nyní obsahuje aktuální verzi záznamu; odešlete-li ho znovu, "
                   "uložíte své hodnoty."))
    return lines


def add_stale_errors(form: forms.Form, exc: StaleEdit) -> None:
    for line in stale_lines(exc):
        form.add_error(None, line)


def _date_widget():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


# --- service basic data --------------------------------------------------------------------------------------

class ServiceEditForm(VersionedModelFormMixin, forms.ModelForm):

    class Meta:
        model = Service
        fields = ["name", "kind", "valid_from", "valid_to", "target_groups", "age_note", "web", "email", "phone"]
        widgets = {"valid_from": _date_widget(), "valid_to": _date_widget(),
                   "target_groups": forms.CheckboxSelectMultiple}

    def __init__(self, *args, kind_editable: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target_groups"].required = False
        if not kind_editable:
            self.fields["kind"].disabled = True
            self.fields["kind"].help_text = _("Druh služby je součástí rozhodnutí o registraci; mění ho krajský úřad.")

    def clean_web(self):
        # Providers often type "www.sluzba.cz": accept it as https; refuse anything that is not a web address
        # (the catalogue turns it into a link).
        web = (self.cleaned_data.get("web") or "").strip()
        if not web:
            return web
        if "://" not in web:
            web = "https://" + web
        try:
            URLValidator(schemes=["http", "https"])(web)
        except ValidationError:
            raise ValidationError(_("Zadejte webovou adresu, např. https://www.sluzba.cz.")) from None
        return web

    def clean_email(self):
        email = (self.cleaned_data.get("email") or "").strip()
        if email:
            try:
                validate_email(email)
            except ValidationError:
                raise ValidationError(_("Zadejte platnou e-mailovou adresu, např. info@sluzba.cz.")) from None
        return email

    def clean(self):
        data = super().clean()
        start, end = data.get("valid_from"), data.get("valid_to")
        if start and end and end < start:
            self.add_error("valid_to", _("Datum ukončení služby nesmí předcházet datu zahájení."))
        return data

    def _post_clean(self):
        # The model is validated by the service function (model_update → full_clean), on the stored record.
        pass

    def service_data(self) -> dict:
        return {f: self.cleaned_data[f] for f in self.Meta.fields}


# --- capacities per form -------------------------------------------------------------------------------------

class StateForm(forms.Form):
    """The hidden state token of a multi-row edit (records and versions when the page was opened)."""

    state = forms.CharField(widget=forms.HiddenInput, required=False)


class FormRowForm(forms.Form):
    present = forms.CharField(widget=forms.HiddenInput, initial="1", required=False)  # an unticked box sends nothing
    continuous = forms.BooleanField(label=gettext_lazy("nepřetržitě"), required=False)


class CapacityRowForm(forms.Form):
    count = forms.IntegerField(label=gettext_lazy("počet"), min_value=0, max_value=10**9,
                               error_messages={"min_value": NEGATIVE_CAPACITY, "required": NEGATIVE_CAPACITY})
    description = forms.CharField(label=gettext_lazy("popis"), max_length=500, required=False)
    delete = forms.BooleanField(label=gettext_lazy("odebrat"), required=False)

    def clean(self):
        data = super().clean()
        if data.get("delete"):
            # A row being removed needs no valid count.
            self.errors.pop("count", None)
        return data


class NewCapacityForm(forms.Form):
    form = forms.ModelChoiceField(queryset=DeliveryForm.objects.all(), label=gettext_lazy("forma"), required=False)
    capacity_type = forms.ModelChoiceField(queryset=CapacityType.objects.all(), label=gettext_lazy("typ kapacity"),
                                           required=False)
    count = forms.IntegerField(label=gettext_lazy("počet"), min_value=0, max_value=10**9, required=False,
                               error_messages={"min_value": NEGATIVE_CAPACITY})
    description = forms.CharField(label=gettext_lazy("popis"), max_length=500, required=False)

    def __init__(self, *args, service: Service, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = service.kind.allowed_forms.all()
        if allowed.exists():
            self.fields["form"].queryset = allowed

    def clean(self):
        data = super().clean()
        filled = [f for f in ("form", "capacity_type", "count") if data.get(f) not in (None, "")]
        if filled and len(filled) < 3 and not self.errors:
            for f in ("form", "capacity_type", "count"):
                if data.get(f) in (None, ""):
                    self.add_error(f, _("Pro novou kapacitu vyplňte formu, typ i počet."))
        return data

    def entry(self) -> dict | None:
        d = self.cleaned_data
        if d.get("form") is None:
            return None
        return {"form": d["form"], "capacity_type": d["capacity_type"], "count": d["count"],
                "description": d.get("description", "")}


# --- territorial scope ---------------------------------------------------------------------------------------

def _share_field(required=False):
    return forms.DecimalField(label=gettext_lazy("podíl (%)"), min_value=0, max_value=100, max_digits=5,
                              decimal_places=2, required=required, localize=True,
                              error_messages={"min_value": SHARE_RANGE, "max_value": SHARE_RANGE})


class AreaRowForm(forms.Form):
    share = _share_field()
    delete = forms.BooleanField(label=gettext_lazy("odebrat"), required=False)


def unit_choices(region) -> list:
    """ORP and obce of a kraj for the scope form (values "orp:<pk>" / "obec:<pk>")."""
    orps = order_czech(Orp.objects.filter(region=region) if region else Orp.objects.all(), "name")
    munis = municipality_choices(region, value="pk") if region else []
    return [("", "—"),
            (_("ORP"), [(f"orp:{o.pk}", o.name) for o in orps]),
            (_("Obce"), [(f"obec:{pk}", label) for pk, label in munis])]


class NewAreaForm(forms.Form):
    unit = forms.ChoiceField(label=gettext_lazy("území"), required=False, widget=SearchableSelect)
    share = _share_field()

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = choices

    def unit_object(self):
        value = self.cleaned_data.get("unit") or ""
        kind, _sep, pk = value.partition(":")
        if kind == "orp":
            return Orp.objects.get(pk=int(pk))
        if kind == "obec":
            return Municipality.objects.get(pk=int(pk))
        return None

    def clean(self):
        data = super().clean()
        if data.get("share") is not None and not data.get("unit"):
            self.add_error("unit", _("Vyberte území, ke kterému podíl patří."))
        return data


# --- staffing and economics of a year ------------------------------------------------------------------------

class YearDataForm(forms.Form):
    """Staffing (FTE) and economics (whole CZK) of one year. A group left entirely blank is not stored;
    in a partly filled group blank fields count as 0."""

    staffing_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=False)
    economics_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=False)

    def __init__(self, *args, staffing: Staffing | None = None, economics: Economics | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        for name in STAFFING_FIELDS:
            self.fields[name] = forms.DecimalField(
                label=Staffing._meta.get_field(name).verbose_name, min_value=0, max_value=Decimal("999999.99"),
                max_digits=8, decimal_places=2, required=False, localize=True,
                error_messages={"min_value": NON_NEGATIVE})
        for name in ECONOMICS_FIELDS:
            self.fields[name] = forms.DecimalField(
                label=Economics._meta.get_field(name).verbose_name, min_value=0,
                max_value=Decimal("9999999999999"), max_digits=15, decimal_places=2, required=False, localize=True,
                error_messages={"min_value": NON_NEGATIVE})
        self.fields["staffing_version"].initial = staffing.version if staffing else 0
        self.fields["economics_version"].initial = economics.version if economics else 0
        if not self.is_bound:
            for name in STAFFING_FIELDS:
                self.initial[name] = getattr(staffing, name) if staffing else None
            for name in ECONOMICS_FIELDS:
                self.initial[name] = czk(getattr(economics, name)) if economics else None

    @staticmethod
    def _group(data, names, convert):
        if all(data.get(n) is None for n in names):
            return None
        return {n: convert(data.get(n) or Decimal(0)) for n in names}

    def staffing_data(self) -> dict | None:
        return self._group(self.cleaned_data, STAFFING_FIELDS,
                           lambda v: v.quantize(FTE_STEP, rounding=ROUND_HALF_UP))

    def economics_data(self) -> dict | None:
        return self._group(self.cleaned_data, ECONOMICS_FIELDS, czk)


class YearChoiceForm(forms.Form):
    rok = forms.IntegerField(label=gettext_lazy("rok"), min_value=2000, max_value=2100)


class XlsxUploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("vyplněná šablona (XLSX)"))

    def clean_file(self):
        f = self.cleaned_data["file"]
        if f.size > 10 * 1024 * 1024:
            raise forms.ValidationError(_("Soubor je příliš velký (nejvýše 10 MB)."))
        return f


# Every free text is bounded where it is typed (length, a run without a space, control characters).
bound_form_texts(ServiceEditForm, StateForm, FormRowForm, CapacityRowForm, NewCapacityForm, AreaRowForm, NewAreaForm, YearDataForm, YearChoiceForm, XlsxUploadForm)
