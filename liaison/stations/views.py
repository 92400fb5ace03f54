"""The back office's station pages under /manage/: thin views over selectors."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from liaison.accounts.access import staff_required
from liaison.accounts.jurisdiction import Actor, region_within_reach
from liaison.core.errors import InvalidInput, VersionConflict
from liaison.core.forms import apply_domain_errors
from liaison.deputies import selectors as deputy_selectors

from . import selectors, services
from .forms import STRUCTURE_FIELDS, StationFilterForm, StationForm, StationRuleForm
from .models import Station

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
            "can_create": not actor.is_read_only and selectors.station_can_create(actor),
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
            "can_change": not actor.is_read_only and selectors.station_can_change(actor, station),
        },
    )


# Service error keys -> form field names.
_FIELD_KEYS = {"parent_id": "parent", "non_field_errors": None}


def _values(form: StationForm) -> dict[str, Any]:
    """The form's cleaned fields as the service's keyword arguments."""
    data = dict(form.cleaned_data)
    data.pop("version", None)
    if "region_code" in data:
        data["region"] = data.pop("region_code")
    if "parent" in data:
        data["parent"] = (
            Station.objects.select_related("region").filter(pk=data["parent"]).first() if data["parent"] else None
        )
    return data


@require_http_methods(["GET", "POST"])
@staff_required
def station_create(request: HttpRequest, actor: Actor) -> HttpResponse:
    """Register a station in the actor's subtree (office admins and system admins)."""
    if actor.is_read_only or not selectors.station_can_create(actor):
        raise PermissionDenied
    parents = selectors.station_parent_choices(actor=actor)
    form = StationForm(request.POST or None, parents=parents, initial={"is_published": True})
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                station = services.station_create(actor=actor, **_values(form))
            except InvalidInput as exc:
                apply_domain_errors(form, exc, _FIELD_KEYS)
            else:
                messages.success(request, _("已新建站点“%(name)s”。") % {"name": station.name})
                return redirect("stations:detail", station_id=station.pk)
    return render(request, "stations/station_form.html", {"form": form, "station": None}, status=status)


def _station_form(actor: Actor, station: Station, data: Any = None) -> StationForm:
    staff_only = not (actor.is_system_admin or region_within_reach(actor, station.region.path))
    initial = {
        "kind": station.kind,
        "name": station.name,
        "region_code": station.region.code,
        "parent": station.parent_id,
        "address": station.address,
        "latitude": station.latitude,
        "longitude": station.longitude,
        "phone": station.phone,
        "opening_hours": station.opening_hours,
        "notice": station.notice,
        "is_published": station.is_published,
        "version": station.version,
    }
    parents = [] if staff_only else selectors.station_parent_choices(actor=actor, current=station.parent)
    return StationForm(data, initial=initial, parents=parents, staff_only=staff_only, editing=True)


@require_http_methods(["GET", "POST"])
@staff_required
def station_edit(request: HttpRequest, actor: Actor, station_id: int) -> HttpResponse:
    """Edit a station and its rules board: the office all fields, the station's staff its notices."""
    station = selectors.station_get(actor=actor, station_id=station_id)
    if actor.is_read_only or not selectors.station_can_change(actor, station):
        raise PermissionDenied
    form = _station_form(actor, station)
    rule_form = StationRuleForm(prefix="rule")
    status = 200
    conflict = False
    if request.method == "POST":
        action = request.POST.get("action")
        status = 422
        if action == "update":
            form = _station_form(actor, station, request.POST)
            if form.is_valid():
                values = _values(form)
                try:
                    services.station_update(
                        actor=actor, station=station, version=form.cleaned_data["version"], **values
                    )
                except VersionConflict:
                    conflict = True
                    status = 409
                    station = selectors.station_get(actor=actor, station_id=station_id)
                    form = _station_form(actor, station)
                except InvalidInput as exc:
                    apply_domain_errors(form, exc, _FIELD_KEYS)
                else:
                    messages.success(request, _("站点信息已保存。"))
                    return redirect("stations:detail", station_id=station.pk)
        elif action == "rule_add":
            rule_form = StationRuleForm(request.POST, prefix="rule")
            if rule_form.is_valid():
                try:
                    services.station_rule_add(actor=actor, station=station, **rule_form.cleaned_data)
                except InvalidInput as exc:
                    apply_domain_errors(rule_form, exc, _FIELD_KEYS)
                else:
                    messages.success(request, _("已添加上墙制度。"))
                    return redirect("stations:edit", station_id=station.pk)
        elif action == "rule_remove":
            rule = selectors.station_rule_get(station=station, rule_id=request.POST.get("rule"))
            services.station_rule_remove(actor=actor, rule=rule)
            messages.success(request, _("已撤下上墙制度“%(title)s”。") % {"title": rule.title})
            return redirect("stations:edit", station_id=station.pk)
        else:
            status = 400
    return render(
        request,
        "stations/station_form.html",
        {
            "form": form,
            "station": station,
            "rule_form": rule_form,
            "rules": list(station.rules.all()),
            "conflict": conflict,
            "structure_fields": STRUCTURE_FIELDS,
        },
        status=status,
    )
