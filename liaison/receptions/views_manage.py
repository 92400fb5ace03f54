"""The back office's reception-day pages under /manage/receptions/: schedules, sessions, rosters."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from liaison.accounts.access import staff_required
from liaison.accounts.jurisdiction import Actor
from liaison.core.clock import now
from liaison.core.errors import IllegalState, InvalidInput, VersionConflict
from liaison.core.forms import apply_domain_errors
from liaison.stations import selectors as station_selectors
from liaison.stations.models import Station

from . import selectors, services_booking, services_schedule
from .forms_schedule import (
    DutyAddForm,
    DutyRemoveForm,
    ScheduleForm,
    SessionCancelForm,
    SessionForm,
    SessionMoveForm,
)
from .models import ReceptionSchedule, ReceptionSession
from .schedules import preset_weekday
from .services_schedule import ConfirmationRequired, can_manage

PAGE_SIZE = 20


def _page(request: HttpRequest, qs: Any) -> Any:
    return Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))


@require_safe
@staff_required
def receptions_home(request: HttpRequest, actor: Actor) -> HttpResponse:
    """Sessions below their minimum (flagged ahead of time) and the coming month's sessions."""
    short = list(selectors.sessions_below_minimum(actor=actor)[:50])
    page = _page(request, selectors.upcoming_sessions(actor=actor))
    return render(request, "receptions/manage/home.html", {"short": short, "page": page})


@require_safe
@staff_required
def schedule_list(request: HttpRequest, actor: Actor, station_id: int) -> HttpResponse:
    """A station's schedules."""
    station = station_selectors.station_get(actor=actor, station_id=station_id)
    return render(
        request,
        "receptions/manage/schedule_list.html",
        {
            "station": station,
            "schedules": list(selectors.schedule_list(actor=actor, station=station)),
            "can_manage": can_manage(actor, station),
            "deputy_count": services_schedule.station_deputy_count(station),
        },
    )


def _schedule_values(form: ScheduleForm) -> dict[str, Any]:
    data = dict(form.cleaned_data)
    for key in ("version", "confirm"):
        data.pop(key, None)
    return data


@require_http_methods(["GET", "POST"])
@staff_required
def schedule_create(request: HttpRequest, actor: Actor, station_id: int) -> HttpResponse:
    """Set a schedule for the station: its sessions for the coming year are generated at once."""
    station = station_selectors.station_get(actor=actor, station_id=station_id)
    if not can_manage(actor, station):
        raise PermissionDenied
    form = ScheduleForm(
        request.POST or None,
        initial={
            "preset": "biweekly_wednesday",
            "starts_on": None,
            "start_time": "09:00",
            "end_time": "11:30",
            "place": station.address,
            "min_deputies": 3,
            "capacity": 20,
            "remind_days_before": 3,
            "holiday_policy": "skip",
        },
    )
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                schedule = services_schedule.schedule_create(actor=actor, station=station, **_schedule_values(form))
            except InvalidInput as exc:
                apply_domain_errors(form, exc)
            else:
                count = schedule.sessions.count()
                messages.success(request, _("已保存接待日安排，并生成了今后一年的 %(n)d 次接待。") % {"n": count})
                return redirect("receptions_manage:session_list", station_id=station.pk)
    return render(
        request,
        "receptions/manage/schedule_form.html",
        {
            "form": form,
            "station": station,
            "schedule": None,
            "deputy_count": services_schedule.station_deputy_count(station),
        },
        status=status,
    )


def _edit_form(schedule: ReceptionSchedule, data: Any = None) -> ScheduleForm:
    initial = {name: getattr(schedule, name) for name in services_schedule.SCHEDULE_FIELDS}
    initial["weekday"] = preset_weekday(schedule.rrule) if schedule.preset == "weekly" else ""
    initial["version"] = schedule.version
    if schedule.preset != "custom":
        initial["rrule"] = ""
    return ScheduleForm(data, initial=initial, editing=True)


