"""/api/v1/manage/cases and /manage/referrals: the back office's case list and detail, one
endpoint per workflow transition, and a department's referral queue and actions.

Every lookup starts from the caller's visible set (an id out of reach is a 404); the services
re-check the action (visible but not allowed: 403), the state (409) and the version (409).
Residents' names and phones are masked everywhere except the audited reveal."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Exists, OuterRef
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Path, Query, Router

from liaison.accounts.jurisdiction import Actor
from liaison.accounts.services import client_ip
from liaison.api.auth import actor_of, bearer
from liaison.api.errors import ERRORS_READ, ERRORS_WRITE
from liaison.api.pagination import Page, PageParams, page_of
from liaison.api.schemas_cases import (
    AnswerIn,
    AssignIn,
    BulkAssignIn,
    BulkAssignOut,
    CaseDetailOut,
    CaseListFilters,
    CaseRowOut,
    ExtensionDecisionIn,
    ExtensionIn,
    MeetingIn,
    MergeIn,
    NoteIn,
    QuestionIn,
    ReasonIn,
    ReferIn,
    ReferralDetailOut,
    ReferralFilters,
    ReferralQueueRowOut,
    ReferralReasonIn,
    ReferralVersionIn,
    ReplyIn,
    RevealOut,
    SummaryIn,
    TextIn,
    TransferIn,
)
from liaison.cases import services
from liaison.cases.choices import OPEN_REFERRAL_STATUSES, CaseStatus, ReferralStatus
from liaison.cases.deadlines import deadline_label
from liaison.cases.models import Case, Referral
from liaison.cases.permissions import can_answer, can_handle_referral, can_reveal, can_triage
from liaison.cases.selectors import CaseFilters, case_get, case_list, case_timeline, referral_get, referral_queue
from liaison.cases.services._base import check_version
from liaison.core.clock import today
from liaison.core.errors import Forbidden, InvalidInput
from liaison.core.personal_data import mask_name, mask_phone
from liaison.receptions.holidays import WorkCalendar

router = Router(tags=["cases"], auth=bearer)

ID = Path(..., ge=1, le=2**63 - 1)
CASE_RELATED = ("category", "region", "station", "deputy", "department")


def _staff(request: HttpRequest) -> Actor:
    actor = actor_of(request)
    if not actor.is_staff_member:
        raise Forbidden(_("该接口仅供工作人员使用。"))
    return actor


# ---- representations ------------------------------------------------------------------------


def _named(obj: Any) -> dict[str, Any] | None:
    return None if obj is None else {"id": obj.pk, "name": obj.name}


def _category(category: Any) -> dict[str, Any] | None:
    return None if category is None else {"code": category.code, "name": category.name}


def _contact(case: Case, visible: bool) -> dict[str, str]:
    """Masked name and phone; a department sees even those only where the resident consented."""
    if not visible:
        return {"resident_name": "", "resident_phone": ""}
    return {"resident_name": mask_name(case.resident_name), "resident_phone": mask_phone(case.resident_phone)}


def _row(actor: Actor, case: Case, *, shared: bool) -> dict[str, Any]:
    return {
        "id": case.pk,
        "tracking_code": case.tracking_code,
        "title": case.title,
        "kind": case.kind,
        "category": _category(case.category),
        "status": case.status,
        "status_label": str(CaseStatus(case.status).label),
        "station": _named(case.station),
        "region": _named(case.region),
        "deputy": _named(case.deputy),
        "department": _named(case.department),
        "due_date": case.due_date,
        "is_overdue": case.is_overdue,
        "is_escalated": case.is_escalated,
        "info_requested": case.info_requested,
        "created_at": case.created_at,
        "version": case.version,
        **_contact(case, can_answer(actor, case) or shared),
    }


def _referral_row(referral: Referral, on: dt.date, calendar: WorkCalendar) -> dict[str, Any]:
    is_open = referral.status in OPEN_REFERRAL_STATUSES
    return {
        "id": referral.pk,
        "case_id": referral.case_id,
        "department": _named(referral.department),
        "status": referral.status,
        "status_label": str(ReferralStatus(referral.status).label),
        "instructions": referral.instructions,
        "due_date": referral.due_date,
        "deadline_label": deadline_label(referral.due_date, on, calendar) if is_open else "",
        "is_overdue": is_open and referral.due_date < on,
        "shares_personal_data": referral.shares_personal_data,
        "accepted_at": referral.accepted_at,
        "replied_at": referral.replied_at,
        "reply": referral.reply,
        "return_reason": referral.return_reason,
        "extension_status": referral.extension_status,
        "extension_workdays": referral.extension_workdays,
        "extension_reason": referral.extension_reason,
        "escalation_level": referral.escalation_level,
        "created_at": referral.created_at,
        "version": referral.version,
    }


def _event(e: Any) -> dict[str, Any]:
    return {
        "id": e.pk,
        "at": e.at,
        "kind": e.kind,
        "kind_label": str(e.get_kind_display()),
        "actor_label": e.actor_label,
        "from_status": e.from_status,
        "to_status": e.to_status,
        "note": e.note,
        "is_public": e.is_public,
        "referral_id": e.referral_id,
    }


def _attachment(a: Any) -> dict[str, Any]:
    return {
        "id": a.pk,
        "name": a.original_name,
        "size": a.size,
        "content_type": a.content_type,
        "is_public": a.is_public,
        "referral_id": a.referral_id,
    }


def _case_detail(actor: Actor, case: Case) -> dict[str, Any]:
    """The whole case for the back office. A department that sees it only through a referral
    gets its own referrals, the public timeline plus its own entries, and the resident's
    (masked) contact only where the resident consented to sharing."""
    referrals = list(case.referrals.select_related("department").order_by("created_at", "id"))
    full = can_answer(actor, case)
    own = {r.pk for r in referrals if r.department_id in actor.department_ids}
    shared = any(r.pk in own and r.shares_personal_data for r in referrals)
    events = case_timeline(case=case, public_only=False)
    attachments = list(case.attachments.order_by("created_at", "id"))
    user_id = getattr(actor.user, "pk", None)
    if not full:
        referrals = [r for r in referrals if r.pk in own]
        events = [e for e in events if e.is_public or e.referral_id in own or (user_id and e.actor_id == user_id)]
        attachments = [a for a in attachments if (a.referral_id in own if a.referral_id else a.is_public)]
    on, calendar = today(), WorkCalendar.load()
    meetings = case.meetings.prefetch_related("deputies", "departments").order_by("held_on", "id")
    return {
        **_row(actor, case, shared=shared),
        "channel": case.channel,
        "channel_label": str(case.get_channel_display()),
        "description": case.description,
        "address": case.address,
        "latitude": case.latitude,
        "longitude": case.longitude,
        "deadline_label": deadline_label(case.due_date, on, calendar) if case.status == CaseStatus.REFERRED else "",
        "consent": case.consent,
        "notice_version": case.notice_version,
        "answer": case.answer,
        "accepted_at": case.accepted_at,
        "answered_at": case.answered_at,
        "closed_at": case.closed_at,
        "rating": case.rating,
        "rating_comment": case.rating_comment,
        "merged_into_id": case.merged_into_id,
        "is_published": case.is_published,
        "public_summary": case.public_summary,
        "can_triage": not actor.is_read_only and can_triage(actor, case),
        "can_answer": not actor.is_read_only and full,
        "can_reveal": can_reveal(actor, case, referrals),
        "referrals": [_referral_row(r, on, calendar) for r in referrals],
        "timeline": [_event(e) for e in events],
        "meetings": [
            {
                "id": m.pk,
                "held_on": m.held_on,
                "place": m.place,
                "residents": m.residents,
                "outcome": m.outcome,
                "deputies": [_named(d) for d in m.deputies.all()],
                "departments": [_named(d) for d in m.departments.all()],
                "created_at": m.created_at,
            }
            for m in meetings
        ],
        "attachments": [_attachment(a) for a in attachments],
    }


def _case(request: HttpRequest, case_id: int) -> tuple[Actor, Case]:
    actor = actor_of(request)
    return actor, case_get(actor=actor, case_id=case_id)


def _after(actor: Actor, case: Case) -> dict[str, Any]:
    """The case as it is now. Read by its id, not through the caller's reach: a transfer may
    just have moved it out of the caller's sight, and the caller still gets his answer."""
    return _case_detail(actor, Case.objects.select_related(*CASE_RELATED).get(pk=case.pk))


