"""The portal's one search box: an address or a deputy's name."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from liaison.organization.selectors import MAX_ADDRESS_CHARS, clean_search_text


class SearchField(forms.CharField):
    def to_python(self, value: Any) -> str:
        # Control and invisible characters are dropped before validation: they are noise from a
        # paste, not a reason to refuse the search.
        return clean_search_text(str(super().to_python(value)))


class SearchForm(forms.Form):
    q = SearchField(
        label=_("输入地址或代表姓名"),
        max_length=MAX_ADDRESS_CHARS,
        error_messages={
            "required": _("请输入您的地址（例如“千峰街道”）或代表的姓名。"),
            "max_length": _("内容太长了：请只输入街道、乡镇或代表姓名，不超过 %(limit_value)d 个字。"),
        },
        widget=forms.TextInput(
            attrs={
                "class": "form-control form-control-lg",
                "autocomplete": "street-address",
                "enterkeyhint": "search",
            }
        ),
    )
