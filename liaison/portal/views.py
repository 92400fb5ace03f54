"""The public site: published data only, phone-first, no business rules here."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from liaison.organization.models import Region
from liaison.stations.selectors import station_list_public


def home(request: HttpRequest) -> HttpResponse:
    """有事找代表： pick a region, see its published stations."""
    region_code = request.GET.get("region", "")[:12]
    region = Region.objects.filter(code=region_code).first() if region_code.isdigit() else None
    stations = list(station_list_public(region_code=region.code if region else None).select_related("region")[:50])
    regions = Region.objects.filter(stations__is_published=True).distinct().order_by("code").only("code", "name")
    return render(
        request,
        "portal/home.html",
        {"stations": stations, "regions": regions, "region": region},
    )


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """A 404 that helps a lost resident get home."""
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    return render(request, "500.html", status=500)
