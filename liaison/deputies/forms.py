"""Back-office forms for deputies: list filters, registering and editing, assignments."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from liaison.core.forms import bootstrap_widgets, validate_line
from liaison.core.personal_data import normalize_phone
from liaison.organization.choices import CongressLevel
from liaison.organization.forms import region_code_filter_field

from .choices import Gender

ORDERING_CHOICES = [
    ("name", _("按姓名拼音")),
    ("-name", _("按姓名拼音倒序")),
    ("level", _("按代表层级")),
    ("-id", _("最近录入")),
]


class DeputyFilterForm(forms.Form):
    """The deputy list's search box, filters and sort; invalid values are simply not applied."""

    q = forms.CharField(label=_("搜索"), required=False, max_length=50)
    level = forms.ChoiceField(label=_("代表层级"), required=False)
    region = region_code_filter_field()
    station = forms.TypedChoiceField(label=_("站点"), required=False, coerce=int, empty_value=None)
    term = forms.TypedChoiceField(label=_("届次"), required=False, coerce=int, empty_value=None)
    group = forms.TypedChoiceField(label=_("代表小组"), required=False, coerce=int, empty_value=None)
    ordering = forms.ChoiceField(label=_("排序"), required=False, choices=ORDERING_CHOICES)

    def __init__(
        self,
        *args: Any,
        stations: list[tuple[int, str]],
        terms: list[tuple[int, str]],
        groups: list[tuple[int, str]] | None = None,
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        self.fields["group"].choices = [("", _("全部")), *(groups or [])]  # type: ignore[attr-defined]
        everything = [("", _("全部"))]
        self.fields["level"].choices = everything + list(CongressLevel.choices)  # type: ignore[attr-defined]
        self.fields["station"].choices = everything + stations  # type: ignore[attr-defined]
        self.fields["term"].choices = everything + terms  # type: ignore[attr-defined]
        self.fields["q"].widget.attrs["placeholder"] = _("姓名、拼音首字母或代表证号")
        bootstrap_widgets(self)

    def filters(self) -> dict[str, Any]:
        """The valid filters only, as keyword arguments of deputy_list."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "q": data.get("q") or None,
            "level": data.get("level") or None,
            "region_code": data.get("region") or None,
            "station_id": data.get("station"),
            "term_id": data.get("term"),
            "group_id": data.get("group"),
            "ordering": data.get("ordering") or "name",
        }


def _phone(value: str) -> str:
    if not value:
        return ""
    try:
        return normalize_phone(value)
    except ValidationError as exc:
        raise ValidationError(exc.messages, code="invalid") from None


class DeputyForm(forms.Form):
    """The core fields an office edits; `version` guards against overwriting a newer save."""

    name = forms.CharField(
        label=_("姓名"),
        max_length=64,
        validators=[validate_line],
        error_messages={
            "required": _("请填写姓名。"),
            "max_length": _("姓名不能超过 %(limit_value)d 个字。"),
        },
    )
    gender = forms.ChoiceField(label=_("性别"), required=False)
    occupation = forms.CharField(
        label=_("职业与单位"),
        required=False,
        max_length=200,
        validators=[validate_line],
        error_messages={"max_length": _("职业与单位不能超过 %(limit_value)d 个字。")},
    )
    work_phone = forms.CharField(
        label=_("工作电话"), required=False, max_length=32, error_messages={"max_length": _("电话号码太长。")}
    )
    public_phone = forms.CharField(
        label=_("公开联系电话"),
        required=False,
        max_length=32,
        help_text=_("代表同意公开的号码，会显示在公开页面上。"),
        error_messages={"max_length": _("电话号码太长。")},
    )
    is_active = forms.BooleanField(label=_("在任"), required=False)
    version = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=0,
        error_messages={
            "required": _("页面已过期，请刷新后重试。"),
            "invalid": _("页面已过期，请刷新后重试。"),
            "min_value": _("页面已过期，请刷新后重试。"),
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["gender"].choices = [("", _("未填写")), *Gender.choices]  # type: ignore[attr-defined]
        bootstrap_widgets(self)

    def clean_work_phone(self) -> str:
        return _phone(self.cleaned_data["work_phone"])

    def clean_public_phone(self) -> str:
        return _phone(self.cleaned_data["public_phone"])


class AssignmentEndForm(forms.Form):
    """End one current assignment: the leaving date and why (kept in the history)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bootstrap_widgets(self)

    end = forms.DateField(
        label=_("离站日期"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": _("请填写离站日期。"), "invalid": _("请按 年-月-日 填写日期。")},
    )
    reason = forms.CharField(
        label=_("离站原因"),
        max_length=200,
        validators=[validate_line],
        error_messages={"required": _("请填写离站原因。"), "max_length": _("离站原因不能超过 %(limit_value)d 个字。")},
    )


class DeputyCreateForm(DeputyForm):
    """Registering a deputy: the edit form's fields plus the term, certificate number and groups."""

    term = forms.TypedChoiceField(
        label=_("届次"),
        coerce=int,
        error_messages={"required": _("请选择届次。"), "invalid_choice": _("请从列表中选择届次。")},
    )
    certificate_no = forms.CharField(
        label=_("代表证号"),
        max_length=32,
        validators=[validate_line],
        error_messages={
            "required": _("请填写代表证号。"),
            "max_length": _("代表证号不能超过 %(limit_value)d 个字符。"),
        },
    )
    constituency = forms.TypedChoiceField(
        label=_("选区"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=_("决定由哪个人大办公室维护这位代表的信息。"),
        error_messages={"invalid_choice": _("请从列表中选择选区。")},
    )
    group = forms.TypedChoiceField(
        label=_("代表小组"),
        required=False,
        coerce=int,
        empty_value=None,
        error_messages={"invalid_choice": _("请从列表中选择代表小组。")},
    )

    field_order = ["term", "certificate_no", "name", "gender", "constituency", "group", "occupation"]

    def __init__(
        self,
        *args: Any,
        terms: list[tuple[int, str]],
        constituencies: list[tuple[int, str]],
        groups: list[tuple[int, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["version"]
        self.fields["term"].choices = [("", _("请选择")), *terms]  # type: ignore[attr-defined]
        self.fields["constituency"].choices = [("", _("未填写")), *constituencies]  # type: ignore[attr-defined]
        self.fields["group"].choices = [("", _("未填写")), *groups]  # type: ignore[attr-defined]
        bootstrap_widgets(self)


class AssignmentCreateForm(forms.Form):
    """Assign the deputy to a station (进家入站) from a date, with an optional note for the record."""

    station = forms.TypedChoiceField(
        label=_("站点"),
        coerce=int,
        error_messages={
            "required": _("请选择站点。"),
            "invalid_choice": _("所选站点不在您的管辖范围内，请从列表中选择。"),
        },
    )
    start = forms.DateField(
        label=_("进站日期"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": _("请填写进站日期。"), "invalid": _("请按 年-月-日 填写日期。")},
    )
    note = forms.CharField(
        label=_("备注"),
        required=False,
        max_length=200,
        validators=[validate_line],
        error_messages={"max_length": _("备注不能超过 %(limit_value)d 个字。")},
    )

    def __init__(self, *args: Any, stations: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["station"].choices = [("", _("请选择")), *stations]  # type: ignore[attr-defined]
        bootstrap_widgets(self)
