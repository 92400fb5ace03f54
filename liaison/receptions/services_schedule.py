"""Writes of reception schedules, their generated sessions and the duty roster.

A station's staff or the office above sets a schedule once; `sessions_generate` keeps its
sessions for a rolling horizon, rosters deputies by fair rotation (`rotation.py`) and, after a
rule change, never touches past sessions, nor moves or removes sessions already staffed or
booked unless the change is confirmed (it reports what would change instead).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from liaison.accounts.jurisdiction import Actor
from liaison.core.audit import audit, diff
from liaison.core.clock import now, today
from liaison.core.errors import Conflict, Forbidden, IllegalState, InvalidInput
from liaison.core.text import clean_line
from liaison.core.versioning import save_versioned
from liaison.deputies.models import Deputy
from liaison.stations.models import Station

from . import rotation
from .choices import BookingStatus, DutyStatus, HolidayPolicy, SchedulePreset, SessionKind, SessionStatus
from .holidays import WorkCalendar
from .models import Duty, ReceptionSchedule, ReceptionSession
from .schedules import expand, rule_dates, rule_for
from .services_booking import session_change_announce, session_when

TZ = ZoneInfo(settings.TIME_ZONE)
HORIZON_DAYS = 366
MAX_REMIND_DAYS = 60
MAX_CAPACITY = 1000
SCHEDULE_FIELDS = (
    "name",
    "preset",
    "rrule",
    "starts_on",
    "ends_on",
    "start_time",
    "end_time",
    "place",
    "min_deputies",
    "capacity",
    "theme",
    "remind_days_before",
    "holiday_policy",
    "is_active",
)
# Session fields a rule change may rewrite freely; a new date or time needs confirmation once
# deputies are rostered or residents have booked.
FREE_FIELDS = ("place", "theme", "min_deputies", "capacity", "remind_days_before", "provisional")
TIMING_FIELDS = ("date", "starts_at", "ends_at")


def moment(day: dt.date, time: dt.time) -> dt.datetime:
    """A local wall-clock time on `day` as an aware datetime (Asia/Shanghai)."""
    return dt.datetime.combine(day, time, tzinfo=TZ)


def can_manage(actor: Actor, station: Station) -> bool:
    """Office admins whose subtree holds the station, its own staff and system admins."""
    if actor.is_read_only:
        return False
    return Station.objects.visible_to(actor, "change").filter(pk=station.pk).exists()


def _check_manage(actor: Actor, station: Station) -> None:
    if not can_manage(actor, station):
        raise Forbidden(_("只有本站工作人员和所属人大机关可以安排接待日。"))


def station_deputy_count(station: Station) -> int:
    """Active deputies currently assigned to the station."""
    return len(rotation.station_candidates([station.pk]))


# ---- schedules -----------------------------------------------------------------------------


def _validate_schedule(values: dict[str, Any], *, station: Station, weekday: str) -> dict[str, Any]:
    errors: dict[str, list[str]] = defaultdict(list)
    preset = values.get("preset") or ""
    try:
        values["rrule"] = rule_for(preset, weekday=weekday, custom=values.get("rrule") or "")
    except InvalidInput as exc:
        for key, texts in exc.fields.items():
            errors[key] += texts
    for key in ("name", "place", "theme"):
        try:
            values[key] = clean_line(values.get(key) or "")
        except ValueError as exc:
            errors[key].append(str(exc))
    if not values["name"] and preset in SchedulePreset.values:
        values["name"] = str(SchedulePreset(preset).label)
    starts_on, ends_on = values.get("starts_on"), values.get("ends_on")
    start_time, end_time = values.get("start_time"), values.get("end_time")
    if starts_on is None:
        errors["starts_on"].append(_("请填写开始日期。"))
    elif not 2000 <= starts_on.year <= 2100:
        errors["starts_on"].append(_("开始日期应在 2000 年到 2100 年之间。"))
    if ends_on is not None and starts_on is not None and ends_on < starts_on:
        errors["ends_on"].append(_("结束日期不能早于开始日期。"))
    if start_time is None:
        errors["start_time"].append(_("请填写开始时间。"))
    if end_time is None:
        errors["end_time"].append(_("请填写结束时间。"))
    elif start_time is not None and end_time <= start_time:
        errors["end_time"].append(_("结束时间必须晚于开始时间。"))
    minimum = values.get("min_deputies")
    if minimum is None or minimum < 1:
        errors["min_deputies"].append(_("每次至少需要 1 名代表。"))
    else:
        available = station_deputy_count(station)
        if minimum > available:
            errors["min_deputies"].append(
                _(
                    "最少进站代表数（%(min)d 名）超过了本站现有的代表人数（%(count)d 名），请调低人数或先为本站安排代表。"
                )
                % {"min": minimum, "count": available}
            )
    capacity = values.get("capacity")
    if capacity is None or not 0 <= capacity <= MAX_CAPACITY:
        errors["capacity"].append(_("可预约人数应在 0 到 %(n)d 之间。") % {"n": MAX_CAPACITY})
    remind = values.get("remind_days_before")
    if remind is None or not 0 <= remind <= MAX_REMIND_DAYS:
        errors["remind_days_before"].append(_("提前提醒天数应在 0 到 %(n)d 之间。") % {"n": MAX_REMIND_DAYS})
    if values.get("holiday_policy") not in HolidayPolicy.values:
        errors["holiday_policy"].append(_("请选择遇节假日时的处理方式。"))
    if not errors and starts_on is not None:
        horizon_end = ends_on or starts_on + dt.timedelta(days=2 * 366)
        if not rule_dates(values["rrule"], starts_on=starts_on, start=starts_on, end=horizon_end):
            key = "rrule" if preset == SchedulePreset.CUSTOM else ("ends_on" if ends_on else "rrule")
            errors[key].append(_("按这条规则，在所选日期范围内没有任何接待日，请检查规则和日期。"))
    if errors:
        raise InvalidInput(fields=dict(errors))
    return values


def _full_clean(instance: Any, **kwargs: Any) -> None:
    try:
        instance.full_clean(**kwargs)
    except ValidationError as exc:
        fields = {("non_field_errors" if k == "__all__" else k): list(v) for k, v in exc.message_dict.items()}
        raise InvalidInput(fields=fields) from None


def _jsonable(values: dict[str, Any]) -> dict[str, list[Any]]:
    return {k: [None, v if isinstance(v, (str, int, bool)) or v is None else str(v)] for k, v in values.items()}


@transaction.atomic
def schedule_create(
    *, actor: Actor, station: Station, weekday: str = "", generate: bool = True, **fields: Any
) -> ReceptionSchedule:
    """Set a station's reception schedule and generate its sessions for the coming year."""
    _check_manage(actor, station)
    values = {k: fields.get(k) for k in SCHEDULE_FIELDS if k in fields}
    values.setdefault("holiday_policy", HolidayPolicy.SKIP)
    values.setdefault("min_deputies", 3)
    values.setdefault("capacity", 20)
    values.setdefault("remind_days_before", 3)
    values.setdefault("is_active", True)
    values = _validate_schedule(values, station=station, weekday=weekday)
    schedule = ReceptionSchedule(station=station, **values)
    _full_clean(schedule, exclude=["station"])
    schedule.save()
    audit(actor=actor.user, action="reception_schedule.created", target=schedule, changes=_jsonable(values))
    if generate:
        sessions_generate(schedule=schedule, actor=actor)
    return schedule


