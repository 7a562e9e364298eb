"""Forms of the planning pages (Czech labels come from the models' verbose names).

Every free text is bounded as its model field is (`socplan.core.text_limits`): length, the longest run without a
space, no control characters. The model forms take the limits of their model fields (`BoundedTextMixin`, also
for the forms that leave the rest of model validation to the service); the plain forms name them.
"""

from __future__ import annotations

import time

from django import forms
from django.core import signing
from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext_lazy as _

from socplan.core.text_limits import SHORT_TEXT, BoundedText, line_text, short_text
from socplan.registry.models import PlanningGroup

from .models import (
    ActionPlan,
    CapacityNeed,
    Direction,
    FundingSource,
    Indicator,
    Measure,
    MeasureState,
    Meeting,
    Milestone,
    OrpContract,
    OrpYearReport,
    Plan,
    PlanKind,
    PlanSection,
    Priority,
    Resolution,
    Side,
    WorkingGroup,
)
from .pickers import measure_picker

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class BoundedTextMixin:
    """A model form whose text fields check the text limits of their model fields (length, the longest run
    without a space, control characters) as form validation, with the error at the field."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        model = self._meta.model
        for name, field in self.fields.items():
            try:
                model_field = model._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            for validator in model_field.validators:
                if isinstance(validator, BoundedText) and validator not in field.validators:
                    field.validators.append(validator)


class VersionedForm(BoundedTextMixin, forms.ModelForm):
    """Carries the record version the editor loaded (optimistic locking, see core.services.model_update)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version


class PlanCreateForm(BoundedTextMixin, forms.ModelForm):
    class Meta:
        model = Plan
        fields = ["kind", "title", "region", "orp", "year_from", "year_to", "summary"]

    def __init__(self, *args, regions=None, orps=None, **kwargs):
        super().__init__(*args, **kwargs)
        if regions is not None:
            self.fields["region"].queryset = regions
        if orps is not None:
            self.fields["orp"].queryset = orps

    def clean(self):
        data = super().clean()
        if data.get("kind") == PlanKind.COMMUNITY and not data.get("orp"):
            self.add_error("orp", _("Komunitní plán patří jedné ORP."))
        return data

    def _post_clean(self):
        # Model constraints are checked by the service (orp is dropped for a regional plan there).
        pass


class PlanEditForm(VersionedForm):
    class Meta:
        model = Plan
        fields = ["title", "summary", "year_from", "year_to", "comments_until"]
        widgets = {"comments_until": DATE}


class PlanCopyForm(forms.Form):
    title = forms.CharField(label=_("název nového plánu"), max_length=255, validators=line_text())
    year_from = forms.IntegerField(label=_("platnost od roku"), min_value=2000, max_value=2100)
    year_to = forms.IntegerField(label=_("platnost do roku"), min_value=2000, max_value=2100)


class PublishForm(forms.Form):
    comments_until = forms.DateField(label=_("připomínky do"), required=False, widget=DATE)


class ConfirmForm(forms.Form):
    confirm = forms.BooleanField(label=_("potvrzuji"), initial=True, widget=forms.HiddenInput)


class ApproveForm(forms.Form):
    approved_on = forms.DateField(label=_("schváleno dne"), widget=DATE)
    approval_ref = forms.CharField(label=_("schvalující usnesení"), max_length=200, required=False,
                                   validators=line_text())
    confirm = forms.BooleanField(label=_("potvrzuji schválení přes upozornění uvedená výše"), required=False)
    reason = forms.CharField(label=_("odůvodnění (jen při potvrzení upozornění)"), max_length=2000, required=False,
                             widget=forms.Textarea(attrs={"rows": 3}))


class SectionForm(VersionedForm):
    class Meta:
        model = PlanSection
        fields = ["kind", "title", "body", "strengths", "weaknesses", "opportunities", "threats", "order"]
        widgets = {f: forms.Textarea(attrs={"rows": 4}) for f in ("strengths", "weaknesses", "opportunities",
                                                                  "threats")}


class PriorityForm(VersionedForm):
    class Meta:
        model = Priority
        fields = ["kind", "target_group", "code", "number", "title", "description", "order"]

    def clean(self):
        data = super().clean()
        if data.get("kind") == "group" and not data.get("target_group"):
            self.add_error("target_group", _("Zvolte cílovou skupinu."))
        if data.get("kind") == "system":
            data["target_group"] = None
        return data


class MeasureForm(VersionedForm):
    class Meta:
        model = Measure
        fields = ["priority", "code", "title", "description", "responsible", "year_from", "year_to",
                  "funding_note", "services", "development_note", "order"]
        widgets = {"services": forms.SelectMultiple(attrs={"size": 12})}

    def __init__(self, *args, plan=None, services=None, **kwargs):
        super().__init__(*args, **kwargs)
        if plan is not None:
            self.fields["priority"].queryset = plan.priorities.order_by("kind", "target_group", "order", "code")
        if services is not None:
            self.fields["services"].queryset = services
        self.fields["services"].help_text = _("Registrované služby, kterých se opatření týká (Ctrl/⌘ pro více).")


