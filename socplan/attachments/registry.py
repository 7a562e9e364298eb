"""Which models may carry attachments and how their scope is checked (registered by each parent app).

A parent app calls `attachment_parent_register(AttachmentParent(...))` in its `AppConfig.ready()`. A model that
is not registered has no attachments: its URLs answer 404, and adding one is an error.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import models

from socplan.accounts.scope import can


@dataclass(frozen=True)
class AttachmentParent:
    model: type[models.Model]
    may_view: Callable[[object, models.Model], bool]  # (user, parent) → may see the parent and its files
    may_attach: Callable[[object, models.Model], bool]  # (user, parent) → may add and remove files

    @property
    def key(self) -> str:
        return self.model._meta.label_lower


PARENTS: dict[str, AttachmentParent] = {}


def attachment_parent_register(parent: AttachmentParent) -> None:
    if parent.key in PARENTS and PARENTS[parent.key] != parent:
        raise ValueError(f"{parent.key} is already registered for attachments")
    PARENTS[parent.key] = parent


def parent_of(model_or_obj) -> AttachmentParent:
    """The registration of a parent model (KeyError when the model carries no attachments)."""
    return PARENTS[model_or_obj._meta.label_lower]


def scoped(model: type[models.Model]) -> AttachmentParent:
    """A parent whose files follow the permission layer: who sees the parent within their own seat's scope
    (`view_private`: the kraj's staff, the ORP's or district's roles, the provider's users) sees its files, who
    may change it adds and removes them. A record that is public (a decided request, an approved plan) does not
    make its files public: anonymous users and other providers never see them."""

    def may_view(user, obj) -> bool:
        return bool(user is not None and user.is_authenticated
                    and (can(user, "view_private", obj) or can(user, "change", obj)))

    def may_attach(user, obj) -> bool:
        return bool(user is not None and user.is_authenticated and can(user, "change", obj))

    return AttachmentParent(model, may_view, may_attach)
