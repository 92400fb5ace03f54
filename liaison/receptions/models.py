"""Reception days: a station's schedule (an RFC 5545 rule), the sessions it generates, the duty
roster of deputies, leave and swaps, residents' bookings and the walk-in register."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from liaison.core.models import TimeStampedModel, VersionedModel
from liaison.deputies.models import Deputy
from liaison.stations.models import Station

from .choices import (
    BookingStatus,
    CheckInMethod,
    DutyStatus,
    HolidayPolicy,
    RequestStatus,
    SchedulePreset,
    SessionKind,
    SessionStatus,
)


class ReceptionSchedule(VersionedModel):
    """进站时间安排: when a station receives residents, as a recurrence rule set once a year."""

    station = models.ForeignKey(
        Station, verbose_name=_("站点"), on_delete=models.PROTECT, related_name="reception_schedules"
    )
    name = models.CharField(_("名称"), max_length=64)
    preset = models.CharField(_("规则类型"), max_length=32, choices=SchedulePreset.choices)
    # The RRULE body (no DTSTART), e.g. FREQ=MONTHLY;BYDAY=2WE,4WE; starts_on is its DTSTART.
    rrule = models.CharField(_("重复规则"), max_length=500)
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"), null=True, blank=True)
    start_time = models.TimeField(_("开始时间"))
    end_time = models.TimeField(_("结束时间"))
    place = models.CharField(_("地点"), max_length=200, blank=True)
    min_deputies = models.PositiveSmallIntegerField(_("最少进站代表数"), default=3)
    capacity = models.PositiveSmallIntegerField(_("可预约人数"), default=20)
    theme = models.CharField(_("主题"), max_length=200, blank=True)
    remind_days_before = models.PositiveSmallIntegerField(_("提前几天提醒代表"), default=3)
    holiday_policy = models.CharField(
        _("遇节假日"), max_length=24, choices=HolidayPolicy.choices, default=HolidayPolicy.SKIP
    )
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("接待日安排")
        verbose_name_plural = _("接待日安排")
        ordering = ["station_id", "starts_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_time__gt=models.F("start_time")),
                name="schedule_ends_after_it_starts",
                violation_error_message=_("结束时间必须晚于开始时间。"),
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="schedule_end_date_after_start",
                violation_error_message=_("结束日期不能早于开始日期。"),
            ),
            models.CheckConstraint(
                condition=Q(min_deputies__gte=1),
                name="schedule_needs_a_deputy",
                violation_error_message=_("每次至少需要 1 名代表。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.station} · {self.name}"


class WorkdayOverride(TimeStampedModel):
    """调休: a day whose working status differs from the holiday calendar, kept by offices.

    `holidays` knows public holidays but not make-up working days (调休上班): those are
    entered here, seeded for the years already announced by the State Council.
    """

    date = models.DateField(_("日期"), unique=True)
    is_workday = models.BooleanField(_("上班"), help_text=_("是：调休上班；否：放假"))
    note = models.CharField(_("说明"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("调休安排")
        verbose_name_plural = _("调休安排")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.note}"


class AnnouncedYear(TimeStampedModel):
    """A year whose official holiday and make-up day schedule is published and entered: its
    sessions are final; sessions of other years are generated but marked provisional."""

    year = models.PositiveSmallIntegerField(_("年份"), unique=True)

    class Meta:
        verbose_name = _("已公布放假安排的年份")
        verbose_name_plural = _("已公布放假安排的年份")
        ordering = ["year"]

    def __str__(self) -> str:
        return str(self.year)


class ReceptionSession(VersionedModel):
    """接待日: one reception at a station (or several, for a group reception), with its roster."""

    station = models.ForeignKey(Station, verbose_name=_("站点"), on_delete=models.PROTECT, related_name="sessions")
    schedule = models.ForeignKey(
        ReceptionSchedule,
        verbose_name=_("接待日安排"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="sessions",
    )
    # The date the rule produced (before any holiday move): the key for regenerating a schedule.
    occurrence = models.DateField(_("规则日期"), null=True, blank=True)
    kind = models.CharField(_("类型"), max_length=16, choices=SessionKind.choices, default=SessionKind.REGULAR)
    date = models.DateField(_("日期"), db_index=True)
    starts_at = models.DateTimeField(_("开始"))
    ends_at = models.DateTimeField(_("结束"))
    place = models.CharField(_("地点"), max_length=200, blank=True)
    theme = models.CharField(_("主题"), max_length=200, blank=True)
    min_deputies = models.PositiveSmallIntegerField(_("最少进站代表数"), default=3)
    capacity = models.PositiveSmallIntegerField(_("可预约人数"), default=20)
    remind_days_before = models.PositiveSmallIntegerField(_("提前几天提醒代表"), default=3)
    # Generated in a year whose make-up working days are not yet published.
    provisional = models.BooleanField(_("待定"), default=False)
    status = models.CharField(_("状态"), max_length=16, choices=SessionStatus.choices, default=SessionStatus.PLANNED)
    status_reason = models.CharField(_("原因"), max_length=200, blank=True)
    # Group receptions (组团接待): the other stations receiving together at this session.
    partner_stations = models.ManyToManyField(
        Station, verbose_name=_("联合接待站点"), blank=True, related_name="joint_sessions"
    )

    class Meta:
        verbose_name = _("接待日")
        verbose_name_plural = _("接待日")
        ordering = ["starts_at", "id"]
        indexes = [models.Index(fields=["station", "date"], name="session_station_date")]
        constraints = [
            models.UniqueConstraint(
                fields=["schedule", "occurrence"],
                condition=Q(schedule__isnull=False),
                name="session_once_per_occurrence",
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")),
                name="session_ends_after_it_starts",
                violation_error_message=_("结束时间必须晚于开始时间。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.station} {self.date:%Y-%m-%d}"


class Duty(TimeStampedModel):
    """A deputy on duty at a session (值班): rostered, on leave, checked in or missed."""

    session = models.ForeignKey(
        ReceptionSession, verbose_name=_("接待日"), on_delete=models.CASCADE, related_name="duties"
    )
    deputy = models.ForeignKey(Deputy, verbose_name=_("代表"), on_delete=models.PROTECT, related_name="duties")
    status = models.CharField(_("状态"), max_length=16, choices=DutyStatus.choices, default=DutyStatus.ROSTERED)
    checked_in_at = models.DateTimeField(_("签到时间"), null=True, blank=True)
    check_in_method = models.CharField(_("签到方式"), max_length=16, choices=CheckInMethod.choices, blank=True)

    class Meta:
        verbose_name = _("值班")
        verbose_name_plural = _("值班")
        ordering = ["session__starts_at", "deputy__name_pinyin", "id"]
        constraints = [models.UniqueConstraint(fields=["session", "deputy"], name="duty_once_per_session")]
        indexes = [models.Index(fields=["deputy", "status"], name="duty_deputy_status")]

    def __str__(self) -> str:
        return f"{self.deputy} @ {self.session}"


class LeaveRequest(TimeStampedModel):
    """A deputy asks to be excused from a duty; staff decide."""

    duty = models.ForeignKey(Duty, verbose_name=_("值班"), on_delete=models.CASCADE, related_name="leave_requests")
    reason = models.CharField(_("事由"), max_length=200)
    status = models.CharField(_("状态"), max_length=16, choices=RequestStatus.choices, default=RequestStatus.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审批人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("请假")
        verbose_name_plural = _("请假")
        ordering = ["-created_at"]


class SwapRequest(TimeStampedModel):
    """Two deputies trade duties (换班): the other deputy agrees, staff approve."""

    duty = models.ForeignKey(Duty, verbose_name=_("值班"), on_delete=models.CASCADE, related_name="swaps_out")
    other = models.ForeignKey(Duty, verbose_name=_("对换的值班"), on_delete=models.CASCADE, related_name="swaps_in")
    reason = models.CharField(_("事由"), max_length=200, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=RequestStatus.choices, default=RequestStatus.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审批人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("换班")
        verbose_name_plural = _("换班")
        ordering = ["-created_at"]


class Booking(TimeStampedModel):
    """A resident's booked slot at a session, or a matter sent ahead (预约 / 提前反映)."""

    session = models.ForeignKey(
        ReceptionSession, verbose_name=_("接待日"), on_delete=models.PROTECT, related_name="bookings"
    )
    name = models.CharField(_("姓名"), max_length=50)
    phone = models.CharField(_("手机号"), max_length=20)
    matter = models.TextField(_("反映事项"), max_length=1000, blank=True)
    # Only the SHA-256 of the cancel code is kept: the resident holds the code.
    code_hash = models.CharField(max_length=64, unique=True)
    status = models.CharField(_("状态"), max_length=16, choices=BookingStatus.choices, default=BookingStatus.ACTIVE)

    class Meta:
        verbose_name = _("预约")
        verbose_name_plural = _("预约")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "phone"],
                condition=Q(status=BookingStatus.ACTIVE),
                name="booking_once_per_phone",
                violation_error_message=_("该手机号已预约过这次接待。"),
            )
        ]


class WalkIn(TimeStampedModel):
    """接待选民登记: a visitor received during a session, with what was done on the spot."""

    session = models.ForeignKey(
        ReceptionSession, verbose_name=_("接待日"), on_delete=models.PROTECT, related_name="walk_ins"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT, related_name="+"
    )
    deputies = models.ManyToManyField(Deputy, verbose_name=_("接待代表"), blank=True, related_name="walk_ins")
    name = models.CharField(_("姓名"), max_length=50, blank=True)
    phone = models.CharField(_("电话"), max_length=20, blank=True)
    matter = models.TextField(_("反映事项"), max_length=2000)
    action_taken = models.TextField(_("现场处理情况"), max_length=2000, blank=True)
    case = models.ForeignKey(
        "cases.Case", verbose_name=_("诉求"), null=True, blank=True, on_delete=models.PROTECT, related_name="walk_ins"
    )

    class Meta:
        verbose_name = _("接待登记")
        verbose_name_plural = _("接待登记")
        ordering = ["created_at", "id"]
