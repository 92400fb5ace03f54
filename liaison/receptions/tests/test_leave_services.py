"""Leave and swaps: happy paths, every refusal in Chinese with nothing changed, audit and
in-app notices at each step."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from liaison.accounts.jurisdiction import jurisdiction_for
from liaison.core.errors import Conflict, DomainError, Forbidden, IllegalState, InvalidInput, NotFound
from liaison.core.models import AuditEvent, Notification
from liaison.deputies.models import Assignment, Deputy
from liaison.receptions import services_leave as services
from liaison.receptions.choices import DutyStatus, RequestStatus, SessionStatus
from liaison.receptions.models import Duty, LeaveRequest, ReceptionSession, SwapRequest
from liaison.stations.models import Station
from liaison.testing.personas import World, _user


def make_session(
    station: Station, days: int, *, hour: int = 9, hours: int = 3, min_deputies: int = 2, **extra: Any
) -> ReceptionSession:
    day = timezone.localdate() + dt.timedelta(days=days)
    start = timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))
    return ReceptionSession.objects.create(
        station=station,
        date=day,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=hours),
        place="一楼接待室",
        min_deputies=min_deputies,
        **extra,
    )


def second_deputy(world: World) -> Deputy:
    """李秀英 at 千峰's station too, with a login of her own."""
    dep = world.deputies["qianfeng2"]
    dep.user = _user("p_deputy2", "李秀英")
    dep.save()
    Assignment.objects.create(deputy=dep, station=world.stations["qianfeng"], start=timezone.localdate())
    return dep


def actor(world: World, persona: str) -> Any:
    return jurisdiction_for(world.users[persona])


def as_user(user: Any) -> Any:
    return jurisdiction_for(user)


@pytest.fixture
def setup(world: World) -> dict[str, Any]:
    qf = world.stations["qianfeng"]
    me, other = world.deputies["qianfeng"], second_deputy(world)
    s1, s2 = make_session(qf, 10), make_session(qf, 24)
    return {
        "me": me,
        "other": other,
        "s1": s1,
        "s2": s2,
        "mine": Duty.objects.create(session=s1, deputy=me),
        "mine_s1_colleague": Duty.objects.create(session=s1, deputy=world.deputies["xinghua"]),
        "theirs": Duty.objects.create(session=s2, deputy=other),
    }


def snapshot() -> tuple[Any, ...]:
    return (
        list(Duty.objects.order_by("pk").values_list("pk", "deputy_id", "status")),
        list(LeaveRequest.objects.values_list("pk", "status")),
        list(SwapRequest.objects.values_list("pk", "status")),
        Notification.objects.count(),
        AuditEvent.objects.count(),
    )


def refused(call: Any, error: type[DomainError], *, text: str | None = None) -> DomainError:
    before = snapshot()
    with pytest.raises(error) as info:
        call()
    assert snapshot() == before, "a refusal changes nothing"
    message = info.value.message + "".join(t for ts in info.value.fields.values() for t in ts)
    if text:
        assert text in message
    if error is not NotFound:
        assert any("\u4e00" <= ch <= "\u9fff" for ch in message), message
    return info.value


# ---- leave -----------------------------------------------------------------------------------


def test_leave_request_then_approval_puts_the_duty_on_leave_and_tells_everyone(world: World, setup: Any) -> None:
    me = actor(world, "deputy")
    req = services.leave_request(actor=me, duty=setup["mine"], reason="外出开会")
    assert req.status == RequestStatus.PENDING
    staff_user = world.users["station_staff"]
    assert Notification.objects.filter(recipient=staff_user, channel="in_app", subject__contains="申请请假").exists()
    services.leave_decide(actor=actor(world, "station_staff"), request=req, approve=True, note="同意")
    req.refresh_from_db()
    setup["mine"].refresh_from_db()
    assert req.status == RequestStatus.APPROVED and req.decided_by == staff_user and req.decided_at
    assert setup["mine"].status == DutyStatus.ON_LEAVE
    inbox = Notification.objects.filter(recipient=world.users["deputy"], channel="in_app")
    assert inbox.filter(subject="请假申请已批准").exists()
    # 2 of the minimum 2 before, 1 after: the session is flagged to staff.
    assert Notification.objects.filter(recipient=staff_user, subject="接待日代表人数不足").exists()
    actions = list(AuditEvent.objects.order_by("id").values_list("action", flat=True))
    assert actions[-2:] == ["leave.requested", "leave.approved"]
    assert AuditEvent.objects.get(action="leave.approved").changes["shortfall"] == 1


