"""Test helpers of R4's tests: sessions with deputies on duty, in the persona world."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from liaison.core.clock import today
from liaison.deputies.models import Deputy
from liaison.receptions.choices import DutyStatus, SessionStatus
from liaison.receptions.models import Duty, ReceptionSession
from liaison.stations.models import Station

SHANGHAI = ZoneInfo("Asia/Shanghai")


def make_session(
    station: Station,
    *,
    days_ahead: int = 7,
    start: dt.time = dt.time(9, 0),
    end: dt.time = dt.time(11, 30),
    deputies: tuple[Deputy, ...] = (),
    capacity: int = 20,
    theme: str = "",
    place: str = "",
    provisional: bool = False,
    status: str = SessionStatus.PLANNED,
) -> ReceptionSession:
    day = today() + dt.timedelta(days=days_ahead)
    session = ReceptionSession.objects.create(
        station=station,
        date=day,
        starts_at=dt.datetime.combine(day, start, tzinfo=SHANGHAI),
        ends_at=dt.datetime.combine(day, end, tzinfo=SHANGHAI),
        capacity=capacity,
        theme=theme,
        place=place,
        provisional=provisional,
        status=status,
    )
    Duty.objects.bulk_create(Duty(session=session, deputy=d, status=DutyStatus.ROSTERED) for d in deputies)
    return session
