"""Leave and duty swaps: a deputy asks, staff in reach decide; every step audited and announced.

Leave (请假): the deputy asks to be excused from one of his own future duties; station staff or
the office approve (the duty goes on leave, and the session may fall below its minimum: staff are
told) or refuse. Swap (换班): a deputy proposes to trade a future duty with another deputy's; the
other deputy accepts (or declines); staff approve, and the two duties exchange deputies in one
transaction, never leaving a deputy on two overlapping sessions at any station.

The models keep no "accepted" mark on a swap nor a decision note: the acceptance is the
`swap.accepted` audit row, and the note is the decision's audit reason.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from liaison.accounts.jurisdiction import Actor
from liaison.core.audit import audit
from liaison.core.clock import now
from liaison.core.errors import Conflict, Forbidden, IllegalState, InvalidInput, NotFound
from liaison.core.models import AuditEvent, NotificationChannel
from liaison.core.notify import notify
from liaison.core.text import clean_line
from liaison.stations.models import Station

from .choices import DutyStatus, RequestStatus, SessionStatus
from .models import Duty, LeaveRequest, ReceptionSession, SwapRequest

ACTION_LABELS = {
    "leave.requested": gettext_lazy("申请请假"),
    "leave.approved": gettext_lazy("批准请假"),
    "leave.rejected": gettext_lazy("不批准请假"),
    "swap.requested": gettext_lazy("申请换班"),
    "swap.accepted": gettext_lazy("同意换班"),
    "swap.declined": gettext_lazy("拒绝换班"),
    "swap.approved": gettext_lazy("批准换班"),
    "swap.rejected": gettext_lazy("不批准换班"),
}

# Duties that occupy the deputy's time (on leave frees it).
BUSY = (DutyStatus.ROSTERED, DutyStatus.CHECKED_IN)
REASON_MAX = 200


# ---- helpers ---------------------------------------------------------------------------------


def _reason(value: str, *, required: bool, field: str = "reason") -> str:
    try:
        text = clean_line(value or "")
    except ValueError as exc:
        raise InvalidInput(fields={field: [str(exc)]}) from None
    if required and not text:
        raise InvalidInput(fields={field: [_("请填写事由。")]})
    if len(text) > REASON_MAX:
        raise InvalidInput(fields={field: [_("事由不能超过 %(n)s 个字。") % {"n": REASON_MAX}]})
    return text


def _locked_duty(duty: Duty) -> Duty:
    return (
        Duty.objects.select_for_update(of=("self",)).select_related("session__station", "deputy__user").get(pk=duty.pk)
    )


def _own_future_duty(actor: Actor, duty: Duty, *, what: str) -> Duty:
    """The actor's own duty, locked, still rostered at a planned session that has not started."""
    if duty.deputy_id not in actor.deputy_ids:
        raise NotFound()
    duty = _locked_duty(duty)
    _check_future_rostered(duty, what=what)
    return duty


def _check_future_rostered(duty: Duty, *, what: str) -> None:
    session = duty.session
    if session.status != SessionStatus.PLANNED:
        raise IllegalState(_("这次接待已取消，不能%(what)s。") % {"what": what})
    if session.starts_at <= now():
        raise IllegalState(_("这次接待已经开始或结束，不能再%(what)s。") % {"what": what})
    if duty.status != DutyStatus.ROSTERED:
        raise IllegalState(
            _("该值班当前状态为“%(status)s”，不能%(what)s。") % {"status": duty.get_status_display(), "what": what}
        )


def _check_staff_reach(actor: Actor, stations: Iterable[Station]) -> None:
    """Staff and offices who may change the stations' rosters; a station out of sight is a 404."""
    ids = {s.pk for s in stations}
    # Being a deputy at a station gives no say over its roster, nor sight of others' requests.
    as_staff = replace(actor, deputy_ids=frozenset())
    if Station.objects.visible_to(as_staff, "view").filter(pk__in=ids).count() != len(ids):
        raise NotFound()
    if actor.is_read_only or Station.objects.visible_to(actor, "change").filter(pk__in=ids).count() != len(ids):
        raise Forbidden(_("只有该站点的工作人员或人大工作机构可以审批。"))


def staff_users(stations: Iterable[Station]) -> list[Any]:
    """The users holding a station-staff grant on these stations (or the station of a point)."""
    from liaison.accounts.choices import Role
    from liaison.accounts.models import RoleGrant, User

    ids: set[int] = set()
    for station in stations:
        ids.add(station.pk)
        if station.parent_id:
            ids.add(station.parent_id)
    users = RoleGrant.objects.active().filter(role=Role.STATION_STAFF, station_id__in=ids).values("user_id")
    return list(User.objects.filter(pk__in=users, is_active=True).order_by("pk"))


