"""Template filters for Czech money and numbers: {{ amount|czk }} → '3 039 820 634 Kč'."""

from django import template

from socplan.core.money import format_czk, format_number

register = template.Library()


@register.filter
def czk(value):
    if value is None or value == "":
        return "—"
    return format_czk(value)


@register.filter
def num(value, decimals=0):
    if value is None or value == "":
        return "—"
    return format_number(value, int(decimals))


@register.filter
def structured(value):
    """A JSON value (a job's result, a snapshot) as labelled text: "klíč: hodnota, …" — never raw JSON."""
    from socplan.core.display import structured_text

    return structured_text(value)


@register.filter
def unit_label(code):
    """A capacity unit's name for a column or a total ("lůžka", "klienti", "intervence"), from its code ("luzka",
    also "capacity:luzka"); an unknown code is shown as it is."""
    from django.utils.translation import gettext

    from socplan.core.czech import CAPACITY_FORMS

    key = str(code or "").removeprefix("capacity:")
    forms = CAPACITY_FORMS.get(key)
    return gettext(forms[1]) if forms else key


@register.filter
def capacity(count, capacity_type):
    """A capacity with its unit in the right Czech form: {{ e.capacity|capacity:e.capacity_type }} → "21 klientů"
    (1 klient, 2–4 klienti, 5+ klientů); the type's own unit name for a type without known forms."""
    from socplan.core.czech import capacity_unit

    if count is None or count == "":
        return "—"
    if capacity_type is None:
        return format_number(count, 0)
    unit = capacity_unit(count, capacity_type.code, capacity_type.unit or capacity_type.name)
    decimals = 0 if float(count) == int(count) else 1
    return f"{format_number(count, decimals)} {unit}".strip()