def _referral_case(case: Case) -> dict[str, Any]:
    return {
        "id": case.pk,
        "tracking_code": case.tracking_code,
        "title": case.title,
        "kind": case.kind,
        "category": _category(case.category),
        "status": case.status,
        "status_label": str(CaseStatus(case.status).label),
        "region": _named(case.region),
    }


def _referral_detail(actor: Actor, referral: Referral) -> dict[str, Any]:
    case = referral.case
    on, calendar = today(), WorkCalendar.load()
    full = can_answer(actor, case)
    events = [e for e in case_timeline(case=case, public_only=False) if e.referral_id == referral.pk or e.is_public]
    attachments = [
        a
        for a in case.attachments.order_by("created_at", "id")
        if full or (a.referral_id == referral.pk if a.referral_id else a.is_public)
    ]
    contact = _contact(case, full or referral.shares_personal_data)
    return {
        **_referral_row(referral, on, calendar),
        "case": _referral_case(case),
        "description": case.description,
        "address": case.address,
        **contact,
        "can_handle": can_handle_referral(actor, referral) and referral.status in OPEN_REFERRAL_STATUSES,
        "can_decide": not actor.is_read_only and can_triage(actor, case),
        "timeline": [_event(e) for e in events],
        "attachments": [_attachment(a) for a in attachments],
    }


