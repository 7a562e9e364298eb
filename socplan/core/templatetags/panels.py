"""``{% panels "slot" obj %}``: the panels other apps registered for this page (see socplan.core.panels)."""

from django import template

from socplan.core.panels import panels_render

register = template.Library()


@register.simple_tag(takes_context=True)
def panels(context, slot, obj):
    return panels_render(slot, context["request"], obj)
