"""Personal data: validation and masked display (GB/T 35273: masked by default).

Masking is applied wherever a resident's phone, ID number, name or address leaves the database
for a screen, an export or an API response; the full value is an audited reveal.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def normalize_phone(raw: str) -> str:
    """A Chinese mobile or landline number in a canonical form, or a ValidationError.

    Accepts full-width digits, spaces, dashes and a +86/0086 prefix. Mobiles come back as 11
    digits; landlines as area code, dash, number (e.g. 0351-1234567).
    """
    text = unicodedata.normalize("NFKC", raw or "").strip()
    if not text:
        raise ValidationError(_("请填写电话号码。"), code="required")
    if len(text) > 32 or not re.fullmatch(r"[0-9+\-() ]+", text):
        raise ValidationError(_("电话号码只能包含数字，例如 13912345678 或 0351-1234567。"), code="invalid")
    try:
        number = phonenumbers.parse(text, "CN")
    except phonenumbers.NumberParseException:
        raise ValidationError(_("电话号码格式不正确。"), code="invalid") from None
    if number.country_code != 86 or not phonenumbers.is_valid_number(number):
        raise ValidationError(_("电话号码格式不正确，请填写中国大陆的手机号或座机号。"), code="invalid")
    national = str(number.national_number)
    if len(national) == 11 and national.startswith("1"):
        return national
    area_len = phonenumbers.length_of_geographical_area_code(number)
    if area_len:
        return f"0{national[:area_len]}-{national[area_len:]}"
    return national


def validate_id_number(raw: str) -> str:
    """An 18-character resident ID number with a valid date and checksum, or a ValidationError."""
    text = unicodedata.normalize("NFKC", raw or "").strip().upper()
    if not re.fullmatch(r"\d{17}[\dX]", text):
        raise ValidationError(_("身份证号应为 18 位，最后一位可以是 X。"), code="invalid")
    try:
        dt.date(int(text[6:10]), int(text[10:12]), int(text[12:14]))
    except ValueError:
        raise ValidationError(_("身份证号中的出生日期不正确。"), code="invalid") from None
    total = sum(int(d) * w for d, w in zip(text[:17], _ID_WEIGHTS, strict=True))
    if _ID_CHECK[total % 11] != text[17]:
        raise ValidationError(_("身份证号校验位不正确。"), code="invalid")
    return text


def mask_phone(value: str | None) -> str:
    """139****5678 for a mobile; the area code and last four digits for a landline."""
    if not value:
        return ""
    digits = re.sub(r"\D", "", value)
    if len(digits) <= 4:
        return "*" * len(digits)
    if len(digits) == 11 and digits.startswith("1"):
        return f"{digits[:3]}****{digits[-4:]}"
    if "-" in value:
        area, _rest = value.split("-", 1)
        return f"{area}-****{digits[-4:]}"
    return f"{'*' * (len(digits) - 4)}{digits[-4:]}"


def mask_id_number(value: str | None) -> str:
    """110101********1234: region and last four kept, birth date hidden."""
    if not value:
        return ""
    if len(value) < 10:
        return "*" * len(value)
    return f"{value[:6]}{'*' * (len(value) - 10)}{value[-4:]}"


def mask_name(value: str | None) -> str:
    """张** : the family name only, as residents' names appear on public pages."""
    if not value:
        return ""
    return value[0] + "*" * max(len(value) - 1, 1)


def mask_address(value: str | None) -> str:
    """The first few characters (down to the community), the rest hidden."""
    if not value:
        return ""
    keep = min(6, max(len(value) // 2, 1))
    return value[:keep] + "****"
