"""Template tags that bring the other network layers' money into the finance pages (finance.layers)."""

from django import template

from socplan.finance import layers

register = template.Library()


def _user(context):
    request = context.get("request")
    return getattr(request, "user", None)


@register.simple_tag(takes_context=True)
def other_layers_money(context, region, year):
    """The other layers' money of the kraj and year that the page's user may see."""
    return layers.layer_money(region, int(year), user=_user(context))


@register.simple_tag(takes_context=True)
def provider_layers_money(context, provider, year_from, year_to):
    """The other layers' money of the provider's services over the years (the overcompensation page)."""
    rows = layers.provider_layer_rows(provider, range(int(year_from), int(year_to) + 1), user=_user(context))
    return layers.LayerMoney(tuple(rows), (), sum((r.amount for r in rows), layers.ZERO))
