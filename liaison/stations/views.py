"""The back office's station pages under /manage/: thin views over selectors."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from liaison.accounts.access import staff_required
from liaison.accounts.jurisdiction import Actor
from liaison.deputies import selectors as deputy_selectors

from . import selectors
from .forms import StationFilterForm

PAGE_SIZE = 20


@require_safe
@staff_required
def station_list(request: HttpRequest, actor: Actor) -> HttpResponse:
    """Stations in the actor's reach: search, filters, sort and 20 a page with the total."""
    form = StationFilterForm(request.GET or None)
    filters = form.filters() if request.GET else {"ordering": "name"}
    qs = selectors.station_list(actor=actor, **filters).select_related("region", "parent")
    paginator = Paginator(qs, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "stations/station_list.html",
        {
            "form": form,
            "page": page,
            "total": paginator.count,
            "filtered": any(v for k, v in filters.items() if k != "ordering"),
        },
    )


@require_safe
@staff_required
def station_detail(request: HttpRequest, actor: Actor, station_id: int) -> HttpResponse:
    """A station's fields, points, staff, rules and the deputies currently assigned (read only)."""
    station = selectors.station_get(actor=actor, station_id=station_id)
    return render(
        request,
        "stations/station_detail.html",
        {
            "station": station,
            "points": list(selectors.station_points(actor=actor, station=station)),
            "staff": selectors.station_staff(station),
            "rules": list(station.rules.all()),
            "deputies": deputy_selectors.station_deputies(actor=actor, station=station),
        },
    )
