"""Reads for the deputy's own pages (/my/) and the staff's pending leave and swap requests."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from liaison.accounts.jurisdiction import Actor
from liaison.core.clock import now
from liaison.core.jurisdiction import get_visible
from liaison.core.models import Notification, NotificationChannel
from liaison.stations.models import Station

from .choices import DutyStatus, RequestStatus, SessionStatus
from .models import Duty, LeaveRequest, SwapRequest
from .services_leave import BUSY, accepted_swap_ids


def _with_roster(qs: QuerySet[Duty]) -> QuerySet[Duty]:
    """Duties with their session, station, co-duty deputies and pending requests (fixed queries)."""
    return qs.select_related("session__station", "deputy").prefetch_related(
        Prefetch(
            "session__duties",
            queryset=Duty.objects.select_related("deputy").order_by("deputy__name_pinyin", "id"),
            to_attr="roster",
        ),
        Prefetch(
            "leave_requests",
            queryset=LeaveRequest.objects.filter(status=RequestStatus.PENDING),
            to_attr="pending_leave",
        ),
        Prefetch(
            "swaps_out",
            queryset=SwapRequest.objects.filter(status=RequestStatus.PENDING).select_related(
                "other__session__station", "other__deputy"
            ),
            to_attr="pending_swaps",
        ),
    )


def my_duties(*, actor: Actor, upcoming: bool) -> QuerySet[Duty]:
    """The actor's own duties: upcoming (not yet ended, soonest first) or past (latest first)."""
    qs = Duty.objects.filter(deputy_id__in=actor.deputy_ids)
    if upcoming:
        qs = qs.filter(session__ends_at__gte=now()).order_by("session__starts_at", "id")
    else:
        qs = qs.filter(session__ends_at__lt=now()).order_by("-session__starts_at", "-id")
    return _with_roster(qs)


def my_duty(*, actor: Actor, duty_id: Any) -> Duty:
    """One of the actor's own duties; anybody else's is a 404."""
    return get_visible(_with_roster(Duty.objects.filter(deputy_id__in=actor.deputy_ids)), duty_id)


def swap_offers(*, actor: Actor) -> QuerySet[SwapRequest]:
    """Swaps other deputies propose to the actor, waiting for his answer."""
    return (
        SwapRequest.objects.filter(other__deputy_id__in=actor.deputy_ids, status=RequestStatus.PENDING)
        .select_related("duty__session__station", "duty__deputy", "other__session__station")
        .order_by("created_at", "id")
    )


def swap_offer(*, actor: Actor, swap_id: Any) -> SwapRequest:
    return get_visible(swap_offers(actor=actor), swap_id)


def swap_candidates(*, actor: Actor, duty: Duty, limit: int = 100) -> list[Duty]:
    """Other deputies' future rostered duties at stations the deputy sees, excluding sessions he
    is already on: what he may propose to trade for."""
    stations = Station.objects.visible_to(actor, "view").values("pk")
    return list(
        Duty.objects.filter(
            status=DutyStatus.ROSTERED,
            session__status=SessionStatus.PLANNED,
            session__starts_at__gt=now(),
            session__station__in=stations,
        )
        .exclude(deputy_id__in=actor.deputy_ids)
        .exclude(session__duties__deputy_id=duty.deputy_id)
        .select_related("session__station", "deputy")
        .order_by("session__starts_at", "deputy__name_pinyin", "id")[:limit]
    )


def inbox(*, actor: Actor) -> QuerySet[Notification]:
    """The signed-in user's in-app messages, newest first."""
    if actor.user is None:
        return Notification.objects.none()
    return Notification.objects.filter(recipient=actor.user, channel=NotificationChannel.IN_APP).order_by(
        "-created_at", "-id"
    )


def unread_count(*, actor: Actor) -> int:
    return inbox(actor=actor).filter(read_at__isnull=True).count()


# ---- staff -----------------------------------------------------------------------------------


def staff_stations(actor: Actor) -> QuerySet[Station]:
    """Stations the actor sees as staff, office or sponsor: being a deputy there does not count
    (a deputy never reads his colleagues' leave reasons)."""
    return Station.objects.visible_to(replace(actor, deputy_ids=frozenset()), "view")


def is_request_staff(actor: Actor) -> bool:
    return bool(
        actor.is_system_admin
        or actor.office_paths
        or actor.sponsor_paths
        or actor.staff_station_ids
        or actor.sponsor_station_ids
    )


def pending_leave(*, actor: Actor) -> QuerySet[LeaveRequest]:
    """Pending leave requests at stations in the actor's sight, with the session's head-count."""
    stations = staff_stations(actor).values("pk")
    return (
        LeaveRequest.objects.filter(status=RequestStatus.PENDING, duty__session__station__in=stations)
        .select_related("duty__deputy", "duty__session__station")
        .annotate(busy=Count("duty__session__duties", filter=Q(duty__session__duties__status__in=BUSY)))
        .order_by("duty__session__starts_at", "id")
    )


def pending_swaps(*, actor: Actor) -> QuerySet[SwapRequest]:
    """Pending swaps touching a station in the actor's sight."""
    stations = staff_stations(actor).values("pk")
    return (
        SwapRequest.objects.filter(status=RequestStatus.PENDING)
        .filter(Q(duty__session__station__in=stations) | Q(other__session__station__in=stations))
        .select_related("duty__deputy", "duty__session__station", "other__deputy", "other__session__station")
        .order_by("duty__session__starts_at", "id")
    )


def mark_accepted(swaps: list[SwapRequest]) -> list[SwapRequest]:
    """Set `accepted` on each swap (one query)."""
    accepted = accepted_swap_ids(s.pk for s in swaps)
    for swap in swaps:
        swap.accepted = swap.pk in accepted  # type: ignore[attr-defined]
    return swaps


def leave_for_decision(*, actor: Actor, request_id: Any) -> LeaveRequest:
    return get_visible(pending_leave(actor=actor), request_id)


def swap_for_decision(*, actor: Actor, request_id: Any) -> SwapRequest:
    return get_visible(pending_swaps(actor=actor), request_id)
