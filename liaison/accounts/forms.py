"""Back-office forms for accounts: list filters, creating an account, grants, reasons, audit filters."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from liaison.core.audit import action_label, target_type_label
from liaison.core.forms import bootstrap_widgets, validate_line
from liaison.core.personal_data import normalize_phone

from .choices import Role

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

USER_ORDERING_CHOICES = [
    ("username", _("按用户名")),
    ("name", _("按姓名")),
    ("-joined", _("最近创建")),
    ("-login", _("最近登录")),
]
ACTIVE_CHOICES = [("", _("全部")), ("yes", _("启用")), ("no", _("已停用"))]
# Which scope each role needs (mirrors the RoleGrant check constraint).
SCOPE_OF_ROLE = {
    Role.OFFICE_ADMIN: ("region",),
    Role.STATION_STAFF: ("station",),
    Role.DEPARTMENT_HANDLER: ("department",),
    Role.SPONSOR: ("region", "station"),
}
_OUT_OF_REACH = _("授权范围超出了您的管辖区域，请从列表中选择。")


class UserFilterForm(forms.Form):
    """The account list's search box, filters and sort; invalid values are simply not applied."""

    q = forms.CharField(label=_("搜索"), required=False, max_length=50)
    role = forms.ChoiceField(label=_("角色"), required=False)
    active = forms.ChoiceField(label=_("状态"), required=False, choices=ACTIVE_CHOICES)
    ordering = forms.ChoiceField(label=_("排序"), required=False, choices=USER_ORDERING_CHOICES)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [("", _("全部")), *Role.choices]  # type: ignore[attr-defined]
        self.fields["q"].widget.attrs["placeholder"] = _("用户名或姓名")
        bootstrap_widgets(self)

    def filters(self) -> dict[str, Any]:
        """The valid filters only, as keyword arguments of user_list."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        active = data.get("active")
        return {
            "q": data.get("q") or None,
            "role": data.get("role") or None,
            "is_active": {"yes": True, "no": False}.get(active or ""),
            "ordering": data.get("ordering") or "username",
        }


def _choice_field(label: StrOrPromise, help_text: StrOrPromise = "") -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        required=False,
        coerce=int,
        empty_value=None,
        help_text=help_text,
        error_messages={"invalid_choice": _OUT_OF_REACH},
    )


class GrantForm(forms.Form):
    """A role and its one scope; the choices list only what lies in the admin's reach."""

    role = forms.ChoiceField(label=_("角色"), error_messages={"required": _("请选择角色。")})
    region = _choice_field(_("区划"), _("人大工作机构管理员、包保领导：选择所管区划。"))
    station = _choice_field(_("站点"), _("站点工作人员、包保领导：选择站点（含其下联络点）。"))
    department = _choice_field(_("职能部门"), _("职能部门经办人：选择部门。"))
    is_lead = forms.BooleanField(
        label=_("部门牵头负责人"),
        required=False,
        help_text=_("仅职能部门经办人：交办件逾期未办时，牵头负责人会收到提醒。"),
    )

    def __init__(
        self,
        *args: Any,
        roles: list[str],
        regions: list[tuple[int, str]],
        stations: list[tuple[int, str]],
        departments: list[tuple[int, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        labels = dict(Role.choices)
        self.fields["role"].choices = [("", _("请选择")), *((r, labels[r]) for r in roles)]  # type: ignore[attr-defined]
        none = [("", _("不选"))]
        self.fields["region"].choices = none + regions  # type: ignore[attr-defined]
        self.fields["station"].choices = none + stations  # type: ignore[attr-defined]
        self.fields["department"].choices = none + departments  # type: ignore[attr-defined]
        bootstrap_widgets(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        role = data.get("role")
        if not role:
            return data
        if data.get("is_lead") and role != Role.DEPARTMENT_HANDLER:
            self.add_error("is_lead", _("只有职能部门经办人可以设为牵头负责人。"))
        needed = SCOPE_OF_ROLE.get(role, ())
        chosen = [name for name in ("region", "station", "department") if data.get(name)]
        if not needed:
            for name in chosen:
                self.add_error(name, _("该角色不需要授权范围，请不选。"))
        elif len(chosen) != 1 or chosen[0] not in needed:
            names = {"region": _("区划"), "station": _("站点"), "department": _("职能部门")}
            wanted = _("或").join(str(names[n]) for n in needed)
            for name in needed:
                if name not in self.errors:
                    self.add_error(name, _("该角色须且只须选择一个%(scope)s。") % {"scope": wanted})
            for name in chosen:
                if name not in needed:
                    self.add_error(name, _("该角色不能按此范围授权，请不选。"))
        return data


def _phone(value: str) -> str:
    if not value:
        return ""
    try:
        return normalize_phone(value)
    except ValidationError as exc:
        raise ValidationError(exc.messages, code="invalid") from None


class UserCreateForm(GrantForm):
    """A new account and its first grant; the password is generated, never typed."""

    username = forms.CharField(
        label=_("用户名"),
        max_length=150,
        validators=[UnicodeUsernameValidator()],
        help_text=_("登录用，可用字母、数字和 @ . + - _，创建后不能修改。"),
        error_messages={"required": _("请填写用户名。"), "max_length": _("用户名不能超过 %(limit_value)d 个字符。")},
    )
    display_name = forms.CharField(
        label=_("姓名"),
        max_length=64,
        validators=[validate_line],
        error_messages={"required": _("请填写姓名。"), "max_length": _("姓名不能超过 %(limit_value)d 个字。")},
    )
    work_phone = forms.CharField(
        label=_("工作电话"), required=False, max_length=32, error_messages={"max_length": _("电话号码太长。")}
    )
    email = forms.EmailField(
        label=_("电子邮箱"),
        required=False,
        error_messages={"invalid": _("请填写有效的电子邮箱，例如 name@example.cn。")},
    )

    field_order = ["username", "display_name", "work_phone", "email", "role", "region", "station", "department"]

    def clean_work_phone(self) -> str:
        return _phone(self.cleaned_data["work_phone"])


class ReasonForm(forms.Form):
    """Why: required for revoking, deactivating and resetting (kept in the audit log)."""

    reason = forms.CharField(
        label=_("事由"),
        max_length=200,
        validators=[validate_line],
        error_messages={"required": _("请填写事由。"), "max_length": _("事由不能超过 %(limit_value)d 个字。")},
    )

    def __init__(self, *args: Any, label: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if label:
            # Several reason boxes share a page: each label says what it is for.
            self.fields["reason"].label = label
        bootstrap_widgets(self)


class AuditFilterForm(forms.Form):
    """The audit log's filters; invalid values are not applied and show a field error."""

    actor = forms.CharField(label=_("操作人账号"), required=False, max_length=150)
    action = forms.ChoiceField(label=_("操作"), required=False)
    target_type = forms.ChoiceField(label=_("对象类型"), required=False)
    start = forms.DateField(
        label=_("起始日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("请按 年-月-日 填写日期。")},
    )
    end = forms.DateField(
        label=_("截止日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("请按 年-月-日 填写日期。")},
    )
    q = forms.CharField(label=_("关键词"), required=False, max_length=100)

    def __init__(self, *args: Any, actions: list[str], target_types: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        everything = [("", _("全部"))]
        action_choices = [(a, f"{action_label(a)} ({a})") for a in actions]
        type_choices = [(t, target_type_label(t)) for t in target_types]
        self.fields["action"].choices = everything + action_choices  # type: ignore[attr-defined]
        self.fields["target_type"].choices = everything + type_choices  # type: ignore[attr-defined]
        self.fields["q"].widget.attrs["placeholder"] = _("对象名称或事由")
        bootstrap_widgets(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            self.add_error("end", _("截止日期不能早于起始日期。"))
        return data

    def filters(self) -> dict[str, Any]:
        """The valid filters only, as keyword arguments of audit_event_list."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "actor_username": data.get("actor") or None,
            "action": data.get("action") or None,
            "target_type": data.get("target_type") or None,
            "start": data.get("start"),
            "end": data.get("end") if "end" not in self.errors else None,
            "q": data.get("q") or None,
        }