def _tell(users: Iterable[Any], *, key: str, subject: str, body: str, link: str) -> None:
    for user in users:
        if user is not None:
            notify(
                recipient=user,
                channel=NotificationChannel.IN_APP,
                subject=subject,
                body=body,
                link=link,
                dedupe_key=f"{key}:{user.pk}",
            )


def _when(session: ReceptionSession) -> str:
    from django.utils import timezone

    start = timezone.localtime(session.starts_at)
    return f"{start:%Y-%m-%d %H:%M} {session.station.name}"


def _my_link() -> str:
    return reverse("receptions_deputy:duties")


def _staff_link() -> str:
    return reverse("receptions_requests:list")


def _overlapping(deputy_id: int, session: ReceptionSession, *, excluding: Iterable[int]) -> Duty | None:
    """The deputy's busy duty whose session overlaps `session` in time (at any station)."""
    return (
        Duty.objects.filter(deputy_id=deputy_id, status__in=BUSY)
        .exclude(pk__in=list(excluding))
        .filter(
            session__status=SessionStatus.PLANNED,
            session__starts_at__lt=session.ends_at,
            session__ends_at__gt=session.starts_at,
        )
        .select_related("session__station")
        .first()
    )


def session_shortfall(session: ReceptionSession) -> int:
    """How many deputies the session lacks to reach its minimum (0 when it has enough)."""
    present = Duty.objects.filter(session=session, status__in=BUSY).count()
    return max(session.min_deputies - present, 0)


# ---- leave -----------------------------------------------------------------------------------


@transaction.atomic
def leave_request(*, actor: Actor, duty: Duty, reason: str) -> LeaveRequest:
    """The deputy asks to be excused from his own future duty."""
    duty = _own_future_duty(actor, duty, what=_("请假"))
    text = _reason(reason, required=True)
    if LeaveRequest.objects.filter(duty=duty, status=RequestStatus.PENDING).exists():
        raise Conflict(_("您已为这次接待提交过请假申请，正在等待审批。"))
    if SwapRequest.objects.filter(Q(duty=duty) | Q(other=duty), status=RequestStatus.PENDING).exists():
        raise Conflict(_("这次值班有一个待处理的换班申请，请先撤回或等待处理。"))
    request = LeaveRequest.objects.create(duty=duty, reason=text)
    audit(actor=actor.user, action="leave.requested", target=request, reason=text, changes={"duty": duty.pk})
    session = duty.session
    _tell(
        staff_users([session.station]),
        key=f"leave:{request.pk}:requested",
        subject=_("%(name)s申请请假") % {"name": duty.deputy.name},
        body=_("%(name)s申请不参加 %(when)s 的接待，事由：%(reason)s")
        % {"name": duty.deputy.name, "when": _when(session), "reason": text},
        link=_staff_link(),
    )
    return request


@transaction.atomic
def leave_decide(*, actor: Actor, request: LeaveRequest, approve: bool, note: str = "") -> LeaveRequest:
    """Staff approve (the duty goes on leave) or refuse a pending leave request."""
    request = (
        LeaveRequest.objects.select_for_update(of=("self",)).select_related("duty__session__station").get(pk=request.pk)
    )
    session = request.duty.session
    _check_staff_reach(actor, [session.station])
    text = _reason(note, required=False, field="note")
    if request.status != RequestStatus.PENDING:
        raise IllegalState(_("该请假申请已处理过（%(status)s）。") % {"status": request.get_status_display()})
    duty = _locked_duty(request.duty)
    if approve:
        if duty.status != DutyStatus.ROSTERED:
            raise IllegalState(
                _("该值班当前状态为“%(status)s”，不能再批准请假。") % {"status": duty.get_status_display()}
            )
        duty.status = DutyStatus.ON_LEAVE
        duty.save(update_fields=["status", "updated_at"])
    request.status = RequestStatus.APPROVED if approve else RequestStatus.REJECTED
    request.decided_by = actor.user
    request.decided_at = now()
    request.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])
    short = session_shortfall(session) if approve else 0
    audit(
        actor=actor.user,
        action="leave.approved" if approve else "leave.rejected",
        target=request,
        reason=text,
        changes={"duty": duty.pk, "shortfall": short},
    )
    verdict = _("已批准") if approve else _("未批准")
    body = _("您申请不参加 %(when)s 的接待：%(verdict)s。") % {"when": _when(session), "verdict": verdict}
    if text:
        body += _("说明：%(note)s") % {"note": text}
    _tell(
        [duty.deputy.user],
        key=f"leave:{request.pk}:decided",
        subject=_("请假申请%(verdict)s") % {"verdict": verdict},
        body=body,
        link=_my_link(),
    )
    if short:
        _tell(
            staff_users([session.station]),
            key=f"session:{session.pk}:short:leave:{request.pk}",
            subject=_("接待日代表人数不足"),
            body=_("%(when)s 的接待还差 %(n)s 名代表，请补充安排。") % {"when": _when(session), "n": short},
            link=_staff_link(),
        )
    return request


