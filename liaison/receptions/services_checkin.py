"""Check-in at a reception: by the desk's QR code, by staff with a reason, and missed duties.

Every change is audited in the same transaction. Checking in twice changes nothing (the first
time stands), so a deputy who scans again, or a retried request, is harmless.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from liaison.accounts.jurisdiction import Actor
from liaison.core.audit import audit, register_action_labels
from liaison.core.clock import now
from liaison.core.errors import Forbidden, IllegalState, InvalidInput
from liaison.core.text import clean_line
from liaison.stations.models import Station

from .checkin import OPENS_BEFORE, checkin_code_read
from .choices import CheckInMethod, DutyStatus, SessionStatus
from .models import Duty, ReceptionSession

# Named here (the module every check-in path imports) until ReceptionsConfig.ready registers
# the app's labels itself.
ACTION_LABELS = {
    "duty.checked_in": gettext_lazy("代表扫码签到"),
    "duty.checked_in_manually": gettext_lazy("工作人员代签到"),
    "duty.missed": gettext_lazy("记录缺勤"),
}
register_action_labels(ACTION_LABELS)

REASON_MAX = 200


class OutsideWindow(IllegalState):
    """A check-in before the window opens or after the session ended."""


def session_can_run_desk(actor: Actor, session: ReceptionSession) -> bool:
    """The station's staff and the offices over it run the desk (sponsors only look)."""
    if actor.is_read_only:
        return False
    return Station.objects.visible_to(actor, "change").filter(pk=session.station_id).exists()


def checkin_window(session: ReceptionSession) -> tuple[dt.datetime, dt.datetime]:
    """From half an hour before the start to the end of the session."""
    return session.starts_at - OPENS_BEFORE, session.ends_at


def _check_window(session: ReceptionSession, at: dt.datetime) -> None:
    if session.status == SessionStatus.CANCELLED:
        raise IllegalState(_("这次接待已取消，不能签到。"))
    opens, closes = checkin_window(session)
    if at < opens:
        raise OutsideWindow(
            _("还没到签到时间：接待开始前 30 分钟（%(time)s）起才能签到。") % {"time": _local(opens).strftime("%H:%M")}
        )
    if at > closes:
        raise OutsideWindow(_("这次接待已经结束，不能再扫码签到。如确已到站，请联系工作人员代为签到。"))


def _local(moment: dt.datetime) -> dt.datetime:
    from django.utils import timezone

    return timezone.localtime(moment)


def _scanned_duty(actor: Actor, code_session_id: int, *, lock: bool) -> Duty:
    if not actor.deputy_ids:
        raise Forbidden(_("只有人大代表本人可以扫码签到。"))
    qs = Duty.objects.select_related("session__station", "deputy")
    if lock:
        qs = qs.select_for_update()
    duty = qs.filter(session_id=code_session_id, deputy_id__in=actor.deputy_ids).first()
    if duty is None:
        raise Forbidden(_("您不在这次接待的值班名单上，不能签到。如需参加，请联系站点工作人员。"))
    return duty


def _check_can_scan(duty: Duty, at: dt.datetime) -> None:
    _check_window(duty.session, at)
    if duty.status == DutyStatus.ON_LEAVE:
        raise IllegalState(_("您已请假，不能扫码签到。如已到站，请联系工作人员代为签到。"))


def duty_check_in_preview(*, actor: Actor, token: str) -> Duty:
    """What scanning the code would do, without doing it: the same checks, nothing written."""
    at = now()
    code = checkin_code_read(token, at=at)
    duty = _scanned_duty(actor, code.session_id, lock=False)
    if duty.status != DutyStatus.CHECKED_IN:
        _check_can_scan(duty, at)
    return duty


@transaction.atomic
def duty_check_in_by_code(*, actor: Actor, token: str, ticket: str = "", user_id: int | None = None) -> Duty:
    """A deputy scanned the desk's code: check him in at that session (idempotent).

    `ticket` (with `user_id`) is the confirmation page's proof that the code was current when
    this user scanned it; without it the code itself must be current.
    """
    at = now()
    code = checkin_code_read(token, at=at, ticket=ticket, user_id=user_id)
    duty = _scanned_duty(actor, code.session_id, lock=True)
    if duty.status == DutyStatus.CHECKED_IN:
        return duty
    _check_can_scan(duty, at)
    previous = duty.status
    duty.status = DutyStatus.CHECKED_IN
    duty.checked_in_at = at
    duty.check_in_method = CheckInMethod.QR
    duty.save(update_fields=["status", "checked_in_at", "check_in_method", "updated_at"])
    audit(
        actor=actor.user,
        action="duty.checked_in",
        target=duty,
        changes={"status": [previous, duty.status], "method": CheckInMethod.QR, "session": duty.session_id},
    )
    return duty


