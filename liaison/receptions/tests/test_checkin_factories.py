"""Factories shared by the check-in, walk-in and register tests (no tests here)."""

from __future__ import annotations

import datetime as dt

from liaison.core.clock import now
from liaison.deputies.models import Deputy
from liaison.receptions.models import Duty, ReceptionSession, WalkIn
from liaison.stations.models import Station
from liaison.testing.personas import World


def make_session(
    station: Station,
    *,
    starts_in: dt.timedelta = dt.timedelta(minutes=-10),
    hours: int = 2,
    deputies: list[Deputy] | tuple[Deputy, ...] = (),
    **extra: object,
) -> ReceptionSession:
    """A session at `station` starting `starts_in` from now (default: began ten minutes ago)."""
    from django.utils import timezone

    starts_at = now() + starts_in
    session = ReceptionSession.objects.create(
        station=station,
        date=timezone.localtime(starts_at).date(),
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(hours=hours),
        place="一楼接待室",
        **extra,
    )
    for deputy in deputies:
        Duty.objects.create(session=session, deputy=deputy)
    return session


def qianfeng_session(world: World, **kwargs: object) -> ReceptionSession:
    """A session at 千峰's station with 张海生 (the `deputy` persona) and 李秀英 on duty."""
    return make_session(
        world.stations["qianfeng"],
        deputies=[world.deputies["qianfeng"], world.deputies["qianfeng2"]],
        **kwargs,  # type: ignore[arg-type]
    )


def make_walk_in(session: ReceptionSession, world: World, **extra: object) -> WalkIn:
    user = world.users["station_staff"]
    assert user is not None
    values: dict[str, object] = {"name": "王建华", "phone": "13912345678", "matter": "小区路灯不亮"}
    values.update(extra)
    walk_in = WalkIn.objects.create(session=session, recorded_by=user, **values)
    return walk_in
