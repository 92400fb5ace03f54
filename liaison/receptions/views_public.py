"""Public pages of reception days: the .ics feeds and the resident's booking and cancelling.

Thin views over selectors_public and services_booking. The cancel code is shown once, in the
answer to the booking POST (never in a URL, never stored in clear); cancelling is a POST of the
code. Wrong codes are counted per client address so that guessing is slowed without a CAPTCHA.
"""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from liaison.accounts.jurisdiction import jurisdiction_for
from liaison.core.errors import Conflict, DomainError, IllegalState, InvalidInput, NotFound

from . import selectors_public
from .calendar_feeds import CONTENT_TYPE, build_calendar
from .forms_booking import BookingForm, CancelForm
from .services_booking import booking_cancel, booking_create

# Wrong cancel codes allowed per client address and hour before the form answers 429.
CANCEL_ATTEMPTS_PER_HOUR = 20


def _ics(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=CONTENT_TYPE)
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "public, max-age=900"
    return response


@require_safe
def station_calendar(request: HttpRequest, station_id: int) -> HttpResponse:
    """A published station's reception days as an iCalendar feed (subscribe in a calendar app)."""
    try:
        station, sessions = selectors_public.station_feed_public(station_id)
    except NotFound:
        raise Http404 from None
    url = request.build_absolute_uri(reverse("portal:station", args=[station.pk]))
    name = _("%(name)s 接待日") % {"name": station.name}
    return _ics(build_calendar(name=name, sessions=sessions, station_url=url), f"station-{station.pk}.ics")


@require_safe
def deputy_calendar(request: HttpRequest, deputy_id: int) -> HttpResponse:
    """The reception days a public deputy is on duty at, as an iCalendar feed."""
    try:
        deputy, sessions = selectors_public.deputy_feed_public(deputy_id)
    except NotFound:
        raise Http404 from None
    url = request.build_absolute_uri(reverse("portal:deputy", args=[deputy.pk]))
    name = _("%(name)s 代表进站安排") % {"name": deputy.name}
    return _ics(build_calendar(name=name, sessions=sessions, station_url=url), f"deputy-{deputy.pk}.ics")


def _form_errors(form: BookingForm | CancelForm, error: DomainError) -> None:
    for field, messages in error.fields.items():
        for message in messages:
            form.add_error(field if field in form.fields else None, message)
    if not error.fields:
        form.add_error(None, error.message)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def booking_new(request: HttpRequest, station_id: int, session_id: int) -> HttpResponse:
    """Book a slot at an upcoming session, or send the matter ahead; the code is shown once."""
    try:
        session = selectors_public.session_get_bookable(station_id, session_id)
    except NotFound:
        raise Http404 from None
    context: dict[str, Any] = {"session": session, "station_id": station_id}
    if request.method != "POST":
        context["form"] = BookingForm()
        return render(request, "receptions/public/booking_form.html", context)
    form = BookingForm(request.POST)
    status = 200
    if form.is_valid() and form.is_bot():
        form.add_error(None, _("提交失败，请刷新页面后重试。"))
        status = 400
    elif form.is_valid():
        try:
            booking, code = booking_create(
                actor=jurisdiction_for(request.user),
                session=session,
                name=form.cleaned_data["name"],
                phone=form.cleaned_data["phone"],
                matter=form.cleaned_data["matter"],
            )
        except (InvalidInput, Conflict, IllegalState) as exc:
            _form_errors(form, exc)
            status = 409 if isinstance(exc, (Conflict, IllegalState)) else 422
        except NotFound:
            raise Http404 from None
        else:
            return render(
                request,
                "receptions/public/booking_done.html",
                {"session": session, "station_id": station_id, "booking": booking, "code": code},
            )
    else:
        status = 422
    context["form"] = form
    return render(request, "receptions/public/booking_form.html", context, status=status)


def _client_key(request: HttpRequest) -> str:
    return f"booking-cancel:{request.META.get('REMOTE_ADDR', '')}"


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def booking_cancel_view(request: HttpRequest) -> HttpResponse:
    """Cancel a booking by its code (POST only: a code never travels in a URL)."""
    if request.method != "POST":
        return render(request, "receptions/public/booking_cancel.html", {"form": CancelForm()})
    form = CancelForm(request.POST)
    key = _client_key(request)
    if cache.get(key, 0) >= CANCEL_ATTEMPTS_PER_HOUR:
        form.add_error(None, _("输错取消码的次数过多，请一小时后再试，或拨打站点电话取消。"))
        return render(request, "receptions/public/booking_cancel.html", {"form": form}, status=429)
    if not form.is_valid():
        return render(request, "receptions/public/booking_cancel.html", {"form": form}, status=422)
    try:
        booking = booking_cancel(actor=jurisdiction_for(request.user), code=form.cleaned_data["code"])
    except NotFound as exc:
        cache.add(key, 0, timeout=3600)
        cache.incr(key)
        form.add_error("code", exc.message)
        return render(request, "receptions/public/booking_cancel.html", {"form": form}, status=404)
    except IllegalState as exc:
        form.add_error("code", exc.message)
        return render(request, "receptions/public/booking_cancel.html", {"form": form}, status=409)
    return render(request, "receptions/public/booking_cancelled.html", {"session": booking.session})
