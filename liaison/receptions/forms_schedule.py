"""Back-office forms of reception schedules, one-off sessions and the roster (parsing only:
the rules live in services_schedule)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from liaison.core.forms import bootstrap_widgets, validate_line

from .choices import HolidayPolicy, SchedulePreset, SessionKind

WEEKDAY_CHOICES = [
    ("", _("（请选择）")),
    ("MO", _("周一")),
    ("TU", _("周二")),
    ("WE", _("周三")),
    ("TH", _("周四")),
    ("FR", _("周五")),
    ("SA", _("周六")),
    ("SU", _("周日")),
]
_DATE = {"type": "date"}
_TIME = {"type": "time"}


def _line(label: Any, limit: int, *, required: bool = False) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=limit,
        validators=[validate_line],
        error_messages={"max_length": _("最多 %(limit_value)d 个字。"), "required": _("请填写此项。")},
    )


class ScheduleForm(forms.Form):
    """A station's reception schedule: the rule as a preset (or a custom RRULE) and the window."""

    preset = forms.ChoiceField(
        label=_("接待日规则"),
        choices=SchedulePreset.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择接待日规则。")},
    )
    weekday = forms.ChoiceField(
        label=_("每周哪一天"),
        choices=WEEKDAY_CHOICES,
        required=False,
        help_text=_("选择“每周固定一天”时填写。"),
    )
    rrule = forms.CharField(
        label=_("自定义重复规则（RRULE）"),
        required=False,
        max_length=500,
        help_text=_("选择“自定义规则”时填写，例如 FREQ=MONTHLY;BYDAY=3TU（每月第三个周二）。"),
        error_messages={"max_length": _("重复规则太长（最多 %(limit_value)d 个字符）。")},
    )
    name = _line(_("名称"), 64)
    starts_on = forms.DateField(
        label=_("开始日期"),
        widget=forms.DateInput(attrs=_DATE),
        error_messages={"required": _("请填写开始日期。"), "invalid": _("请填写正确的日期。")},
    )
    ends_on = forms.DateField(
        label=_("结束日期"),
        required=False,
        widget=forms.DateInput(attrs=_DATE),
        help_text=_("不填表示长期有效。"),
        error_messages={"invalid": _("请填写正确的日期。")},
    )
    start_time = forms.TimeField(
        label=_("开始时间"),
        widget=forms.TimeInput(attrs=_TIME, format="%H:%M"),
        error_messages={"required": _("请填写开始时间。"), "invalid": _("请填写正确的时间，例如 09:00。")},
    )
    end_time = forms.TimeField(
        label=_("结束时间"),
        widget=forms.TimeInput(attrs=_TIME, format="%H:%M"),
        error_messages={"required": _("请填写结束时间。"), "invalid": _("请填写正确的时间，例如 11:30。")},
    )
    place = _line(_("地点"), 200)
    min_deputies = forms.IntegerField(
        label=_("每次最少进站代表数"),
        min_value=1,
        max_value=100,
        error_messages={"required": _("请填写人数。"), "min_value": _("每次至少需要 1 名代表。")},
    )
    capacity = forms.IntegerField(label=_("每次可预约人数"), min_value=0, max_value=1000)
    theme = _line(_("主题"), 200)
    remind_days_before = forms.IntegerField(label=_("提前几天提醒代表"), min_value=0, max_value=60)
    holiday_policy = forms.ChoiceField(label=_("遇法定节假日"), choices=HolidayPolicy.choices, widget=forms.RadioSelect)
    is_active = forms.BooleanField(label=_("启用"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    confirm = forms.BooleanField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not editing:
            del self.fields["is_active"]
            del self.fields["version"]
            del self.fields["confirm"]
        bootstrap_widgets(self)
        for name in ("preset", "holiday_policy"):
            self.fields[name].widget.attrs["class"] = "form-check-input"


class SessionForm(forms.Form):
    """A one-off themed or group reception."""

    kind = forms.ChoiceField(
        label=_("类型"),
        choices=[
            (SessionKind.THEMED.value, SessionKind.THEMED.label),
            (SessionKind.GROUP.value, SessionKind.GROUP.label),
        ],
        widget=forms.RadioSelect,
    )
    theme = _line(_("主题"), 200)
    date = forms.DateField(
        label=_("日期"), widget=forms.DateInput(attrs=_DATE), error_messages={"invalid": _("请填写正确的日期。")}
    )
    start_time = forms.TimeField(label=_("开始时间"), widget=forms.TimeInput(attrs=_TIME, format="%H:%M"))
    end_time = forms.TimeField(label=_("结束时间"), widget=forms.TimeInput(attrs=_TIME, format="%H:%M"))
    place = _line(_("地点"), 200)
    min_deputies = forms.IntegerField(label=_("最少进站代表数"), min_value=1, max_value=100, initial=3)
    capacity = forms.IntegerField(label=_("可预约人数"), min_value=0, max_value=1000, initial=20)
    partner_stations = forms.TypedMultipleChoiceField(
        label=_("联合接待站点"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("组团接待时选择一起接待的站点。"),
    )

    def __init__(self, *args: Any, partners: list[tuple[int, str]] = (), **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        self.fields["partner_stations"].choices = partners  # type: ignore[attr-defined]
        bootstrap_widgets(self)
        for name in ("kind", "partner_stations"):
            self.fields[name].widget.attrs["class"] = "form-check-input"


class DutyAddForm(forms.Form):
    deputy = forms.TypedChoiceField(label=_("安排代表"), coerce=int, error_messages={"required": _("请选择代表。")})

    def __init__(self, *args: Any, choices: list[tuple[int, str]] = (), **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        self.fields["deputy"].choices = [("", _("（请选择）")), *choices]  # type: ignore[attr-defined]
        bootstrap_widgets(self)


class DutyRemoveForm(forms.Form):
    duty = forms.IntegerField(widget=forms.HiddenInput)
    reason = _line(_("移出原因"), 200, required=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].error_messages["required"] = _("请填写调整原因。")
        bootstrap_widgets(self)


class SessionCancelForm(forms.Form):
    """Cancelling one session: everyone booked and every deputy on duty is told why."""

    reason = _line(_("取消原因"), 200, required=True)
    prefix = "cancel"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].error_messages["required"] = _("请填写取消原因，会通知已预约的群众和值班代表。")
        bootstrap_widgets(self)


class SessionMoveForm(forms.Form):
    """Moving one session to another day or time; everyone concerned is told."""

    new_date = forms.DateField(label=_("新的日期"), widget=forms.DateInput(attrs={"type": "date"}))
    start_time = forms.TimeField(label=_("开始时间"), widget=forms.TimeInput(attrs={"type": "time"}))
    end_time = forms.TimeField(label=_("结束时间"), widget=forms.TimeInput(attrs={"type": "time"}))
    reason = _line(_("调整原因"), 200, required=False)
    prefix = "move"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bootstrap_widgets(self)
