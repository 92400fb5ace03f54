"""Back-office forms for stations: the list's filters, the station form and the rules board."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from liaison.core.forms import bootstrap_widgets, validate_line
from liaison.core.personal_data import normalize_phone
from liaison.core.text import clean_text
from liaison.organization.forms import region_code_filter_field
from liaison.organization.models import Region

from .choices import StationKind

ORDERING_CHOICES = [
    ("name", _("按名称")),
    ("-name", _("按名称倒序")),
    ("region", _("按区划代码")),
    ("-id", _("最近录入")),
]


class StationFilterForm(forms.Form):
    """Invalid values are simply not applied; the field says why."""

    q = forms.CharField(label=_("搜索"), required=False, max_length=50)
    kind = forms.ChoiceField(label=_("类型"), required=False)
    region = region_code_filter_field()
    ordering = forms.ChoiceField(label=_("排序"), required=False, choices=ORDERING_CHOICES)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("全部")), *StationKind.choices]  # type: ignore[attr-defined]
        self.fields["q"].widget.attrs["placeholder"] = _("站点名称")
        bootstrap_widgets(self)

    def filters(self) -> dict[str, Any]:
        """The valid filters only, as keyword arguments of station_list."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "q": data.get("q") or None,
            "kind": data.get("kind") or None,
            "region_code": data.get("region") or None,
            "ordering": data.get("ordering") or "name",
        }


def _phone(value: str) -> str:
    if not value:
        return ""
    try:
        return normalize_phone(value)
    except ValidationError as exc:
        raise ValidationError(exc.messages, code="invalid") from None


def _line(label: Any, limit: int, too_long: Any, required: Any = None) -> forms.CharField:
    messages = {"max_length": too_long}
    if required:
        messages["required"] = required
    return forms.CharField(
        label=label,
        required=bool(required),
        max_length=limit,
        validators=[validate_line],
        error_messages=messages,
    )


def _coordinate(label: Any, bound: int, out_of_range: Any, invalid: Any) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=False,
        max_digits=9,
        decimal_places=6,
        min_value=-bound,
        max_value=bound,
        error_messages={
            "invalid": invalid,
            "min_value": out_of_range,
            "max_value": out_of_range,
            "max_digits": out_of_range,
            "max_whole_digits": out_of_range,
            "max_decimal_places": _("坐标最多保留 6 位小数。"),
        },
    )


class StationForm(forms.Form):
    """A station's maintained fields; `version` guards an edit against overwriting a newer save.

    Station staff get the same form without the structural fields (type, name, region, parent,
    publication): those stay with the office (see services.STAFF_EDITABLE_FIELDS).
    """

    kind = forms.ChoiceField(
        label=_("类型"),
        error_messages={"required": _("请选择站点类型。"), "invalid_choice": _("请从列表中选择站点类型。")},
    )
    name = _line(_("名称"), 100, _("名称不能超过 %(limit_value)d 个字。"), _("请填写站点名称。"))
    region_code = forms.RegexField(
        label=_("所在区划代码"),
        regex=r"^[0-9]{6,12}$",
        max_length=12,
        help_text=_("填写站点所在乡镇（街道）或村（社区）的区划代码，例如 140109001。"),
        error_messages={
            "required": _("请填写所在区划代码。"),
            "invalid": _("区划代码应为 6 到 12 位数字。"),
            "max_length": _("区划代码应为 6 到 12 位数字。"),
        },
    )
    parent = forms.TypedChoiceField(
        label=_("所属联络站"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=_("只有联络点需要选择，其他类型请留空。"),
        error_messages={"invalid_choice": _("请从列表中选择所属的联络站或代表之家。")},
    )
    address = _line(_("地址"), 200, _("地址不能超过 %(limit_value)d 个字。"))
    latitude = _coordinate(_("纬度"), 90, _("纬度应在 -90 到 90 之间。"), _("纬度应为数字，例如 37.870590。"))
    longitude = _coordinate(_("经度"), 180, _("经度应在 -180 到 180 之间。"), _("经度应为数字，例如 112.522003。"))
    phone = forms.CharField(
        label=_("联系电话"), required=False, max_length=32, error_messages={"max_length": _("电话号码太长。")}
    )
    opening_hours = _line(_("开放时间"), 200, _("开放时间不能超过 %(limit_value)d 个字。"))
    notice = forms.CharField(
        label=_("公示栏"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"max_length": _("公示栏不能超过 %(limit_value)d 个字。")},
    )
    is_published = forms.BooleanField(label=_("对外公开"), required=False)
    version = forms.IntegerField(
        widget=forms.HiddenInput,
        required=False,
        min_value=0,
        error_messages={"invalid": _("页面已过期，请刷新后重试。"), "min_value": _("页面已过期，请刷新后重试。")},
    )

    def __init__(
        self,
        *args: Any,
        parents: list[tuple[int, str]],
        staff_only: bool = False,
        editing: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("请选择")), *StationKind.choices]  # type: ignore[attr-defined]
        self.fields["parent"].choices = [("", _("无（不是联络点）")), *parents]  # type: ignore[attr-defined]
        self.fields["latitude"].widget.attrs["step"] = "any"
        self.fields["longitude"].widget.attrs["step"] = "any"
        if editing:
            self.fields["version"].required = True
            self.fields["version"].error_messages["required"] = _("页面已过期，请刷新后重试。")
        if staff_only:
            for name in STRUCTURE_FIELDS:
                del self.fields[name]
        bootstrap_widgets(self)

    def clean_region_code(self) -> Region:
        code = self.cleaned_data["region_code"]
        region = Region.objects.filter(code=code).first()
        if region is None:
            raise ValidationError(_("没有找到区划代码 %(code)s，请核对。") % {"code": code}, code="unknown")
        return region

    def clean_phone(self) -> str:
        return _phone(self.cleaned_data["phone"])

    def clean_notice(self) -> str:
        try:
            return clean_text(self.cleaned_data["notice"])
        except ValueError as exc:
            raise ValidationError(str(exc), code="control_characters") from None


# What only the office maintains; station staff edit the rest (services.STAFF_EDITABLE_FIELDS).
STRUCTURE_FIELDS = ("kind", "name", "region_code", "parent", "latitude", "longitude", "is_published")


class StationRuleForm(forms.Form):
    """One rule for the station's wall (制度上墙)."""

    title = _line(_("制度名称"), 100, _("制度名称不能超过 %(limit_value)d 个字。"), _("请填写制度名称。"))
    body = forms.CharField(
        label=_("制度内容"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": _("制度内容不能超过 %(limit_value)d 个字。")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bootstrap_widgets(self)

    def clean_body(self) -> str:
        try:
            return clean_text(self.cleaned_data["body"])
        except ValueError as exc:
            raise ValidationError(str(exc), code="control_characters") from None
