"""Limits of the free texts people type and the documents print (Czech messages).

A text that reaches a document (a plan section, a measure's description, a comment and its settlement) is
bounded where it enters socplan, by a validator on the model field (so forms, services — `full_clean` — and any
API serializer refuse it alike):

- `LONG_TEXT` (100,000 characters, some 30 printed pages) for the body of a chapter, a summary, a description;
  `SHORT_TEXT` (20,000) for notes, lists and comments;
- no run of characters without a space longer than `MAX_TOKEN` (300; the longest web address a plan quotes
  fits): a "word" of 10,000 characters is a mistake or an attack, and it cannot be laid out on a page;
- no control characters other than tab and line breaks (a NUL cannot even be stored in PostgreSQL).

What was stored before these limits (or written around them) is bounded once more when a document is made
(`socplan.core.render.typography.document_text`).

Which texts reach a document: everything the apps in `DOCUMENT_APPS` store (the plans and action plans print
planning, network and registry data, the financial chapter and grant decisions finance data). `unbounded_fields`
lists their free-text fields that are not bounded at the model level; a test keeps that list empty, apart from
texts socplan computes itself (`COMPUTED_TEXTS`).
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

from socplan.core.render.typography import longest_token

LONG_TEXT = 100_000
SHORT_TEXT = 20_000
MAX_TOKEN = 300
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@deconstructible
class BoundedText:
    """Refuses a text longer than `max_length` (None: the field's own max_length is enough), with a run longer
    than `max_token` characters without a space, or with control characters."""

    def __init__(self, max_length: int | None = LONG_TEXT, max_token: int = MAX_TOKEN):
        self.max_length = max_length
        self.max_token = max_token

    def __call__(self, value) -> None:
        if not isinstance(value, str) or not value:
            return
        if self.max_length is not None and len(value) > self.max_length:
            raise ValidationError(
                _("Text je příliš dlouhý: má %(n)s znaků, dovoleno je nejvýše %(max)s."),
                code="text_too_long", params={"n": f"{len(value):,}".replace(",", "\xa0"),
                                              "max": f"{self.max_length:,}".replace(",", "\xa0")})
        control = _CONTROL.search(value)
        if control:
            raise ValidationError(
                _("Text obsahuje nepovolený řídicí znak (U+%(code)s) na pozici %(pos)s."),
                code="text_control", params={"code": f"{ord(control.group()):04X}", "pos": control.start() + 1})
        token = longest_token(value)
        if token > self.max_token:
            raise ValidationError(
                _("Text obsahuje souvislý řetězec bez mezer dlouhý %(n)s znaků (dovoleno je nejvýše %(max)s); "
                  "rozdělte jej mezerami."),
                code="text_token_too_long", params={"n": token, "max": self.max_token})

    def __eq__(self, other):
        return (isinstance(other, BoundedText) and (self.max_length, self.max_token)
                == (other.max_length, other.max_token))

    def __hash__(self):
        return hash((self.max_length, self.max_token))


def long_text() -> list:
    """Validators of a long free text (`LONG_TEXT`)."""
    return [BoundedText(LONG_TEXT)]


def short_text() -> list:
    """Validators of a note, a list or a comment (`SHORT_TEXT`)."""
    return [BoundedText(SHORT_TEXT)]


def line_text() -> list:
    """Validators of a one-line text (a title, a name; its CharField's max_length bounds the length)."""
    return [BoundedText(None)]


def _bound_field(field, max_length: int, validators_attr: str = "validators") -> None:
    from django.core.validators import MaxLengthValidator

    if getattr(field, "max_length", None) is None:
        field.max_length = max_length
        getattr(field, validators_attr).append(MaxLengthValidator(max_length))
    getattr(field, validators_attr).append(BoundedText(None))


def bound_form_texts(*form_classes, max_length: int = SHORT_TEXT) -> None:
    """Bound every free-text field of these form classes where people type it (apps whose model fields carry no
    text validators): a field without a max_length gets `max_length` (20,000 by default), and every text field
    refuses a run without a space over `MAX_TOKEN` and control characters, with the Czech messages above."""
    from django import forms

    for cls in form_classes:
        for field in cls.base_fields.values():
            if isinstance(field, forms.CharField):
                _bound_field(field, max_length)
                if field.max_length and isinstance(field.widget, forms.Textarea | forms.TextInput):
                    field.widget.attrs.setdefault("maxlength", str(field.max_length))


def bound_serializer_texts(*serializer_classes, max_length: int = SHORT_TEXT) -> None:
    """The same bounds on the writable text fields of API serializers: the declared ones and those a
    ModelSerializer builds from the model's text fields (through `Meta.extra_kwargs`)."""
    from django.db import models
    from rest_framework import serializers

    for cls in serializer_classes:
        for field in cls._declared_fields.values():
            if isinstance(field, serializers.CharField) and not field.read_only:
                # a serializer copies its declared fields by calling their constructor again: bound the arguments
                field._kwargs.setdefault("max_length", max_length)
                field._kwargs["validators"] = [*field._kwargs.get("validators", ()), BoundedText(None)]
        meta = getattr(cls, "Meta", None)
        model = getattr(meta, "model", None)
        if model is None:
            continue
        names = getattr(meta, "fields", None)
        extra = {k: dict(v) for k, v in (getattr(meta, "extra_kwargs", None) or {}).items()}
        for f in model._meta.concrete_fields:
            if (isinstance(f, models.CharField | models.TextField) and not f.choices and f.editable and not f.unique
                    and f.name not in cls._declared_fields and (names == "__all__" or f.name in (names or ()))):
                kw = extra.setdefault(f.name, {})
                kw.setdefault("max_length", f.max_length or max_length)
                kw.setdefault("validators", [*f.validators, BoundedText(None)])
        meta.extra_kwargs = extra


DOCUMENT_APPS = ("planning", "network", "registry", "finance")
# texts socplan writes itself (no one types them): the settlement's computation, a registry import's file name
COMPUTED_TEXTS = frozenset({"finance.Settlement.explanation", "finance.DecisionSettlement.explanation",
                            "registry.RegistryImport.file_name"})


def is_bounded(field) -> bool:
    """A model text field is bounded when its length is (a CharField's max_length up to `MAX_TOKEN` also bounds
    its longest word), or when it carries a `BoundedText` validator together with a max_length."""
    from django.db import models

    if not isinstance(field, models.CharField | models.TextField) or field.choices:
        return True
    if isinstance(field, models.CharField) and field.max_length and field.max_length <= MAX_TOKEN:
        return True
    return bool(field.max_length) and any(isinstance(v, BoundedText) for v in field.validators)


def unbounded_fields(app_labels=DOCUMENT_APPS) -> list[str]:
    """``app.Model.field`` of every free-text field of these apps' models that is not bounded (history tables,
    which copy their model's fields, and `COMPUTED_TEXTS` left out)."""
    from django.apps import apps

    out = []
    for label in app_labels:
        for model in apps.get_app_config(label).get_models():
            if model.__name__.startswith("Historical"):
                continue
            for field in model._meta.concrete_fields:
                name = f"{label}.{model.__name__}.{field.name}"
                if not is_bounded(field) and name not in COMPUTED_TEXTS:
                    out.append(name)
    return out