def test_a_refused_leave_keeps_the_duty(world: World, setup: Any) -> None:
    req = services.leave_request(actor=actor(world, "deputy"), duty=setup["mine"], reason="家中有事")
    services.leave_decide(actor=actor(world, "officer"), request=req, approve=False, note="人手不足")
    setup["mine"].refresh_from_db()
    assert setup["mine"].status == DutyStatus.ROSTERED
    assert LeaveRequest.objects.get().status == RequestStatus.REJECTED
    assert AuditEvent.objects.get(action="leave.rejected").reason == "人手不足"


def test_leave_refusals(world: World, setup: Any) -> None:
    me = actor(world, "deputy")
    refused(lambda: services.leave_request(actor=me, duty=setup["theirs"], reason="x"), NotFound)
    refused(lambda: services.leave_request(actor=me, duty=setup["mine"], reason="  "), InvalidInput, text="请填写事由")
    refused(lambda: services.leave_request(actor=me, duty=setup["mine"], reason="x" * 201), InvalidInput, text="200")
    refused(lambda: services.leave_request(actor=me, duty=setup["mine"], reason="a\u202eb"), InvalidInput, text="控制")
    services.leave_request(actor=me, duty=setup["mine"], reason="出差")
    refused(lambda: services.leave_request(actor=me, duty=setup["mine"], reason="出差"), Conflict, text="已")


def test_no_leave_for_past_cancelled_or_non_rostered_duties(world: World, setup: Any) -> None:
    me = actor(world, "deputy")
    past = Duty.objects.create(session=make_session(world.stations["qianfeng"], -3), deputy=setup["me"])
    refused(lambda: services.leave_request(actor=me, duty=past, reason="x"), IllegalState, text="已经开始或结束")
    setup["s2"].status = SessionStatus.CANCELLED
    setup["s2"].save()
    cancelled = Duty.objects.create(session=setup["s2"], deputy=setup["me"])
    refused(lambda: services.leave_request(actor=me, duty=cancelled, reason="x"), IllegalState, text="已取消")
    Duty.objects.filter(pk=setup["mine"].pk).update(status=DutyStatus.ON_LEAVE)
    refused(lambda: services.leave_request(actor=me, duty=setup["mine"], reason="x"), IllegalState, text="已请假")


def test_only_staff_in_reach_decide_leave(world: World, setup: Any) -> None:
    req = services.leave_request(actor=actor(world, "deputy"), duty=setup["mine"], reason="出差")
    for persona in ("neighbour_officer", "deputy", "resident"):
        refused(lambda p=persona: services.leave_decide(actor=actor(world, p), request=req, approve=True), NotFound)
    refused(lambda: services.leave_decide(actor=actor(world, "sponsor"), request=req, approve=True), Forbidden)
    services.leave_decide(actor=actor(world, "county_officer"), request=req, approve=True)
    refused(
        lambda: services.leave_decide(actor=actor(world, "officer"), request=req, approve=False),
        IllegalState,
        text="已处理过",
    )


# ---- swaps -----------------------------------------------------------------------------------


