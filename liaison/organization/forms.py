"""Form fields about the territory, shared by the back-office filter forms."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


def region_code_filter_field() -> forms.RegexField:
    """A region code filter: 2 to 12 digits (a prefix of the code is not enough: exact codes)."""
    return forms.RegexField(
        label=_("区划代码"),
        required=False,
        regex=r"^[0-9]{2,12}$",
        max_length=12,
        error_messages={"invalid": _("区划代码应为 2 到 12 位数字。")},
    )
