"""Public reads of reception days: published stations and public deputies only, public fields only.

One query pattern for every public view of sessions (the portal pages, the .ics feeds, the API):
the sessions with their partner stations filtered by station or deputy, the seats already booked
as a subquery, and the deputies on duty (id and name only) in one prefetch. No N+1.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from liaison.core.clock import today
from liaison.core.jurisdiction import get_visible
from liaison.deputies.models import Deputy
from liaison.deputies.selectors import deputy_get_public
from liaison.stations.models import Station
from liaison.stations.selectors import station_get_public

from .choices import BookingStatus, DutyStatus, SessionStatus
from .models import Booking, Duty, ReceptionSession

# Duties shown to the public: a deputy on leave is not expected; a missed one was expected.
PUBLIC_DUTY_STATUSES = (DutyStatus.ROSTERED, DutyStatus.CHECKED_IN, DutyStatus.MISSED)
UPCOMING_LIMIT = 6
FEED_PAST_DAYS = 30
FEED_FUTURE_DAYS = 366
MAX_RANGE_DAYS = 366


def _public_duties() -> Prefetch:  # type: ignore[type-arg]
    duties = (
        Duty.objects.filter(status__in=PUBLIC_DUTY_STATUSES, deputy__is_active=True)
        .select_related("deputy")
        .only("id", "session_id", "status", "deputy__id", "deputy__name", "deputy__name_pinyin")
        .order_by("deputy__name_pinyin", "deputy_id")
    )
    return Prefetch("duties", queryset=duties, to_attr="public_duties")


def _booked() -> Coalesce:
    active = (
        Booking.objects.filter(session=OuterRef("pk"), status=BookingStatus.ACTIVE)
        .order_by()
        .values("session")
        .annotate(n=Count("id"))
        .values("n")
    )
    return Coalesce(Subquery(active, output_field=IntegerField()), Value(0))


def _public_sessions(*, published_only: bool = True) -> QuerySet[ReceptionSession]:
    qs = ReceptionSession.objects.all()
    if published_only:
        qs = qs.filter(station__is_published=True)
    return (
        qs.select_related("station")
        .annotate(booked=_booked())
        .prefetch_related(_public_duties())
        .order_by("starts_at", "id")
    )


def _at_station(station: Station) -> Q:
    """The station's own sessions and the group receptions it takes part in."""
    through = ReceptionSession.partner_stations.through
    partner = through.objects.filter(station_id=station.pk).values("receptionsession_id")
    return Q(station_id=station.pk) | Q(pk__in=partner)


def _with_deputy(deputy: Deputy) -> Q:
    on_duty = Duty.objects.filter(deputy_id=deputy.pk, status__in=PUBLIC_DUTY_STATUSES).values("session_id")
    return Q(pk__in=on_duty)


def deputies_on_duty(session: ReceptionSession) -> list[Deputy]:
    """The deputies on duty at a session fetched by this module (public fields only)."""
    return [d.deputy for d in getattr(session, "public_duties", [])]


def seats_left(session: ReceptionSession) -> int:
    return max(session.capacity - int(getattr(session, "booked", 0)), 0)


def _decorate(sessions: list[ReceptionSession]) -> list[ReceptionSession]:
    for s in sessions:
        s.deputies_public = deputies_on_duty(s)  # type: ignore[attr-defined]
        s.seats_left = seats_left(s)  # type: ignore[attr-defined]
        s.is_full = s.seats_left == 0  # type: ignore[attr-defined]
    return sessions


def station_upcoming_public(station: Station, *, limit: int = UPCOMING_LIMIT) -> list[ReceptionSession]:
    """The next planned sessions of a published station (today's included), soonest first."""
    qs = _public_sessions().filter(_at_station(station), status=SessionStatus.PLANNED, date__gte=today())
    return _decorate(list(qs[:limit]))


def deputy_upcoming_public(deputy: Deputy, *, limit: int = UPCOMING_LIMIT) -> list[ReceptionSession]:
    """The next planned sessions (at published stations) where a public deputy is on duty."""
    qs = _public_sessions().filter(_with_deputy(deputy), status=SessionStatus.PLANNED, date__gte=today())
    return _decorate(list(qs[:limit]))


def station_sessions_public(station_id: int, *, start: dt.date, end: dt.date) -> list[ReceptionSession]:
    """A published station's planned sessions from `start` to `end`, both inclusive (404 otherwise)."""
    station = station_get_public(station_id)
    qs = _public_sessions().filter(_at_station(station), status=SessionStatus.PLANNED, date__gte=start, date__lte=end)
    return _decorate(list(qs))


def _feed_window() -> tuple[dt.date, dt.date]:
    day = today()
    return day - dt.timedelta(days=FEED_PAST_DAYS), day + dt.timedelta(days=FEED_FUTURE_DAYS)


def station_feed_public(station_id: int) -> tuple[Station, list[ReceptionSession]]:
    """A published station and its sessions of the last 30 days and the next year, cancelled included."""
    station = station_get_public(station_id)
    start, end = _feed_window()
    qs = _public_sessions().filter(_at_station(station), date__gte=start, date__lte=end)
    return station, _decorate(list(qs))


def deputy_feed_public(deputy_id: int) -> tuple[Deputy, list[ReceptionSession]]:
    """A public deputy and the sessions he is on duty at (published stations), as in the station feed."""
    deputy = deputy_get_public(deputy_id)
    start, end = _feed_window()
    qs = _public_sessions().filter(_with_deputy(deputy), date__gte=start, date__lte=end)
    return deputy, _decorate(list(qs))


def session_get_bookable(station_id: int, session_id: int) -> ReceptionSession:
    """An upcoming planned session of a published station, for the booking form; 404 otherwise."""
    station = station_get_public(station_id)
    qs = _public_sessions().filter(_at_station(station), status=SessionStatus.PLANNED, date__gte=today())
    session = get_visible(qs, session_id)
    return _decorate([session])[0]
