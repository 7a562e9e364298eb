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
