"""The resident's side of cases, no account needed: submit a request (or follow a similar open
one), keep the tracking code and secret, track the case and act on it, recover lost codes by
phone, and the printable 联络站码 / 代表码 that open the form pre-filled.

Thin views over the services and selectors. A secret never travels in a URL: it is shown once in
the answer to the submission POST and typed into a POST form; a proven case is remembered in the
session (tracking.py). Abuse-prone acts are counted per client (SECURITY.md S18).
"""

from __future__ import annotations

import time
import uuid
from typing import Any

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from liaison.accounts.jurisdiction import jurisdiction_for
from liaison.accounts.services import client_ip
from liaison.core import ratelimit
from liaison.core.errors import DomainError, InvalidInput, NotFound
from liaison.core.forms import apply_domain_errors
from liaison.core.personal_data import mask_phone

from . import services, tracking
from .attachments import validate_uploads
from .choices import OPEN_STATUSES, CaseStatus, EventKind, Rating
from .forms_public import (
    CommentForm,
    InfoForm,
    JoinForm,
    RateForm,
    RecoverCodeForm,
    RecoverPhoneForm,
    SubmitForm,
    TrackForm,
    WithdrawForm,
)
from .models import CaseAttachment, CaseCategory
from .privacy import NOTICE_VERSION, notice_lines
from .selectors import Ticket, active_categories, case_timeline, track_lookup
from .selectors_public import (
    Where,
    case_for_join,
    cases_of_phone_hash,
    cases_of_user,
    joinable_case,
    mask_text,
    own_tracking_code,
    qr_deputy,
    qr_station,
    resident_ticket,
    similar_cases_public,
    status_tone,
    where_for,
)
from .services.recovery import TooManyRequests, recovery_request, recovery_verify

SUBMITS_PER_MINUTE = 10
TRACK_FAILURES_PER_HOUR = 20
RECOVERED_KEY = "liaison_recovered_phone_hash"
PENDING_KEY = "liaison_recovery_pending"
RECOVERED_SECONDS = 30 * 60
MINE_PAGE_SIZE = 20
# Events a resident writes: a follower does not see what another resident wrote.
RESIDENT_EVENTS = {
    EventKind.SUBMITTED,
    EventKind.COMMENTED,
    EventKind.INFO_PROVIDED,
    EventKind.RATED,
    EventKind.WITHDRAWN,
    EventKind.JOINED,
}
# A service's fields the form shows elsewhere (above the form) or not at all.
FORM_KEYS: dict[str, str | None] = {
    "station": None,
    "deputy": None,
    "region": None,
    "latitude": None,
    "longitude": None,
    "idempotency_key": None,
    "channel": None,
    "notice_version": None,
}


def _client(request: HttpRequest) -> str:
    return client_ip(request) or "unknown"


def _too_many(request: HttpRequest, retry_after: int, message: str) -> HttpResponse:
    response = render(request, "cases/public/too_many.html", {"message": message}, status=429)
    response["Retry-After"] = str(retry_after)
    return response


def _see_other(url: str) -> HttpResponseRedirect:
    response = HttpResponseRedirect(url)
    response.status_code = 303
    return response


# ---- submit -----------------------------------------------------------------------------------


def _category(code: Any) -> CaseCategory | None:
    text = str(code or "")[:32]
    return active_categories().filter(code=text).first() if text else None


def _submit_page(request: HttpRequest, form: SubmitForm, where: Where, *, status: int = 200) -> HttpResponse:
    code = form.data.get("category") if form.is_bound else form.initial.get("category")
    similar = similar_cases_public(category=_category(code), region=where.home_region)
    return render(
        request,
        "cases/public/submit.html",
        {
            "form": form,
            "where": where,
            "categories": list(active_categories()),
            "similar": similar,
            "similar_asked": bool(code),
            "notice": notice_lines(),
            "notice_version": NOTICE_VERSION,
        },
        status=status,
    )


