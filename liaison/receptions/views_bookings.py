"""Staff: the bookings of a session before the day (phones masked), within the actor's reach."""

from __future__ import annotations

from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from liaison.accounts.access import staff_required
from liaison.accounts.jurisdiction import Actor
from liaison.core.jurisdiction import get_visible
from liaison.core.personal_data import mask_phone
from liaison.stations.models import Station

from .choices import BookingStatus
from .models import Booking, ReceptionSession


def session_visible(*, actor: Actor, session_id: int) -> ReceptionSession:
    """A session of a station (or a group reception with a station) the actor sees; 404 otherwise."""
    visible = Station.objects.visible_to(actor).values("pk")
    through = ReceptionSession.partner_stations.through
    partner = through.objects.filter(station_id__in=visible).values("receptionsession_id")
    qs = ReceptionSession.objects.filter(Q(station_id__in=visible) | Q(pk__in=partner)).select_related("station")
    return get_visible(qs, session_id)


@require_safe
@staff_required
def session_bookings(request: HttpRequest, actor: Actor, session_id: int) -> HttpResponse:
    """Who booked a session and what they want to raise, with counts; phones masked."""
    session = session_visible(actor=actor, session_id=session_id)
    bookings = list(
        Booking.objects.filter(session=session)
        .only("id", "name", "phone", "matter", "status", "created_at", "session_id")
        .order_by("status", "created_at", "id")
    )
    for b in bookings:
        b.masked_phone = mask_phone(b.phone)  # type: ignore[attr-defined]
    counts = Booking.objects.filter(session=session).aggregate(
        active=Count("id", filter=Q(status=BookingStatus.ACTIVE)),
        cancelled=Count("id", filter=Q(status=BookingStatus.CANCELLED)),
        matters=Count("id", filter=Q(status=BookingStatus.ACTIVE) & ~Q(matter="")),
    )
    return render(
        request,
        "receptions/bookings/session_bookings.html",
        {
            "session": session,
            "bookings": bookings,
            "counts": counts,
            "seats_left": max(session.capacity - counts["active"], 0),
        },
    )