def _referral(request: HttpRequest, referral_id: int) -> tuple[Actor, Referral]:
    actor = actor_of(request)
    return actor, referral_get(actor=actor, referral_id=referral_id, action="view")


def _referral_after(actor: Actor, referral: Referral) -> dict[str, Any]:
    fresh = Referral.objects.select_related("case__category", "case__region", "department").get(pk=referral.pk)
    return _referral_detail(actor, fresh)


# ---- cases: list and detail -----------------------------------------------------------------


@router.get("/cases", response={200: Page[CaseRowOut], **ERRORS_READ}, operation_id="manage_cases_list")
def cases(request: HttpRequest, filters: Query[CaseListFilters], page: Query[PageParams]) -> dict[str, Any]:
    """The caller's cases (office subtree, station, assigned deputy, or referred to the
    caller's department), filtered; names and phones masked."""
    actor = _staff(request)
    qs = case_list(
        actor=actor,
        filters=CaseFilters(
            status=filters.status,
            kind=filters.kind,
            category=filters.category,
            region_id=filters.region,
            station_id=filters.station,
            deputy_id=filters.deputy,
            department_id=filters.department,
            overdue=filters.overdue,
            escalated=filters.escalated,
            open_only=filters.open_only,
            date_from=filters.date_from,
            date_to=filters.date_to,
            q=filters.q,
            ordering=filters.ordering,
        ),
    )
    if actor.department_ids:
        qs = qs.annotate(
            shared=Exists(
                Referral.objects.filter(
                    case=OuterRef("pk"), department_id__in=actor.department_ids, shares_personal_data=True
                )
            )
        )

    def rows(offset: int, limit: int) -> list[dict[str, Any]]:
        return [_row(actor, c, shared=bool(getattr(c, "shared", False))) for c in qs[offset : offset + limit]]

    return page_of(page, count=qs.count, rows=rows)


# Before /cases/{case_id}: that path would otherwise take "bulk-assign" for an id.
@router.post(
    "/cases/bulk-assign", response={200: BulkAssignOut, **ERRORS_WRITE}, operation_id="manage_cases_bulk_assign"
)
def bulk_assign(request: HttpRequest, payload: BulkAssignIn) -> dict[str, int]:
    """Assign several cases to one deputy: all or none."""
    actor = _staff(request)
    if actor.is_read_only or not (actor.is_system_admin or actor.office_paths or actor.staff_station_ids):
        raise Forbidden(_("只有人大工作机构或联络站工作人员可以分派诉求。"))
    ids = list(dict.fromkeys(payload.cases))
    reachable = set(Case.objects.visible_to(actor, "triage").filter(pk__in=ids).values_list("pk", flat=True))
    if missing := [i for i in ids if i not in reachable]:
        raise InvalidInput(fields={"cases": [_("有 %(n)d 条诉求不存在或不在您的管辖范围内。") % {"n": len(missing)}]})
    return {"assigned": services.case_assign_bulk(actor=actor, case_ids=ids, deputy_id=payload.deputy)}


