"""Every free text that reaches a document is bounded at the model level (length, longest word, control
characters), so forms, services (`full_clean`) and the API refuse a 2 MB word alike; the list of such fields is
walked from the models, so a new unbounded text field fails here."""

import pytest
from django.core.exceptions import ValidationError
from django.db import models

from socplan.core.text_limits import (
    COMPUTED_TEXTS,
    DOCUMENT_APPS,
    MAX_TOKEN,
    BoundedText,
    is_bounded,
    unbounded_fields,
)
from socplan.network.models import DevelopmentRequest, NetworkParameters


def test_no_unbounded_text_field_reaches_a_document():
    assert unbounded_fields() == []


def test_the_walk_finds_an_unbounded_field():
    """The checker itself: a TextField without limits, a long CharField without a token bound are unbounded;
    a short CharField and a bounded TextField are not."""
    assert not is_bounded(models.TextField())
    assert not is_bounded(models.TextField(max_length=500))
    assert not is_bounded(models.CharField(max_length=MAX_TOKEN + 1))
    assert is_bounded(models.CharField(max_length=MAX_TOKEN))
    assert is_bounded(models.TextField(max_length=1000, validators=[BoundedText(1000)]))
    assert is_bounded(models.CharField(max_length=10, choices=[("a", "a")]))
    assert {name.split(".")[0] for name in COMPUTED_TEXTS} <= set(DOCUMENT_APPS)


@pytest.mark.parametrize("value, code", [
    ("x" * 10_000, "text_token_too_long"),
    ("slovo " * 4_000, "text_too_long"),
    ("nul\x00znak", "text_control"),
])
def test_a_bounded_model_field_refuses_the_probe_inputs(value, code):
    for model, name in [(DevelopmentRequest, "justification"), (NetworkParameters, "note")]:
        field = model._meta.get_field(name)
        with pytest.raises(ValidationError) as exc:
            field.run_validators(value)
        assert code in {e.code for e in exc.value.error_list}, (model, name)
