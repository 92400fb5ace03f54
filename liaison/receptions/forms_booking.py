"""The resident's booking and cancel forms: one column, large inputs, no CAPTCHA (a honeypot field
and the service's checks instead). The service validates again; these forms only shape input."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from liaison.core.forms import validate_line
from liaison.core.personal_data import normalize_phone

from .services_booking import MAX_MATTER


class BookingForm(forms.Form):
    name = forms.CharField(
        label=_("您的姓名或称呼"),
        max_length=50,
        validators=[validate_line],
        error_messages={"required": _("请填写您的姓名或称呼，例如“王大爷”。")},
        widget=forms.TextInput(attrs={"class": "form-control form-control-lg", "autocomplete": "name"}),
    )
    phone = forms.CharField(
        label=_("手机号"),
        max_length=32,
        error_messages={"required": _("请填写手机号，例如 13912345678。")},
        widget=forms.TextInput(
            attrs={
                "class": "form-control form-control-lg",
                "autocomplete": "tel",
                "inputmode": "tel",
                "aria-describedby": "id_phone_helptext",
            }
        ),
        help_text=_("只用于这次接待的改期或取消通知，不会公开，也不会用于其他用途。"),
    )
    matter = forms.CharField(
        label=_("想反映的事情（选填）"),
        required=False,
        max_length=MAX_MATTER,
        error_messages={"max_length": _("最多 %(limit_value)d 个字，详细情况可以到时当面说。")},
        widget=forms.Textarea(attrs={"class": "form-control form-control-lg", "rows": 4}),
        help_text=_("提前写下来，代表可以先了解情况。"),
    )
    # A field people never see (hidden by CSS and from screen readers): bots fill it in.
    website = forms.CharField(
        required=False,
        label=_("请不要填写此项"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def clean_phone(self) -> str:
        return normalize_phone(self.cleaned_data["phone"])

    def is_bot(self) -> bool:
        return bool(self.data.get("website"))


class CancelForm(forms.Form):
    code = forms.CharField(
        label=_("取消码"),
        max_length=32,
        error_messages={"required": _("请填写预约时得到的 8 位取消码。")},
        widget=forms.TextInput(
            attrs={
                "class": "form-control form-control-lg",
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
            }
        ),
        help_text=_("预约成功时页面上显示的 8 位字母和数字，不区分大小写。"),
    )
