"""Forms of the methodology editor and of the assessments. Numbers accept the Czech decimal comma."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .engine.formatting import num
from .models import Assessment, Direction
from .services import ASSESSMENT_FIELDS

MAX_BANDS = 8
VERSION = "expected_version"


def _initial(x) -> str | None:
    """A stored number as the Czech text the field shows ("24", "0,9", "780 000")."""
    return None if x is None else num(float(x), 6)


def _num(label, **kw):
    attrs = {"inputmode": "decimal", "size": 10, "aria-label": label}
    return forms.FloatField(label=label, localize=True, widget=forms.TextInput(attrs=attrs), **kw)


class VersionField(forms.IntegerField):
    def __init__(self, **kw):
        super().__init__(widget=forms.HiddenInput, min_value=1, **kw)


class MethodologyCreateForm(forms.Form):
    region = forms.ModelChoiceField(queryset=None, label=_("Kraj"))
    year = forms.IntegerField(label=_("Rok"), min_value=2000, max_value=2100)

    def __init__(self, *args, regions=None, **kw):
        super().__init__(*args, **kw)
        self.fields["region"].queryset = regions


class CopyForm(forms.Form):
    year = forms.IntegerField(label=_("Rok nové metodiky"), min_value=2000, max_value=2100,
                              help_text=_("Následující rok, nebo stejný rok pro novou verzi schválené metodiky."))


class WeightsForm(forms.Form):
    """Criterion weights (%) and the shares of indicators inside their criterion."""

    def __init__(self, *args, methodology, criteria, indicators, **kw):
        super().__init__(*args, **kw)
        self.fields[VERSION] = VersionField(initial=methodology.version)
        self.criteria = criteria
        self.indicators = indicators
        for c in criteria:
            self.fields[f"w_{c.code}"] = _num(_("Váha kritéria „%(name)s“ (%%)") % {"name": c.name},
                                              initial=_initial(c.weight), min_value=0, max_value=100)
        for i in indicators:
            self.fields[f"s_{i.code}"] = _num(_("Podíl ukazatele „%(name)s“") % {"name": i.name},
                                              initial=_initial(i.share), min_value=0.0001)

    def weights(self) -> dict:
        return {c.code: self.cleaned_data[f"w_{c.code}"] for c in self.criteria}

    def shares(self) -> dict:
        return {i.code: self.cleaned_data[f"s_{i.code}"] for i in self.indicators}

    def rows(self):
        """(criterion, weight field, [(indicator, share field)]) for the template."""
        out = []
        for c in self.criteria:
            members = [(i, self[f"s_{i.code}"]) for i in self.indicators if i.criterion_id == c.pk]
            out.append((c, self[f"w_{c.code}"], members))
        return out


class ThresholdsForm(forms.Form):
    """Network thresholds per kind key; an empty value removes the key (the default ``*`` is required)."""

    new_key = forms.CharField(label=_("Nový klíč (druh, druh:forma nebo skupina)"), required=False, max_length=20)
    new_value = _num(_("Práh pro nový klíč (body)"), required=False, min_value=0, max_value=100)

    def __init__(self, *args, methodology, **kw):
        super().__init__(*args, **kw)
        self.fields[VERSION] = VersionField(initial=methodology.version)
        self.keys = sorted((methodology.thresholds or {}).keys(), key=lambda k: (k != "*", k))
        for n, key in enumerate(self.keys):
            self.fields[f"t_{n}"] = _num(_("Práh pro „%(key)s“ (body)") % {"key": key},
                                         initial=_initial(methodology.thresholds[key]), required=key == "*",
                                         min_value=0, max_value=100)

    def thresholds(self) -> dict:
        out = {}
        for n, key in enumerate(self.keys):
            v = self.cleaned_data.get(f"t_{n}")
            if v is not None:
                out[key] = v
        if self.cleaned_data.get("new_key"):
            out[self.cleaned_data["new_key"].strip()] = self.cleaned_data.get("new_value")
        return out

    def clean(self):
        data = super().clean()
        if data.get("new_key") and data.get("new_value") is None:
            self.add_error("new_value", _("Zadejte práh pro nový klíč."))
        return data

    def threshold_fields(self):
        return [(key, self[f"t_{n}"]) for n, key in enumerate(self.keys)]


class ScaleForm(forms.Form):
    """The bands of one scale. For "higher is better" (and grades) the extra band is the first one (values
    below the first threshold); for "lower is better" it is the last one (values above the last threshold)."""

    applicable = forms.BooleanField(label=_("Ukazatel se u těchto služeb uplatňuje"), required=False)

    def __init__(self, *args, scale, direction, version, **kw):
        super().__init__(*args, **kw)
        self.direction = direction
        self.fields[VERSION] = VersionField(initial=version)
        self.fields["applicable"].initial = scale.applicable
        t, p = list(scale.thresholds), list(scale.points)
        for n in range(MAX_BANDS - 1):
            self.fields[f"threshold_{n}"] = _num(_("Hranice %(n)s") % {"n": n + 1}, required=False)
            self.fields[f"points_{n}"] = _num(_("Body pásma %(n)s") % {"n": n + 1}, required=False)
        self.fields["points_extra"] = _num(_("Body krajního pásma"), required=False)
        lower = direction == Direction.LOWER
        if p:
            extra = p[-1] if lower else p[0]
            banded = p[:-1] if lower else p[1:]
            self.fields["points_extra"].initial = _initial(extra)
            for n, (ti, pi) in enumerate(zip(t, banded, strict=True)):
                self.fields[f"threshold_{n}"].initial = _initial(ti)
                self.fields[f"points_{n}"].initial = _initial(pi)

    @property
    def lower(self) -> bool:
        return self.direction == Direction.LOWER

    def band_rows(self):
        """(threshold field, points field) rows in the order they are shown."""
        return [(self[f"threshold_{n}"], self[f"points_{n}"]) for n in range(MAX_BANDS - 1)]

    def clean(self):
        data = super().clean()
        pairs = []
        for n in range(MAX_BANDS - 1):
            t, p = data.get(f"threshold_{n}"), data.get(f"points_{n}")
            if t is None and p is None:
                continue
            if t is None or p is None:
                self.add_error(f"threshold_{n}" if t is None else f"points_{n}",
                               _("Vyplňte u pásma hranici i body."))
                continue
            pairs.append((t, p))
        if data.get("applicable"):
            if data.get("points_extra") is None:
                self.add_error("points_extra", _("Vyplňte body krajního pásma."))
            thresholds = [t for t, _p in pairs]
            banded = [p for _t, p in pairs]
            extra = data.get("points_extra")
            data["thresholds"] = thresholds
            data["points"] = (banded + [extra]) if self.lower else ([extra] + banded)
        else:
            data["thresholds"], data["points"] = [], []
        return data


class NewScaleForm(forms.Form):
    key = forms.CharField(label=_("Platí pro (druh, druh:forma nebo skupina)"), max_length=20)


class ReferenceForm(forms.Form):
    """Reference values of one indicator per kind key; an empty value removes the key."""

    new_key = forms.CharField(label=_("Nový klíč (druh, druh:forma nebo skupina)"), required=False, max_length=20)
    new_value = _num(_("Referenční hodnota pro nový klíč"), required=False)

    def __init__(self, *args, indicator, methodology, **kw):
        super().__init__(*args, **kw)
        self.fields[VERSION] = VersionField(initial=methodology.version)
        self.refs = list(indicator.references.order_by("key"))
        for r in self.refs:
            self.fields[f"r_{r.pk}"] = _num(_("Reference pro „%(key)s“") % {"key": r.key}, initial=_initial(r.value),
                                            required=False)

    def changes(self) -> list[tuple[str, float | None]]:
        out = []
        for r in self.refs:
            v = self.cleaned_data.get(f"r_{r.pk}")
            if v != r.value:
                out.append((r.key, v))
        if self.cleaned_data.get("new_key"):
            out.append((self.cleaned_data["new_key"].strip(), self.cleaned_data.get("new_value")))
        return out

    def clean(self):
        data = super().clean()
        if data.get("new_key") and data.get("new_value") is None:
            self.add_error("new_value", _("Zadejte referenční hodnotu pro nový klíč."))
        return data

    def ref_fields(self):
        return [(r, self[f"r_{r.pk}"]) for r in self.refs]


class AssessmentForm(forms.ModelForm):
    class Meta:
        model = Assessment
        fields = list(ASSESSMENT_FIELDS)
        widgets = {f: forms.Textarea(attrs={"rows": 2}) for f in
                   ("inspection_findings", "complaints_note", "cooperation_note", "specifics_note")}

    def __init__(self, *args, **kw):
        super().__init__(*args, **kw)
        grade_choices = [("", _("— nehodnoceno —")), (0, _("0 nevyhovuje")), (1, _("1 s výhradami")),
                         (2, _("2 dobře")), (3, _("3 výborně"))]
        for f in self.fields:
            if f.startswith("grade_"):
                self.fields[f] = forms.TypedChoiceField(
                    label=self.fields[f].label, choices=grade_choices, coerce=int, empty_value=None,
                    required=False,
                )
        if self.instance.pk:
            self.fields[VERSION] = VersionField(initial=self.instance.version)

    def data_for_service(self) -> dict:
        return {f: self.cleaned_data.get(f) for f in ASSESSMENT_FIELDS}
