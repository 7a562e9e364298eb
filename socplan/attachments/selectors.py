"""Reads of attachments, restricted by the parent's own scope check."""

from django.contrib.contenttypes.models import ContentType
from django.http import Http404

from .models import Attachment
from .registry import PARENTS, parent_of


def attachments_of(parent, *, include_removed: bool = False):
    ct = ContentType.objects.get_for_model(parent)
    qs = Attachment.objects.filter(parent_type=ct, parent_id=parent.pk).select_related("uploaded_by")
    return qs if include_removed else qs.filter(removed_at__isnull=True)


def visible_parent(user, key: str, pk: int):
    """The parent `key` (app_label.model) `pk` when registered and the user may see it, else 404."""
    reg = PARENTS.get(key)
    if reg is None:
        raise Http404
    obj = reg.model._default_manager.filter(pk=pk).first()
    if obj is None or not reg.may_view(user, obj):
        raise Http404
    return obj, reg


def visible_attachment(user, pk: int) -> Attachment:
    """An attachment the user may download (its parent visible to them), else 404 – also for anonymous users."""
    att = Attachment.objects.select_related("parent_type").filter(pk=pk, removed_at__isnull=True).first()
    if att is None:
        raise Http404
    model = att.parent_type.model_class()
    if model is None or model._meta.label_lower not in PARENTS:
        raise Http404
    parent = att.parent
    if parent is None or not parent_of(model).may_view(user, parent):
        raise Http404
    return att