# ---- swaps -----------------------------------------------------------------------------------


def _check_swap_fits(duty: Duty, other: Duty) -> None:
    """After the swap, neither deputy is on a session twice nor on two overlapping sessions."""
    if duty.deputy_id == other.deputy_id:
        raise InvalidInput(fields={"other_duty": [_("不能和自己换班。")]})
    if duty.session_id == other.session_id:
        raise InvalidInput(fields={"other_duty": [_("两人在同一次接待值班，无需换班。")]})
    if Duty.objects.filter(session=other.session, deputy_id=duty.deputy_id).exists():
        raise InvalidInput(fields={"other_duty": [_("您已在那次接待的值班名单中。")]})
    if Duty.objects.filter(session=duty.session, deputy_id=other.deputy_id).exists():
        raise InvalidInput(fields={"other_duty": [_("对方已在您这次接待的值班名单中。")]})
    mine = _overlapping(duty.deputy_id, other.session, excluding=[duty.pk])
    if mine is not None:
        raise InvalidInput(
            fields={"other_duty": [_("换班后您在 %(when)s 另有值班，时间冲突。") % {"when": _when(mine.session)}]}
        )
    theirs = _overlapping(other.deputy_id, duty.session, excluding=[other.pk])
    if theirs is not None:
        raise InvalidInput(
            fields={"other_duty": [_("换班后对方在 %(when)s 另有值班，时间冲突。") % {"when": _when(theirs.session)}]}
        )


@transaction.atomic
def swap_request(*, actor: Actor, duty: Duty, other_duty: Duty, reason: str = "") -> SwapRequest:
    """The deputy proposes to trade his future duty for another deputy's future duty."""
    duty = _own_future_duty(actor, duty, what=_("换班"))
    # The other duty must be at a station the deputy can see (his own stations): never reveal others.
    if not Station.objects.visible_to(actor, "view").filter(pk=other_duty.session.station_id).exists():
        raise NotFound()
    other = _locked_duty(other_duty)
    text = _reason(reason, required=False)
    try:
        _check_future_rostered(other, what=_("换班"))
    except IllegalState as exc:
        raise InvalidInput(fields={"other_duty": [exc.message]}) from None
    _check_swap_fits(duty, other)
    pending = Q(duty__in=[duty, other]) | Q(other__in=[duty, other])
    if SwapRequest.objects.filter(pending, status=RequestStatus.PENDING).exists():
        raise Conflict(_("其中一次值班已有待处理的换班申请。"))
    if LeaveRequest.objects.filter(duty__in=[duty, other], status=RequestStatus.PENDING).exists():
        raise Conflict(_("其中一次值班已有待审批的请假申请。"))
    swap = SwapRequest.objects.create(duty=duty, other=other, reason=text)
    audit(
        actor=actor.user,
        action="swap.requested",
        target=swap,
        reason=text,
        changes={"duty": duty.pk, "other": other.pk},
    )
    _tell(
        [other.deputy.user],
        key=f"swap:{swap.pk}:requested",
        subject=_("%(name)s想和您换班") % {"name": duty.deputy.name},
        body=_("%(name)s想用 %(mine)s 的值班换您 %(theirs)s 的值班，请在“我的接待日”中答复。")
        % {"name": duty.deputy.name, "mine": _when(duty.session), "theirs": _when(other.session)},
        link=_my_link(),
    )
    return swap


def swap_is_accepted(swap: SwapRequest) -> bool:
    """Whether the other deputy agreed (recorded as the swap's `swap.accepted` audit row)."""
    return AuditEvent.objects.filter(
        action="swap.accepted", target_type=SwapRequest._meta.label_lower, target_id=str(swap.pk)
    ).exists()


def accepted_swap_ids(ids: Iterable[int]) -> set[int]:
    """The swaps among `ids` the other deputy has accepted (one query)."""
    rows = AuditEvent.objects.filter(
        action="swap.accepted", target_type=SwapRequest._meta.label_lower, target_id__in=[str(i) for i in ids]
    ).values_list("target_id", flat=True)
    return {int(i) for i in rows}


