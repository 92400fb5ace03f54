"""iCalendar (RFC 5545) feeds of reception days, one VEVENT per session (instances, not RRULEs).

Times are Asia/Shanghai local times with a TZID and the matching VTIMEZONE; UIDs are stable
(`session-<pk>@liaison`), SEQUENCE is the session's version (a moved session updates the event
in the subscriber's calendar), a cancelled session stays in the feed with STATUS:CANCELLED.
Line folding, escaping and CRLF come from the icalendar library.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _
from icalendar import Calendar, Event, Timezone

from liaison.core.clock import now

from .choices import SessionStatus
from .models import ReceptionSession
from .selectors_public import deputies_on_duty

TZID = "Asia/Shanghai"
PRODID = "-//Liaison//人大代表家站点履职服务平台//ZH"
CONTENT_TYPE = "text/calendar; charset=utf-8"


def session_uid(session: ReceptionSession) -> str:
    return f"session-{session.pk}@liaison"


def _summary(session: ReceptionSession) -> str:
    title = _("代表进站接待选民")
    if session.theme:
        title = f"{title}\uff1a{session.theme}"
    if session.provisional:
        title = f"{title}\uff08{_('待定')}\uff09"
    return title


def _description(session: ReceptionSession, url: str) -> str:
    names = "\u3001".join(d.name for d in deputies_on_duty(session))
    lines = [f"{_('进站代表')}\uff1a{names or _('待安排')}"]
    if session.theme:
        lines.append(f"{_('主题')}\uff1a{session.theme}")
    if session.provisional:
        lines.append(_("当年的调休安排尚未公布，日期可能调整。"))
    if session.status == SessionStatus.CANCELLED and session.status_reason:
        lines.append(f"{_('取消原因')}\uff1a{session.status_reason}")
    if url:
        lines.append(url)
    return "\n".join(lines)


def build_calendar(
    *, name: str, sessions: Iterable[ReceptionSession], station_url: str = "", stamp: dt.datetime | None = None
) -> bytes:
    """A VCALENDAR with one VEVENT per session, serialized (CRLF, folded lines)."""
    zone = ZoneInfo(TZID)
    stamp = stamp or now()
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", TZID)
    cal.add_component(Timezone.from_tzid(TZID))
    for session in sessions:
        event = Event()
        event.add("uid", session_uid(session))
        event.add("dtstamp", stamp.astimezone(dt.UTC))
        event.add("dtstart", session.starts_at.astimezone(zone))
        event.add("dtend", session.ends_at.astimezone(zone))
        event.add("summary", _summary(session))
        place = session.place or session.station.address or session.station.name
        event.add("location", place)
        event.add("description", _description(session, station_url))
        event.add("sequence", session.version)
        event.add("last-modified", session.updated_at.astimezone(dt.UTC))
        cancelled = session.status == SessionStatus.CANCELLED
        event.add("status", "CANCELLED" if cancelled else ("TENTATIVE" if session.provisional else "CONFIRMED"))
        event.add("transp", "OPAQUE")
        cal.add_component(event)
    return cal.to_ical()