def budget_form(measure: Measure, data=None):
    """Expected costs: one whole-CZK field per year of the measure and funding source."""
    existing = {(b.year, b.source): b.amount for b in measure.budget.all()}
    form = forms.Form(data)
    for year in measure.years:
        for source, label in FundingSource.choices:
            form.fields[f"a_{year}_{source}"] = forms.DecimalField(
                label=f"{year} – {label}", min_value=0, decimal_places=0, max_digits=15, required=False, localize=True,
                initial=existing.get((year, source)))
    return form


class IndicatorForm(VersionedForm):
    class Meta:
        model = Indicator
        fields = ["name", "unit", "baseline", "baseline_year", "direction"]
        localized_fields = ["baseline"]

    def __init__(self, *args, plan=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.years = plan.years if plan is not None else []
        targets = {t.year: t.value for t in self.instance.targets.all()} if self.instance.pk else {}
        for year in self.years:
            self.fields[f"target_{year}"] = forms.DecimalField(label=_("cíl %(y)s") % {"y": year}, required=False,
                                                               max_digits=14, decimal_places=2, localize=True,
                                                               initial=targets.get(year))
        self.fields["direction"].initial = Direction.UP

    def targets(self) -> dict[int, object]:
        return {y: self.cleaned_data.get(f"target_{y}") for y in self.years}


class CapacityNeedForm(VersionedForm):
    """A community plan's need for capacity of one kind in one year; the year and measure come from the plan."""

    class Meta:
        model = CapacityNeed
        fields = ["kind", "capacity_type", "year", "capacity", "measure", "basis"]
        localized_fields = ["capacity"]
        widgets = {"basis": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, plan: Plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.plan = plan
        self.fields["year"] = forms.TypedChoiceField(label=self.fields["year"].label, coerce=int,
                                                     choices=[(y, str(y)) for y in plan.years])
        measure_picker(self.fields["measure"], plan.measures.order_by("code"))
        self.fields["kind"].queryset = self.fields["kind"].queryset.order_by("code")


class ReportForm(forms.Form):
    state = forms.ChoiceField(label=_("stav plnění"), choices=MeasureState.choices)
    progress = forms.IntegerField(label=_("plnění (%)"), min_value=0, max_value=100)
    comment = forms.CharField(label=_("komentář"), widget=forms.Textarea(attrs={"rows": 3}), required=False,
                              max_length=SHORT_TEXT, validators=short_text())

    def __init__(self, *args, indicators=(), year=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.indicators = list(indicators)
        for ind in self.indicators:
            current = next((v.value for v in ind.values.all() if v.year == year), None)
            target = next((t.value for t in ind.targets.all() if t.year == year), None)
            help_text = _("cíl: %(t)s") % {"t": target} if target is not None else ""
            self.fields[f"value_{ind.pk}"] = forms.DecimalField(
                label=f"{ind.name}" + (f" ({ind.unit})" if ind.unit else ""), required=False, max_digits=14,
                decimal_places=2, initial=current, help_text=help_text, localize=True)

    def clean(self):
        data = super().clean()
        if data.get("state") == MeasureState.DONE:
            data["progress"] = 100
        return data


class MilestoneForm(VersionedForm):
    class Meta:
        model = Milestone
        fields = ["title", "due_on", "done_on"]
        widgets = {"due_on": DATE, "done_on": DATE}


class ActionPlanForm(VersionedForm):
    class Meta:
        model = ActionPlan
        fields = ["year", "title", "intro"]


class CommentForm(forms.Form):
    """Připomínka přihlášeného uživatele."""

    target = forms.ChoiceField(label=_("k části plánu"), required=False)
    organisation = forms.CharField(label=_("organizace"), max_length=255, required=False, validators=line_text())
    text = forms.CharField(label=_("připomínka"), widget=forms.Textarea(attrs={"rows": 5}), max_length=5000,
                           validators=short_text())

    def __init__(self, *args, plan: Plan, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("plán jako celek"))]
        choices += [(f"section:{s.pk}", f"{_('kapitola')}: {s.title}") for s in plan.sections.order_by("order")]
        choices += [(f"priority:{p.pk}", f"{_('priorita')} {p.label}: {p.title[:80]}")
                    for p in plan.priorities.order_by("kind", "target_group", "order")]
        choices += [(f"measure:{m.pk}", f"{_('opatření')} {m.code}: {m.title[:80]}")
                    for m in plan.measures.order_by("code")]
        self.fields["target"].choices = choices
        self.plan = plan

    def target_objects(self) -> dict:
        value = self.cleaned_data.get("target") or ""
        kind, _sep, pk = value.partition(":")
        model = {"section": PlanSection, "priority": Priority, "measure": Measure}.get(kind)
        if model is None or not pk.isdigit():
            return {}
        obj = model.objects.filter(pk=int(pk), plan=self.plan).first()
        return {kind: obj} if obj is not None else {}


SIGNER_SALT = "planning.public-comment"


class PublicCommentForm(CommentForm):
    """Veřejný formulář: jméno a e-mail, past na roboty (skryté pole), minimální doba vyplnění."""

    author_name = forms.CharField(label=_("jméno a příjmení"), max_length=200, validators=line_text())
    author_email = forms.EmailField(label=_("e-mail (nezveřejňuje se)"), required=False)
    website = forms.CharField(label=_("nevyplňujte"), required=False)  # honeypot
    started = forms.CharField(widget=forms.HiddenInput)
    field_order = ["author_name", "author_email", "organisation", "target", "text", "website", "started"]

    def __init__(self, *args, min_seconds: float = 3, **kwargs):
        super().__init__(*args, **kwargs)
        self.min_seconds = min_seconds
        self.fields["started"].initial = signing.dumps(time.time(), salt=SIGNER_SALT)
        self.fields["website"].widget.attrs.update({"autocomplete": "off", "tabindex": "-1"})

    def clean(self):
        data = super().clean()
        if data.get("website"):
            raise forms.ValidationError(_("Formulář nebyl přijat."), code="spam")
        try:
            started = float(signing.loads(self.data.get("started", ""), salt=SIGNER_SALT, max_age=24 * 3600))
        except (signing.BadSignature, ValueError, TypeError):
            raise forms.ValidationError(_("Formulář vypršel; načtěte stránku znovu."), code="expired")
        if time.time() - started < self.min_seconds:
            raise forms.ValidationError(_("Formulář byl odeslán příliš rychle; zkontrolujte text a odešlete jej znovu."),
                                        code="too_fast")
        return data


class ResolveForm(forms.Form):
    resolution = forms.ChoiceField(label=_("vypořádání"),
                                   choices=[c for c in Resolution.choices if c[0] != Resolution.PENDING])
    reasoning = forms.CharField(label=_("odůvodnění"), widget=forms.Textarea(attrs={"rows": 3}),
                                max_length=SHORT_TEXT, validators=short_text())


class MeetingForm(VersionedForm):
    class Meta:
        model = Meeting
        fields = ["title", "orp", "group", "plan", "starts_at", "ends_at", "place", "description", "is_public",
                  "minutes", "minutes_published", "attendance"]
        widgets = {"starts_at": DATETIME, "ends_at": DATETIME}

    def __init__(self, *args, region=None, **kwargs):
        super().__init__(*args, **kwargs)
        if region is not None:
            self.fields["orp"].queryset = region.orps.order_by("name")
            self.fields["group"].queryset = WorkingGroup.objects.filter(region=region)
            self.fields["plan"].queryset = Plan.objects.filter(region=region)
        for name in ("starts_at", "ends_at"):
            self.fields[name].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d.%m.%Y %H:%M"]


class WorkingGroupForm(VersionedForm):
    class Meta:
        model = WorkingGroup
        fields = ["name", "orp", "target_group", "description", "is_active"]

    def __init__(self, *args, region=None, **kwargs):
        super().__init__(*args, **kwargs)
        if region is not None:
            self.fields["orp"].queryset = region.orps.order_by("name")
        self.fields["target_group"].choices = [("", "—")] + list(PlanningGroup.choices)


class MemberForm(forms.Form):
    name = forms.CharField(label=_("jméno"), max_length=200, validators=line_text())
    organisation = forms.CharField(label=_("organizace"), max_length=255, required=False, validators=line_text())
    side = forms.ChoiceField(label=_("strana"), choices=Side.choices)
    email = forms.EmailField(label=_("e-mail"), required=False)
    is_leader = forms.BooleanField(label=_("vedoucí skupiny"), required=False)


class ContractForm(BoundedTextMixin, forms.ModelForm):
    class Meta:
        model = OrpContract
        fields = ["orp", "number", "date_from", "date_to", "contribution", "obligations", "signed_on"]
        localized_fields = ["contribution"]
        widgets = {"date_from": DATE, "date_to": DATE, "signed_on": DATE}

    def __init__(self, *args, region=None, **kwargs):
        super().__init__(*args, **kwargs)
        if region is not None:
            self.fields["orp"].queryset = region.orps.order_by("name")

    def _post_clean(self):
        pass  # validated by the service with the region set


class OrpReportForm(VersionedForm):
    class Meta:
        model = OrpYearReport
        fields = ["activities", "meetings_held", "participants", "plan_changes", "contribution_spent"]
        localized_fields = ["contribution_spent"]

    def _post_clean(self):
        pass  # validated by the service (year and contract)


class ReviewForm(forms.Form):
    accept = forms.TypedChoiceField(label=_("rozhodnutí"), coerce=lambda v: v == "1",
                                    choices=[("1", _("přijmout zprávu")), ("0", _("vrátit k doplnění"))])
    note = forms.CharField(label=_("vyjádření kraje"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                           max_length=SHORT_TEXT, validators=short_text())
