"""Every life situation's label and description is in the translation catalogue (SITUATION_MESSAGES mirrors
data/life_situations.json for makemessages), so the English catalogue never falls back to Czech silently."""

from socplan.catalogue.situations import SITUATION_MESSAGES, situations


def test_every_situation_text_is_listed_for_translation():
    missing = [t for s in situations() for t in (s.label, s.description) if t not in SITUATION_MESSAGES]
    assert not missing, missing
