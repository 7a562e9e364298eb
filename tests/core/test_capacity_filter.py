"""`capacity` template filter: a capacity with its unit in the Czech form its number needs."""

from types import SimpleNamespace

import pytest

from socplan.core.templatetags.socplan_tags import capacity

CLIENTS = SimpleNamespace(code="klient", unit="klient", name="klienti")
BEDS = SimpleNamespace(code="luzka", unit="lůžko", name="lůžka")
OTHER = SimpleNamespace(code="x", unit="", name="jednotky")


@pytest.mark.parametrize(("count", "kind", "text"), [
    (1, CLIENTS, "1 klient"), (3, CLIENTS, "3 klienti"), (21, CLIENTS, "21 klientů"), (0, CLIENTS, "0 klientů"),
    (1, BEDS, "1 lůžko"), (4, BEDS, "4 lůžka"), (1200, BEDS, "1\u00a0200 lůžek"), (2.5, BEDS, "2,5 lůžka"),
    (7, OTHER, "7 jednotky"), (None, CLIENTS, "—"), (5, None, "5"),
])
def test_capacity_takes_the_czech_form_of_its_number(count, kind, text):
    assert capacity(count, kind) == text
