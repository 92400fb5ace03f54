"""Phones and ID numbers: validation, normalisation and masked display."""

from __future__ import annotations

import contextlib

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from liaison.core.personal_data import (
    mask_address,
    mask_id_number,
    mask_name,
    mask_phone,
    normalize_phone,
    validate_id_number,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("13912345678", "13912345678"),
        ("１３９１２３４５６７８", "13912345678"),
        ("+86 139 1234 5678", "13912345678"),
        ("0086-139-1234-5678", "13912345678"),
        ("0351-6012345", "0351-6012345"),
        ("(0351) 6012345", "0351-6012345"),
        ("010-62345678", "010-62345678"),
    ],
)
def test_valid_phones_are_normalised(raw: str, expected: str) -> None:
    assert normalize_phone(raw) == expected


@pytest.mark.parametrize("raw", ["", "12345", "abc", "1391234567", "139123456789", "+1 202 555 0100", "139-1234-567x"])
def test_invalid_phones_are_refused_in_chinese(raw: str) -> None:
    with pytest.raises(ValidationError) as info:
        normalize_phone(raw)
    assert any("电话" in m for m in info.value.messages)


@given(st.text(max_size=40))
def test_phone_validation_never_crashes(raw: str) -> None:
    with contextlib.suppress(ValidationError):
        normalize_phone(raw)


def test_a_valid_id_number_passes_and_a_bad_checksum_or_date_does_not() -> None:
    assert validate_id_number("11010519491231002x") == "11010519491231002X"
    with pytest.raises(ValidationError):
        validate_id_number("110101198001011234")
    with pytest.raises(ValidationError):
        validate_id_number("110101198002301236")
    with pytest.raises(ValidationError):
        validate_id_number("1101011980")


def test_masks_follow_ux_md() -> None:
    assert mask_phone("13912345678") == "139****5678"
    assert mask_phone("0351-6012345") == "0351-****2345"
    assert mask_id_number("11010119800101123X") == "110101********123X"
    assert mask_name("张大爷") == "张**"
    assert mask_address("千峰南路3号楼2单元501").endswith("****")
    assert mask_phone("") == mask_id_number(None) == ""


@given(st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True))
def test_a_masked_mobile_never_shows_the_middle_digits(phone: str) -> None:
    masked = mask_phone(phone)
    assert masked[3:7] == "****"
    assert phone not in masked
