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
