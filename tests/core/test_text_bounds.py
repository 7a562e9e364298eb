"""Free texts of the network and the registry are bounded where they are typed – in the forms and in the API
serializers – with Czech messages: the probe's 10,000-character word and a 2 MB text are refused."""

import pytest

from socplan.network.api import OpinionSerializer, RequestSerializer
from socplan.network.forms import OpinionForm, TextForm
from socplan.registry.forms import ServiceEditForm

WORD = "x" * 10_000
HUGE = "slovo " * 350_000  # about 2 MB


@pytest.mark.parametrize("text, message", [(WORD, "bez mezer"), (HUGE, "nejvýše"), ("a\x00b", "řídicí znak")])
def test_network_forms_refuse(text, message):
    form = TextForm({"text": text})
    assert not form.is_valid()
    assert message in " ".join(form.errors["text"])


def test_every_text_field_of_the_forms_is_bounded():
    for form_class in (OpinionForm, TextForm, ServiceEditForm):
        for name, field in form_class.base_fields.items():
            if hasattr(field, "max_length"):
                assert field.max_length, (form_class.__name__, name)


@pytest.mark.parametrize("text, message", [(WORD, "bez mezer"), (HUGE, "20000")])
def test_api_serializers_refuse(text, message):
    s = OpinionSerializer(data={"need_declared": True, "text": text})
    assert not s.is_valid()
    assert message in " ".join(str(e) for e in s.errors["text"])


def test_model_serializer_text_fields_are_bounded():
    fields = RequestSerializer().fields
    assert fields["justification"].max_length == 20_000
    assert any(type(v).__name__ == "BoundedText" for v in fields["title"].validators)
