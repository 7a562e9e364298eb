"""IČO check digit. Expected values worked out by hand (weights 8..2, mod 11) on real IČOs from the registry."""

from hypothesis import given
from hypothesis import strategies as st

from socplan.registry.ico import ico_check_digit, ico_is_valid, ico_normalise


def test_real_icos_by_hand():
    # 0083934: 0·8+0·7+8·6+3·5+9·4+3·3+4·2 = 116; 116 mod 11 = 6 → 11−6 = 5
    assert ico_is_valid("00839345")
    # 0087472: 0·8+0·7+8·6+7·5+4·4+7·3+2·2 = 124; 124 mod 11 = 3 → 11−3 = 8
    assert ico_is_valid("00874728")
    # 0039419: 0+0+18+45+16+3+18 = 100; mod 11 = 1 → check digit 0
    assert ico_is_valid("00394190")
    # 7063203: 56+0+36+15+8+0+6 = 121; mod 11 = 0 → check digit 1
    assert ico_is_valid("70632031")


def test_invalid():
    assert not ico_is_valid("00839346")
    assert not ico_is_valid("12345678")
    assert not ico_is_valid("0083934")
    assert not ico_is_valid("0083934a")
    assert not ico_is_valid("")


def test_normalise_leading_zeros():
    assert ico_normalise(839345) == "00839345"
    assert ico_normalise(" 00839345 ") == "00839345"


@given(st.from_regex(r"^[0-9]{7}$", fullmatch=True), st.integers(0, 9))
def test_exactly_one_check_digit(first7, digit):
    assert ico_is_valid(first7 + str(digit)) == (digit == ico_check_digit(first7))
