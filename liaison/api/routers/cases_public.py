"""/api/v1/cases: a resident files a request (no account needed) and follows it with the
tracking code and secret, which travel in the body only, never in a URL (so never in a log)."""

from __future__ import annotations

from typing import Any

import orjson
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Header, Router, Status

from liaison.accounts.jurisdiction import ANONYMOUS, Actor, jurisdiction_for
from liaison.accounts.services import api_token_user, client_ip
from liaison.api.errors import Error
from liaison.api.schemas_cases import (
    CaseSubmitIn,
    CaseSubmitOut,
    CommentIn,
    RateIn,
    TicketIn,
    TrackedCaseOut,
    WithdrawIn,
)
from liaison.cases import services
from liaison.cases.choices import OPEN_STATUSES, CaseStatus, Channel, EventKind, Rating
from liaison.cases.selectors import Ticket, public_case_rows, track_lookup
from liaison.core import ratelimit
from liaison.core.errors import ErrorCode, NotFound
from liaison.core.personal_data import mask_name, mask_phone

router = Router(tags=["cases"])

SUBMIT_LIMIT = (10, 60)  # submissions per client address and minute
TRACK_FAIL_LIMIT = (20, 3600)  # wrong code/secret pairs per client address and hour
ERRORS = {401: Error, 403: Error, 404: Error, 409: Error, 422: Error, 429: Error}
# What residents themselves wrote: a follower of the case does not read the filer's words.
RESIDENT_WORDS = (EventKind.COMMENTED, EventKind.INFO_PROVIDED, EventKind.RATED, EventKind.WITHDRAWN)


class _Limited(Exception):
    def __init__(self, retry_after: int) -> None:
        self.retry_after = retry_after


def _too_many(retry_after: int) -> HttpResponse:
    """429 in the one error envelope, with Retry-After (SECURITY.md S18)."""
    message = _("操作太频繁，请 %(n)d 秒后再试。") % {"n": retry_after}
    body = {"code": ErrorCode.RATE_LIMITED.value, "message": message, "fields": {}}
    response = HttpResponse(orjson.dumps(body), status=429, content_type="application/json; charset=utf-8")
    response["Retry-After"] = str(retry_after)
    return response


def _ip(request: HttpRequest) -> str:
    return client_ip(request) or "unknown"


def _caller(request: HttpRequest) -> Actor | HttpResponse:
    """Anonymous, or the signed-in resident of a bearer token (a bad token is a 401)."""
    header = request.headers.get("Authorization", "")
    if not header:
        return ANONYMOUS
    scheme, _sep, raw = header.partition(" ")
    user = api_token_user(raw.strip()) if scheme.lower() == "bearer" and raw.strip() else None
    if user is None:
        body = {"code": ErrorCode.UNAUTHORIZED.value, "message": _("请先登录：缺少有效的访问令牌。"), "fields": {}}
        response = HttpResponse(orjson.dumps(body), status=401, content_type="application/json; charset=utf-8")
        response["WWW-Authenticate"] = "Bearer"
        return response
    request.user = user
    return jurisdiction_for(user)


def _ticket(request: HttpRequest, payload: TicketIn) -> Ticket:
    """The case a code and secret open; wrong pairs are counted per address and refused with a
    429 once too many (tracking-code enumeration)."""
    ip = _ip(request)
    limit, window = TRACK_FAIL_LIMIT
    verdict = ratelimit.peek("case_track_fail", ip, limit=limit, window_seconds=window)
    if not verdict.allowed:
        raise _Limited(verdict.retry_after)
    try:
        return track_lookup(tracking_code=payload.tracking_code, secret=payload.secret)
    except NotFound:
        ratelimit.hit("case_track_fail", ip, limit=limit, window_seconds=window)
        raise NotFound(_("查询码或查询密码不正确。")) from None


def resident_view(ticket: Ticket) -> dict[str, Any]:
    """What the holder of a code and secret sees: the status, public timeline and replies;
    never internal notes, staff names or anybody's full phone."""
    case = ticket.case
    filer = ticket.is_filer
    # Plain rows, not model instances: this is every resident's lookup (PERFORMANCE.md).
    events, files = public_case_rows(case.pk)
    question = ""
    if case.info_requested:
        asked = [e for e in events if e["kind"] == EventKind.INFO_REQUESTED]
        question = asked[-1]["note"] if asked else ""
    if filer:
        contact = {"name": mask_name(case.resident_name), "phone": mask_phone(case.resident_phone)}
    elif ticket.follower is not None:
        contact = {"name": mask_name(ticket.follower.name), "phone": mask_phone(ticket.follower.phone)}
    else:
        contact = {"name": "", "phone": ""}
    is_open = case.status in OPEN_STATUSES
    return {
        "tracking_code": ticket.tracking_code,
        "status": case.status,
        "status_label": str(CaseStatus(case.status).label),
        "kind": case.kind,
        "kind_label": str(case.get_kind_display()),
        "category": {"code": case.category.code, "name": case.category.name} if case.category else None,
        "title": case.title,
        "description": case.description if filer else "",
        "address": case.address if filer else "",
        "created_at": case.created_at,
        "answer": case.answer,
        "answered_at": case.answered_at,
        "closed_at": case.closed_at,
        "rating": case.rating,
        "rating_label": str(Rating(case.rating).label) if case.rating else "",
        "info_requested": case.info_requested,
        "question": question,
        "is_filer": filer,
        "can_comment": is_open,
        "can_withdraw": filer and is_open and case.status != CaseStatus.ANSWERED,
        "can_rate": filer and case.status == CaseStatus.ANSWERED,
        "contact": contact,
        "timeline": [
            {
                "at": e["at"],
                "kind": e["kind"],
                "kind_label": str(EventKind(e["kind"]).label),
                "actor_label": e["actor_label"],
                "note": e["note"] if filer or e["kind"] not in RESIDENT_WORDS else "",
            }
            for e in events
        ],
        "attachments": [
            {"id": a["pk"], "name": a["original_name"], "size": a["size"], "content_type": a["content_type"]}
            for a in files
        ],
    }