class ConfirmationRequired(Conflict):
    """The change would move or remove sessions already staffed or booked: nothing was saved."""

    def __init__(self, report: GenerationReport) -> None:
        super().__init__(
            _("这次修改会调整 %(n)d 次已排班或已有预约的接待，请确认后再保存。") % {"n": len(report.pending)}
        )
        self.report = report


@transaction.atomic
def schedule_update(
    *,
    actor: Actor,
    schedule: ReceptionSchedule,
    version: int,
    weekday: str = "",
    confirm: bool = False,
    **fields: Any,
) -> tuple[ReceptionSchedule, GenerationReport]:
    """Change a schedule and regenerate its future sessions.

    When that would move or remove sessions with a roster or bookings and `confirm` is false,
    raises ConfirmationRequired carrying the report, and changes nothing.
    """
    _check_manage(actor, schedule.station)
    merged = {k: getattr(schedule, k) for k in SCHEDULE_FIELDS}
    merged.update({k: v for k, v in fields.items() if k in SCHEDULE_FIELDS})
    values = _validate_schedule(merged, station=schedule.station, weekday=weekday)
    changes = diff(schedule, values)
    candidate = ReceptionSchedule(pk=schedule.pk, station=schedule.station, **values)
    _full_clean(candidate, exclude=["station", "version"], validate_unique=False)
    schedule = save_versioned(schedule, expected_version=version, values=values)
    if changes:
        audit(actor=actor.user, action="reception_schedule.updated", target=schedule, changes=changes)
    report = sessions_generate(schedule=schedule, actor=actor, confirm=confirm)
    if report.pending and not confirm:
        raise ConfirmationRequired(report)
    return schedule, report