def _where_initial(where: Where) -> dict[str, Any]:
    return {
        "station": where.station.pk if where.station else None,
        "deputy": where.deputy.pk if where.deputy else None,
        "region": where.region.code if where.region else "",
    }


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def submit(request: HttpRequest) -> HttpResponse:
    """The request form: where it goes, what it is about, photos, an optional name and phone,
    consent, and the personal-information notice before the submit button."""
    params = request.POST if request.method == "POST" else request.GET
    where = where_for(station=params.get("station"), deputy=params.get("deputy"), region=params.get("region"))
    categories = active_categories()
    if request.method != "POST":
        initial = _where_initial(where)
        if _category(request.GET.get("category")) is not None:
            initial["category"] = request.GET["category"]
        return _submit_page(request, SubmitForm(initial=initial, categories=categories), where)

    verdict = ratelimit.hit("case_submit", _client(request), limit=SUBMITS_PER_MINUTE, window_seconds=60)
    if not verdict.allowed:
        return _too_many(request, verdict.retry_after, _("提交太频繁，请稍等一分钟再试。"))
    form = SubmitForm(request.POST, request.FILES, categories=categories)
    if form.is_bot():
        form.is_valid()
        form.add_error(None, _("提交失败，请刷新页面后重试。"))
        return _submit_page(request, form, where, status=400)
    if not form.is_valid():
        return _submit_page(request, form, where, status=422)
    data = form.cleaned_data
    try:
        files = request.FILES.getlist("attachments")
        uploads = validate_uploads(files) if files else []
        done = services.case_submit(
            actor=jurisdiction_for(request.user),
            data=services.CaseInput(
                description=data["description"],
                category=data["category"].code,
                kind=data["kind"],
                title=data["title"],
                address=data["address"],
                latitude=data["latitude"] or None,
                longitude=data["longitude"] or None,
                name=data["name"],
                phone=data["phone"],
                consent=bool(data["consent"]),
                notice_version=NOTICE_VERSION,
                station_id=data["station"],
                deputy_id=data["deputy"],
                region_id=where.region.pk if where.region else None,
            ),
            idempotency_key=form.token(),
            uploads=uploads,
        )
    except InvalidInput as exc:
        if "idempotency_key" in exc.fields:
            # Submitted once already and then changed: this is a new request, on a fresh form.
            fresh = request.POST.copy()
            fresh["submission_token"] = str(uuid.uuid4())
            form = SubmitForm(fresh, categories=categories)
            form.full_clean()
            form.add_error(None, _("这份表格已经提交过了。如果要反映另一件事，请确认内容后再提交一次。"))
        else:
            apply_domain_errors(form, exc, FORM_KEYS)
        return _submit_page(request, form, where, status=422)
    return render(request, "cases/public/submitted.html", {"done": done, "joined": False})


@require_safe
def similar(request: HttpRequest) -> HttpResponse:
    """Open cases like the one being written (an htmx partial of the form): titles masked, no
    personal data."""
    where = where_for(
        station=request.GET.get("station"), deputy=request.GET.get("deputy"), region=request.GET.get("region")
    )
    code = request.GET.get("category")
    cases = similar_cases_public(category=_category(code), region=where.home_region)
    return render(request, "cases/public/_similar.html", {"similar": cases, "similar_asked": bool(code)})


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def join(request: HttpRequest, case_id: int) -> HttpResponse:
    """ "我也遇到了": follow an open case; the follower gets his own code and secret."""
    shown = joinable_case(case_id)
    if shown is None:
        raise Http404
    context: dict[str, Any] = {"case": shown, "notice": notice_lines(), "notice_version": NOTICE_VERSION}
    if request.method != "POST":
        context["form"] = JoinForm()
        return render(request, "cases/public/join.html", context)
    verdict = ratelimit.hit("case_submit", _client(request), limit=SUBMITS_PER_MINUTE, window_seconds=60)
    if not verdict.allowed:
        return _too_many(request, verdict.retry_after, _("提交太频繁，请稍等一分钟再试。"))
    form = JoinForm(request.POST)
    context["form"] = form
    if form.is_bot():
        form.is_valid()
        form.add_error(None, _("提交失败，请刷新页面后重试。"))
        return render(request, "cases/public/join.html", context, status=400)
    if not form.is_valid():
        return render(request, "cases/public/join.html", context, status=422)
    case = case_for_join(case_id)
    if case is None:
        raise Http404
    try:
        done = services.case_join(
            actor=jurisdiction_for(request.user),
            case=case,
            name=form.cleaned_data["name"],
            phone=form.cleaned_data["phone"],
            consent=bool(form.cleaned_data["consent"]),
            notice_version=NOTICE_VERSION,
        )
    except NotFound:
        raise Http404 from None
    except InvalidInput as exc:
        apply_domain_errors(form, exc)
        return render(request, "cases/public/join.html", context, status=422)
    return render(request, "cases/public/submitted.html", {"done": done, "joined": True})


