import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from zhucun.org.identity import (
    id_check_char,
    mask_id_number,
    mask_phone,
    validate_id_number,
    validate_phone,
)


def test_a_real_shaped_id_number_with_the_right_check_digit_is_accepted():
    validate_id_number("11010519491231002X")  # the GB 11643 example


@pytest.mark.parametrize(
    "value, code",
    [
        ("110105194912310021", "id_checksum"),
        ("11010519491331002X", "id_birth_date"),
        ("11010519491231002", "id_shape"),
        ("1101051949123100AX", "id_shape"),
    ],
)
def test_bad_id_numbers_are_refused_with_the_rule_named(value, code):
    with pytest.raises(ValidationError) as error:
        validate_id_number(value)
    assert error.value.code == code
    assert "身份证" in error.value.messages[0]


@given(st.from_regex(r"\d{17}", fullmatch=True))
def test_every_number_completed_with_its_check_char_passes_the_checksum(first17):
    value = first17 + id_check_char(first17)
    try:
        validate_id_number(value)
    except ValidationError as error:
        assert error.code == "id_birth_date"  # only an impossible date may still fail


def test_ids_and_phones_are_masked_as_the_standard_shows():
    assert mask_id_number("11010519491231002X") == "110***********002X"
    assert mask_phone("13812345678") == "138****5678"


def test_a_phone_must_be_an_eleven_digit_mobile_number():
    validate_phone("13812345678")
    with pytest.raises(ValidationError):
        validate_phone("02988888888")