# ---- session generation --------------------------------------------------------------------


@dataclass
class PendingChange:
    """A staffed or booked session the regeneration would move (to `new_date`) or remove."""

    session: ReceptionSession
    new_date: dt.date | None
    new_start: dt.datetime | None = None

    @property
    def removed(self) -> bool:
        return self.new_date is None


@dataclass
class GenerationReport:
    """What one generation run did (and what it left for confirmation)."""

    created: list[dt.date] = field(default_factory=list)
    moved: list[dt.date] = field(default_factory=list)
    updated: int = 0
    deleted: list[dt.date] = field(default_factory=list)
    cancelled: list[dt.date] = field(default_factory=list)
    pending: list[PendingChange] = field(default_factory=list)
    rostered: int = 0
    short: list[dt.date] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.moved or self.updated or self.deleted or self.cancelled or self.rostered)

    def summary(self) -> dict[str, int]:
        return {
            "created": len(self.created),
            "moved": len(self.moved),
            "updated": self.updated,
            "deleted": len(self.deleted),
            "cancelled": len(self.cancelled),
            "pending": len(self.pending),
            "rostered": self.rostered,
            "short": len(self.short),
        }


def _session_values(schedule: ReceptionSchedule, day: dt.date, provisional: bool) -> dict[str, Any]:
    return {
        "date": day,
        "starts_at": moment(day, schedule.start_time),
        "ends_at": moment(day, schedule.end_time),
        "place": schedule.place,
        "theme": schedule.theme,
        "min_deputies": schedule.min_deputies,
        "capacity": schedule.capacity,
        "remind_days_before": schedule.remind_days_before,
        "provisional": provisional,
    }