@require_http_methods(["GET", "POST"])
@staff_required
def schedule_edit(request: HttpRequest, actor: Actor, schedule_id: int) -> HttpResponse:
    """Change a schedule; moving or removing staffed or booked sessions asks for confirmation."""
    schedule = selectors.schedule_get(actor=actor, schedule_id=schedule_id)
    station = schedule.station
    if not can_manage(actor, station):
        raise PermissionDenied
    form = _edit_form(schedule, request.POST or None)
    status, conflict, pending = 200, False, None
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                _schedule, report = services_schedule.schedule_update(
                    actor=actor,
                    schedule=schedule,
                    version=form.cleaned_data.get("version") or 0,
                    confirm=bool(form.cleaned_data.get("confirm")),
                    **_schedule_values(form),
                )
            except ConfirmationRequired as exc:
                pending = exc.report.pending
                status = 409
                data = request.POST.copy()
                data["confirm"] = "on"
                form = _edit_form(schedule, data)
                form.is_valid()
            except VersionConflict:
                conflict, status = True, 409
                schedule = selectors.schedule_get(actor=actor, schedule_id=schedule_id)
                form = _edit_form(schedule)
            except InvalidInput as exc:
                apply_domain_errors(form, exc)
            else:
                summary = report.summary()
                messages.success(
                    request,
                    _(
                        "已保存。新增 %(created)d 次，调整 %(moved)d 次，删除 %(deleted)d 次，取消 %(cancelled)d 次接待。"
                    )
                    % summary,
                )
                return redirect("receptions_manage:session_list", station_id=station.pk)
    return render(
        request,
        "receptions/manage/schedule_form.html",
        {
            "form": form,
            "station": station,
            "schedule": schedule,
            "conflict": conflict,
            "pending": pending,
            "deputy_count": services_schedule.station_deputy_count(station),
        },
        status=status,
    )


@require_safe
@staff_required
def session_list(request: HttpRequest, actor: Actor, station_id: int) -> HttpResponse:
    """A station's upcoming sessions with their rosters, provisional and below-minimum marks."""
    station = station_selectors.station_get(actor=actor, station_id=station_id)
    page = _page(request, selectors.session_list(actor=actor, station=station))
    return render(
        request,
        "receptions/manage/session_list.html",
        {"station": station, "page": page, "can_manage": can_manage(actor, station)},
    )


@require_http_methods(["GET", "POST"])
@staff_required
def session_create(request: HttpRequest, actor: Actor, station_id: int) -> HttpResponse:
    """A one-off themed or group reception."""
    station = station_selectors.station_get(actor=actor, station_id=station_id)
    if not can_manage(actor, station):
        raise PermissionDenied
    partners = selectors.partner_choices(actor=actor, station=station)
    form = SessionForm(
        request.POST or None,
        partners=partners,
        initial={"kind": "themed", "start_time": "09:00", "end_time": "11:30", "place": station.address},
    )
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            data = dict(form.cleaned_data)
            ids = data.pop("partner_stations") or []
            data["partner_stations"] = list(Station.objects.visible_to(actor).filter(pk__in=ids))
            try:
                session = services_schedule.session_create(actor=actor, station=station, **data)
            except InvalidInput as exc:
                apply_domain_errors(form, exc)
            else:
                messages.success(request, _("已安排这次接待。"))
                return redirect("receptions_manage:session_detail", session_id=session.pk)
    return render(request, "receptions/manage/session_form.html", {"form": form, "station": station}, status=status)


