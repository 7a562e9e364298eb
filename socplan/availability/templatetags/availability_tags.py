"""Template helpers of the availability pages: numbers with decimals, RAG badges, dictionary lookup, method
labels in words."""

import math
import re

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from socplan.core.money import format_number

from ..models import Method

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


_GAUSSIAN = re.compile(r"e2sfca-gaussian\(sigma=([0-9.]+)\)")


@register.filter
def method_label(label, cost_unit="km"):
    """The engine's method label in words: "2sfca" → "2SFCA (bez útlumu)", "e2sfca-gaussian(sigma=15)" →
    "E2SFCA, gaussovský útlum (σ = 15 km)"; never the code."""
    label = str(label or "")
    if label.startswith("bfca-"):
        inner = _GAUSSIAN.fullmatch(label.removeprefix("bfca-"))
        if inner:
            return _("BFCA (vyvážená), gaussovský útlum (σ = %(sigma)s %(unit)s)") % {
                "sigma": format_number(float(inner.group(1)), 1).removesuffix(",0"), "unit": cost_unit or "km"}
        return str(Method.BALANCED.label)
    m = _GAUSSIAN.fullmatch(label)
    if m:
        return _("E2SFCA, gaussovský útlum (σ = %(sigma)s %(unit)s)") % {
            "sigma": format_number(float(m.group(1)), 1).removesuffix(",0"), "unit": cost_unit or "km"}
    if label.startswith("e2sfca-step"):
        return _("E2SFCA, stupňovitý útlum")
    if label.startswith("e2sfca"):
        return str(Method.ENHANCED.label)
    if label == "2sfca":
        return str(Method.TWO_STEP.label)
    return label