@router.get("/cases/{case_id}", response={200: CaseDetailOut, **ERRORS_READ}, operation_id="manage_cases_get")
def case_detail(request: HttpRequest, case_id: int = ID) -> dict[str, Any]:
    """One case with its referrals, timeline (internal entries marked), meetings and files."""
    actor, case = _case(request, case_id)
    return _case_detail(actor, case)


# ---- cases: one endpoint per transition -------------------------------------------------------


@router.post(
    "/cases/{case_id}/accept", response={200: CaseDetailOut, **ERRORS_WRITE}, operation_id="manage_cases_accept"
)
def accept(request: HttpRequest, payload: NoteIn, case_id: int = ID) -> dict[str, Any]:
    """Accept a submitted case (the resident is told)."""
    actor, case = _case(request, case_id)
    return _after(actor, services.case_accept(actor=actor, case=case, version=payload.version, note=payload.note))


@router.post(
    "/cases/{case_id}/decline", response={200: CaseDetailOut, **ERRORS_WRITE}, operation_id="manage_cases_decline"
)
def decline(request: HttpRequest, payload: ReasonIn, case_id: int = ID) -> dict[str, Any]:
    """Decline a submitted case, with a reason the resident reads."""
    actor, case = _case(request, case_id)
    return _after(actor, services.case_decline(actor=actor, case=case, reason=payload.reason, version=payload.version))


@router.post(
    "/cases/{case_id}/assign", response={200: CaseDetailOut, **ERRORS_WRITE}, operation_id="manage_cases_assign"
)
def assign(request: HttpRequest, payload: AssignIn, case_id: int = ID) -> dict[str, Any]:
    """Assign the case to a deputy of the caller's jurisdiction."""
    actor, case = _case(request, case_id)
    done = services.case_assign(
        actor=actor, case=case, deputy_id=payload.deputy, version=payload.version, note=payload.note
    )
    return _after(actor, done)


@router.post(
    "/cases/{case_id}/answer-on-spot",
    response={200: CaseDetailOut, **ERRORS_WRITE},
    operation_id="manage_cases_answer_on_spot",
)
def answer_on_spot(request: HttpRequest, payload: AnswerIn, case_id: int = ID) -> dict[str, Any]:
    """The deputy or the station answers the resident directly, without a referral."""
    actor, case = _case(request, case_id)
    done = services.case_answer_on_spot(actor=actor, case=case, answer=payload.answer, version=payload.version)
    return _after(actor, done)


@router.post("/cases/{case_id}/refer", response={200: CaseDetailOut, **ERRORS_WRITE}, operation_id="manage_cases_refer")
def refer(request: HttpRequest, payload: ReferIn, case_id: int = ID) -> dict[str, Any]:
    """Refer (交办) the case to a department with a deadline in working days."""
    actor, case = _case(request, case_id)
    services.case_refer(
        actor=actor,
        case=case,
        department_id=payload.department,
        due_workdays=payload.due_workdays,
        instructions=payload.instructions,
        share_personal_data=payload.share_personal_data,
        version=payload.version,
    )
    return _after(actor, case)


@router.post(
    "/cases/{case_id}/answer", response={200: CaseDetailOut, **ERRORS_WRITE}, operation_id="manage_cases_answer"
)
def answer(request: HttpRequest, payload: AnswerIn, case_id: int = ID) -> dict[str, Any]:
    """Answer the resident after the department's reply (the second hop of the reply)."""
    actor, case = _case(request, case_id)
    return _after(actor, services.case_answer(actor=actor, case=case, answer=payload.answer, version=payload.version))


@router.post(
    "/cases/{case_id}/request-info",
    response={200: CaseDetailOut, **ERRORS_WRITE},
    operation_id="manage_cases_request_info",
)
def request_info(request: HttpRequest, payload: QuestionIn, case_id: int = ID) -> dict[str, Any]:
    """Ask the resident for more information (at any open step)."""
    actor, case = _case(request, case_id)
    done = services.case_request_info(actor=actor, case=case, question=payload.question, version=payload.version)
    return _after(actor, done)


@router.post("/cases/{case_id}/notes", response={200: CaseDetailOut, **ERRORS_WRITE}, operation_id="manage_cases_note")
def note(request: HttpRequest, payload: TextIn, case_id: int = ID) -> dict[str, Any]:
    """Add an internal note to the timeline (never shown to the resident)."""
    actor, case = _case(request, case_id)
    check_version(case, payload.version)
    services.case_note(actor=actor, case=case, text=payload.text)
    return _after(actor, case)