# ---- tracking ---------------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def track(request: HttpRequest) -> HttpResponse:
    """Open a case with its tracking code and secret (POST only: never in a URL, never in logs)."""
    if request.method != "POST":
        return render(request, "cases/public/track.html", {"form": TrackForm()})
    client = _client(request)
    limit = {"limit": TRACK_FAILURES_PER_HOUR, "window_seconds": 3600}
    verdict = ratelimit.peek("case_track_fail", client, **limit)
    if not verdict.allowed:
        return _too_many(
            request, verdict.retry_after, _("输错查询码或密码的次数太多，请一小时后再试，或联系所在联络站。")
        )
    form = TrackForm(request.POST)
    if not form.is_valid():
        return render(request, "cases/public/track.html", {"form": form}, status=422)
    try:
        ticket = track_lookup(tracking_code=form.cleaned_data["tracking_code"], secret=form.cleaned_data["secret"])
    except NotFound:
        ratelimit.hit("case_track_fail", client, **limit)
        form.add_error(None, _("查询码或查询密码不正确，请核对后重新输入（查询码不区分大小写）。"))
        return render(request, "cases/public/track.html", {"form": form}, status=404)
    tracking.remember(request, ticket)
    return _see_other(reverse("cases:tracked", args=[ticket.case.pk]))


def _recovered_hash(request: HttpRequest) -> str:
    entry = request.session.get(RECOVERED_KEY) or {}
    if not isinstance(entry, dict) or entry.get("until", 0) < time.time():
        return ""
    return str(entry.get("hash", ""))


def _ticket(request: HttpRequest, case_id: int) -> Ticket | None:
    """The visitor's hold on the case: a proven code and secret, his account, or a phone he
    proved with a one-time code."""
    ticket = tracking.recall(request, case_id)
    if ticket is None:
        ticket = resident_ticket(case_id=case_id, user=request.user, phone_hash=_recovered_hash(request))
        if ticket is not None:
            tracking.remember(request, ticket)
    return ticket


def _timeline(ticket: Ticket) -> list[dict[str, Any]]:
    rows = []
    for row in case_timeline(case=ticket.case, public_only=True):
        hide = not ticket.is_filer and row.kind in RESIDENT_EVENTS
        kind = row.get_kind_display()
        status = CaseStatus(row.to_status).label if row.to_status else ""
        rating = row.data.get("rating") if row.kind == EventKind.RATED else None
        rows.append(
            {
                "at": row.at,
                # "评价：不满意" says what the resident chose; "重新办理 → 重新办理" says nothing twice.
                "kind": f"{kind}\uff1a{Rating(rating).label}" if rating in Rating.values else kind,
                "who": row.actor_label,
                "note": "" if hide else mask_text(row.note),
                "status": "" if str(status) == str(kind) else status,
            }
        )
    return rows


