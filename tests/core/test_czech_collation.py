"""Czech alphabetical order: the Python key (`socplan.core.czech.sort_key`) and the database collation
(`czech`/`order_czech`: ICU ``cs-x-icu`` on PostgreSQL, the registered ``cs`` collation on SQLite) agree with
the order written out by hand: C < Č, H < Ch < I, R < Ř, S < Š, Z < Ž, Ď, Ť, Ň and the long vowels
only break ties."""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from socplan.core.czech import order_czech, sorted_czech
from socplan.registry.models import Provider
from tests import factories

CZECH_ORDER = ["Adamov", "Brno", "Břeclav", "Bučovice", "Cvikov", "Čáslav", "Čechy", "Dolňany", "Dolní Kounice",
               "Hodonín", "Hustopeče", "Cheb", "Chrudim", "Ivančice", "Rosice", "Rousínov", "Řevnice", "Slavkov",
               "Šlapanice", "Šumperk", "Ťapka", "Tišnov", "Zlín", "Znojmo", "Žďár", "Židlochovice"]


def test_sort_key_gives_the_czech_order():
    shuffled = CZECH_ORDER[:]
    random.Random(7).shuffle(shuffled)
    assert sorted_czech(shuffled) == CZECH_ORDER


def test_case_and_accents_only_break_ties():
    assert sorted_czech(["brno", "Brno", "BRNO"]) == ["brno", "Brno", "BRNO"]
    assert sorted_czech(["Dolní", "Dolňany"]) == ["Dolňany", "Dolní"]  # ň is n: "a" < "í" decides
    assert sorted_czech(["Dráha", "Draha"]) == ["Draha", "Dráha"]  # equal letters: the accent decides
    assert sorted_czech(["cena", "Česko", "chata", "hrad"]) == ["cena", "Česko", "hrad", "chata"]
    assert sorted_czech(["Obec 10", "Obec 2", "Obec"]) == ["Obec", "Obec 10", "Obec 2"]


@given(st.lists(st.text(alphabet="acčdhiřrsšzžCČHŘŠŽ ", max_size=6), max_size=8))
def test_sort_key_is_a_total_order(texts):
    once = sorted_czech(texts)
    assert sorted_czech(once[::-1]) == once


@pytest.mark.django_db
def test_database_orders_like_the_key():
    for name in reversed(CZECH_ORDER):
        factories.ProviderFactory(name=f"Kolace {name}")
    names = list(order_czech(Provider.objects.filter(name__startswith="Kolace "), "name")
                 .values_list("name", flat=True))
    assert names == [f"Kolace {n}" for n in CZECH_ORDER]
    names = list(order_czech(Provider.objects.filter(name__startswith="Kolace "), "-name")
                 .values_list("name", flat=True))
    assert names == [f"Kolace {n}" for n in reversed(CZECH_ORDER)]
