"""The public site: published data only, phone-first, no business rules here."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from liaison.core.errors import NotFound
from liaison.deputies.models import Deputy
from liaison.deputies.selectors import deputy_get_public, station_deputies_public
from liaison.organization.models import Region
from liaison.organization.selectors import MAX_ADDRESS_CHARS, AddressMatch, region_match_address
from liaison.receptions.selectors_public import deputy_upcoming_public, station_upcoming_public
from liaison.stations.models import Station
from liaison.stations.selectors import station_get_public, station_list_public

from .forms import SearchForm
from .maps import station_map
from .selectors import deputy_search_public, region_chooser


def home(request: HttpRequest) -> HttpResponse:
    """有事找代表: type an address or a deputy's name, or pick a region; see its stations on a sketch and in a list."""
    search = SearchForm(request.GET) if "q" in request.GET else None
    searched = search is not None and search.is_valid()
    match = AddressMatch()
    deputies: list[Deputy] = []
    region: Region | None = None
    if search is not None and searched:
        text = search.cleaned_data["q"]
        match = region_match_address(text)
        deputies = deputy_search_public(text)
        if match.region is not None:
            region = Region.objects.filter(pk=match.region.id).first()
            if region is None:  # removed since the name index was built: as if not found
                match = AddressMatch()
    elif search is None:
        region_code = request.GET.get("region", "")[:12]
        region = Region.objects.filter(code=region_code).first() if region_code.isdigit() else None
    # A search that found no region lists no station (the choices or the chooser come instead).
    stations: list[Station] = []
    if region is not None or not searched:
        stations = list(station_list_public(region_code=region.code if region else None)[:50])
    # A sketch for one region's stations only: the whole country's would be a scatter of dots.
    sketch = station_map(stations) if region is not None else None
    trail, children = region_chooser(region)
    return render(
        request,
        "portal/home.html",
        {
            "search": search or SearchForm(),
            "searched": searched,
            "match": match,
            "choices": [(r, match.labels.get(r.code, r.name)) for r in match.choices],
            "recognised_label": match.labels.get(region.code, "") if region is not None and match.region else "",
            "deputies": deputies,
            "stations": sketch.numbered(stations) if sketch else [(s, None) for s in stations],
            "station_map": sketch,
            "trail": trail,
            "children": children,
            "region": region,
            "max_chars": MAX_ADDRESS_CHARS,
        },
    )


def station(request: HttpRequest, station_id: int) -> HttpResponse:
    """A published station's notice board: hours, rules, staff on duty, deputies, points."""
    try:
        obj = station_get_public(station_id)
    except NotFound:
        raise Http404 from None
    # The points under a station or home; a point shows its parent instead (if published).
    points = (
        list(Station.objects.published().filter(parent=obj).order_by("name", "id")) if obj.parent_id is None else []
    )
    parent = obj.parent if obj.parent is not None and obj.parent.is_published else None
    return render(
        request,
        "portal/station.html",
        {
            "station": obj,
            "rules": list(obj.rules.all()),
            "staff": list(obj.roles.all()),
            "deputies": station_deputies_public(obj),
            "points": points,
            "parent": parent,
            "reception": {
                "sessions": station_upcoming_public(obj),
                "ics_url": reverse("receptions_public:station_calendar", args=[obj.pk]),
            },
        },
    )


def deputy(request: HttpRequest, deputy_id: int) -> HttpResponse:
    """A deputy's public fields: never the work phone, only a number the deputy chose to publish."""
    try:
        obj = deputy_get_public(deputy_id)
    except NotFound:
        raise Http404 from None
    stations = [a.station for a in obj.current_assignments]  # type: ignore[attr-defined]
    reception = {
        "sessions": deputy_upcoming_public(obj),
        "ics_url": reverse("receptions_public:deputy_calendar", args=[obj.pk]),
        "show_station": True,
    }
    return render(request, "portal/deputy.html", {"deputy": obj, "stations": stations, "reception": reception})


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """A 404 that helps a lost resident get home."""
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    return render(request, "500.html", status=500)
