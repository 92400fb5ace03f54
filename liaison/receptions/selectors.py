"""Back-office reads of schedules, sessions and rosters, always from the actor's reach."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet

from liaison.accounts.jurisdiction import Actor
from liaison.core.clock import now, today
from liaison.core.jurisdiction import get_visible
from liaison.deputies.models import Deputy
from liaison.stations.models import Station

from .choices import SessionStatus
from .models import Duty, ReceptionSchedule, ReceptionSession
from .rotation import ACTIVE_DUTY, station_candidates

# How far ahead a session below its minimum is flagged to staff.
SHORT_WARNING_DAYS = 30


def _visible_stations(actor: Actor) -> QuerySet[Station]:
    return Station.objects.visible_to(actor)


def sessions_visible_to(actor: Actor) -> QuerySet[ReceptionSession]:
    """Sessions at a station the actor sees, or group sessions a station of theirs joins."""
    stations = _visible_stations(actor).values("pk")
    partner = ReceptionSession.partner_stations.through.objects.filter(
        receptionsession_id=OuterRef("pk"), station_id__in=stations
    )
    return ReceptionSession.objects.filter(Q(station_id__in=stations) | Q(Exists(partner)))


def schedule_list(*, actor: Actor, station: Station) -> QuerySet[ReceptionSchedule]:
    """The schedules of a station the actor sees (the caller fetched the station through reach)."""
    return ReceptionSchedule.objects.filter(station=station).order_by("-is_active", "starts_on", "id")


def schedule_get(*, actor: Actor, schedule_id: object) -> ReceptionSchedule:
    """A schedule whose station the actor sees; 404 otherwise."""
    qs = ReceptionSchedule.objects.filter(station__in=_visible_stations(actor).values("pk")).select_related(
        "station__region"
    )
    return get_visible(qs, schedule_id)


def _with_roster_counts(qs: QuerySet[ReceptionSession]) -> QuerySet[ReceptionSession]:
    return qs.annotate(n_on_duty=Count("duties", filter=Q(duties__status__in=ACTIVE_DUTY)))


def session_list(
    *, actor: Actor, station: Station, include_past: bool = False, include_cancelled: bool = True
) -> QuerySet[ReceptionSession]:
    """A station's sessions (upcoming unless `include_past`), with the count on duty and the roster."""
    joined = ReceptionSession.partner_stations.through.objects.filter(
        receptionsession_id=OuterRef("pk"), station_id=station.pk
    )
    qs = _with_roster_counts(ReceptionSession.objects.filter(Q(station=station) | Q(Exists(joined))))
    if not include_past:
        qs = qs.filter(ends_at__gt=now())
    if not include_cancelled:
        qs = qs.filter(status=SessionStatus.PLANNED)
    roster = Duty.objects.select_related("deputy").order_by("deputy__name_pinyin", "id")
    return (
        qs.select_related("station").prefetch_related(Prefetch("duties", queryset=roster)).order_by("starts_at", "id")
    )


def sessions_below_minimum(*, actor: Actor, within_days: int = SHORT_WARNING_DAYS) -> QuerySet[ReceptionSession]:
    """Planned sessions in the coming `within_days` with fewer deputies on duty than their minimum."""
    horizon = today() + dt.timedelta(days=within_days)
    qs = _with_roster_counts(
        sessions_visible_to(actor).filter(status=SessionStatus.PLANNED, ends_at__gt=now(), date__lte=horizon)
    )
    return qs.filter(Q(n_on_duty__lt=F("min_deputies"))).select_related("station").order_by("starts_at", "id")


def upcoming_sessions(*, actor: Actor, within_days: int = SHORT_WARNING_DAYS) -> QuerySet[ReceptionSession]:
    """Every session in the actor's reach in the coming `within_days`."""
    horizon = today() + dt.timedelta(days=within_days)
    qs = _with_roster_counts(sessions_visible_to(actor).filter(ends_at__gt=now(), date__lte=horizon))
    return qs.select_related("station").order_by("starts_at", "id")


def session_get(*, actor: Actor, session_id: object) -> ReceptionSession:
    """A session in the actor's reach, with its station and partners; 404 otherwise."""
    qs = _with_roster_counts(sessions_visible_to(actor)).select_related("station__region", "schedule")
    return get_visible(qs.prefetch_related("partner_stations"), session_id)


def session_roster(session: ReceptionSession) -> list[Duty]:
    """The session's duties with their deputies, by name."""
    return list(session.duties.select_related("deputy").order_by("deputy__name_pinyin", "id"))


def duty_get(*, session: ReceptionSession, duty_id: object) -> Duty:
    """A duty of this (already reached) session; 404 for another session's duty or junk."""
    return get_visible(Duty.objects.filter(session=session).select_related("deputy", "session__station"), duty_id)


def roster_choices(session: ReceptionSession) -> list[tuple[int, str]]:
    """Deputies of the session's station (and partners) who are not yet on its roster."""
    station_ids = [session.station_id, *[p.pk for p in session.partner_stations.all()]]
    on = set(session.duties.values_list("deputy_id", flat=True))
    return [(c.deputy_id, c.name) for c in station_candidates(station_ids) if c.deputy_id not in on]


def roster_deputy_get(session: ReceptionSession, deputy_id: object) -> Deputy:
    """A deputy picked for the roster from the choices; 404 for junk ids."""
    allowed = [pk for pk, _name in roster_choices(session)]
    return get_visible(Deputy.objects.filter(pk__in=allowed), deputy_id)


def partner_choices(*, actor: Actor, station: Station) -> list[tuple[int, str]]:
    """Stations the actor sees, other than this one, that may join a group reception."""
    qs = _visible_stations(actor).exclude(pk=station.pk).order_by("name", "id")
    return list(qs.values_list("pk", "name")[:500])
