"""Pure tests of the catalogue engine: Czech normalisation, light stemming, prefix matching, distances.
No database. Expected stems follow the rules written in socplan/catalogue/engine.py (docs/catalogue.md)."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from socplan.catalogue import engine


def test_fold_strips_diacritics_case_and_punctuation():
    assert engine.fold("Pečovatelská služba – Města BLANSKO!") == "pecovatelska sluzba mesta blansko"
    assert engine.fold("Žluťoučký kůň úpěl ďábelské ódy") == "zlutoucky kun upel dabelske ody"
    assert engine.fold("") == ""


@pytest.mark.parametrize("forms,stem", [
    (["služba", "služby", "službách", "služeb", "službou"], "sluzb"),
    (["pečovatelská", "pečovatelské", "pečovatelskou", "pečovatelských"], "pecovatelsk"),
    (["senioři", "seniory", "seniorům", "seniorech"], "senior"),
    (["azylový", "azylové", "azylových"], "azyl"),
    (["Praha", "Praze"], "prah"),
    (["domov", "domovy", "domovů"], "domov"),
])
def test_word_forms_share_a_stem(forms, stem):
    assert {engine.stem(engine.fold(w)) for w in forms} == {stem}


def test_short_words_and_numbers_are_kept():
    assert engine.stem("k") == "k"
    assert engine.stem("112") == "112"
    assert engine.stem("dum") == "dum"  # three letters: no ending is stripped


def test_query_terms_drop_stop_words_and_redundant_prefixes():
    assert engine.query_terms("domov pro seniory v Brně") == ["domov", "senior", "brn"]
    # "pecov" is a prefix of "pecovatelsk" and adds nothing to an AND of prefix matches
    assert engine.query_terms("pečov pečovatelská") == ["pecovatelsk"]
    assert engine.query_terms("a v na pro") == []


def test_prefix_match_of_the_stored_text():
    text = engine.index_text(["Pečovatelská služba Města Blansko", "senioři"])
    assert text.startswith(" ") and text.endswith(" ")
    assert engine.matches(text, engine.query_terms("pecovatelska"))
    assert engine.matches(text, engine.query_terms("PEČOVATELSKÉ SLUŽBY v Blansku"))
    assert engine.matches(text, engine.query_terms("pečov"))  # beginning of a word
    assert not engine.matches(text, engine.query_terms("ovatelsk"))  # not the middle of a word
    assert not engine.matches(text, engine.query_terms("pečovatelská Brno"))  # all terms must match


words = st.text(alphabet="abcdeěéfghiíjklmnoópqrřsštťuúůvwxyýzž", min_size=1, max_size=12)


@settings(max_examples=200, deadline=None)
@given(st.lists(words, min_size=1, max_size=8))
def test_a_text_always_finds_itself(ws):
    text = " ".join(ws)
    assert engine.matches(engine.index_text([text]), engine.query_terms(text))


@settings(max_examples=200, deadline=None)
@given(st.lists(words, min_size=1, max_size=8))
def test_fold_is_idempotent_and_ascii(ws):
    f = engine.fold(" ".join(ws).upper())
    assert engine.fold(f) == f
    assert f.isascii()


def test_haversine_one_degree_of_latitude():
    # along a meridian the distance is R·Δφ: 6371.0088 km × π/180 = 111.1951 km (by hand)
    assert engine.haversine_km(49.0, 16.0, 50.0, 16.0) == pytest.approx(111.1951, abs=1e-3)
    # on the equator one degree of longitude is the same length
    assert engine.haversine_km(0.0, 10.0, 0.0, 11.0) == pytest.approx(111.1951, abs=1e-3)
    assert engine.haversine_km(49.2, 16.6, 49.2, 16.6) == 0.0


def test_haversine_is_vectorised():
    d = engine.haversine_km(49.0, 16.0, np.array([49.0, 50.0, 48.0]), np.array([16.0, 16.0, 16.0]))
    assert d.shape == (3,)
    assert d[0] == 0.0 and d[1] == pytest.approx(d[2], rel=1e-9)


@settings(max_examples=300, deadline=None)
@given(lat=st.floats(48.0, 51.5), lon=st.floats(12.0, 19.0), radius=st.floats(0.5, 150.0),
       bearing=st.floats(0, 2 * math.pi), frac=st.floats(0, 0.999))
def test_bbox_contains_every_point_within_the_radius(lat, lon, radius, bearing, frac):
    # destination point at distance frac·radius in direction `bearing` (spherical formula)
    d = frac * radius / engine.EARTH_RADIUS_KM
    p1, l1 = math.radians(lat), math.radians(lon)
    p2 = math.asin(math.sin(p1) * math.cos(d) + math.cos(p1) * math.sin(d) * math.cos(bearing))
    l2 = l1 + math.atan2(math.sin(bearing) * math.sin(d) * math.cos(p1), math.cos(d) - math.sin(p1) * math.sin(p2))
    plat, plon = math.degrees(p2), math.degrees(l2)
    assert float(engine.haversine_km(lat, lon, plat, plon)) <= radius + 1e-6
    lat0, lat1, lon0, lon1 = engine.bbox(lat, lon, radius)
    assert lat0 <= plat <= lat1 and lon0 <= plon <= lon1