def test_swap_request_accept_and_approval_exchange_the_deputies(world: World, setup: Any) -> None:
    other_user = setup["other"].user
    swap = services.swap_request(
        actor=actor(world, "deputy"), duty=setup["mine"], other_duty=setup["theirs"], reason="出差"
    )
    assert Notification.objects.filter(recipient=other_user, subject__contains="想和您换班").exists()
    refused(
        lambda: services.swap_decide(actor=actor(world, "station_staff"), request=swap, approve=True),
        IllegalState,
        text="尚未同意",
    )
    services.swap_accept(actor=as_user(other_user), request=swap)
    assert Notification.objects.filter(recipient=world.users["station_staff"], subject="换班申请待审批").exists()
    services.swap_decide(actor=actor(world, "station_staff"), request=swap, approve=True)
    setup["mine"].refresh_from_db()
    setup["theirs"].refresh_from_db()
    assert setup["mine"].deputy == setup["other"] and setup["theirs"].deputy == setup["me"]
    assert SwapRequest.objects.get().status == RequestStatus.APPROVED
    for user in (world.users["deputy"], other_user):
        assert Notification.objects.filter(recipient=user, subject="换班申请已批准").exists()
    assert list(
        AuditEvent.objects.filter(action__startswith="swap.").order_by("id").values_list("action", flat=True)
    ) == ["swap.requested", "swap.accepted", "swap.approved"]


def test_the_other_deputy_may_decline(world: World, setup: Any) -> None:
    swap = services.swap_request(actor=actor(world, "deputy"), duty=setup["mine"], other_duty=setup["theirs"])
    refused(lambda: services.swap_accept(actor=actor(world, "deputy"), request=swap), NotFound)
    services.swap_accept(actor=as_user(setup["other"].user), request=swap, accept=False)
    assert SwapRequest.objects.get().status == RequestStatus.REJECTED
    assert Notification.objects.filter(recipient=world.users["deputy"], subject__contains="已拒绝换班").exists()


def test_a_swap_that_would_overlap_at_another_station_is_refused(world: World, setup: Any) -> None:
    # I am also on duty at 兴华 at the same hour as 李秀英's session: taking hers would overlap.
    clash = make_session(world.stations["xinghua"], 24, hour=10)
    Duty.objects.create(session=clash, deputy=setup["me"])
    refused(
        lambda: services.swap_request(actor=actor(world, "deputy"), duty=setup["mine"], other_duty=setup["theirs"]),
        InvalidInput,
        text="时间冲突",
    )


def test_swap_refusals(world: World, setup: Any) -> None:
    me = actor(world, "deputy")
    # Not my duty.
    refused(lambda: services.swap_request(actor=me, duty=setup["theirs"], other_duty=setup["mine"]), NotFound)
    # A duty at a station the deputy cannot see (义宁) is never revealed.
    far = Duty.objects.create(session=make_session(world.stations["yining"], 30), deputy=world.deputies["yining"])
    refused(lambda: services.swap_request(actor=me, duty=setup["mine"], other_duty=far), NotFound)
    # A colleague on my own session: nothing to swap.
    refused(
        lambda: services.swap_request(actor=me, duty=setup["mine"], other_duty=setup["mine_s1_colleague"]),
        InvalidInput,
        text="同一次接待",
    )
    # A past duty of the other deputy.
    past = Duty.objects.create(session=make_session(world.stations["qianfeng"], -5), deputy=setup["other"])
    refused(lambda: services.swap_request(actor=me, duty=setup["mine"], other_duty=past), InvalidInput, text="已经开始")
    services.swap_request(actor=me, duty=setup["mine"], other_duty=setup["theirs"])
    refused(lambda: services.swap_request(actor=me, duty=setup["mine"], other_duty=setup["theirs"]), Conflict)


def test_only_staff_of_both_stations_approve_a_swap(world: World, setup: Any) -> None:
    swap = services.swap_request(actor=actor(world, "deputy"), duty=setup["mine"], other_duty=setup["theirs"])
    services.swap_accept(actor=as_user(setup["other"].user), request=swap)
    refused(lambda: services.swap_decide(actor=actor(world, "neighbour_officer"), request=swap, approve=True), NotFound)
    refused(lambda: services.swap_decide(actor=actor(world, "sponsor"), request=swap, approve=True), Forbidden)
    services.swap_decide(actor=actor(world, "officer"), request=swap, approve=False, note="不同意")
    setup["mine"].refresh_from_db()
    assert setup["mine"].deputy == setup["me"], "a refused swap changes no duty"