@transaction.atomic
def sessions_generate(
    *,
    schedule: ReceptionSchedule,
    horizon_days: int = HORIZON_DAYS,
    confirm: bool = False,
    since: dt.date | None = None,
    actor: Actor | None = None,
) -> GenerationReport:
    """Bring the schedule's sessions in line with its rule up to `horizon_days` ahead.

    Idempotent by (schedule, occurrence). Past sessions are never touched; a staffed or booked
    session is moved or removed only with `confirm` (else listed in `pending`). `since` (the
    demo) also creates missing sessions from that day on, rostered like the others.
    """
    # One generation per schedule at a time (the periodic task and an edit may meet): the row lock
    # serialises them on PostgreSQL; (schedule, occurrence) is unique either way.
    ReceptionSchedule.objects.select_for_update().filter(pk=schedule.pk).values_list("pk", flat=True).first()
    report = GenerationReport()
    current = now()
    first_day = since or today()
    last_day = today() + dt.timedelta(days=horizon_days)
    existing = {
        s.occurrence: s
        for s in schedule.sessions.filter(starts_at__gt=current, status=SessionStatus.PLANNED)
        .annotate(
            n_duties=Count("duties", distinct=True),
            n_bookings=Count("bookings", filter=Q(bookings__status=BookingStatus.ACTIVE), distinct=True),
            n_walk_ins=Count("walk_ins", distinct=True),
        )
        .order_by()
    }
    known = set(schedule.sessions.values_list("occurrence", flat=True))
    if existing:
        last_day = max(last_day, *[o for o in existing if o is not None])
    calendar = WorkCalendar.load()
    occurrences = expand(schedule, first_day, last_day, calendar=calendar) if schedule.is_active else []
    wanted = {o.occurrence for o in occurrences}
    to_create: list[ReceptionSession] = []
    touched: list[ReceptionSession] = []
    for occ in occurrences:
        values = _session_values(schedule, occ.date, occ.provisional)
        session = existing.get(occ.occurrence)
        if session is None:
            if occ.occurrence in known or (since is None and values["starts_at"] <= current):
                continue  # past, cancelled by staff, or already held: never recreated
            to_create.append(
                ReceptionSession(station=schedule.station, schedule=schedule, occurrence=occ.occurrence, **values)
            )
            continue
        timing = {k: values[k] for k in TIMING_FIELDS if getattr(session, k) != values[k]}
        free = {k: values[k] for k in FREE_FIELDS if getattr(session, k) != values[k]}
        protected = bool(session.n_duties or session.n_bookings or session.n_walk_ins)  # type: ignore[attr-defined]
        if timing and protected and not confirm:
            report.pending.append(PendingChange(session=session, new_date=occ.date, new_start=values["starts_at"]))
            timing = {}
        if timing or free:
            before = session_when(session) if timing and protected else None
            for key, value in {**timing, **free}.items():
                setattr(session, key, value)
            session.version += 1
            session.save(update_fields=[*timing, *free, "version", "updated_at"])
            if timing:
                report.moved.append(occ.date)
                touched.append(session)
                if before is not None:
                    session_change_announce(session=session, before=before)
            else:
                report.updated += 1
    for occurrence, session in existing.items():
        if occurrence in wanted or occurrence is None:
            continue
        protected = bool(session.n_duties or session.n_bookings or session.n_walk_ins)  # type: ignore[attr-defined]
        if not protected:
            report.deleted.append(session.date)
            session.delete()
        elif confirm:
            session.status = SessionStatus.CANCELLED
            session.status_reason = _("接待日安排已修改")
            session.version += 1
            session.save(update_fields=["status", "status_reason", "version", "updated_at"])
            report.cancelled.append(session.date)
            session_change_announce(session=session, before=None)
        else:
            report.pending.append(PendingChange(session=session, new_date=None))
    if to_create:
        ReceptionSession.objects.bulk_create(to_create)
        report.created = [s.date for s in to_create]
    if touched:
        _release_clashes(touched)
    roster_targets: list[ReceptionSession] = [
        s for s in existing.values() if s.status == SessionStatus.PLANNED and s.occurrence in wanted
    ]
    created_ids = [s.pk for s in to_create]
    if created_ids:
        roster_targets += list(ReceptionSession.objects.filter(pk__in=created_ids))
    report.rostered, report.short = roster_fill(roster_targets)
    if report.changed:
        audit(
            actor=actor.user if actor else None,
            action="reception_schedule.sessions_generated",
            target=schedule,
            changes=report.summary(),
        )
    return report


def _release_clashes(sessions: list[ReceptionSession]) -> None:
    """After a session moved, take off the roster deputies who are now busy elsewhere."""
    duties = list(Duty.objects.filter(session__in=sessions, status=DutyStatus.ROSTERED).select_related("session"))
    if not duties:
        return
    low = min(s.starts_at for s in sessions)
    high = max(s.ends_at for s in sessions)
    busy = rotation.Busy.load({d.deputy_id for d in duties}, low, high)
    clashing = [
        d.pk
        for d in duties
        if busy.clashes(d.deputy_id, d.session.starts_at, d.session.ends_at, session_id=d.session_id)
    ]
    Duty.objects.filter(pk__in=clashing).delete()


