"""The back office's case forms: the list's filters and bulk assignment, filing a case for a
resident, the routing table and the category taxonomy. Choices come from the view (already
scoped to the actor); the services check everything again."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from liaison.core.forms import bootstrap_widgets, validate_line
from liaison.core.personal_data import normalize_phone

from .choices import STAFF_CHANNELS, CaseKind, CaseStatus, Channel
from .selectors import CaseFilters

Choices = list[tuple[Any, Any]]
EVERYTHING = ("", _("全部"))
YES_NO = [EVERYTHING, ("yes", _("是")), ("no", _("否"))]
ORDERING_CHOICES = [
    ("-created_at", _("最新登记在前")),
    ("created_at", _("最早登记在前")),
    ("due_date", _("期限最近在前")),
    ("-due_date", _("期限最远在前")),
    ("-updated_at", _("最近办理在前")),
]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


def _yes_no(value: str | None) -> bool | None:
    return {"yes": True, "no": False}.get(value or "")


class CaseFilterForm(forms.Form):
    """The case list's filters: a bad value is reported next to its field and not applied."""

    q = forms.CharField(label=_("查询码或标题"), required=False, max_length=50, validators=[validate_line])
    status = forms.ChoiceField(label=_("状态"), required=False)
    kind = forms.ChoiceField(label=_("类型"), required=False)
    category = forms.ChoiceField(label=_("类别"), required=False)
    region = forms.TypedChoiceField(label=_("地区"), required=False, coerce=int, empty_value=None)
    station = forms.TypedChoiceField(label=_("站点"), required=False, coerce=int, empty_value=None)
    deputy = forms.TypedChoiceField(label=_("承办代表"), required=False, coerce=int, empty_value=None)
    department = forms.TypedChoiceField(label=_("承办部门"), required=False, coerce=int, empty_value=None)
    overdue = forms.ChoiceField(label=_("逾期"), required=False, choices=YES_NO)
    escalated = forms.ChoiceField(label=_("督办"), required=False, choices=YES_NO)
    date_from = forms.DateField(label=_("登记日期从"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("登记日期到"), required=False, widget=DateInput())
    ordering = forms.ChoiceField(label=_("排序"), required=False, choices=ORDERING_CHOICES)

    def __init__(
        self,
        *args: Any,
        categories: Choices,
        regions: Choices | None,
        stations: Choices,
        deputies: Choices,
        departments: Choices,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        choices = {
            "status": list(CaseStatus.choices),
            "kind": list(CaseKind.choices),
            "category": categories,
            "station": stations,
            "deputy": deputies,
            "department": departments,
        }
        if regions is None:
            # Station staff work within their stations: a region filter would say nothing more.
            del self.fields["region"]
        else:
            choices["region"] = regions
        for name, values in choices.items():
            self.fields[name].choices = [EVERYTHING, *values]  # type: ignore[attr-defined]
        self.fields["q"].widget.attrs["placeholder"] = _("查询码或标题中的字词")
        bootstrap_widgets(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("结束日期不能早于开始日期。"))
        return data

    def filters(self) -> CaseFilters:
        """The valid filters only (an invalid field is left out, never guessed)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return CaseFilters(
            status=data.get("status") or None,
            kind=data.get("kind") or None,
            category=data.get("category") or None,
            region_id=data.get("region"),
            station_id=data.get("station"),
            deputy_id=data.get("deputy"),
            department_id=data.get("department"),
            overdue=_yes_no(data.get("overdue")),
            escalated=_yes_no(data.get("escalated")),
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            q=(data.get("q") or "").strip() or None,
            ordering=data.get("ordering") or "-created_at",
        )


class CaseIdsField(forms.Field):
    """The ids of the ticked rows (each a positive integer)."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value: Any) -> list[int]:
        if not value:
            return []
        values = value if isinstance(value, list | tuple) else [value]
        ids = []
        for raw in values:
            try:
                pk = int(raw)
            except (TypeError, ValueError, OverflowError):
                raise ValidationError(_("所选诉求不正确，请刷新页面后重新选择。"), code="invalid") from None
            if not 0 < pk < 2**62:
                raise ValidationError(_("所选诉求不正确，请刷新页面后重新选择。"), code="invalid")
            ids.append(pk)
        return ids


class BulkAssignForm(forms.Form):
    """Assign the ticked cases to one deputy."""

    cases = CaseIdsField(label=_("诉求"), error_messages={"required": _("请先勾选要分派的诉求。")})
    deputy = forms.TypedChoiceField(label=_("分派给代表"), coerce=int, error_messages={"required": _("请选择代表。")})

    def __init__(self, *args: Any, deputies: Choices, **kwargs: Any) -> None:
        # Its own ids: the filter form above has a "deputy" field too.
        kwargs.setdefault("auto_id", "bulk_%s")
        super().__init__(*args, **kwargs)
        self.fields["deputy"].choices = [("", _("请选择")), *deputies]  # type: ignore[attr-defined]
        self.fields["deputy"].error_messages["invalid_choice"] = _("只能分派给本辖区的在任代表。")
        bootstrap_widgets(self)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class CaseFileForm(forms.Form):
    """A case staff file for a resident who came, called, wrote or was visited."""

    channel = forms.ChoiceField(
        label=_("来源"),
        choices=[(c.value, c.label) for c in STAFF_CHANNELS],
        initial=Channel.WALK_IN,
        error_messages={"required": _("请选择来源。")},
    )
    station = forms.TypedChoiceField(
        label=_("受理站点"), coerce=int, error_messages={"required": _("请选择受理站点。")}
    )
    category = forms.ChoiceField(label=_("类别"), error_messages={"required": _("请选择诉求类别。")})
    kind = forms.ChoiceField(label=_("类型"), choices=CaseKind.choices, initial=CaseKind.REQUEST)
    title = forms.CharField(
        label=_("标题"),
        required=False,
        max_length=100,
        validators=[validate_line],
        help_text=_("可不填：不填时取内容的第一句。"),
    )
    description = forms.CharField(
        label=_("反映的事情"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("请写下群众反映的事情。")},
    )
    address = forms.CharField(label=_("地点"), required=False, max_length=200, validators=[validate_line])
    name = forms.CharField(label=_("群众姓名"), required=False, max_length=50, validators=[validate_line])
    phone = forms.CharField(
        label=_("联系电话"),
        required=False,
        max_length=32,
        help_text=_("可不留；留了电话，办理进展会短信告知。"),
    )
    consent = forms.BooleanField(
        label=_("群众同意将姓名和电话提供给承办部门（请先向群众宣读个人信息告知）"),
        required=False,
    )
    attachments = forms.FileField(
        label=_("照片或 PDF"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": "image/jpeg,image/png,application/pdf"}),
        help_text=_("最多 6 个文件，每个不超过 10 MB。"),
    )
    # A fresh token per form: a double click or a resent POST files the case once.
    submission_token = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, stations: Choices, categories: Choices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["submission_token"] = uuid.uuid4()
        self.fields["station"].choices = [("", _("请选择")), *stations]  # type: ignore[attr-defined]
        self.fields["category"].choices = [("", _("请选择")), *categories]  # type: ignore[attr-defined]
        self.fields["station"].error_messages["invalid_choice"] = _("只能为本辖区或本站登记诉求。")
        self.fields["category"].error_messages["invalid_choice"] = _("没有这个诉求类别，请从列表中选择。")
        self.fields["phone"].widget.attrs.update({"inputmode": "tel", "autocomplete": "off"})
        self.fields["name"].widget.attrs["autocomplete"] = "off"
        bootstrap_widgets(self)

    def clean_phone(self) -> str:
        # Checked here too, so every mistake shows at once (the service checks it again).
        value = self.cleaned_data.get("phone") or ""
        if not value:
            return ""
        try:
            return normalize_phone(value)
        except ValidationError as exc:
            raise ValidationError(exc.messages, code="invalid") from None

    def clean_attachments(self) -> Any:
        # The files are checked by content in attachments.validate_uploads (the view calls it).
        return None


class RoutingRuleForm(forms.Form):
    """One line of the routing table."""

    category = forms.ChoiceField(label=_("诉求类别"), error_messages={"required": _("请选择诉求类别。")})
    region = forms.TypedChoiceField(label=_("适用地区"), coerce=int, error_messages={"required": _("请选择地区。")})
    department = forms.TypedChoiceField(
        label=_("承办部门"), coerce=int, error_messages={"required": _("请选择承办部门。")}
    )

    def __init__(self, *args: Any, categories: Choices, regions: Choices, departments: Choices, **kwargs: Any):
        super().__init__(*args, **kwargs)
        for name, values in (("category", categories), ("region", regions), ("department", departments)):
            self.fields[name].choices = [("", _("请选择")), *values]  # type: ignore[attr-defined]
        self.fields["region"].error_messages["invalid_choice"] = _("请选择本辖区内的地区。")
        self.fields["department"].error_messages["invalid_choice"] = _("请选择承办部门。")
        self.fields["category"].error_messages["invalid_choice"] = _("请选择诉求类别。")
        bootstrap_widgets(self)


class CategoryForm(forms.Form):
    """A category's name, group, help text, deadline, order and whether residents see it."""

    name = forms.CharField(
        label=_("名称"), max_length=32, validators=[validate_line], error_messages={"required": _("请填写名称。")}
    )
    group = forms.CharField(label=_("分组"), required=False, max_length=32, validators=[validate_line])
    description = forms.CharField(
        label=_("说明（群众选择时看到）"), required=False, max_length=300, validators=[validate_line]
    )
    due_workdays = forms.IntegerField(
        label=_("办理时限（工作日）"),
        min_value=1,
        max_value=60,
        initial=10,
        error_messages={"required": _("请填写办理时限。"), "invalid": _("请填写整数。")},
    )
    sort_order = forms.IntegerField(
        label=_("排序"), min_value=0, max_value=32767, initial=0, error_messages={"invalid": _("请填写整数。")}
    )
    is_active = forms.BooleanField(label=_("启用（群众可以选择）"), required=False, initial=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bootstrap_widgets(self)

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "group": data.get("group") or "",
            "description": data.get("description") or "",
            "due_workdays": data["due_workdays"],
            "sort_order": data.get("sort_order") or 0,
            "is_active": bool(data.get("is_active")),
        }


class CategoryCreateForm(CategoryForm):
    """A new category, with its code (the Open311 service_code; never changes)."""

    code = forms.RegexField(
        label=_("代码"),
        regex=r"^[a-z0-9][a-z0-9_-]{0,31}$",
        max_length=32,
        help_text=_("小写英文字母、数字、下划线或连字符，如 housing；开放接口用它，建好后不能修改。"),
        error_messages={
            "required": _("请填写代码。"),
            "invalid": _("代码只能用小写英文字母、数字、下划线和连字符，最多 32 个字符。"),
        },
    )

    field_order = ["code", "name", "group", "description", "due_workdays", "sort_order", "is_active"]
