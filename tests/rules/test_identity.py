"""SEC-3: ID numbers (GB 11643) and phones — validation and masking."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from servicehall.rules.identity import (
    IdNumberError,
    age_on,
    id_check_char,
    mask_id_number,
    mask_phone,
    validate_id_number,
    validate_phone,
)

VALID = "11010519491231002X"  # the standard's own example


def test_gb11643_example_number_is_valid():
    assert validate_id_number(VALID.lower()) == VALID


def test_bad_check_digit_is_refused_with_the_expected_digit():
    with pytest.raises(IdNumberError, match="GB 11643 gives X"):
        validate_id_number("110105194912310021")


@pytest.mark.parametrize("bad", ["", "12345", "11010519491331002X", "1101051949123100AX"])
def test_malformed_id_numbers_are_refused(bad):
    with pytest.raises(IdNumberError):
        validate_id_number(bad)


@given(st.text(alphabet="0123456789", min_size=6, max_size=6),
       st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2020, 12, 31)),
       st.integers(0, 999))
def test_any_number_with_its_check_char_validates(region, born, seq):
    first17 = f"{region}{born:%Y%m%d}{seq:03d}"
    assert validate_id_number(first17 + id_check_char(first17))


def test_age_from_id_number():
    assert age_on(VALID, dt.date(2009, 12, 30)) == 59
    assert age_on(VALID, dt.date(2009, 12, 31)) == 60


def test_masking():
    assert mask_id_number(VALID) == "1101**********002X"
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("0797-1234567") == "0797-*****67"
    assert mask_phone("") == ""


def test_phones():
    assert validate_phone("138 1234 5678") == "13812345678"
    assert validate_phone("0797-1234567")
    with pytest.raises(ValueError):
        validate_phone("12345678901")


def test_phones_are_ascii_digits_full_width_typed_ones_read_and_other_scripts_refused():
    """Review of issue 16: ``\\d`` took Arabic-Indic digits, so a number no gateway dials passed and slipped past
    the per-number limit; full-width digits from a Chinese input method are read as the same number."""
    from servicehall.rules.identity import validate_mobile, validate_phone

    assert validate_mobile("１３８１２３４５６７８") == "13812345678" == validate_phone("138 1234 5678")
    for bad in ("13٨12345678", "1381234567٨", "0797-8123456"):
        with pytest.raises(ValueError):
            validate_mobile(bad)
    with pytest.raises(ValueError):
        validate_phone("13٨12345678")
    assert validate_phone("0797-8123456") == "0797-8123456"
