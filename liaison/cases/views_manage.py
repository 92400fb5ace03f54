"""The back office's case pages under /manage/cases/: the list (filters, bulk assignment,
export), filing a case for a resident with its printable receipt, the routing table and the
category taxonomy. Thin views over selectors, services and exports."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import FileResponse, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from liaison.accounts.access import staff_required
from liaison.accounts.jurisdiction import Actor
from liaison.core.clock import now, today
from liaison.core.errors import DomainError, IllegalState, InvalidInput
from liaison.core.forms import apply_domain_errors
from liaison.core.jurisdiction import get_visible
from liaison.core.personal_data import mask_name, mask_phone
from liaison.deputies.models import Deputy
from liaison.organization.models import PATH_SEGMENT, Department, Region, subtree_q
from liaison.receptions.holidays import WorkCalendar
from liaison.stations.models import Station

from . import attachments, exports, selectors, services
from .choices import STATUS_TONE, CaseStatus
from .deadlines import deadline_label
from .forms_manage import (
    BulkAssignForm,
    CaseFileForm,
    CaseFilterForm,
    CategoryCreateForm,
    CategoryForm,
    RoutingRuleForm,
)
from .models import Case, CaseCategory
from .privacy import NOTICE_VERSION, notice_lines
from .services import routing

PAGE_SIZE = 20
RULES_PAGE_SIZE = 50
CHOICE_LIMIT = 500
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FILTER_FIELDS = tuple(CaseFilterForm.base_fields)


# ---- who may do what ------------------------------------------------------------------------------


def can_triage_some(actor: Actor) -> bool:
    """Offices and station staff accept, assign and file cases (deputies and departments do not)."""
    return bool(actor.is_system_admin or actor.office_paths or actor.staff_station_ids)


# ---- choices, scoped to the actor -----------------------------------------------------------------


def _ancestor_ids(path: str) -> set[int]:
    return {int(path[i : i + PATH_SEGMENT]) for i in range(0, len(path), PATH_SEGMENT)}


def _category_choices() -> list[tuple[str, str]]:
    return list(CaseCategory.objects.order_by("sort_order", "code").values_list("code", "name"))


def _grouped_active_categories() -> list[tuple[str, list[tuple[str, str]]]]:
    groups: dict[str, list[tuple[str, str]]] = {}
    for category in selectors.active_categories():
        groups.setdefault(category.group or _("其他"), []).append((category.code, category.name))
    return list(groups.items())


def _region_choices(actor: Actor) -> list[tuple[int, str]] | None:
    if actor.is_system_admin:
        qs = Region.objects.filter(tier__in=("province", "city", "county"))
    elif actor.office_paths:
        qs = Region.objects.filter(subtree_q("", actor.office_paths))
    else:
        return None
    return list(qs.order_by("path").values_list("pk", "name")[:CHOICE_LIMIT])


def _station_choices(actor: Actor) -> list[tuple[int, str]]:
    return list(Station.objects.visible_to(actor).order_by("name", "id").values_list("pk", "name")[:CHOICE_LIMIT])


def _deputy_choices(actor: Actor) -> list[tuple[int, str]]:
    qs = Deputy.objects.visible_to(actor).filter(is_active=True).order_by("name_pinyin", "id")
    return list(qs.values_list("pk", "name")[:CHOICE_LIMIT])


def _department_choices(actor: Actor) -> list[tuple[int, str]]:
    qs = Department.objects.all()
    if not actor.is_system_admin:
        paths = list(actor.office_paths)
        if actor.staff_station_ids:
            paths += list(Station.objects.filter(pk__in=actor.staff_station_ids).values_list("region__path", flat=True))
        above = {pk for path in paths for pk in _ancestor_ids(path)}
        qs = qs.filter(
            Q(pk__in=actor.department_ids) | subtree_q("region__", actor.office_paths) | Q(region_id__in=above)
        )
    return list(qs.order_by("region__path", "name").values_list("pk", "name")[:CHOICE_LIMIT])


def _filter_form(actor: Actor, data: Any) -> tuple[CaseFilterForm, list[tuple[int, str]]]:
    deputies = _deputy_choices(actor)
    form = CaseFilterForm(
        data,
        categories=_category_choices(),
        regions=_region_choices(actor),
        stations=_station_choices(actor),
        deputies=deputies,
        departments=_department_choices(actor),
    )
    return form, deputies


# ---- the list -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CaseRow:
    """One line of the list, as staff see it: the resident masked, the deadline in words."""

    case: Case
    status_label: str
    tone: str
    deadline: str
    created_on: dt.date
    resident: str
    phone: str


def _rows(cases: list[Case]) -> list[CaseRow]:
    calendar = WorkCalendar.load() if any(c.due_date for c in cases) else None
    on = today()
    rows = []
    for case in cases:
        status = CaseStatus(case.status)
        rows.append(
            CaseRow(
                case=case,
                status_label=str(status.label),
                tone=STATUS_TONE.get(status, "secondary"),
                deadline=deadline_label(case.due_date, on, calendar) if case.status not in _DONE else "",
                created_on=timezone.localtime(case.created_at).date(),
                resident=mask_name(case.resident_name),
                phone=mask_phone(case.resident_phone),
            )
        )
    return rows


_DONE = (CaseStatus.CLOSED, CaseStatus.DECLINED, CaseStatus.WITHDRAWN, CaseStatus.MERGED, CaseStatus.ANSWERED)


def _query_of(params: QueryDict) -> str:
    """The list's filters as a query string (without the page), to come back to the same list."""
    kept = QueryDict(mutable=True)
    for key in FILTER_FIELDS:
        values = [v for v in params.getlist(key) if v][:1]
        if values:
            kept.setlist(key, [values[0][:100]])
    return kept.urlencode()


