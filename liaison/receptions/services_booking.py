"""Residents' bookings (预约 / 提前反映) and the staff's cancelling or moving of a session.

A booking's cancel code is shown to the resident once and kept only as its SHA-256. When staff
cancel or move a session, every active booking's phone gets an SMS and every deputy on duty an
in-app message, through the outbox (`liaison.core.notify`): keyed per session version, so a
retried job writes each message once.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import unicodedata
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from liaison.accounts.jurisdiction import Actor
from liaison.core.audit import audit
from liaison.core.clock import now, today
from liaison.core.errors import Conflict, Forbidden, IllegalState, InvalidInput, NotFound
from liaison.core.models import NotificationChannel
from liaison.core.notify import notify
from liaison.core.personal_data import normalize_phone
from liaison.core.text import clean_line, clean_text
from liaison.core.versioning import save_versioned
from liaison.stations.models import Station

from .choices import BookingStatus, DutyStatus, SessionStatus
from .models import Booking, Duty, ReceptionSession

# Unambiguous characters only (no 0/O, 1/I/L): read aloud or copied from a note by older residents.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8
MAX_MATTER = 500
ON_DUTY = (DutyStatus.ROSTERED, DutyStatus.CHECKED_IN)

ACTION_LABELS = {
    "reception_booking.create": gettext_lazy("群众预约接待"),
    "reception_booking.cancel": gettext_lazy("群众取消预约"),
    "reception_session.cancel": gettext_lazy("取消接待日"),
    "reception_session.move": gettext_lazy("接待日改期"),
}


def hash_code(code: str) -> str:
    return hashlib.sha256(normalize_code(code).encode()).hexdigest()


def normalize_code(code: str) -> str:
    """Upper case, full-width folded, spaces and dashes dropped: `ab3k-7mnp` == `AB3K7MNP`."""
    text = unicodedata.normalize("NFKC", code or "").upper()
    return "".join(ch for ch in text if ch.isalnum())


def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def _local(session_date: dt.date, time: dt.time) -> dt.datetime:
    return dt.datetime.combine(session_date, time, tzinfo=ZoneInfo(settings.TIME_ZONE))


def _validate_booking(*, name: str, phone: str, matter: str) -> tuple[str, str, str]:
    errors: dict[str, list[str]] = {}
    try:
        name = clean_line(name or "")
    except ValueError as exc:
        errors["name"] = [str(exc)]
    if "name" not in errors and not name:
        errors["name"] = [_("请填写您的姓名或称呼。")]
    elif "name" not in errors and len(name) > 50:
        errors["name"] = [_("姓名最多 50 个字。")]
    try:
        phone = normalize_phone(phone)
    except ValidationError as exc:
        errors["phone"] = list(exc.messages)
    try:
        matter = clean_text(matter or "")
    except ValueError as exc:
        errors["matter"] = [str(exc)]
    if "matter" not in errors and len(matter) > MAX_MATTER:
        errors["matter"] = [_("想反映的事情最多 %(n)d 个字，详细情况可以到时当面说。") % {"n": MAX_MATTER}]
    if errors:
        raise InvalidInput(fields=errors)
    return name, phone, matter


@transaction.atomic
def booking_create(
    *, actor: Actor, session: ReceptionSession, name: str, phone: str, matter: str = ""
) -> tuple[Booking, str]:
    """Book a slot (or send the matter ahead) at an upcoming session; returns the booking and its
    cancel code, which is not stored and cannot be shown again."""
    name, phone, matter = _validate_booking(name=name, phone=phone, matter=matter)
    # Lock the session: two residents taking the last seat at once cannot both get it.
    locked = ReceptionSession.objects.select_for_update().filter(pk=session.pk).first()
    if locked is None:
        raise NotFound()
    if locked.status != SessionStatus.PLANNED or locked.ends_at <= now():
        raise IllegalState(_("这次接待已取消或已结束，不能再预约。请选择其他日期。"))
    active = Booking.objects.filter(session=locked, status=BookingStatus.ACTIVE)
    if active.filter(phone=phone).exists():
        raise InvalidInput(fields={"phone": [_("该手机号已预约过这次接待，不能重复预约。")]})
    if active.count() >= locked.capacity:
        raise Conflict(_("这次接待已约满，请选择其他日期，或直接拨打站点电话。"))
    code = _new_code()
    try:
        with transaction.atomic():
            booking = Booking.objects.create(
                session=locked, name=name, phone=phone, matter=matter, code_hash=hash_code(code)
            )
    except IntegrityError:
        raise InvalidInput(fields={"phone": [_("该手机号已预约过这次接待，不能重复预约。")]}) from None
    audit(
        actor=actor.user,
        action="reception_booking.create",
        target=booking,
        changes={"session": locked.pk, "with_matter": bool(matter)},
    )
    return booking, code


@transaction.atomic
def booking_cancel(*, actor: Actor, code: str) -> Booking:
    """Cancel the active booking holding this code; a wrong code is NotFound (never says more)."""
    normalized = normalize_code(code)
    if len(normalized) != CODE_LENGTH:
        raise NotFound(_("取消码不正确。请核对预约时得到的 8 位取消码。"))
    booking = (
        Booking.objects.select_for_update()
        .select_related("session__station")
        .filter(code_hash=hash_code(normalized), status=BookingStatus.ACTIVE)
        .first()
    )
    if booking is None:
        raise NotFound(_("取消码不正确，或这个预约已经取消。请核对预约时得到的 8 位取消码。"))
    if booking.session.ends_at <= now():
        raise IllegalState(_("这次接待已经结束，不需要再取消。"))
    booking.status = BookingStatus.CANCELLED
    booking.save(update_fields=["status", "updated_at"])
    audit(actor=actor.user, action="reception_booking.cancel", target=booking, changes={"session": booking.session_id})
    return booking


# ---- staff: cancel or move a session, and tell everyone -------------------------------------


def _check_can_change(actor: Actor, session: ReceptionSession) -> None:
    if actor.is_read_only or not Station.objects.visible_to(actor, "change").filter(pk=session.station_id).exists():
        raise Forbidden(_("您没有权限调整这次接待。"))


def _check_upcoming(session: ReceptionSession) -> None:
    if session.status != SessionStatus.PLANNED:
        raise IllegalState(_("这次接待已经取消，不能再调整。"))
    if session.date < today():
        raise IllegalState(_("这次接待已经过去，不能再取消或改期。"))


def session_when(session: ReceptionSession) -> str:
    local = session.starts_at.astimezone(ZoneInfo(settings.TIME_ZONE))
    end = session.ends_at.astimezone(ZoneInfo(settings.TIME_ZONE))
    return f"{local:%Y-%m-%d %H:%M}-{end:%H:%M}"


def _tell_everyone(*, session: ReceptionSession, subject: str, body: str, event: str) -> int:
    """SMS to every active booking, in-app to every deputy on duty; returns how many were written."""
    key = f"reception_session:{session.pk}:v{session.version}:{event}"
    link = reverse("portal:station", args=[session.station_id])
    written = 0
    for booking in Booking.objects.filter(session=session, status=BookingStatus.ACTIVE).only("id", "phone"):
        if notify(
            channel=NotificationChannel.SMS,
            address=booking.phone,
            subject=subject,
            body=body,
            link=link,
            dedupe_key=f"{key}:booking:{booking.pk}",
        ):
            written += 1
    duties = Duty.objects.filter(session=session, status__in=ON_DUTY).select_related("deputy__user")
    for duty in duties:
        deputy = duty.deputy
        if deputy.user_id is not None:
            sent = notify(
                recipient=deputy.user,
                channel=NotificationChannel.IN_APP,
                subject=subject,
                body=body,
                link=link,
                dedupe_key=f"{key}:duty:{duty.pk}",
            )
        else:  # a deputy without an account: an SMS to the work phone instead
            sent = notify(
                channel=NotificationChannel.SMS,
                address=deputy.work_phone,
                subject=subject,
                body=body,
                link=link,
                dedupe_key=f"{key}:duty:{duty.pk}",
            )
        if sent:
            written += 1
    return written


@transaction.atomic
def session_cancel(*, actor: Actor, session: ReceptionSession, reason: str, version: int | None = None) -> int:
    """Cancel an upcoming session; tell everyone booked and every deputy on duty. Returns the number
    of messages written to the outbox."""
    _check_can_change(actor, session)
    _check_upcoming(session)
    try:
        reason = clean_line(reason or "")
    except ValueError as exc:
        raise InvalidInput(fields={"reason": [str(exc)]}) from None
    if not reason:
        raise InvalidInput(fields={"reason": [_("请填写取消的原因，它会通知给预约的群众和值班代表。")]})
    if len(reason) > 200:
        raise InvalidInput(fields={"reason": [_("原因最多 200 个字。")]})
    save_versioned(
        session,
        expected_version=session.version if version is None else version,
        values={"status": SessionStatus.CANCELLED, "status_reason": reason},
    )
    audit(actor=actor.user, action="reception_session.cancel", target=session, reason=reason)
    station = session.station.name
    subject = _("接待取消通知")
    body = _("%(station)s %(when)s 的代表接待已取消，原因：%(reason)s。给您带来不便，敬请谅解。") % {
        "station": station,
        "when": session_when(session),
        "reason": reason,
    }
    return _tell_everyone(session=session, subject=subject, body=body, event="cancel")


@transaction.atomic
def session_move(
    *,
    actor: Actor,
    session: ReceptionSession,
    new_date: dt.date,
    start_time: dt.time | None = None,
    end_time: dt.time | None = None,
    reason: str = "",
    version: int | None = None,
) -> int:
    """Move an upcoming session to another day (and times); refuses a day on which a deputy on duty
    is already at another session. Tells everyone booked and every deputy on duty."""
    _check_can_change(actor, session)
    _check_upcoming(session)
    zone = ZoneInfo(settings.TIME_ZONE)
    start_time = start_time or session.starts_at.astimezone(zone).time()
    end_time = end_time or session.ends_at.astimezone(zone).time()
    errors: dict[str, list[str]] = {}
    if new_date < today():
        errors["new_date"] = [_("新的日期不能早于今天。")]
    if end_time <= start_time:
        errors["end_time"] = [_("结束时间必须晚于开始时间。")]
    try:
        reason = clean_line(reason or "")
    except ValueError as exc:
        errors["reason"] = [str(exc)]
    if len(reason) > 200:
        errors["reason"] = [_("原因最多 200 个字。")]
    if errors:
        raise InvalidInput(fields=errors)
    starts_at, ends_at = _local(new_date, start_time), _local(new_date, end_time)
    if starts_at == session.starts_at and ends_at == session.ends_at:
        raise InvalidInput(fields={"new_date": [_("新的时间与原来相同。")]})
    on_duty = Duty.objects.filter(session=session, status__in=ON_DUTY).values("deputy_id")
    clashes = (
        Duty.objects.filter(
            Q(deputy_id__in=on_duty),
            status__in=ON_DUTY,
            session__status=SessionStatus.PLANNED,
            session__starts_at__lt=ends_at,
            session__ends_at__gt=starts_at,
        )
        .exclude(session=session)
        .select_related("deputy")
        .order_by("deputy__name_pinyin")
    )
    names = sorted({d.deputy.name for d in clashes})
    if names:
        message = _("%(names)s 在这个时间已有其他接待安排，请换一个时间或先调整值班。") % {
            "names": "\u3001".join(names)
        }
        raise InvalidInput(fields={"new_date": [message]})
    before = session_when(session)
    save_versioned(
        session,
        expected_version=session.version if version is None else version,
        values={"date": new_date, "starts_at": starts_at, "ends_at": ends_at, "status_reason": reason},
    )
    audit(
        actor=actor.user,
        action="reception_session.move",
        target=session,
        reason=reason,
        changes={"when": [before, session_when(session)]},
    )
    subject = _("接待改期通知")
    body = _("%(station)s 原定 %(before)s 的代表接待改为 %(after)s。") % {
        "station": session.station.name,
        "before": before,
        "after": session_when(session),
    }
    if reason:
        body += _("原因：%(reason)s。") % {"reason": reason}
    return _tell_everyone(session=session, subject=subject, body=body, event="move")


def session_change_announce(*, session: ReceptionSession, before: str | None) -> int:
    """Tell everyone booked and every deputy on duty that a schedule change moved (`before` is the
    old time) or cancelled (`before` is None) this session: the same messages as a move or a
    cancellation by hand, so nobody learns of it at the station's closed door."""
    station = session.station.name
    if before is None:
        subject = _("接待取消通知")
        body = _("%(station)s %(when)s 的代表接待已取消，原因：%(reason)s。给您带来不便，敬请谅解。") % {
            "station": station,
            "when": session_when(session),
            "reason": session.status_reason,
        }
        return _tell_everyone(session=session, subject=subject, body=body, event="cancel")
    subject = _("接待改期通知")
    body = _("%(station)s 原定 %(before)s 的代表接待改为 %(after)s。") % {
        "station": station,
        "before": before,
        "after": session_when(session),
    }
    return _tell_everyone(session=session, subject=subject, body=body, event="move")