@router.post(
    "/cases/{case_id}/transfer", response={200: CaseDetailOut, **ERRORS_WRITE}, operation_id="manage_cases_transfer"
)
def transfer(request: HttpRequest, payload: TransferIn, case_id: int = ID) -> dict[str, Any]:
    """Hand the case to the office (and station) where it belongs."""
    actor, case = _case(request, case_id)
    done = services.case_transfer(
        actor=actor,
        case=case,
        region_id=payload.region,
        station_id=payload.station,
        reason=payload.reason,
        version=payload.version,
    )
    return _after(actor, done)


@router.post("/cases/{case_id}/merge", response={200: CaseDetailOut, **ERRORS_WRITE}, operation_id="manage_cases_merge")
def merge(request: HttpRequest, payload: MergeIn, case_id: int = ID) -> dict[str, Any]:
    """Merge this duplicate into the case `into`; its residents follow that case from now on."""
    actor, case = _case(request, case_id)
    return _after(
        actor, services.case_merge(actor=actor, case=case, into_case_id=payload.into, version=payload.version)
    )


@router.post(
    "/cases/{case_id}/meetings", response={200: CaseDetailOut, **ERRORS_WRITE}, operation_id="manage_cases_meeting"
)
def meeting(request: HttpRequest, payload: MeetingIn, case_id: int = ID) -> dict[str, Any]:
    """Record a tripartite meeting (三方会商): residents, deputies, departments and the outcome."""
    actor, case = _case(request, case_id)
    check_version(case, payload.version)
    services.meeting_record(
        actor=actor,
        case=case,
        held_on=payload.held_on,
        residents=payload.residents,
        outcome=payload.outcome,
        place=payload.place,
        deputy_ids=payload.deputies,
        department_ids=payload.departments,
    )
    return _after(actor, case)


@router.post(
    "/cases/{case_id}/escalate", response={200: CaseDetailOut, **ERRORS_WRITE}, operation_id="manage_cases_escalate"
)
def escalate(request: HttpRequest, payload: ReasonIn, case_id: int = ID) -> dict[str, Any]:
    """Supervise the case (督办) by hand."""
    actor, case = _case(request, case_id)
    check_version(case, payload.version)
    return _after(actor, services.case_escalate(actor=actor, case=case, reason=payload.reason))


@router.post(
    "/cases/{case_id}/publish", response={200: CaseDetailOut, **ERRORS_WRITE}, operation_id="manage_cases_publish"
)
def publish(request: HttpRequest, payload: SummaryIn, case_id: int = ID) -> dict[str, Any]:
    """Publish a resolved case as a redacted summary (no personal data)."""
    actor, case = _case(request, case_id)
    check_version(case, payload.version)
    return _after(actor, services.case_publish(actor=actor, case=case, summary=payload.summary))


@router.post(
    "/cases/{case_id}/unpublish", response={200: CaseDetailOut, **ERRORS_WRITE}, operation_id="manage_cases_unpublish"
)
def unpublish(request: HttpRequest, payload: ReasonIn, case_id: int = ID) -> dict[str, Any]:
    """Take a published summary down again."""
    actor, case = _case(request, case_id)
    check_version(case, payload.version)
    return _after(actor, services.case_unpublish(actor=actor, case=case, reason=payload.reason))


@router.post("/cases/{case_id}/reveal", response={200: RevealOut, **ERRORS_WRITE}, operation_id="manage_cases_reveal")
def reveal(request: HttpRequest, payload: ReasonIn, case_id: int = ID) -> dict[str, str]:
    """The resident's full name and phone, with a reason; audited. Only while the case is open,
    for those handling it (a department only where the resident consented)."""
    actor, case = _case(request, case_id)
    return services.case_reveal(actor=actor, case=case, reason=payload.reason, ip_address=client_ip(request))


# ---- referrals ----------------------------------------------------------------------------------