def _tracked_page(
    request: HttpRequest, ticket: Ticket, *, forms: dict[str, Any] | None = None, status: int = 200
) -> HttpResponse:
    case = ticket.case
    filer = ticket.is_filer
    is_open = case.status in OPEN_STATUSES
    attachments = CaseAttachment.objects.filter(case=case, is_public=True).order_by("created_at", "id")
    if not filer:
        attachments = attachments.filter(uploaded_by__isnull=False)
    given = forms or {}
    actions = {
        "comment": given.get("comment") or CommentForm() if is_open else None,
        "info": given.get("info") or InfoForm() if is_open and case.info_requested and filer else None,
        "withdraw": given.get("withdraw") or WithdrawForm()
        if filer and is_open and case.status != CaseStatus.ANSWERED
        else None,
        "rate": given.get("rate") or RateForm() if filer and case.status == CaseStatus.ANSWERED else None,
    }
    phone = case.resident_phone if filer else (ticket.follower.phone if ticket.follower else "")
    return render(
        request,
        "cases/public/tracked.html",
        {
            "case": case,
            "ticket": ticket,
            "filer": filer,
            "title": case.title if filer else mask_text(case.title),
            "tone": status_tone(case.status),
            "timeline": _timeline(ticket),
            "answer": mask_text(case.answer),
            "attachments": list(attachments),
            "masked_phone": mask_phone(phone),
            "actions": actions,
            "failed": next(iter(given), ""),
        },
        status=status,
    )


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def tracked(request: HttpRequest, case_id: int) -> HttpResponse:
    """A proven case: status, timeline of public events, the answer, and the resident's actions."""
    ticket = _ticket(request, case_id)
    if ticket is None:
        if request.method == "POST":
            messages.info(request, _("为了保护您的信息，请重新输入查询码和查询密码。"))
        return _see_other(reverse("cases:track"))
    if request.method != "POST":
        return _tracked_page(request, ticket)
    action = request.POST.get("action", "")
    form: Any
    try:
        if action == "comment":
            form = CommentForm(request.POST)
            if not form.is_valid():
                return _tracked_page(request, ticket, forms={action: form}, status=422)
            services.case_comment(ticket=ticket, text=form.cleaned_data["text"])
            done = _("留言已提交，工作人员会看到。")
        elif action == "info":
            form = InfoForm(request.POST, request.FILES)
            if not form.is_valid():
                return _tracked_page(request, ticket, forms={action: form}, status=422)
            files = request.FILES.getlist("attachments")
            uploads = validate_uploads(files) if files else []
            services.case_provide_info(ticket=ticket, text=form.cleaned_data["text"], uploads=uploads)
            done = _("补充材料已提交，谢谢您。")
        elif action == "withdraw":
            form = WithdrawForm(request.POST)
            if not form.is_valid():
                return _tracked_page(request, ticket, forms={action: form}, status=422)
            services.case_withdraw(ticket=ticket, reason=form.cleaned_data["reason"])
            done = _("诉求已撤回。")
        elif action == "rate":
            form = RateForm(request.POST)
            if not form.is_valid():
                return _tracked_page(request, ticket, forms={action: form}, status=422)
            case = services.case_rate(
                ticket=ticket, rating=form.cleaned_data["rating"], comment=form.cleaned_data["comment"]
            )
            done = (
                _("已收到您的评价。诉求将重新办理，并由人大工作机构督办。")
                if case.status == CaseStatus.REOPENED
                else _("感谢您的评价，这条诉求已办结。")
            )
        else:
            return HttpResponse(_("不支持的操作。"), status=400, content_type="text/plain; charset=utf-8")
    except DomainError as exc:
        apply_domain_errors(form, exc)
        fresh = _ticket(request, case_id) or ticket
        return _tracked_page(request, fresh, forms={action: form}, status=exc.status)
    messages.success(request, done)
    return _see_other(reverse("cases:tracked", args=[ticket.case.pk]))


# ---- recovery and "my requests" ---------------------------------------------------------------