def _fresh(ticket: Ticket) -> Ticket:
    ticket.case.refresh_from_db()
    return ticket


@router.post(
    "/cases",
    response={200: CaseSubmitOut, 201: CaseSubmitOut, **ERRORS},
    auth=None,
    operation_id="cases_submit",
)
def submit(
    request: HttpRequest,
    payload: CaseSubmitIn,
    idempotency_key: str | None = Header(
        None,
        alias="Idempotency-Key",
        max_length=128,
        description="重试时原样带上：24 小时内同一个 Key 同一内容只建一条诉求（答复 200，内容与第一次相同）",
    ),
) -> Any:
    """File a request or suggestion (201 with the tracking code and the secret, shown once).

    A signed-in resident's bearer token links the case to the account ("my requests")."""
    actor = _caller(request)
    if isinstance(actor, HttpResponse):
        return actor
    limit, window = SUBMIT_LIMIT
    verdict = ratelimit.hit("case_submit_api", _ip(request), limit=limit, window_seconds=window)
    if not verdict.allowed:
        return _too_many(verdict.retry_after)
    data = services.CaseInput(
        category=payload.category,
        description=payload.description,
        kind=payload.kind,
        title=payload.title,
        address=payload.address,
        latitude=payload.latitude,
        longitude=payload.longitude,
        name=payload.name,
        phone=payload.phone,
        consent=payload.consent,
        station_id=payload.station,
    )
    done = services.case_submit(actor=actor, data=data, idempotency_key=idempotency_key or "", channel=Channel.APP)
    # The first answer's body, also on a replay (the case may have moved on since).
    body = {"tracking_code": done.tracking_code, "secret": done.secret, "status": CaseStatus.SUBMITTED}
    return Status(200 if done.replayed else 201, body)


def _act(request: HttpRequest, payload: TicketIn, action: Any) -> Any:
    try:
        ticket = _ticket(request, payload)
    except _Limited as limited:
        return _too_many(limited.retry_after)
    if action is None:
        # Every resident's lookup: the view is built from plain values and sent as is (its shape
        # is TrackedCaseOut, which the tests check), skipping a second validation pass.
        return HttpResponse(
            orjson.dumps(resident_view(ticket), default=str), content_type="application/json; charset=utf-8"
        )
    action(ticket)
    return resident_view(_fresh(ticket))


@router.post("/cases/track", response={200: TrackedCaseOut, **ERRORS}, auth=None, operation_id="cases_track")
def track(request: HttpRequest, payload: TicketIn) -> Any:
    """The status, timeline and replies of the case a tracking code and secret open (404 for
    any wrong pair; too many wrong pairs from one address: 429)."""
    return _act(request, payload, None)


@router.post("/cases/comment", response={200: TrackedCaseOut, **ERRORS}, auth=None, operation_id="cases_comment")
def comment(request: HttpRequest, payload: CommentIn) -> Any:
    """Add a comment to an open case."""
    return _act(request, payload, lambda ticket: services.case_comment(ticket=ticket, text=payload.text))


@router.post(
    "/cases/answer-info", response={200: TrackedCaseOut, **ERRORS}, auth=None, operation_id="cases_answer_info"
)
def answer_info(request: HttpRequest, payload: CommentIn) -> Any:
    """Answer the staff's request for more information."""
    return _act(request, payload, lambda ticket: services.case_provide_info(ticket=ticket, text=payload.text))


@router.post("/cases/withdraw", response={200: TrackedCaseOut, **ERRORS}, auth=None, operation_id="cases_withdraw")
def withdraw(request: HttpRequest, payload: WithdrawIn) -> Any:
    """Withdraw the request (the filer only, before it is answered)."""
    return _act(request, payload, lambda ticket: services.case_withdraw(ticket=ticket, reason=payload.reason))


@router.post("/cases/rate", response={200: TrackedCaseOut, **ERRORS}, auth=None, operation_id="cases_rate")
def rate(request: HttpRequest, payload: RateIn) -> Any:
    """Rate the answer: satisfied or partly closes the case; not satisfied (with a comment)
    reopens it and the office supervises it (督办)."""
    return _act(
        request,
        payload,
        lambda ticket: services.case_rate(ticket=ticket, rating=payload.rating, comment=payload.comment),
    )