def _render_list(
    request: HttpRequest,
    actor: Actor,
    params: QueryDict,
    *,
    bulk_form: BulkAssignForm | None = None,
    status: int = 200,
) -> HttpResponse:
    bound = any(params.get(k) for k in FILTER_FIELDS)
    form, deputies = _filter_form(actor, params if bound else None)
    filters = form.filters() if bound else selectors.CaseFilters()
    paginator = Paginator(selectors.case_list(actor=actor, filters=filters), PAGE_SIZE)
    page = paginator.get_page(params.get("page"))
    can_bulk = can_triage_some(actor) and not actor.is_read_only
    if can_bulk and bulk_form is None:
        bulk_form = BulkAssignForm(deputies=deputies)
    query = _query_of(params)
    checked: set[str] = set()
    if bulk_form is not None and bulk_form.is_bound:
        data = cast(QueryDict, bulk_form.data)
        checked = {v for v in data.getlist("cases") if v.isdigit()}
    return render(
        request,
        "cases/manage/case_list.html",
        {
            "form": form,
            "page": page,
            "rows": _rows(list(page.object_list)),
            "total": paginator.count,
            "filtered": bound,
            "query": query,
            "export_fields": [(k, v) for k, v in QueryDict(query).items()],
            "bulk_form": bulk_form if can_bulk else None,
            "checked": checked,
            "can_file": can_bulk,
            "can_export": not actor.is_read_only,
            "can_route": routing.can_manage_routing(actor),
            "can_categorise": routing.can_manage_categories(actor),
        },
        status=status,
    )


@require_safe
@staff_required
def case_list(request: HttpRequest, actor: Actor) -> HttpResponse:
    """Cases in the actor's reach: filters, 20 a page with the total, bulk assignment, export."""
    return _render_list(request, actor, request.GET)


@require_POST
@staff_required
def bulk_assign(request: HttpRequest, actor: Actor) -> HttpResponse:
    """Assign the ticked cases to one deputy: all or none (a case out of reach is a 404)."""
    if actor.is_read_only or not can_triage_some(actor):
        raise PermissionDenied(_("只有人大工作机构和联络站工作人员可以分派诉求。"))
    params = QueryDict(str(request.POST.get("query", ""))[:2000])
    form = BulkAssignForm(request.POST, deputies=_deputy_choices(actor))
    if form.is_valid():
        try:
            count = services.case_assign_bulk(
                actor=actor, case_ids=form.cleaned_data["cases"], deputy_id=form.cleaned_data["deputy"]
            )
        except (InvalidInput, IllegalState) as exc:
            apply_domain_errors(form, exc, keys={"cases": None})
            return _render_list(request, actor, params, bulk_form=form, status=exc.status)
        except DomainError as exc:  # a stale version or a conflict: the list has moved on
            form.add_error(None, exc.message)
            return _render_list(request, actor, params, bulk_form=form, status=exc.status)
        messages.success(request, _("已将 %(n)d 条诉求分派给代表。") % {"n": count})
        target = reverse("cases_manage:list")
        query = _query_of(params)
        return redirect(f"{target}?{query}" if query else target)
    return _render_list(request, actor, params, bulk_form=form, status=422)


