"""The back office's deputy pages under /manage/: thin views over selectors and services."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from liaison.accounts.access import staff_required
from liaison.accounts.jurisdiction import Actor, region_within_reach
from liaison.core.clock import today
from liaison.core.errors import Conflict, IllegalState, InvalidInput, NotFound, VersionConflict
from liaison.core.forms import apply_domain_errors
from liaison.stations import selectors as station_selectors

from . import selectors, services
from .forms import AssignmentCreateForm, AssignmentEndForm, DeputyCreateForm, DeputyFilterForm, DeputyForm
from .models import Assignment, Deputy

PAGE_SIZE = 20
EDITABLE = ("name", "gender", "occupation", "work_phone", "public_phone", "is_active")


@require_safe
@staff_required
def deputy_list(request: HttpRequest, actor: Actor) -> HttpResponse:
    """Deputies in the actor's reach: search, filters, sort and 20 a page with the total."""
    stations = list(station_selectors.station_list(actor=actor).values_list("id", "name"))
    terms = [(t.pk, str(t)) for t in selectors.deputy_terms(actor=actor)]
    groups = [(g.pk, f"{g.name}\uff08{g.term}\uff09") for g in selectors.deputy_groups(actor=actor)]
    form = DeputyFilterForm(request.GET or None, stations=stations, terms=terms, groups=groups)
    filters = form.filters() if request.GET else {"ordering": "name"}
    paginator = Paginator(selectors.deputy_list(actor=actor, **filters), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "deputies/deputy_list.html",
        {
            "form": form,
            "page": page,
            "total": paginator.count,
            "filtered": any(v for k, v in filters.items() if k != "ordering"),
            "can_create": not actor.is_read_only and selectors.deputy_can_create(actor),
        },
    )


def _edit_form(deputy: Deputy) -> DeputyForm:
    return DeputyForm(initial={k: getattr(deputy, k) for k in EDITABLE} | {"version": deputy.version})


def _end_form(assignment: Assignment, data: Any = None) -> AssignmentEndForm:
    return AssignmentEndForm(data, prefix=f"a{assignment.pk}", initial={"end": today()})


# Service error keys -> form field names.
_FIELD_KEYS = {"station_id": "station", "constituency_id": "constituency", "group_id": "group"}


@require_http_methods(["GET", "POST"])
@staff_required
def deputy_detail(request: HttpRequest, actor: Actor, deputy_id: int) -> HttpResponse:
    """A deputy's record, current stations and assignment history; forms for those who may edit."""
    deputy = selectors.deputy_get(actor=actor, deputy_id=deputy_id)
    can_change = not actor.is_read_only and selectors.deputy_can_change(actor, deputy)
    form = _edit_form(deputy) if can_change else None
    current = list(deputy.current_assignments)  # type: ignore[attr-defined]
    end_forms = {a.pk: _end_form(a) for a in current}
    # Any office may bring a deputy it sees into one of its own stations (rule 9 of the reach).
    assignable = (
        station_selectors.station_assignable(actor=actor)
        if not actor.is_read_only and station_selectors.station_can_create(actor)
        else None
    )
    stations = list(assignable.values_list("id", "name")) if assignable is not None else []
    assign_form = _assign_form(stations) if stations else None
    status = 200
    conflict = False

    if request.method == "POST":
        action = request.POST.get("action")
        if action == "assign" and stations:
            assign_form = _assign_form(stations, request.POST)
            response = _assign(request, actor, deputy, assign_form)
            if response is not None:
                return response
            status = 422
        elif not can_change:
            raise PermissionDenied
        elif action == "update":
            form = DeputyForm(request.POST)
            if form.is_valid():
                values = {k: form.cleaned_data[k] for k in EDITABLE}
                try:
                    services.deputy_update(actor=actor, deputy=deputy, version=form.cleaned_data["version"], **values)
                except VersionConflict:
                    conflict = True
                    status = 409
                    deputy = selectors.deputy_get(actor=actor, deputy_id=deputy_id)
                    form = _edit_form(deputy)
                except InvalidInput as exc:
                    apply_domain_errors(form, exc, _FIELD_KEYS)
                    status = 422
                else:
                    messages.success(request, _("代表信息已保存。"))
                    return redirect("deputies:detail", deputy_id=deputy.pk)
            else:
                status = 422
        elif action == "end":
            try:
                assignment = selectors.assignment_get(actor=actor, assignment_id=request.POST.get("assignment", ""))  # type: ignore[arg-type]
            except NotFound:
                raise Http404 from None
            if assignment.deputy_id != deputy.pk:
                raise Http404
            end_form = _end_form(assignment, request.POST)
            if assignment.pk in end_forms:
                end_forms[assignment.pk] = end_form
            if end_form.is_valid():
                try:
                    services.assignment_end(
                        actor=actor,
                        assignment=assignment,
                        end=end_form.cleaned_data["end"],
                        reason=end_form.cleaned_data["reason"],
                    )
                except (InvalidInput, IllegalState) as exc:
                    apply_domain_errors(end_form, exc, _FIELD_KEYS)
                    status = 422
                else:
                    messages.success(
                        request, _("已结束在“%(station)s”的进站安排。") % {"station": assignment.station.name}
                    )
                    return redirect("deputies:detail", deputy_id=deputy.pk)
            else:
                status = 422
        else:
            status = 400

    can_end = {a.pk: can_change and region_within_reach(actor, a.station.region.path) for a in current}
    return render(
        request,
        "deputies/deputy_detail.html",
        {
            "deputy": deputy,
            "current": [(a, end_forms[a.pk] if can_end.get(a.pk) else None) for a in current],
            "history": list(deputy.assignments.all()),
            "form": form,
            "can_change": can_change,
            "conflict": conflict,
            "assign_form": assign_form,
        },
        status=status,
    )


