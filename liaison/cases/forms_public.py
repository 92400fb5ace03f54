"""The resident's forms: one column, large inputs, no CAPTCHA (a honeypot field and rate limits
instead). They only shape input; the services check every value again and name bad fields."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .choices import CaseKind, Rating
from .models import CaseCategory

_BIG = "form-control form-control-lg"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """The files as a list; their checks (type by content, size, re-encoding) are the service's
    (attachments.validate_uploads)."""

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        if isinstance(data, (list, tuple)):
            return [f for f in data if f]
        return [data] if data else []


def _files_field(label: Any) -> forms.FileField:
    return MultipleFileField(
        label=label,
        required=False,
        widget=MultipleFileInput(attrs={"class": _BIG, "accept": "image/jpeg,image/png,application/pdf"}),
        help_text=_("可以选多张照片或 PDF 文件，最多 6 个，每个不超过 10 MB。"),
    )


class CategoryChoice(forms.ModelChoiceField):
    """A category by its code, shown with its help text."""

    def label_from_instance(self, obj: CaseCategory) -> str:  # type: ignore[override]
        return str(obj.name)


class SubmitForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("您要提交的是"),
        choices=CaseKind.choices,
        initial=CaseKind.REQUEST,
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择“诉求”或“意见建议”。"), "invalid_choice": _("请选择“诉求”或“意见建议”。")},
    )
    category = CategoryChoice(
        label=_("是哪方面的事情"),
        queryset=CaseCategory.objects.none(),
        to_field_name="code",
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={
            "required": _("请选择诉求类别。"),
            "invalid_choice": _("没有这个诉求类别，请从列表中选择。"),
        },
    )
    title = forms.CharField(
        label=_("标题（选填）"),
        required=False,
        max_length=100,
        error_messages={"max_length": _("标题最多 %(limit_value)d 个字。")},
        widget=forms.TextInput(attrs={"class": _BIG}),
        help_text=_("一句话说明，例如“3号楼楼道窗户破了”；不填会用内容的第一句。"),
    )
    description = forms.CharField(
        label=_("具体情况"),
        max_length=5000,
        error_messages={
            "required": _("请写下您要反映的事情。"),
            "max_length": _("最多 %(limit_value)d 个字，请精简一些。"),
        },
        widget=forms.Textarea(attrs={"class": _BIG, "rows": 6}),
        help_text=_("什么时间、什么地方、什么问题，希望怎样解决。请不要写身份证号等与诉求无关的个人信息。"),
    )
    address = forms.CharField(
        label=_("地点"),
        required=False,
        max_length=200,
        error_messages={"max_length": _("地点最多 %(limit_value)d 个字。")},
        widget=forms.TextInput(attrs={"class": _BIG, "autocomplete": "street-address"}),
        help_text=_("例如：千峰街道千峰南路3号楼。写明街道（乡镇），我们才能转到所在地的联络站。"),
    )
    latitude = forms.CharField(required=False, max_length=32, widget=forms.HiddenInput)
    longitude = forms.CharField(required=False, max_length=32, widget=forms.HiddenInput)
    attachments = _files_field(_("照片或文件（选填）"))
    name = forms.CharField(
        label=_("姓名或称呼（选填）"),
        required=False,
        max_length=50,
        error_messages={"max_length": _("姓名最多 %(limit_value)d 个字。")},
        widget=forms.TextInput(attrs={"class": _BIG, "autocomplete": "name"}),
    )
    phone = forms.CharField(
        label=_("手机号（选填）"),
        required=False,
        max_length=32,
        error_messages={"max_length": _("电话号码太长了，例如 13912345678。")},
        widget=forms.TextInput(attrs={"class": _BIG, "autocomplete": "tel", "inputmode": "tel"}),
        help_text=_("可以匿名。留下手机号，办理有进展时会短信告诉您，丢了查询码也能找回。"),
    )
    consent = forms.BooleanField(
        label=_("同意向承办部门提供我的姓名和电话"),
        required=False,
        help_text=_("不同意也可以提交，承办部门只会看到事情本身，看不到您的姓名和电话。"),
    )
    submission_token = forms.UUIDField(widget=forms.HiddenInput, required=False)
    station = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1, max_value=2**62)
    deputy = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1, max_value=2**62)
    region = forms.CharField(widget=forms.HiddenInput, required=False, max_length=12)
    # A field people never see (hidden by CSS and from screen readers): bots fill it in.
    website = forms.CharField(
        required=False,
        label=_("请不要填写此项"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(self, *args: Any, categories: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["category"]
        assert isinstance(field, CategoryChoice)
        field.queryset = categories
        if not self.is_bound and not self.initial.get("submission_token"):
            self.initial["submission_token"] = uuid.uuid4()

    def is_bot(self) -> bool:
        return bool(self.data.get("website"))

    def token(self) -> str:
        value = self.cleaned_data.get("submission_token") if hasattr(self, "cleaned_data") else None
        return f"form:{value}" if value else ""


class JoinForm(forms.Form):
    """ "Me too": follow an open case, optionally with a name and phone for the answers."""

    name = SubmitForm.base_fields["name"]
    phone = SubmitForm.base_fields["phone"]
    consent = SubmitForm.base_fields["consent"]
    website = SubmitForm.base_fields["website"]

    def is_bot(self) -> bool:
        return bool(self.data.get("website"))


class TrackForm(forms.Form):
    tracking_code = forms.CharField(
        label=_("查询码"),
        max_length=32,
        error_messages={"required": _("请填写查询码，例如 K7Q2-M9XW-3P。")},
        widget=forms.TextInput(
            attrs={"class": _BIG, "autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
        help_text=_("提交时页面上显示的 10 位字母和数字，不区分大小写，可以不写横线。"),
    )
    secret = forms.CharField(
        label=_("查询密码"),
        max_length=32,
        error_messages={"required": _("请填写 6 位查询密码。")},
        widget=forms.TextInput(attrs={"class": _BIG, "autocomplete": "off", "inputmode": "numeric"}),
    )


class CommentForm(forms.Form):
    text = forms.CharField(
        label=_("留言"),
        max_length=2000,
        error_messages={"required": _("请写下留言内容。"), "max_length": _("最多 %(limit_value)d 个字。")},
        widget=forms.Textarea(attrs={"class": _BIG, "rows": 3}),
    )


class InfoForm(forms.Form):
    text = forms.CharField(
        label=_("补充说明"),
        max_length=2000,
        error_messages={"required": _("请写下补充的情况。"), "max_length": _("最多 %(limit_value)d 个字。")},
        widget=forms.Textarea(attrs={"class": _BIG, "rows": 4}),
    )
    attachments = _files_field(_("补充照片或文件（选填）"))


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("撤回原因（选填）"),
        required=False,
        max_length=500,
        error_messages={"max_length": _("最多 %(limit_value)d 个字。")},
        widget=forms.TextInput(attrs={"class": _BIG}),
    )
    confirm = forms.BooleanField(
        label=_("我确认撤回这条诉求，撤回后不再办理"),
        error_messages={"required": _("请勾选确认后再撤回。")},
    )


class RateForm(forms.Form):
    rating = forms.ChoiceField(
        label=_("您对答复满意吗"),
        choices=[c for c in Rating.choices if c[0] != Rating.UNRATED],
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
        error_messages={
            "required": _("请选择满意、基本满意或不满意。"),
            "invalid_choice": _("请选择满意、基本满意或不满意。"),
        },
    )
    comment = forms.CharField(
        label=_("评价意见"),
        required=False,
        max_length=500,
        error_messages={"max_length": _("最多 %(limit_value)d 个字。")},
        widget=forms.Textarea(attrs={"class": _BIG, "rows": 3}),
        help_text=_("选“不满意”时请写明原因，诉求会重新办理，并由人大工作机构督办。"),
    )


class RecoverPhoneForm(forms.Form):
    phone = forms.CharField(
        label=_("提交诉求时留的手机号"),
        max_length=32,
        error_messages={"required": _("请填写手机号，例如 13912345678。")},
        widget=forms.TextInput(attrs={"class": _BIG, "autocomplete": "tel", "inputmode": "tel"}),
    )


class RecoverCodeForm(forms.Form):
    code = forms.CharField(
        label=_("短信验证码"),
        max_length=12,
        error_messages={"required": _("请填写短信里的 6 位验证码。")},
        widget=forms.TextInput(attrs={"class": _BIG, "autocomplete": "one-time-code", "inputmode": "numeric"}),
    )
