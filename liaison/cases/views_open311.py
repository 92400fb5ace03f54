"""Open311 GeoReport v2 endpoints at /open311/v2/ (see open311.py for the shapes).

The GETs are public and read published cases only. The POST is for hotline and partner
systems: it is authenticated by an `api_key` in the form body (a liaison API token) and by
nothing else; it never reads the session cookie, so a cross-site form cannot borrow anyone's
login through it. That is why it alone is exempt from CSRF checks
(docs/decisions/0004-open311-post-csrf.md).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Max
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

from liaison.accounts.jurisdiction import jurisdiction_for
from liaison.accounts.services import api_token_user
from liaison.core.errors import DomainError

from . import codes, open311
from .choices import Channel
from .models import CaseCategory
from .open311 import FORMATS, Open311Error, parse_filters, published_requests, request_rows
from .selectors import active_categories
from .services import CaseInput, case_submit

# Our field names, as the GeoReport POST calls them (so an error names what the caller sent).
_SPEC_FIELDS = {
    "category": "service_code",
    "description": "description",
    "address": "address_string",
    "latitude": "lat",
    "longitude": "long",
    "region": "address_string",
    "idempotency_key": "Idempotency-Key",
}


def _format(fmt: str) -> str:
    if fmt not in FORMATS:
        raise Http404
    return fmt


def _answer(fmt: str, root: str, value: Any, *, status: int = 200) -> HttpResponse:
    if fmt == "json":
        return JsonResponse(value, safe=False, status=status, json_dumps_params={"ensure_ascii": False})
    return HttpResponse(open311.to_xml(root, value), content_type=FORMATS["xml"], status=status)


def _error(fmt: str, error: Open311Error) -> HttpResponse:
    return _answer(fmt if fmt in FORMATS else "json", "errors", error.rows(), status=error.status)


@require_safe
def discovery(request: HttpRequest, fmt: str) -> HttpResponse:
    """Where the endpoint lives, which specification and formats it serves."""
    fmt = _format(fmt)
    here = request.build_absolute_uri(reverse("open311:discovery", kwargs={"fmt": fmt}))
    changeset = CaseCategory.objects.aggregate(at=Max("updated_at"))["at"]
    return _answer(fmt, "discovery", open311.discovery(endpoint_url=here.rsplit("/", 1)[0] + "/", changeset=changeset))


@require_safe
def services(request: HttpRequest, fmt: str) -> HttpResponse:
    """The active categories, as GeoReport services."""
    fmt = _format(fmt)
    return _answer(fmt, "services", open311.service_rows(active_categories()))


@require_safe
def service_definition(request: HttpRequest, service_code: str, fmt: str) -> HttpResponse:
    """A service's definition: no extra attributes (every service has metadata false)."""
    fmt = _format(fmt)
    category = active_categories().filter(code=service_code).first()
    if category is None:
        return _error(fmt, Open311Error(404, _("没有这个服务类别（service_code）。")))
    return _answer(fmt, "service_definition", open311.service_definition(category))


@csrf_exempt  # authenticated by the api_key in the body only: docs/decisions/0004-open311-post-csrf.md
def requests(request: HttpRequest, fmt: str) -> HttpResponse:
    """GET: published service requests with the specification's filters. POST: create one."""
    if request.method in ("GET", "HEAD"):
        fmt = _format(fmt)
        try:
            filters = parse_filters(request.GET)
        except Open311Error as error:
            return _error(fmt, error)
        return _answer(fmt, "service_requests", request_rows(list(published_requests(filters))))
    try:
        user = _api_key_user(request)
        if request.method != "POST":
            raise Open311Error(405, _("只支持 GET 和 POST。"))
        fmt = _format(fmt)
        return _create(request, fmt, user)
    except Open311Error as error:
        response = _error(fmt, error)
        if error.status == 405:
            response["Allow"] = "GET, HEAD, POST"
        return response


@require_safe
def request_detail(request: HttpRequest, service_request_id: str, fmt: str) -> HttpResponse:
    """One published service request by its id (the tracking code), as a one-item list."""
    fmt = _format(fmt)
    code = codes.normalize_tracking_code(service_request_id)
    case = published_requests(parse_filters({"service_request_id": code})).first() if code else None
    if case is None:
        return _error(fmt, Open311Error(404, _("没有这个已公开的服务请求。")))
    return _answer(fmt, "service_requests", request_rows([case]))


def _api_key_user(request: HttpRequest) -> Any:
    """The user of the api_key in the form body; the session cookie is never consulted."""
    if "api_key" in request.GET:
        raise Open311Error(403, _("api_key 只能放在请求正文中，不能放在网址里。"))
    raw = request.POST.get("api_key", "") if request.method == "POST" else ""
    user = api_token_user(raw.strip())
    if user is None:
        raise Open311Error(403, _("api_key 缺失、无效、已过期或已吊销。"))
    # Hotline and partner systems hold a working grant; a read-only (sponsor) or resident key
    # may not file cases in the hotline's name (SECURITY.md S2).
    if jurisdiction_for(user).is_read_only:
        raise Open311Error(403, _("该 api_key 无权提交服务请求。"))
    return user


def _create(request: HttpRequest, fmt: str, user: Any) -> HttpResponse:
    post = request.POST
    region_id = None
    if post.get("jurisdiction_id", "").strip():
        region_id = open311.region_for_jurisdiction(post["jurisdiction_id"]).pk
    # The resident's name, phone and email are not taken: a hotline cannot record the resident's
    # consent to the personal-information notice, so its cases carry no personal data.
    data = CaseInput(
        category=post.get("service_code", ""),
        description=post.get("description", ""),
        address=post.get("address_string", ""),
        latitude=post.get("lat") or None,
        longitude=post.get("long") or None,
        region_id=region_id,
    )
    try:
        done = case_submit(
            actor=jurisdiction_for(user),
            data=data,
            idempotency_key=request.headers.get("Idempotency-Key", ""),
            channel=Channel.HOTLINE,
        )
    except DomainError as exc:
        status = 400 if exc.status in (400, 422) else exc.status
        messages = [f"{_SPEC_FIELDS.get(name, name)}: {text}" for name, texts in exc.fields.items() for text in texts]
        raise Open311Error.many(status, messages or [exc.message]) from None
    row = {
        "service_request_id": done.tracking_code,
        "service_notice": _("已收到，将由所在地人大代表联络站受理；可凭 service_request_id 查询公开的办理结果。"),
        "account_id": None,
        "token": None,
    }
    return _answer(fmt, "service_requests", [row], status=200 if done.replayed else 201)
