"""The measure picker: a `socplan.core.widgets.SearchableSelect` whose options name the measure with its plan,
"1.2 Rozšíření terénní služby – Komunitní plán ORP Znojmo (Znojmo 2026–2028)", so that two plans' measures of
the same code can be told apart and people find a measure by its code, its title, the plan's name, the ORP or
the period. Without JavaScript it is a plain select (keyboard and screen reader as any select).
"""

from __future__ import annotations

from socplan.core.widgets import SearchableSelect

MAX_TITLE = 90
MAX_LABEL = 200


def measure_label(measure) -> str:
    plan = measure.plan
    title = measure.title if len(measure.title) <= MAX_TITLE else measure.title[:MAX_TITLE - 1] + "…"
    label = f"{measure.code} {title} – {plan.title}"
    place = f"{plan.area_name} {plan.period_label}"
    if place not in plan.title:
        label += f" ({place})"
    return label[:MAX_LABEL]


def measure_picker(field, queryset) -> None:
    """Make a ModelChoiceField of measures a searchable picker over `queryset` (plans and their areas loaded)."""
    field.queryset = queryset.select_related("plan", "plan__orp", "plan__region")
    field.label_from_instance = measure_label
    widget = SearchableSelect(attrs=field.widget.attrs)
    widget.is_required = field.widget.is_required
    widget.choices = field.choices
    field.widget = widget
