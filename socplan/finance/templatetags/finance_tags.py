"""Template filters of the finance pages: Czech per cent, signed amounts, dictionary lookup."""

from decimal import Decimal

from django import template
from django.utils.translation import gettext_lazy as _

from socplan.core.money import format_czk, format_number

register = template.Library()


@register.filter
def pct(value, decimals=2):
    """35.00 → '35,00 %'; a share 0.35 is passed through |share."""
    if value is None or value == "":
        return "—"
    return format_number(value, int(decimals)) + "\xa0%"


@register.filter
def share(value, decimals=2):
    """A share 0–1 as per cent: 0.35 → '35,00 %'."""
    if value is None or value == "":
        return "—"
    return format_number(Decimal(value) * 100, int(decimals)) + "\xa0%"


@register.filter
def signed_czk(value):
    """+1 234 Kč / −1 234 Kč / 0 Kč."""
    if value is None or value == "":
        return "—"
    d = Decimal(value)
    text = format_czk(abs(d))
    return ("+" if d > 0 else "−" if d < 0 else "") + text


@register.filter
def get(mapping, key):
    if mapping is None:
        return None
    try:
        return mapping.get(key)
    except AttributeError:
        return None


@register.filter
def kind_label(code):
    return code if code in ("Celkem", "–", "") else f"§ {code}"


TIER_STATUS = {"full": _("plně pokryta"), "reduced": _("krácena"), "floors_reduced": _("kráceny i minimální podíly"),
               "unfunded": _("bez prostředků")}


@register.filter
def tier_status(status):
    return str(TIER_STATUS.get(status, status))


@register.simple_tag(takes_context=True)
def finance_access(context, region) -> dict:
    """What the user may open in the kraj's financing pages (the tabs show only those)."""
    from socplan.finance.selectors import region_member, region_staff

    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"login": False, "member": False, "staff": False}
    return {"login": True, "member": region_member(user, region), "staff": region_staff(user, region)}