def _recovered_list(request: HttpRequest, phone_hash: str) -> HttpResponse:
    rows = []
    for case in cases_of_phone_hash(phone_hash)[:50]:
        filer = case.resident_phone_hash == phone_hash
        rows.append(
            {
                "case": case,
                "code": own_tracking_code(case, filer=filer),
                "title": case.title if filer else mask_text(case.title),
                "tone": status_tone(case.status),
            }
        )
    return render(request, "cases/public/recover.html", {"step": "list", "rows": rows})


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def recover(request: HttpRequest) -> HttpResponse:
    """Lost the code: a one-time code to the phone, then the phone's cases."""
    if request.method != "POST":
        phone_hash = _recovered_hash(request)
        if phone_hash:
            return _recovered_list(request, phone_hash)
        return render(request, "cases/public/recover.html", {"step": "phone", "form": RecoverPhoneForm()})
    if request.POST.get("step") == "code":
        pending = request.session.get(PENDING_KEY) or {}
        code_form = RecoverCodeForm(request.POST)
        if not isinstance(pending, dict) or pending.get("until", 0) < time.time():
            form = RecoverPhoneForm()
            form.add_error(None, _("验证码已过期，请重新获取。"))
            return render(request, "cases/public/recover.html", {"step": "phone", "form": form}, status=422)
        if not code_form.is_valid():
            return render(request, "cases/public/recover.html", {"step": "code", "form": code_form}, status=422)
        try:
            phone_hash = recovery_verify(phone_hash=str(pending.get("hash", "")), code=code_form.cleaned_data["code"])
        except InvalidInput as exc:
            apply_domain_errors(code_form, exc)
            return render(request, "cases/public/recover.html", {"step": "code", "form": code_form}, status=422)
        request.session.pop(PENDING_KEY, None)
        request.session.cycle_key()
        request.session[RECOVERED_KEY] = {"hash": phone_hash, "until": int(time.time()) + RECOVERED_SECONDS}
        return _see_other(reverse("cases:recover"))
    form = RecoverPhoneForm(request.POST)
    if not form.is_valid():
        return render(request, "cases/public/recover.html", {"step": "phone", "form": form}, status=422)
    try:
        phone_hash = recovery_request(phone=form.cleaned_data["phone"], client=_client(request))
    except TooManyRequests as exc:
        return _too_many(request, exc.retry_after, exc.message)
    except InvalidInput as exc:
        apply_domain_errors(form, exc)
        return render(request, "cases/public/recover.html", {"step": "phone", "form": form}, status=422)
    request.session[PENDING_KEY] = {"hash": phone_hash, "until": int(time.time()) + 10 * 60}
    return render(request, "cases/public/recover.html", {"step": "code", "form": RecoverCodeForm(), "sent": True})


@login_required
@require_safe
def mine(request: HttpRequest) -> HttpResponse:
    """A signed-in resident's requests, newest first, 20 a page."""
    page = Paginator(cases_of_user(request.user), MINE_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = []
    for case in page.object_list:
        filer = case.resident_user_id == request.user.pk
        rows.append(
            {
                "case": case,
                "code": own_tracking_code(case, filer=filer),
                "title": case.title if filer else mask_text(case.title),
                "tone": status_tone(case.status),
            }
        )
    return render(request, "cases/public/mine.html", {"page": page, "rows": rows})


# ---- QR codes ---------------------------------------------------------------------------------


def _qr_page(request: HttpRequest, *, heading: str, name: str, place: str, query: str) -> HttpResponse:
    url = request.build_absolute_uri(reverse("cases:submit")) + query
    qr = segno.make(url, error="m")
    # segno writes only elements and attributes (no <script>, no style attribute): CSP-safe.
    svg = qr.svg_inline(scale=8, border=2, omitsize=True, title=heading, svgclass="case-qr-code", lineclass=None)
    return render(
        request,
        "cases/public/qr.html",
        {"heading": heading, "name": name, "place": place, "url": url, "qr_svg": mark_safe(svg)},  # noqa: S308
    )


@require_safe
def station_qr(request: HttpRequest, station_id: int) -> HttpResponse:
    """联络站码: a printable QR code that opens the request form for this station."""
    station = qr_station(station_id)
    if station is None:
        raise Http404
    return _qr_page(
        request, heading=_("联络站码"), name=station.name, place=station.address, query=f"?station={station.pk}"
    )


@require_safe
def deputy_qr(request: HttpRequest, deputy_id: int) -> HttpResponse:
    """代表码: a printable QR code that opens the request form addressed to this deputy."""
    deputy = qr_deputy(deputy_id)
    if deputy is None:
        raise Http404
    return _qr_page(
        request,
        heading=_("代表码"),
        name=_("%(name)s 代表") % {"name": deputy.name},
        place="",
        query=f"?deputy={deputy.pk}",
    )
