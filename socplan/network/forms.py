"""Forms of the network pages. Choices are limited to the kraj (and, for ORP coordinators, to their ORP)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from socplan.accounts.models import REGION_ROLES, Role
from socplan.accounts.scope import grants, is_region_staff, is_superuser
from socplan.core.forms import VersionedModelFormMixin
from socplan.core.text_limits import bound_form_texts
from socplan.registry.models import CapacityType, DeliveryForm, Provider, Service, ServiceKind
from socplan.registry.selectors import kinds_valid_in
from socplan.territory.models import Municipality, Orp

from .models import (
    CofinancingDeclaration,
    ConditionRule,
    DevelopmentRequest,
    DistrictProposal,
    KindParameter,
    NetworkEntry,
    NetworkParameters,
    NetworkVersion,
    ProposalState,
    Tier,
)

YES_NO = [("1", _("ano")), ("0", _("ne"))]


def _orp_ids(user, level_roles=(Role.ORP_COORDINATOR,)):
    return {g.orp_id for g in grants(user) if g.role in level_roles and g.orp_id}


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class NetworkEntryForm(VersionedModelFormMixin, forms.ModelForm):
    class Meta:
        model = NetworkEntry
        fields = ["service", "form", "orp", "tier", "status", "capacity", "capacity_type", "fte", "orps",
                  "entrusted_from", "entrusted_to", "note"]
        widgets = {"entrusted_from": DateInput(), "entrusted_to": DateInput(),
                   "orps": forms.CheckboxSelectMultiple}

    def __init__(self, *args, network: NetworkVersion, **kwargs):
        super().__init__(*args, **kwargs)
        self.network = network
        region = network.region
        if self.instance.pk:
            del self.fields["service"]
        else:
            self.fields["service"].queryset = Service.objects.filter(region=region).select_related("kind")
        self.fields["tier"].queryset = Tier.objects.filter(parameters__in=NetworkParameters.objects.current().filter(
            region=region, year=network.year))
        self.fields["orp"].queryset = Orp.objects.filter(region=region)
        self.fields["orps"].queryset = Orp.objects.filter(region=region).order_by("name")
        self.fields["form"].queryset = DeliveryForm.objects.all()
        self.fields["capacity_type"].queryset = CapacityType.objects.all()
        if not self.instance.pk:
            # empty = the service's capacity in the year and the unit of its main form (registry.selectors)
            self.fields["capacity"].required = False
            self.fields["capacity"].help_text = _("Prázdné = kapacita služby v roce (podle registru nebo "
                                                  "schválené sítě).")
            self.fields["capacity_type"].help_text = _("Prázdné = jednotka hlavní formy služby.")
        self.instance.network = network

    def service_data(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if k not in ("orps", "expected_version")}
        return data


class VersionCreateForm(forms.Form):
    region = forms.ModelChoiceField(label=_("kraj"), queryset=None)
    year = forms.IntegerField(label=_("rok"), min_value=2000, max_value=2100)
    copy_from = forms.ModelChoiceField(label=_("převzít položky z verze"), queryset=None, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        from socplan.territory.models import Region

        if is_superuser(user):
            regions = Region.objects.all()
        else:
            regions = Region.objects.filter(pk__in={g.region_id for g in grants(user) if g.role in REGION_ROLES})
        self.fields["region"].queryset = regions
        self.fields["copy_from"].queryset = NetworkVersion.objects.filter(region__in=regions).select_related("region")

    def clean(self):
        data = super().clean()
        region, year = data.get("region"), data.get("year")
        if region and year and NetworkVersion.objects.filter(region=region, year=year).exists():
            raise forms.ValidationError(_("Síť na rok %(year)s už existuje; změny se dělají dodatkem.") % {
                "year": year})
        return data


class ApproveForm(forms.Form):
    decision_ref = forms.CharField(label=_("usnesení / rozhodnutí"), max_length=200, required=False)
    confirm_failing = forms.BooleanField(
        label=_("potvrzuji schválení i s položkami, které nesplňují podmínky vstupu"), required=False)
    reason = forms.CharField(label=_("odůvodnění (povinné, nesplňují-li některé položky podmínky)"),
                             widget=forms.Textarea(attrs={"rows": 3}), required=False)


class AmendmentForm(forms.Form):
    reason = forms.CharField(label=_("důvod změny"), widget=forms.Textarea(attrs={"rows": 3}))


class PublishForm(forms.Form):
    note = forms.CharField(label=_("poznámka"), max_length=300, required=False)


class DiffForm(forms.Form):
    old = forms.ModelChoiceField(label=_("původní verze"), queryset=None)
    new = forms.ModelChoiceField(label=_("nová verze"), queryset=None)

    def __init__(self, *args, versions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["old"].queryset = versions
        self.fields["new"].queryset = versions


class DevelopmentRequestForm(VersionedModelFormMixin, forms.ModelForm):
    class Meta:
        model = DevelopmentRequest
        fields = ["year", "orp", "request_kind", "request_type", "title", "provider", "service", "kind", "form",
                  "capacity", "capacity_type", "fte", "expected_cost", "measure", "justification"]
        widgets = {"justification": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, user, region, **kwargs):
        super().__init__(*args, **kwargs)
        from socplan.planning.models import Measure

        orps = Orp.objects.filter(region=region).order_by("name")
        if not is_region_staff(user, region.pk):
            own = _orp_ids(user)
            if own:
                orps = orps.filter(pk__in=own)
        self.fields["orp"].queryset = orps
        providers = Provider.objects.filter(services__region=region).distinct()
        own_providers = {g.provider_id for g in grants(user) if g.role == Role.PROVIDER_USER}
        if own_providers and not is_region_staff(user, region.pk):
            providers = providers.filter(pk__in=own_providers)
        self.fields["provider"].queryset = providers.order_by("name")
        services = Service.objects.filter(region=region).select_related("kind").order_by("name")
        if own_providers and not is_region_staff(user, region.pk):
            services = services.filter(provider_id__in=own_providers)
        self.fields["service"].queryset = services
        # the kinds in force in the request's year (registry.selectors.kinds_valid_in); a stored kind stays shown
        kinds = kinds_valid_in(_request_year(self))
        if self.instance.kind_id:
            kinds = kinds | ServiceKind.objects.filter(pk=self.instance.kind_id)
        self.fields["kind"].queryset = kinds.distinct()
        _measure_field(self.fields["measure"], Measure.objects.filter(plan__region=region))

    def clean(self):
        data = super().clean()
        kind, year = data.get("kind"), data.get("year")
        if kind is not None and year and not kind.valid_in(year):
            self.add_error("kind", _("Druh %(kind)s v roce %(year)s neplatí (platnost %(validity)s).") % {
                "kind": kind, "year": year, "validity": kind.validity_label})
        return data


def _request_year(form) -> int:
    """The network year a request form is about: the submitted one, else the stored or initial one."""
    from django.utils import timezone

    raw = form.data.get(form.add_prefix("year")) if form.is_bound else None
    raw = raw or form.instance.year or form.initial.get("year")
    try:
        year = int(raw)
    except (TypeError, ValueError):
        return timezone.localdate().year
    return year if 2000 <= year <= 2100 else timezone.localdate().year


def _measure_field(field, measures, keep: int | None = None) -> None:
    """Measures a request may name: those of community plans in force or put out for comments (a draft is not
    yet a plan, a superseded one no longer is), in the searchable measure picker labelled with the plan's name
    and period so that two plans' measures of the same code can be told apart. A measure the request already
    names stays selectable."""
    from django.db.models import Q

    from socplan.planning.models import PlanStatus
    from socplan.planning.pickers import measure_picker

    current = Q(plan__status__in=(PlanStatus.APPROVED, PlanStatus.COMMENT))
    if keep is not None:
        current |= Q(pk=keep)
    measure_picker(field, measures.filter(current, plan__kind="community")
                   .order_by("plan__orp__name", "-plan__year_from", "code"))


class OpinionForm(forms.Form):
    need_declared = forms.TypedChoiceField(label=_("ORP deklaruje potřebnost"), choices=YES_NO, coerce=lambda v: v == "1",
                                           widget=forms.RadioSelect)
    measure = forms.ModelChoiceField(label=_("opatření komunitního plánu"), queryset=None, required=False)
    text = forms.CharField(label=_("stanovisko"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, request_obj: DevelopmentRequest, **kwargs):
        super().__init__(*args, **kwargs)
        from socplan.planning.models import Measure

        _measure_field(self.fields["measure"], Measure.objects.filter(plan__orp=request_obj.orp),
                       keep=request_obj.measure_id)
        self.fields["measure"].initial = request_obj.measure_id


class ReviewForm(forms.Form):
    recommends = forms.TypedChoiceField(label=_("okresní tým záměr doporučuje"), choices=YES_NO,
                                        coerce=lambda v: v == "1", widget=forms.RadioSelect)
    tier = forms.ModelChoiceField(label=_("navržená úroveň sítě"), queryset=None, required=False)
    text = forms.CharField(label=_("vyjádření"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, request_obj: DevelopmentRequest, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tier"].queryset = Tier.objects.filter(parameters__in=NetworkParameters.objects.current().filter(
            region=request_obj.region, year=request_obj.year))


class EvaluationForm(forms.Form):
    action_plan = forms.ModelChoiceField(label=_("zařazeno do akčního plánu"), queryset=None, required=False)
    text = forms.CharField(label=_("hodnocení"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, request_obj: DevelopmentRequest, **kwargs):
        super().__init__(*args, **kwargs)
        from socplan.planning.models import ActionPlan

        self.fields["action_plan"].queryset = ActionPlan.objects.filter(plan__region=request_obj.region)
        self.fields["action_plan"].initial = request_obj.action_plan_id


class DecisionForm(forms.Form):
    admit = forms.TypedChoiceField(label=_("rozhodnutí"), choices=[("1", _("zařadit do sítě")), ("0", _("zamítnout"))],
                                   coerce=lambda v: v == "1", widget=forms.RadioSelect)
    tier = forms.ModelChoiceField(label=_("úroveň sítě"), queryset=None, required=False)
    service = forms.ModelChoiceField(
        label=_("registrovaná služba"), queryset=None, required=False,
        help_text=_("U nové služby: její záznam v registru (do sítě lze zařadit jen registrovanou službu)."))
    reason = forms.CharField(label=_("odůvodnění"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    confirm_failing = forms.BooleanField(
        label=_("Potvrzuji zařazení do sítě, ačkoli záměr nesplňuje uvedené podmínky vstupu"), required=False,
        help_text=_("Odůvodnění je pak povinné; uloží se s rozhodnutím a v historii záměru."))

    def __init__(self, *args, request_obj: DevelopmentRequest, failures=(), **kwargs):
        super().__init__(*args, **kwargs)
        if not failures:  # nothing fails: nothing to confirm (a failure found on posting shows the box again)
            del self.fields["confirm_failing"]
        self.fields["tier"].queryset = Tier.objects.filter(parameters__in=NetworkParameters.objects.current().filter(
            region=request_obj.region, year=request_obj.year))
        self.fields["tier"].initial = request_obj.district_tier_id
        if request_obj.service_id:
            del self.fields["service"]
        else:
            services = Service.objects.filter(region_id=request_obj.region_id, kind_id=request_obj.kind_id)
            if request_obj.provider_id:
                services = services.filter(provider_id=request_obj.provider_id)
            self.fields["service"].queryset = services.select_related("provider").order_by("name")

    def clean(self):
        data = super().clean()
        data.setdefault("service", None)
        data.setdefault("confirm_failing", False)
        return data


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("co je třeba doplnit"), widget=forms.Textarea(attrs={"rows": 3}))


class TextForm(forms.Form):
    text = forms.CharField(label=_("komentář"), widget=forms.Textarea(attrs={"rows": 3}))


class ResubmitForm(forms.Form):
    text = forms.CharField(label=_("co bylo doplněno"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class DeclarationForm(VersionedModelFormMixin, forms.ModelForm):
    class Meta:
        model = CofinancingDeclaration
        fields = ["year", "municipality", "service", "request", "amount", "declared_on", "reference", "note"]
        widgets = {"declared_on": DateInput()}

    def __init__(self, *args, user, region, **kwargs):
        super().__init__(*args, **kwargs)
        munis = Municipality.objects.filter(region=region).order_by("name")
        if not is_region_staff(user, region.pk):
            munis = munis.filter(orp_id__in=_orp_ids(user))
        self.fields["municipality"].queryset = munis
        self.fields["service"].queryset = Service.objects.filter(region=region).order_by("name")
        self.fields["request"].queryset = DevelopmentRequest.objects.filter(region=region).order_by("-year", "title")


class DistrictProposalForm(forms.ModelForm):
    class Meta:
        model = DistrictProposal
        fields = ["title", "text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 6})}


class ProposalDecisionForm(forms.Form):
    state = forms.ChoiceField(label=_("rozhodnutí"), choices=[c for c in ProposalState.choices
                                                               if c[0] != ProposalState.SUBMITTED])
    note = forms.CharField(label=_("odůvodnění"), widget=forms.Textarea(attrs={"rows": 3}))


class ParametersForm(VersionedModelFormMixin, forms.ModelForm):
    class Meta:
        model = NetworkParameters
        fields = ["cofinancing_rate", "cofinancing_rate_prevention", "cofinancing_rate_counselling",
                  "cofinancing_rate_care", "optimal_cost_a", "optimal_cost_b", "optimal_cost_c", "optimal_cost_d",
                  "points_threshold", "note"]


class ParametersEditionForm(forms.Form):
    reason = forms.CharField(
        label=_("důvod nové verze nastavení"), max_length=100, required=False,
        help_text=_("Nová verze je kopií tohoto nastavení, kterou lze upravit. Schválené verze sítě si ponechají "
                    "původní nastavení; návrhy sítě tohoto roku převezmou nové."))


class TierForm(VersionedModelFormMixin, forms.ModelForm):
    class Meta:
        model = Tier
        fields = ["code", "name", "description", "funded", "order"]


class RuleForm(VersionedModelFormMixin, forms.ModelForm):
    class Meta:
        model = ConditionRule
        fields = ["name", "enabled", "applies_to", "order"]


class KindParameterForm(VersionedModelFormMixin, forms.ModelForm):
    class Meta:
        model = KindParameter
        fields = ["kind", "form", "tier", "cofinancing_rate", "optimal_cost", "points_threshold"]

    def __init__(self, *args, parameters=None, **kwargs):
        super().__init__(*args, **kwargs)
        parameters = parameters or (self.instance.parameters if self.instance.parameters_id else None)
        if parameters is not None:  # only the tiers of the same year's settings
            self.fields["tier"].queryset = parameters.tiers.all()
        else:
            self.fields["tier"].queryset = self.fields["tier"].queryset.select_related("parameters__region")
            self.fields["tier"].label_from_instance = lambda t: f"{t.name} ({t.parameters.year})"


# Every free text is bounded where it is typed (length, a run without a space, control characters).
bound_form_texts(NetworkEntryForm, VersionCreateForm, ApproveForm, AmendmentForm, PublishForm, DiffForm, DevelopmentRequestForm, OpinionForm, ReviewForm, EvaluationForm, DecisionForm, ReasonForm, TextForm, ResubmitForm, DeclarationForm, DistrictProposalForm, ProposalDecisionForm, ParametersForm, TierForm, RuleForm, KindParameterForm)