@require_http_methods(["GET", "POST"])
@staff_required
def session_detail(request: HttpRequest, actor: Actor, session_id: int) -> HttpResponse:
    """A session and its roster; staff who manage the station add or remove deputies."""
    session = selectors.session_get(actor=actor, session_id=session_id)
    manage = can_manage(actor, session.station)
    add_form = DutyAddForm(choices=selectors.roster_choices(session) if manage else [])
    remove_form = DutyRemoveForm()
    remove_for: int | None = None
    cancel_form = SessionCancelForm()
    move_form = SessionMoveForm(initial=_move_initial(session))
    status = 200
    if request.method == "POST":
        if not manage:
            raise PermissionDenied
        action = request.POST.get("action")
        status = 422
        try:
            if action == "duty_add":
                add_form = DutyAddForm(request.POST, choices=selectors.roster_choices(session))
                if add_form.is_valid():
                    deputy = selectors.roster_deputy_get(session, add_form.cleaned_data["deputy"])
                    services_schedule.duty_add(actor=actor, session=session, deputy=deputy)
                    messages.success(request, _("已将%(name)s排入值班。") % {"name": deputy.name})
                    return redirect("receptions_manage:session_detail", session_id=session.pk)
            elif action in ("session_cancel", "session_move"):
                response, form = _change_session(request, actor, session, action)
                if response is not None:
                    return response
                if isinstance(form, SessionCancelForm):
                    cancel_form = form
                else:
                    move_form = form
            elif action == "duty_remove":
                remove_form = DutyRemoveForm(request.POST)
                remove_for = _int(request.POST.get("duty"))
                if remove_form.is_valid():
                    duty = selectors.duty_get(session=session, duty_id=remove_form.cleaned_data["duty"])
                    services_schedule.duty_remove(actor=actor, duty=duty, reason=remove_form.cleaned_data["reason"])
                    messages.success(request, _("已将%(name)s移出值班名单。") % {"name": duty.deputy.name})
                    return redirect("receptions_manage:session_detail", session_id=session.pk)
            else:
                status = 400
        except InvalidInput as exc:
            apply_domain_errors(add_form if action == "duty_add" else remove_form, exc)
        except IllegalState as exc:
            messages.error(request, exc.message)
            status = 409
    return render(
        request,
        "receptions/manage/session_detail.html",
        {
            "session": session,
            "roster": selectors.session_roster(session),
            "partners": list(session.partner_stations.all()),
            "can_manage": manage,
            "add_form": add_form,
            "remove_form": remove_form,
            "remove_for": remove_for,
            "cancel_form": cancel_form,
            "move_form": move_form,
            "upcoming": session.starts_at > now(),
        },
        status=status,
    )


def _move_initial(session: ReceptionSession) -> dict[str, object]:
    local = timezone.localtime
    return {
        "new_date": session.date,
        "start_time": local(session.starts_at).time(),
        "end_time": local(session.ends_at).time(),
    }


def _change_session(
    request: HttpRequest, actor: Actor, session: ReceptionSession, action: str
) -> tuple[HttpResponse | None, SessionCancelForm | SessionMoveForm]:
    """Cancel or move the session (services_booking tells everyone booked and on duty): a
    redirect when done, else the bound form with its errors."""
    if action == "session_cancel":
        cancel = SessionCancelForm(request.POST)
        if cancel.is_valid():
            try:
                sent = services_booking.session_cancel(
                    actor=actor, session=session, reason=cancel.cleaned_data["reason"]
                )
            except InvalidInput as exc:
                apply_domain_errors(cancel, exc)
                return None, cancel
            messages.success(request, _("已取消本次接待，已通知 %(n)d 人次。") % {"n": sent})
            return redirect("receptions_manage:session_detail", session_id=session.pk), cancel
        return None, cancel
    move = SessionMoveForm(request.POST)
    if move.is_valid():
        data = move.cleaned_data
        try:
            sent = services_booking.session_move(
                actor=actor,
                session=session,
                new_date=data["new_date"],
                start_time=data["start_time"],
                end_time=data["end_time"],
                reason=data["reason"],
            )
        except InvalidInput as exc:
            apply_domain_errors(move, exc)
            return None, move
        messages.success(request, _("已调整本次接待的时间，已通知 %(n)d 人次。") % {"n": sent})
        return redirect("receptions_manage:session_detail", session_id=session.pk), move
    return None, move


def _int(value: object) -> int | None:
    try:
        return int(str(value))
    except (TypeError, ValueError):
        return None
