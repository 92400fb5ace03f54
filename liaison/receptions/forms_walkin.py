"""Forms of the desk: manual check-in, the walk-in entry, and the register's filter."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from liaison.core.forms import bootstrap_widgets, validate_line
from liaison.core.personal_data import normalize_phone


class ManualCheckInForm(forms.Form):
    """Staff check a deputy in by hand; the reason is audited."""

    duty = forms.TypedChoiceField(
        label=_("代表"), coerce=int, error_messages={"required": _("请选择要代为签到的代表。")}
    )
    reason = forms.CharField(
        label=_("代签到原因"),
        max_length=200,
        validators=[validate_line],
        error_messages={"required": _("请填写代签到的原因，例如“代表手机没电，现场核实身份”。")},
    )

    def __init__(self, *args: Any, duties: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["duty"].choices = [("", _("请选择")), *duties]  # type: ignore[attr-defined]
        bootstrap_widgets(self)


class WalkInForm(forms.Form):
    """One visitor received at a session: phone-first, only the matter is required."""

    matter = forms.CharField(
        label=_("反映事项"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("请填写群众反映的事项。")},
    )
    action_taken = forms.CharField(
        label=_("现场处理情况（选填）"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("现场已答复或解决的，写明处理结果，诉求记为“已现场答复”；否则留空，转后续办理。"),
    )
    name = forms.CharField(label=_("姓名（选填）"), required=False, max_length=50, validators=[validate_line])
    phone = forms.CharField(
        label=_("联系电话（选填）"),
        required=False,
        max_length=32,
        help_text=_("用于回复办理结果，显示时会隐去中间四位。"),
    )
    deputies = forms.TypedMultipleChoiceField(
        label=_("接待代表"), required=False, coerce=int, widget=forms.CheckboxSelectMultiple
    )
    case = forms.IntegerField(
        label=_("关联已有诉求编号（选填）"),
        required=False,
        min_value=1,
        help_text=_("同一件事已登记过的，填写原诉求编号；留空则新建诉求。"),
        error_messages={"invalid": _("诉求编号应为数字。"), "min_value": _("诉求编号应为正整数。")},
    )

    def __init__(self, *args: Any, deputies: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["deputies"].choices = deputies  # type: ignore[attr-defined]
        self.fields["phone"].widget.attrs.update({"inputmode": "tel", "autocomplete": "off"})
        self.fields["name"].widget.attrs["autocomplete"] = "off"
        bootstrap_widgets(self)
        self.fields["deputies"].widget.attrs["class"] = "form-check-input"

    def clean_phone(self) -> str:
        value: str = self.cleaned_data.get("phone") or ""
        if not value.strip():
            return ""
        try:
            return normalize_phone(value)
        except ValidationError as exc:
            raise ValidationError(exc.messages, code="invalid") from None


def _date_field(label: Any, required: Any) -> forms.DateField:
    return forms.DateField(
        label=label,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": required, "invalid": _("日期格式应为 2026-01-31。")},
    )


class RegisterFilterForm(forms.Form):
    """Whose register (a station or a deputy) over which period (both dates inclusive)."""

    # Ids, offered as drop-downs but not limited to them: an id out of reach is a 404 from the
    # selector (never revealing whether it exists), not a form error.
    station = forms.IntegerField(label=_("站点"), required=False, min_value=1, widget=forms.Select)
    deputy = forms.IntegerField(label=_("代表"), required=False, min_value=1, widget=forms.Select)

    def __init__(
        self, *args: Any, stations: list[tuple[int, str]], deputies: list[tuple[int, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        # The query string says from= and to= (both dates inclusive); `from` is a Python keyword.
        self.fields["from"] = _date_field(_("开始日期"), _("请选择开始日期。"))
        self.fields["to"] = _date_field(_("结束日期"), _("请选择结束日期。"))
        self.fields["station"].widget.choices = [("", _("不限")), *stations]  # type: ignore[attr-defined]
        self.fields["deputy"].widget.choices = [("", _("不限")), *deputies]  # type: ignore[attr-defined]
        bootstrap_widgets(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start: dt.date | None = data.get("from")
        end: dt.date | None = data.get("to")
        if start and end and end < start:
            self.add_error("to", _("结束日期不能早于开始日期。"))
        if not self.errors and bool(data.get("station")) == bool(data.get("deputy")):
            self.add_error("station", _("请选择一个站点或一位代表（二选一）。"))
        return data
