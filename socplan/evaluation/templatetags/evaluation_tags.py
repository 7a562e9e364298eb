"""Template filters of the evaluation pages: Czech numbers with at most N decimals (``{{ x|cz:2 }}``)."""

from django import template
from django.utils.translation import gettext_lazy as _

from socplan.evaluation.engine.formatting import num, pct

register = template.Library()

FORMS = {"amb": _("ambulantní"), "ter": _("terénní"), "pob": _("pobytová")}


@register.filter
def cz(value, decimals=2):
    """1234.5 → '1 234,5'; None/NaN → '–'."""
    if value is None or value == "":
        return "–"
    try:
        return num(float(value), int(decimals))
    except (TypeError, ValueError):
        return str(value)


@register.filter
def smart(value):
    """A number with as many decimals as are worth reading (costs whole, ratios 4 places)."""
    if value is None or value == "":
        return "–"
    try:
        x = float(value)
    except (TypeError, ValueError):
        return str(value)
    from socplan.evaluation.charts import smart_decimals

    return "–" if x != x else num(x, smart_decimals(x))


@register.filter
def share_pct(value, decimals=1):
    if value is None or value == "":
        return "–"
    return pct(float(value), int(decimals))


@register.filter
def form_label(code):
    return str(FORMS.get(code or "", code or ""))


@register.filter
def get_item(mapping, key):
    try:
        return mapping.get(key)
    except AttributeError:
        return None
