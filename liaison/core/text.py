"""Free-text hygiene: control and bidirectional-override characters are refused, so a name can
neither break a layout nor disguise itself (SECURITY.md S13)."""

from __future__ import annotations

import unicodedata

from django.utils.translation import gettext as _

_BIDI_CONTROLS = {chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F, 0x061C)}
# Line and paragraph separators (U+2028, U+2029) break a one-line field as a newline would.
_LINE_BREAKING = {"Cc", "Zl", "Zp"}


def clean_line(value: str) -> str:
    """One line of text: NFC, trimmed; control, separator or bidi characters raise ValueError.

    NFC can lengthen a text (U+0958 becomes two characters) after a schema's length check, so
    services validate lengths again against the model before writing.
    """
    return _check(unicodedata.normalize("NFC", value).strip(), multiline=False)


def clean_text(value: str) -> str:
    """Multi-line text: as `clean_line`, but newlines and tabs are kept."""
    return _check(unicodedata.normalize("NFC", value).strip(), multiline=True)


def _check(value: str, *, multiline: bool) -> str:
    for ch in value:
        if multiline and ch in "\n\r\t":
            continue
        if ch in _BIDI_CONTROLS or unicodedata.category(ch) in _LINE_BREAKING:
            raise ValueError(_("不能包含控制字符或文字方向控制符。"))
    return value
