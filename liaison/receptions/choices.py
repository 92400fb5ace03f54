from django.db import models
from django.utils.translation import gettext_lazy as _


class SchedulePreset(models.TextChoices):
    """The recurrence rules of the seeds, offered in the schedule form; `custom` takes any RRULE."""

    SECOND_FOURTH_WEDNESDAY = "biweekly_wednesday", _("每月第2、4个周三（双周三）")
    FIRST_FRIDAY = "first_friday", _("每月第一个周五")
    WEEKLY = "weekly", _("每周固定一天")
    CUSTOM = "custom", _("自定义规则（RRULE）")


class HolidayPolicy(models.TextChoices):
    """What happens to a session that falls on a day off (public holiday or weekend swap)."""

    SKIP = "skip", _("跳过")
    NEXT_WORKDAY = "next_workday", _("顺延到下一个工作日")
    PREVIOUS_WORKDAY = "previous_workday", _("提前到上一个工作日")
    KEEP = "keep", _("照常接待")


class SessionKind(models.TextChoices):
    REGULAR = "regular", _("定期接待")
    THEMED = "themed", _("主题接待")
    GROUP = "group", _("组团接待")


class SessionStatus(models.TextChoices):
    PLANNED = "planned", _("已安排")
    CANCELLED = "cancelled", _("已取消")


class DutyStatus(models.TextChoices):
    ROSTERED = "rostered", _("待接待")
    ON_LEAVE = "on_leave", _("已请假")
    CHECKED_IN = "checked_in", _("已签到")
    MISSED = "missed", _("缺勤")


class CheckInMethod(models.TextChoices):
    QR = "qr", _("扫码签到")
    MANUAL = "manual", _("工作人员代签")


class RequestStatus(models.TextChoices):
    """Leave and swap requests."""

    PENDING = "pending", _("待审批")
    APPROVED = "approved", _("已批准")
    REJECTED = "rejected", _("未批准")
    WITHDRAWN = "withdrawn", _("已撤回")


class BookingStatus(models.TextChoices):
    ACTIVE = "active", _("已预约")
    CANCELLED = "cancelled", _("已取消")