def _reason(raw: str) -> str:
    try:
        reason = clean_line(raw or "")
    except ValueError as exc:
        raise InvalidInput(fields={"reason": [str(exc)]}) from None
    if not reason:
        raise InvalidInput(fields={"reason": [_("请填写代签到的原因，例如“代表手机没电，现场核实身份”。")]})
    if len(reason) > REASON_MAX:
        raise InvalidInput(fields={"reason": [_("原因不能超过 %(n)d 个字。") % {"n": REASON_MAX}]})
    return reason


@transaction.atomic
def duty_check_in_manually(*, actor: Actor, session: ReceptionSession, duty_id: Any, reason: str) -> Duty:
    """Staff check a rostered deputy in by hand, with a reason (audited); also after the end."""
    if not session_can_run_desk(actor, session):
        raise Forbidden()
    try:
        duty = (
            Duty.objects.select_for_update().select_related("deputy", "session").get(session=session, pk=int(duty_id))
        )
    except (TypeError, ValueError, OverflowError, Duty.DoesNotExist):
        raise InvalidInput(fields={"duty": [_("请选择这次接待值班名单上的代表。")]}) from None
    reason = _reason(reason)
    if duty.status == DutyStatus.CHECKED_IN:
        return duty
    if session.status == SessionStatus.CANCELLED:
        raise IllegalState(_("这次接待已取消，不能签到。"))
    at = now()
    if at < checkin_window(session)[0]:
        raise OutsideWindow(_("接待还没有开始，不能代为签到。"))
    previous = duty.status
    duty.status = DutyStatus.CHECKED_IN
    duty.checked_in_at = at
    duty.check_in_method = CheckInMethod.MANUAL
    duty.save(update_fields=["status", "checked_in_at", "check_in_method", "updated_at"])
    audit(
        actor=actor.user,
        action="duty.checked_in_manually",
        target=duty,
        reason=reason,
        changes={"status": [previous, duty.status], "method": CheckInMethod.MANUAL, "session": session.pk},
    )
    return duty


def mark_missed_duties(*, at: dt.datetime | None = None) -> int:
    """Duties still "rostered" at sessions that have ended become "missed" (one audit row each).

    Idempotent: a duty is marked once; checked-in and on-leave duties are never touched.
    Cancelled sessions have no duty to miss.
    """
    moment = at or now()
    marked = 0
    due = Duty.objects.filter(
        status=DutyStatus.ROSTERED, session__ends_at__lt=moment, session__status=SessionStatus.PLANNED
    ).order_by("pk")
    # A bounded batch per run: the periodic command comes back for the rest.
    ids = list(due.values_list("pk", flat=True)[:5000])
    for duty_id in ids:
        with transaction.atomic():
            duty = (
                Duty.objects.select_for_update()
                .select_related("session__station", "deputy")
                .filter(pk=duty_id, status=DutyStatus.ROSTERED)
                .first()
            )
            if duty is None:
                continue
            duty.status = DutyStatus.MISSED
            duty.save(update_fields=["status", "updated_at"])
            audit(
                actor=None,
                action="duty.missed",
                target=duty,
                changes={"status": [DutyStatus.ROSTERED, DutyStatus.MISSED], "session": duty.session_id},
            )
            marked += 1
    return marked


# ---- reads of the desk ------------------------------------------------------------------------


def desk_session_get(*, actor: Actor, session_id: Any) -> ReceptionSession:
    """A session at a station the actor sees, or where one of his deputies is on duty (else 404)."""
    from django.db.models import Q

    from liaison.core.jurisdiction import get_visible

    reach = Q(station__in=Station.objects.visible_to(actor))
    if actor.deputy_ids:
        reach |= Q(pk__in=Duty.objects.filter(deputy_id__in=actor.deputy_ids).values("session_id"))
    return get_visible(ReceptionSession.objects.filter(reach).select_related("station"), session_id)


def desk_roster(session: ReceptionSession) -> list[Duty]:
    """The session's duties with their deputies, in name order (one query)."""
    return list(session.duties.select_related("deputy").order_by("deputy__name_pinyin", "id"))
