"""The measure picker (socplan.planning.pickers): a searchable plain select naming each measure with its plan."""

from __future__ import annotations

import pytest
from django import forms

from socplan.core.widgets import SearchableSelect
from socplan.planning.models import Measure
from socplan.planning.pickers import measure_label, measure_picker

from .conftest import build_plan

pytestmark = pytest.mark.django_db


class _Form(forms.Form):
    measure = forms.ModelChoiceField(label="opatření", queryset=Measure.objects.none(), required=False)


def test_options_name_the_measure_with_its_plan_and_work_without_javascript(t):
    a = build_plan(t.jmk, orp=t.blansko, title="Komunitní plán Blansko", measures=1)
    b = build_plan(t.jmk, orp=t.znojmo, title="Komunitní plán Znojmo", measures=1)
    form = _Form()
    measure_picker(form.fields["measure"], Measure.objects.filter(plan__in=[a, b]).order_by("plan__title", "code"))
    assert isinstance(form.fields["measure"].widget, SearchableSelect)
    html = str(form["measure"])
    # a plain <select> (keyboard, screen reader, no JavaScript needed) marked for the search enhancement
    assert html.startswith("<select") and 'data-picker="1"' in html and 'data-picker-label="' in html
    # measures of the same code in two plans are told apart by the plan's name, ORP and period
    assert "A.1 Opatření A.1 – Komunitní plán Blansko (Blansko 2024–2026)" in html
    assert "A.1 Opatření A.1 – Komunitní plán Znojmo (Znojmo 2024–2026)" in html
    chosen = Measure.objects.get(plan=b, code="A.1")
    bound = _Form({"measure": str(chosen.pk)})
    measure_picker(bound.fields["measure"], Measure.objects.filter(plan__in=[a, b]))
    assert bound.is_valid() and bound.cleaned_data["measure"] == chosen


def test_label_does_not_repeat_what_the_plan_title_says_and_stays_short(t):
    plan = build_plan(t.jmk, orp=t.znojmo, title="Plán Znojmo 2024–2026", measures=1)
    m = plan.measures.get(code="A.1")
    assert measure_label(m) == "A.1 Opatření A.1 – Plán Znojmo 2024–2026"
    m.title = "x" * 400
    assert len(measure_label(m)) <= 200 and "…" in measure_label(m)


def test_capacity_need_form_uses_the_picker(t):
    from socplan.planning.forms import CapacityNeedForm

    plan = build_plan(t.jmk, orp=t.znojmo, title="Komunitní plán Znojmo", measures=1)
    form = CapacityNeedForm(plan=plan)
    assert isinstance(form.fields["measure"].widget, SearchableSelect)
    assert "Komunitní plán Znojmo" in str(form["measure"])