@router.get(
    "/referrals", response={200: Page[ReferralQueueRowOut], **ERRORS_READ}, operation_id="manage_referrals_list"
)
def referrals(request: HttpRequest, filters: Query[ReferralFilters], page: Query[PageParams]) -> dict[str, Any]:
    """The referrals to the caller's department, soonest deadline first (by default the open
    ones: waiting to be signed for and in hand)."""
    actor = _staff(request)
    qs = referral_queue(actor=actor, status=filters.status, overdue=filters.overdue, open_only=filters.status is None)
    on, calendar = today(), WorkCalendar.load()

    def rows(offset: int, limit: int) -> list[dict[str, Any]]:
        return [{**_referral_row(r, on, calendar), "case": _referral_case(r.case)} for r in qs[offset : offset + limit]]

    return page_of(page, count=qs.count, rows=rows)


@router.get(
    "/referrals/{referral_id}", response={200: ReferralDetailOut, **ERRORS_READ}, operation_id="manage_referrals_get"
)
def referral_detail(request: HttpRequest, referral_id: int = ID) -> dict[str, Any]:
    """One referral with what the department needs of its case (the resident's contact only
    where the resident consented)."""
    actor, referral = _referral(request, referral_id)
    return _referral_after(actor, referral)


@router.post(
    "/referrals/{referral_id}/accept",
    response={200: ReferralDetailOut, **ERRORS_WRITE},
    operation_id="manage_referrals_accept",
)
def referral_accept(request: HttpRequest, payload: ReferralVersionIn, referral_id: int = ID) -> dict[str, Any]:
    """The department signs for the referral (签收)."""
    actor, referral = _referral(request, referral_id)
    return _referral_after(actor, services.referral_accept(actor=actor, referral=referral, version=payload.version))


@router.post(
    "/referrals/{referral_id}/return",
    response={200: ReferralDetailOut, **ERRORS_WRITE},
    operation_id="manage_referrals_return",
)
def referral_return(request: HttpRequest, payload: ReferralReasonIn, referral_id: int = ID) -> dict[str, Any]:
    """Return a misrouted referral, with a reason; the office routes the case again."""
    actor, referral = _referral(request, referral_id)
    done = services.referral_return(actor=actor, referral=referral, reason=payload.reason, version=payload.version)
    return _referral_after(actor, done)


@router.post(
    "/referrals/{referral_id}/extension",
    response={200: ReferralDetailOut, **ERRORS_WRITE},
    operation_id="manage_referrals_extension",
)
def referral_extension(request: HttpRequest, payload: ExtensionIn, referral_id: int = ID) -> dict[str, Any]:
    """Ask the office for more working days."""
    actor, referral = _referral(request, referral_id)
    done = services.referral_request_extension(
        actor=actor, referral=referral, workdays=payload.workdays, reason=payload.reason, version=payload.version
    )
    return _referral_after(actor, done)


@router.post(
    "/referrals/{referral_id}/reply",
    response={200: ReferralDetailOut, **ERRORS_WRITE},
    operation_id="manage_referrals_reply",
)
def referral_reply(request: HttpRequest, payload: ReplyIn, referral_id: int = ID) -> dict[str, Any]:
    """Reply with the result; the deputy then reviews it and answers the resident."""
    actor, referral = _referral(request, referral_id)
    done = services.referral_reply(actor=actor, referral=referral, reply=payload.reply, version=payload.version)
    return _referral_after(actor, done)


@router.post(
    "/referrals/{referral_id}/cancel",
    response={200: ReferralDetailOut, **ERRORS_WRITE},
    operation_id="manage_referrals_cancel",
)
def referral_cancel(request: HttpRequest, payload: ReferralReasonIn, referral_id: int = ID) -> dict[str, Any]:
    """The office withdraws a referral it made."""
    actor, referral = _referral(request, referral_id)
    done = services.referral_cancel(actor=actor, referral=referral, reason=payload.reason, version=payload.version)
    return _referral_after(actor, done)


@router.post(
    "/referrals/{referral_id}/extension-decision",
    response={200: ReferralDetailOut, **ERRORS_WRITE},
    operation_id="manage_referrals_extension_decision",
)
def referral_extension_decision(
    request: HttpRequest, payload: ExtensionDecisionIn, referral_id: int = ID
) -> dict[str, Any]:
    """The office approves (the deadline moves) or refuses (with a note) an extension."""
    actor, referral = _referral(request, referral_id)
    done = services.referral_decide_extension(
        actor=actor, referral=referral, approve=payload.approve, note=payload.note, version=payload.version
    )
    return _referral_after(actor, done)
