"""Template helpers of the availability pages: numbers with decimals, RAG badges, dictionary lookup."""

import math

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from socplan.core.money import format_number

register = template.Library()

RAG_LABELS = {"green": gettext_noop("v normě"), "amber": gettext_noop("mírně pod"), "red": gettext_noop("zaostává")}


@register.filter
def dec(value, decimals=1):
    """'12,3' (Czech format, `decimals` places); '—' for missing values."""
    if value is None or value == "":
        return "—"
    try:
        value = float(value)
    except (TypeError, ValueError):
        return "—"
    return format_number(value, int(decimals)) if math.isfinite(value) else "—"


@register.filter
def signclass(value):
    """CSS class for a gap: 'pos' (missing capacity) or 'neg' (surplus)."""
    if value is None:
        return ""
    return "pos" if value > 0 else ("neg" if value < 0 else "")


@register.filter
def unit_name(code):
    """'luzka' → 'lůžka': the capacity type's name for a code (the code itself when unknown)."""
    from socplan.registry.models import CapacityType

    if not code:
        return "—"
    return CapacityType.objects.filter(code=code).values_list("name", flat=True).first() or code


@register.filter
def get(mapping, key):
    return (mapping or {}).get(key)


@register.simple_tag
def rag_badge(status, ratio=None):
    """A red/amber/green badge with the ratio to the comparator in per cent."""
    if not status:
        return "—"
    label = _(RAG_LABELS[status])
    pct = "" if ratio is None else f" ({format_number(round(ratio * 100), 0)} %)"
    return format_html('<span class="rag {}" data-rag="{}">{}{}</span>', status, status, label, pct)