# ---- filing a case for a resident -------------------------------------------------------------------


def _filing_stations(actor: Actor) -> list[tuple[int, str]]:
    qs = Station.objects.visible_to(actor, "change").filter(is_published=True)
    return list(qs.order_by("name", "id").values_list("pk", "name")[:CHOICE_LIMIT])


_FILE_KEYS = {"station": "station", "deputy": None, "region": "station", "latitude": None, "longitude": None}


@require_http_methods(["GET", "POST"])
@staff_required
def case_new(request: HttpRequest, actor: Actor) -> HttpResponse:
    """File a case for a resident who came, called, wrote or was visited; answer with the
    printable receipt (the secret appears only in this response, never in a URL)."""
    if actor.is_read_only or not can_triage_some(actor):
        raise PermissionDenied(_("只有人大工作机构和联络站工作人员可以代群众登记诉求。"))
    stations = _filing_stations(actor)
    form = CaseFileForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        stations=stations,
        categories=_grouped_active_categories(),
    )
    if request.method == "GET" and len(stations) == 1:
        form.initial["station"] = stations[0][0]
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            files = request.FILES.getlist("attachments")
            uploads = attachments.validate_uploads(files) if files else []
            done = services.case_file_for_resident(
                actor=actor,
                data=services.CaseInput(
                    description=data["description"],
                    category=data["category"],
                    kind=data["kind"],
                    title=data["title"],
                    address=data["address"],
                    name=data["name"],
                    phone=data["phone"],
                    consent=bool(data["consent"]),
                    notice_version=NOTICE_VERSION,
                    station_id=data["station"],
                ),
                channel=data["channel"],
                uploads=uploads,
                idempotency_key=str(data.get("submission_token") or ""),
            )
        except InvalidInput as exc:
            apply_domain_errors(form, exc, keys=_FILE_KEYS)
        else:
            case = done.case
            response = render(
                request,
                "cases/manage/receipt.html",
                {
                    "case": case,
                    "tracking_code": done.tracking_code,
                    "secret": done.secret,
                    "track_url": request.build_absolute_uri(reverse("cases:track")),
                    "received_on": timezone.localtime(case.created_at).date(),
                    "notice": notice_lines(),
                    "notice_version": case.notice_version,
                },
            )
            # The receipt holds the secret: no cache may keep it.
            response["Cache-Control"] = "no-store"
            return response
    return render(
        request,
        "cases/manage/case_new.html",
        {"form": form, "notice": notice_lines(), "notice_version": NOTICE_VERSION, "categories": _help_texts()},
        status=422 if request.method == "POST" else 200,
    )


def _help_texts() -> list[CaseCategory]:
    return list(selectors.active_categories().exclude(description=""))


# ---- export ---------------------------------------------------------------------------------------


@require_POST
@staff_required
def export(request: HttpRequest, actor: Actor) -> HttpResponse:
    """Start the workbook of the filtered list (audited; phones masked) and show its progress."""
    if actor.is_read_only:
        # A sponsor may look; starting a job is a write (SECURITY.md S2, S7).
        raise PermissionDenied
    form, _deputies = _filter_form(actor, request.POST)
    job = exports.export_start(actor=actor, filters=form.filters())
    return redirect("cases_manage:export_job", job_id=job.pk)


@require_safe
@staff_required
def export_job(request: HttpRequest, actor: Actor, job_id: int) -> HttpResponse:
    """The export's progress (polled) and, once done, its download link."""
    job = exports.export_job_get(actor=actor, job_id=job_id)
    return render(request, "cases/manage/export_job.html", {"job": job})


@require_safe
@staff_required
def export_job_progress(request: HttpRequest, actor: Actor, job_id: int) -> HttpResponse:
    """The progress bar alone, for htmx polling; a finished job reloads the whole page."""
    job = exports.export_job_get(actor=actor, job_id=job_id)
    response = render(request, "cases/manage/_job_progress.html", {"job": job})
    if job.is_finished and request.headers.get("HX-Request"):
        response["HX-Refresh"] = "true"
    return response


@require_safe
@staff_required
def export_job_download(request: HttpRequest, actor: Actor, job_id: int) -> HttpResponse:
    """The finished workbook (audited), never a public URL."""
    job = exports.export_job_get(actor=actor, job_id=job_id)
    try:
        path = exports.export_file(actor=actor, job=job)
    except IllegalState as exc:
        messages.error(request, exc.message)
        return redirect("cases_manage:export_job", job_id=job.pk)
    stamp = timezone.localtime(job.finished_at or now()).strftime("%Y%m%d-%H%M")
    response = FileResponse(path.open("rb"), as_attachment=True, filename=f"cases-{stamp}.xlsx", content_type=XLSX)
    return cast(HttpResponse, response)


