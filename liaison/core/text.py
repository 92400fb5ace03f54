"""Free-text hygiene: control and bidirectional-override characters are refused, so a name can
neither break a layout nor disguise itself (SECURITY.md S13)."""

from __future__ import annotations

import unicodedata

from django.utils.translation import gettext as _

_BIDI_CONTROLS = {chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F, 0x061C)}


def clean_line(value: str) -> str:
    """One line of text: NFC, trimmed, no control or bidi characters (ValueError otherwise)."""
    return _check(unicodedata.normalize("NFC", value).strip(), multiline=False)


def clean_text(value: str) -> str:
    """Multi-line text: as `clean_line`, but newlines and tabs are kept."""
    return _check(unicodedata.normalize("NFC", value).strip(), multiline=True)


def _check(value: str, *, multiline: bool) -> str:
    for ch in value:
        if multiline and ch in "\n\r\t":
            continue
        if ch in _BIDI_CONTROLS or unicodedata.category(ch) == "Cc":
            raise ValueError(_("不能包含控制字符或文字方向控制符。"))
    return value