def roster_fill(sessions: Sequence[ReceptionSession]) -> tuple[int, list[dt.date]]:
    """Roster deputies by fair rotation until each session has its minimum (where possible).

    Returns how many duties were created and the dates still below their minimum. One query
    each for candidates, busy intervals, per-year counts and the current rosters.
    """
    planned = sorted((s for s in sessions if s.status == SessionStatus.PLANNED), key=lambda s: (s.starts_at, s.pk))
    if not planned:
        return 0, []
    by_station: defaultdict[tuple[int, ...], list[ReceptionSession]] = defaultdict(list)
    partners: defaultdict[int, list[int]] = defaultdict(list)
    group_ids = [s.pk for s in planned if s.kind == SessionKind.GROUP]
    if group_ids:
        for session_id, station_id in ReceptionSession.partner_stations.through.objects.filter(
            receptionsession_id__in=group_ids
        ).values_list("receptionsession_id", "station_id"):
            partners[session_id].append(station_id)
    for session in planned:
        by_station[(session.station_id, *sorted(partners.get(session.pk, [])))].append(session)
    current: defaultdict[int, set[int]] = defaultdict(set)
    for session_id, deputy_id in Duty.objects.filter(session__in=planned, status__in=rotation.ACTIVE_DUTY).values_list(
        "session_id", "deputy_id"
    ):
        current[session_id].add(deputy_id)
    anyone: defaultdict[int, set[int]] = defaultdict(set)
    for session_id, deputy_id in Duty.objects.filter(session__in=planned).values_list("session_id", "deputy_id"):
        anyone[session_id].add(deputy_id)
    created: list[Duty] = []
    short: list[dt.date] = []
    for stations, group in by_station.items():
        candidates = rotation.station_candidates(stations)
        ids = [c.deputy_id for c in candidates]
        busy = rotation.Busy.load(ids, group[0].starts_at, max(s.ends_at for s in group))
        counts: dict[int, dict[int, int]] = {}
        for session in group:
            year = session.date.year
            if year not in counts:
                counts[year] = rotation.year_counts(stations[0], ids, year)
            need = session.min_deputies - len(current[session.pk])
            if need > 0:
                exclude = set(anyone[session.pk]) | {
                    i for i in ids if busy.clashes(i, session.starts_at, session.ends_at, session_id=session.pk)
                }
                chosen = rotation.pick(candidates, counts=counts[year], need=need, exclude=exclude)
                for c in chosen:
                    created.append(Duty(session=session, deputy_id=c.deputy_id))
                    current[session.pk].add(c.deputy_id)
                    counts[year][c.deputy_id] = counts[year].get(c.deputy_id, 0) + 1
                    busy.add(c.deputy_id, session.starts_at, session.ends_at, session.pk)
            if len(current[session.pk]) < session.min_deputies:
                short.append(session.date)
    Duty.objects.bulk_create(created)
    return len(created), short


# ---- one-off sessions and the roster by hand -----------------------------------------------


@transaction.atomic
def session_create(
    *,
    actor: Actor,
    station: Station,
    kind: str,
    date: dt.date,
    start_time: dt.time,
    end_time: dt.time,
    place: str = "",
    theme: str = "",
    min_deputies: int = 3,
    capacity: int = 20,
    remind_days_before: int = 3,
    partner_stations: list[Station] | None = None,
) -> ReceptionSession:
    """A one-off themed or group reception (主题接待 / 组团接待), rostered by rotation."""
    _check_manage(actor, station)
    errors: dict[str, list[str]] = defaultdict(list)
    partners = [p for p in (partner_stations or []) if p.pk != station.pk]
    if kind not in (SessionKind.THEMED, SessionKind.GROUP):
        errors["kind"].append(_("请选择主题接待或组团接待。"))
    try:
        theme, place = clean_line(theme or ""), clean_line(place or "")
    except ValueError as exc:
        errors["theme"].append(str(exc))
    if kind == SessionKind.THEMED and not theme:
        errors["theme"].append(_("主题接待请填写接待主题。"))
    if kind == SessionKind.GROUP and not partners:
        errors["partner_stations"].append(_("组团接待请至少选择一个联合接待的站点。"))
    visible = set(
        Station.objects.visible_to(actor).filter(pk__in=[p.pk for p in partners]).values_list("pk", flat=True)
    )
    if any(p.pk not in visible for p in partners):
        errors["partner_stations"].append(_("所选的联合接待站点不在您的管辖范围内。"))
    if end_time <= start_time:
        errors["end_time"].append(_("结束时间必须晚于开始时间。"))
    if date < today():
        errors["date"].append(_("不能安排过去日期的接待。"))
    pool = len(rotation.station_candidates([station.pk, *[p.pk for p in partners]]))
    if min_deputies < 1:
        errors["min_deputies"].append(_("每次至少需要 1 名代表。"))
    elif min_deputies > pool:
        errors["min_deputies"].append(
            _("最少进站代表数（%(min)d 名）超过了参加接待站点现有的代表人数（%(count)d 名）。")
            % {"min": min_deputies, "count": pool}
        )
    if not 0 <= capacity <= MAX_CAPACITY:
        errors["capacity"].append(_("可预约人数应在 0 到 %(n)d 之间。") % {"n": MAX_CAPACITY})
    if errors:
        raise InvalidInput(fields=dict(errors))
    calendar = WorkCalendar.load()
    session = ReceptionSession(
        station=station,
        kind=kind,
        date=date,
        starts_at=moment(date, start_time),
        ends_at=moment(date, end_time),
        place=place,
        theme=theme,
        min_deputies=min_deputies,
        capacity=capacity,
        remind_days_before=remind_days_before,
        provisional=not calendar.year_is_announced(date.year),
    )
    _full_clean(session, exclude=["station", "schedule"])
    session.save()
    if partners:
        session.partner_stations.set(partners)
    audit(
        actor=actor.user,
        action="reception_session.created",
        target=session,
        changes={"kind": [None, kind], "date": [None, date.isoformat()], "partners": [None, [p.pk for p in partners]]},
    )
    roster_fill([session])
    return session


