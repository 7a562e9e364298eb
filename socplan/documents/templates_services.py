"""Writes of the Word templates the region edits: upload of an edited template and return to the shipped default.

Only a kraj administrator (role `region_admin`) or a superuser may change a template (`may_edit_templates`).
An upload is validated first (`word_templates.template_names_used`: docxtpl parses it and it uses only the names
the template's contract provides); a refused file changes nothing and the version in force stays. Every upload
is kept as a `WordTemplateVersion`, so the history shows who changed which template when.
"""

from __future__ import annotations

import hashlib

from django.core.exceptions import PermissionDenied
from django.db import transaction

from socplan.accounts.models import Role
from socplan.accounts.permissions import has_role

from .models import WordTemplateVersion
from .word_templates import get, template_names_used


def may_edit_templates(user) -> bool:
    return bool(user and user.is_authenticated and has_role(user, {Role.REGION_ADMIN}))


@transaction.atomic
def word_template_upload(*, actor, name: str, content: bytes, filename: str) -> WordTemplateVersion:
    """Store an edited template as the version in force; raises `TemplateInvalid` (nothing stored) when it
    cannot be used."""
    if not may_edit_templates(actor):
        raise PermissionDenied("Šablony dokumentů může měnit jen správce kraje.")
    get(name)  # an unknown name is a KeyError, not a new template
    used = template_names_used(name, content)
    # one version in force per template: lock the rows of this template while the new one takes over
    list(WordTemplateVersion.objects.select_for_update().filter(name=name, active=True))
    WordTemplateVersion.objects.filter(name=name, active=True).update(active=False)
    return WordTemplateVersion.objects.create(
        name=name, content=content, filename=filename[:200], sha256=hashlib.sha256(content).hexdigest(),
        placeholders=sorted(used), active=True, uploaded_by=actor)


@transaction.atomic
def word_template_reset(*, actor, name: str) -> int:
    """Return to the shipped default (the uploaded versions stay as history); the number of versions retired."""
    if not may_edit_templates(actor):
        raise PermissionDenied("Šablony dokumentů může měnit jen správce kraje.")
    get(name)
    list(WordTemplateVersion.objects.select_for_update().filter(name=name, active=True))
    return WordTemplateVersion.objects.filter(name=name, active=True).update(active=False)