# ---- the routing table ------------------------------------------------------------------------------


def _require_routing(actor: Actor) -> None:
    if not routing.can_manage_routing(actor):
        raise PermissionDenied(_("只有人大工作机构可以设置交办规则。"))


def _routing_form(actor: Actor, data: Any = None) -> RoutingRuleForm:
    regions = [(r.pk, f"{r.name}\uff08{r.get_tier_display()}\uff09") for r in routing.routing_regions(actor)]
    departments = [(d.pk, f"{d.name}\uff08{d.region.name}\uff09") for d in routing.routing_departments(actor)]
    return RoutingRuleForm(data, categories=_category_choices(), regions=regions, departments=departments)


def _rules_page(request: HttpRequest, actor: Actor) -> Any:
    rules: QuerySet[Any] = routing.routing_rules_visible(actor)
    return Paginator(rules, RULES_PAGE_SIZE).get_page(request.GET.get("page"))


@require_http_methods(["GET", "POST"])
@staff_required
def routing_table(request: HttpRequest, actor: Actor) -> HttpResponse:
    """The routing table of the actor's subtrees (which department handles which category),
    and a form to add a rule."""
    _require_routing(actor)
    form = _routing_form(actor, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            rule = routing.routing_rule_create(
                actor=actor, category=data["category"], region_id=data["region"], department_id=data["department"]
            )
        except InvalidInput as exc:
            apply_domain_errors(form, exc)
        else:
            messages.success(request, _("已新增交办规则：%(rule)s") % {"rule": str(rule)})
            return redirect("cases_manage:routing")
    return render(
        request,
        "cases/manage/routing.html",
        {"form": form, "page": _rules_page(request, actor)},
        status=422 if request.method == "POST" else 200,
    )


@require_POST
@staff_required
def routing_delete(request: HttpRequest, actor: Actor, rule_id: int) -> HttpResponse:
    """Delete a rule of the actor's subtree (404 for a neighbour's rule)."""
    _require_routing(actor)
    routing.routing_rule_delete(actor=actor, rule_id=rule_id)
    messages.success(request, _("已删除交办规则。"))
    return redirect("cases_manage:routing")


# ---- categories ---------------------------------------------------------------------------------------


def _category_form(category: CaseCategory, data: Any = None) -> CategoryForm:
    initial = {name: getattr(category, name) for name in routing.EDITABLE}
    return CategoryForm(data, prefix=f"c{category.pk}", initial=initial)


@require_http_methods(["GET", "POST"])
@staff_required
def categories(request: HttpRequest, actor: Actor) -> HttpResponse:
    """The category taxonomy (system admins only): edit each, add new ones."""
    if not routing.can_manage_categories(actor):
        raise PermissionDenied(_("只有系统管理员可以修改诉求类别。"))
    rows = list(CaseCategory.objects.order_by("sort_order", "code"))
    forms = {c.pk: _category_form(c) for c in rows}
    create = CategoryCreateForm(prefix="new")
    failed = False
    if request.method == "POST":
        if request.POST.get("category_id"):
            category = get_visible(CaseCategory.objects.all(), request.POST.get("category_id"))
            form = _category_form(category, request.POST)
            forms[category.pk] = form
            if form.is_valid():
                try:
                    routing.category_update(actor=actor, category=category, values=form.values())
                except InvalidInput as exc:
                    apply_domain_errors(form, exc)
                else:
                    messages.success(request, _("已保存诉求类别“%(name)s”。") % {"name": category.name})
                    return redirect("cases_manage:categories")
        else:
            create = CategoryCreateForm(request.POST, prefix="new")
            if create.is_valid():
                try:
                    category = routing.category_create(
                        actor=actor, code=create.cleaned_data["code"], values=create.values()
                    )
                except InvalidInput as exc:
                    apply_domain_errors(create, exc)
                else:
                    messages.success(request, _("已新增诉求类别“%(name)s”。") % {"name": category.name})
                    return redirect("cases_manage:categories")
        failed = True
    return render(
        request,
        "cases/manage/categories.html",
        {"rows": [(c, forms[c.pk]) for c in rows], "create": create},
        status=422 if failed else 200,
    )
