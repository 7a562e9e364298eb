"""Small template helpers of the network pages."""

from django import template

from socplan.core.money import format_number

register = template.Library()


@register.filter
def cap(row, unit):
    """Capacity of a total row in one unit, formatted (one decimal when weighted)."""
    if row is None:
        return "—"
    value = row.cap(unit)
    if not value:
        return "—"
    return format_number(value, 0 if value == value.to_integral_value() else 1)


@register.filter
def per1000(row, unit):
    if row is None:
        return "—"
    value = row.per_1000(unit)
    return "—" if value is None else format_number(value, 2)


@register.filter
def getitem(mapping, key):
    try:
        return mapping[key]
    except (KeyError, TypeError, IndexError):
        return None


@register.filter
def kind_label(code):
    code = str(code or "")
    return f"§ {code}" if code[:1].isdigit() else code


@register.filter
def dec(value, decimals=1):
    if value is None or value == "":
        return "—"
    return format_number(value, int(decimals))
