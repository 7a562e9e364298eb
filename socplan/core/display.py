"""Readable values of model fields for people (history rows, stale-edit messages): choice labels,
related objects' names, "ano"/"ne", Czech number and date formats, JSON values as "klíč: hodnota" lists."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import models
from django.utils import formats, timezone
from django.utils.translation import gettext as _

EMPTY = "—"
MAX_LEN = 200


def related_names(model_field: models.Field, ids) -> dict:
    """{pk: str(object)} for the related objects of a foreign key, fetched in one query."""
    ids = {i for i in ids if i is not None}
    if not ids or not model_field.is_relation:
        return {}
    related = model_field.related_model
    return {pk: str(obj) for pk, obj in related._default_manager.in_bulk(list(ids)).items()}


def display_value(field: models.Field, value, names: dict | None = None) -> str:
    """`value` of `field` as shown to a person. For relations `value` is the primary key (or an object)."""
    if value is None or value == "":
        return EMPTY
    if isinstance(value, models.Model):
        return str(value)
    if field.is_relation:
        if names is None:
            names = related_names(field, [value])
        return names.get(value, _("#%(pk)s (smazáno)") % {"pk": value})
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("ano") if value else _("ne")
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return formats.date_format(value, "DATETIME_FORMAT")
    if isinstance(value, dt.date):
        return formats.date_format(value, "DATE_FORMAT")
    if isinstance(value, int) and ("year" in field.name or field.name.endswith("id")):
        return str(value)  # years and identifiers are labels, not quantities: "2026", never "2 026"
    if isinstance(value, (int, float, Decimal)):
        return formats.number_format(value, use_l10n=True, force_grouping=True)
    text = structured_text(value) if isinstance(value, (dict, list)) else str(value)
    return text if len(text) <= MAX_LEN else text[: MAX_LEN - 1] + "…"


def structured_text(value) -> str:
    """A JSON value as a reader sees it: "klíč: hodnota, klíč: hodnota" for an object, items separated by "; ",
    numbers in Czech format — never braces and quotes."""
    if isinstance(value, dict):
        return ", ".join(f"{k}: {structured_text(v)}" for k, v in value.items()) or EMPTY
    if isinstance(value, list):
        return "; ".join(structured_text(v) for v in value) or EMPTY
    if isinstance(value, bool):
        return _("ano") if value else _("ne")
    if isinstance(value, (int, float, Decimal)):
        return formats.number_format(value, use_l10n=True, force_grouping=True)
    return EMPTY if value is None else str(value)


