"""`{% history_table obj %}`: the readable audit history of an object (accounts/_history.html)."""

from django import template

from socplan.accounts.history import history_rows

register = template.Library()


@register.inclusion_tag("accounts/_history.html", takes_context=True)
def history_table(context, obj, limit=None):
    request = context.get("request")
    user = getattr(request, "user", None)
    return {"history_rows": history_rows(obj, user=user, limit=limit), "history_object": obj}


@register.simple_tag(takes_context=True)
def can_do(context, action, obj):
    """`{% can_do "change" service as may_edit %}` — the scope layer in templates."""
    from socplan.accounts.scope import can

    request = context.get("request")
    return can(getattr(request, "user", None), action, obj)