@transaction.atomic
def swap_accept(*, actor: Actor, request: SwapRequest, accept: bool = True) -> SwapRequest:
    """The other deputy agrees to the swap (it then waits for staff) or declines it (closed)."""
    swap = (
        SwapRequest.objects.select_for_update(of=("self",))
        .select_related("other", "duty__session__station")
        .get(pk=request.pk)
    )
    if swap.other.deputy_id not in actor.deputy_ids:
        raise NotFound()
    if swap.status != RequestStatus.PENDING:
        raise IllegalState(_("该换班申请已处理过（%(status)s）。") % {"status": swap.get_status_display()})
    if swap_is_accepted(swap):
        raise IllegalState(_("您已同意过这次换班，正在等待工作人员审批。"))
    duty, other = _locked_duty(swap.duty), _locked_duty(swap.other)
    if accept:
        _check_future_rostered(other, what=_("换班"))
        _check_future_rostered(duty, what=_("换班"))
    else:
        swap.status = RequestStatus.REJECTED
        swap.decided_by = actor.user
        swap.decided_at = now()
        swap.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])
    audit(actor=actor.user, action="swap.accepted" if accept else "swap.declined", target=swap)
    verdict = _("已同意") if accept else _("已拒绝")
    _tell(
        [duty.deputy.user],
        key=f"swap:{swap.pk}:answered",
        subject=_("%(name)s%(verdict)s换班") % {"name": other.deputy.name, "verdict": verdict},
        body=_("您用 %(mine)s 的值班换 %(theirs)s 的换班申请：对方%(verdict)s。")
        % {"mine": _when(duty.session), "theirs": _when(other.session), "verdict": verdict},
        link=_my_link(),
    )
    if accept:
        _tell(
            staff_users({duty.session.station, other.session.station}),
            key=f"swap:{swap.pk}:to_staff",
            subject=_("换班申请待审批"),
            body=_("%(a)s（%(wa)s）与%(b)s（%(wb)s）申请换班。")
            % {"a": duty.deputy.name, "wa": _when(duty.session), "b": other.deputy.name, "wb": _when(other.session)},
            link=_staff_link(),
        )
    return swap


@transaction.atomic
def swap_decide(*, actor: Actor, request: SwapRequest, approve: bool, note: str = "") -> SwapRequest:
    """Staff approve an accepted swap (the two duties exchange deputies, atomically) or refuse it."""
    swap = (
        SwapRequest.objects.select_for_update(of=("self",))
        .select_related("duty__session__station", "other__session__station")
        .get(pk=request.pk)
    )
    _check_staff_reach(actor, {swap.duty.session.station, swap.other.session.station})
    text = _reason(note, required=False, field="note")
    if swap.status != RequestStatus.PENDING:
        raise IllegalState(_("该换班申请已处理过（%(status)s）。") % {"status": swap.get_status_display()})
    if approve and not swap_is_accepted(swap):
        raise IllegalState(_("对方代表尚未同意换班，暂不能批准。"))
    duty, other = _locked_duty(swap.duty), _locked_duty(swap.other)
    changes: dict[str, Any] = {}
    if approve:
        for d in (duty, other):
            _check_future_rostered(d, what=_("换班"))
        _check_swap_fits(duty, other)
        first, second = duty.deputy, other.deputy
        duty.deputy, other.deputy = second, first
        duty.save(update_fields=["deputy", "updated_at"])
        other.save(update_fields=["deputy", "updated_at"])
        changes = {"duty": [duty.pk, first.pk, second.pk], "other": [other.pk, second.pk, first.pk]}
    swap.status = RequestStatus.APPROVED if approve else RequestStatus.REJECTED
    swap.decided_by = actor.user
    swap.decided_at = now()
    swap.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])
    audit(
        actor=actor.user,
        action="swap.approved" if approve else "swap.rejected",
        target=swap,
        reason=text,
        changes=changes,
    )
    verdict = _("已批准") if approve else _("未批准")
    body = _("%(a)s 与 %(b)s 两次值班的换班申请%(verdict)s。") % {
        "a": _when(duty.session),
        "b": _when(other.session),
        "verdict": verdict,
    }
    if text:
        body += _("说明：%(note)s") % {"note": text}
    _tell(
        [duty.deputy.user, other.deputy.user],
        key=f"swap:{swap.pk}:decided",
        subject=_("换班申请%(verdict)s") % {"verdict": verdict},
        body=body,
        link=_my_link(),
    )
    return swap