def _assign_form(stations: list[tuple[int, str]], data: Any = None) -> AssignmentCreateForm:
    return AssignmentCreateForm(data, stations=stations, prefix="assign", initial={"start": today()})


def _assign(request: HttpRequest, actor: Actor, deputy: Deputy, form: AssignmentCreateForm) -> HttpResponse | None:
    """Create the assignment and redirect, or leave the errors on the form (None)."""
    if not form.is_valid():
        return None
    station = station_selectors.station_assignable(actor=actor).get(pk=form.cleaned_data["station"])
    try:
        services.assignment_create(
            actor=actor,
            deputy=deputy,
            station=station,
            start=form.cleaned_data["start"],
            note=form.cleaned_data["note"],
        )
    except (InvalidInput, Conflict) as exc:
        apply_domain_errors(form, exc, _FIELD_KEYS)
        return None
    messages.success(request, _("已安排%(name)s进驻“%(station)s”。") % {"name": deputy.name, "station": station.name})
    return redirect("deputies:detail", deputy_id=deputy.pk)


@require_http_methods(["GET", "POST"])
@staff_required
def deputy_create(request: HttpRequest, actor: Actor) -> HttpResponse:
    """Register a deputy whose constituency (or congress) lies in the actor's subtree."""
    if actor.is_read_only or not selectors.deputy_can_create(actor):
        raise PermissionDenied
    form = DeputyCreateForm(
        request.POST or None, initial={"is_active": True}, **selectors.deputy_create_choices(actor=actor)
    )
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            data = form.cleaned_data
            values = {k: data[k] for k in (*EDITABLE, "certificate_no")}
            values |= selectors.deputy_create_lookup(
                term=data["term"], constituency=data["constituency"], group=data["group"]
            )
            try:
                deputy = services.deputy_create(actor=actor, **values)
            except Conflict as exc:
                apply_domain_errors(form, exc, _FIELD_KEYS)
                status = 409
            except InvalidInput as exc:
                apply_domain_errors(form, exc, _FIELD_KEYS)
            else:
                messages.success(request, _("已登记代表%(name)s。") % {"name": deputy.name})
                return redirect("deputies:detail", deputy_id=deputy.pk)
    return render(request, "deputies/deputy_form.html", {"form": form}, status=status)
