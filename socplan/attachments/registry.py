"""Which models may carry attachments and how their scope is checked (registered by each parent app).

A parent app calls `attachment_parent_register(AttachmentParent(...))` in its `AppConfig.ready()`. A model that
is not registered has no attachments: its URLs answer 404, and adding one is an error.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import models


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
