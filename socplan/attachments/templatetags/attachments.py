"""`{% attachments_link obj %}`: a link to the attachments of a registered parent, with their count."""

from django import template
from django.urls import reverse

from socplan.attachments.selectors import attachments_of

register = template.Library()


@register.inclusion_tag("attachments/link.html")
def attachments_link(obj):
    return {"url": reverse("attachments:list", kwargs={"key": obj._meta.label_lower, "pk": obj.pk}),
            "count": attachments_of(obj).count()}