def _clash(deputy: Deputy, session: ReceptionSession) -> ReceptionSession | None:
    """Another planned session at any station where the deputy is on duty at an overlapping time."""
    duty = (
        Duty.objects.filter(
            deputy=deputy,
            status__in=rotation.ACTIVE_DUTY,
            session__status=SessionStatus.PLANNED,
            session__starts_at__lt=session.ends_at,
            session__ends_at__gt=session.starts_at,
        )
        .exclude(session=session)
        .select_related("session__station")
        .first()
    )
    return duty.session if duty else None


def _check_roster_editable(actor: Actor, session: ReceptionSession) -> None:
    _check_manage(actor, session.station)
    if session.status != SessionStatus.PLANNED:
        raise IllegalState(_("这次接待已取消，不能再调整值班代表。"))
    if session.ends_at <= now():
        raise IllegalState(_("这次接待已经结束，不能再调整值班代表。"))


@transaction.atomic
def duty_add(*, actor: Actor, session: ReceptionSession, deputy: Deputy) -> Duty:
    """Put a deputy of the station (or a partner station) on the session's roster."""
    _check_roster_editable(actor, session)
    station_ids = [session.station_id, *session.partner_stations.values_list("pk", flat=True)]
    if deputy.pk not in {c.deputy_id for c in rotation.station_candidates(station_ids)}:
        raise InvalidInput(
            fields={"deputy": [_("%(name)s 目前不是本站的代表，不能安排值班。") % {"name": deputy.name}]}
        )
    if Duty.objects.filter(session=session, deputy=deputy).exists():
        raise InvalidInput(fields={"deputy": [_("%(name)s 已在这次接待的值班名单中。") % {"name": deputy.name}]})
    other = _clash(deputy, session)
    if other is not None:
        local = other.starts_at.astimezone(TZ)
        raise InvalidInput(
            fields={
                "deputy": [
                    _("%(name)s 在同一时段已安排在“%(station)s”接待（%(day)s %(start)s—%(end)s），不能重复安排。")
                    % {
                        "name": deputy.name,
                        "station": other.station.name,
                        "day": f"{local:%Y年%m月%d日}",
                        "start": f"{local:%H:%M}",
                        "end": f"{other.ends_at.astimezone(TZ):%H:%M}",
                    }
                ]
            }
        )
    duty = Duty.objects.create(session=session, deputy=deputy)
    audit(actor=actor.user, action="duty.added", target=session, changes={"deputy": [None, deputy.pk]})
    return duty


@transaction.atomic
def duty_remove(*, actor: Actor, duty: Duty, reason: str) -> None:
    """Take a deputy off a session's roster, with the reason (kept in the audit row)."""
    session = duty.session
    _check_roster_editable(actor, session)
    try:
        reason = clean_line(reason or "")
    except ValueError as exc:
        raise InvalidInput(fields={"reason": [str(exc)]}) from None
    if not reason:
        raise InvalidInput(fields={"reason": [_("请填写调整原因。")]})
    if len(reason) > 200:
        raise InvalidInput(fields={"reason": [_("原因最多 200 字。")]})
    if duty.status == DutyStatus.CHECKED_IN:
        raise IllegalState(_("该代表已签到，不能移出值班名单。"))
    audit(
        actor=actor.user,
        action="duty.removed",
        target=session,
        reason=reason,
        changes={"deputy": [duty.deputy_id, None]},
    )
    duty.delete()


# Registered in ReceptionsConfig.ready (the audit log's words for these actions).
ACTION_LABELS = {
    "reception_schedule.created": _lazy("新建接待日安排"),
    "reception_schedule.updated": _lazy("修改接待日安排"),
    "reception_schedule.sessions_generated": _lazy("生成接待日"),
    "reception_session.created": _lazy("安排主题或组团接待"),
    "duty.added": _lazy("安排值班代表"),
    "duty.removed": _lazy("移出值班代表"),
}
