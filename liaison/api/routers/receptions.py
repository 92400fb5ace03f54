"""/api/v1: a published station's reception days (public; the data of the station page and .ics)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema

from liaison.api.errors import ERRORS_PUBLIC
from liaison.core.clock import today
from liaison.core.errors import InvalidInput
from liaison.receptions.selectors_public import MAX_RANGE_DAYS, station_sessions_public

router = Router(tags=["public"])

ID = Path(..., ge=1, le=2**63 - 1)


class SessionRange(Schema):
    from_: dt.date | None = Field(None, alias="from", description="开始日期(含),YYYY-MM-DD;默认今天")
    to: dt.date | None = Field(None, description="结束日期(含),YYYY-MM-DD;默认开始日期后 365 天;范围最多 366 天")


class DeputyOnDutyOut(Schema):
    id: int
    name: str


class SessionOut(Schema):
    id: int
    date: dt.date
    start: dt.time = Field(description="开始时间(Asia/Shanghai 当地时间)")
    end: dt.time = Field(description="结束时间(Asia/Shanghai 当地时间)")
    place: str
    theme: str
    provisional: bool = Field(description="当年调休安排未公布,日期可能调整")
    seats_left: int
    deputies: list[DeputyOnDutyOut]


class SessionListOut(Schema):
    items: list[SessionOut]
    count: int


def _range(filters: SessionRange) -> tuple[dt.date, dt.date]:
    start = filters.from_ or today()
    if filters.to is not None:
        end = filters.to
    else:
        try:
            end = start + dt.timedelta(days=MAX_RANGE_DAYS - 1)
        except OverflowError:
            end = dt.date.max
    if end < start:
        raise InvalidInput(fields={"to": [_("结束日期不能早于开始日期。")]})
    if (end - start).days + 1 > MAX_RANGE_DAYS:
        raise InvalidInput(
            fields={"to": [_("查询范围最多 %(n)d 天（含首尾两天），请缩短日期范围。") % {"n": MAX_RANGE_DAYS}]}
        )
    return start, end


@router.get(
    "/stations/{station_id}/sessions",
    response={200: SessionListOut, **ERRORS_PUBLIC},
    auth=None,
    operation_id="stations_sessions_list",
)
def station_sessions(request: HttpRequest, filters: Query[SessionRange], station_id: int = ID) -> dict[str, Any]:
    """A published station's planned reception days from `from` to `to` (both inclusive, at most
    366 days), with the deputies on duty; not paged."""
    start, end = _range(filters)
    zone = ZoneInfo(settings.TIME_ZONE)
    sessions = station_sessions_public(station_id, start=start, end=end)
    items = [
        {
            "id": s.pk,
            "date": s.date,
            "start": s.starts_at.astimezone(zone).time(),
            "end": s.ends_at.astimezone(zone).time(),
            "place": s.place,
            "theme": s.theme,
            "provisional": s.provisional,
            "seats_left": s.seats_left,  # type: ignore[attr-defined]
            "deputies": [{"id": d.pk, "name": d.name} for d in s.deputies_public],  # type: ignore[attr-defined]
        }
        for s in sessions
    ]
    return {"items": items, "count": len(items)}
