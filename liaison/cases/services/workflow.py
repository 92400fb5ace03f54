"""The back office's transitions of a case: one service per step, each guarded by the case's
state and version and writing its event row (ARCHITECTURE.md "state machine")."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from liaison.core.audit import audit
from liaison.core.clock import now, today
from liaison.core.errors import Conflict, IllegalState, InvalidInput, NotFound
from liaison.core.personal_data import mask_phone
from liaison.deputies.models import Deputy
from liaison.organization.models import Department, Region
from liaison.stations.models import Station

from ..attachments import CleanUpload, store_uploads
from ..choices import OPEN_STATUSES, ROUTABLE_STATUSES, CaseStatus, EventKind, ReferralStatus
from ..deadlines import add_workdays
from ..models import Case, CaseFollower, Referral, TripartiteMeeting
from ..permissions import can_answer, can_reveal, can_triage
from ._base import event, require, tell_residents, tell_users, transition, user_of
from .intake import _text

DEFAULT_DUE_WORKDAYS = 10
# A new answer starts a new round: the previous rating stays in the timeline, not on the case.
NEW_ROUND: dict[str, Any] = {"rating": "", "rating_comment": "", "rated_at": None}
MAX_DUE_WORKDAYS = 60


def _reason(value: str, *, field: str = "reason", required: bool = True, limit: int = 500) -> str:
    errors: dict[str, list[str]] = {}
    text = _text(value, multiline=True, limit=limit, name=field, errors=errors)
    if not text and required and field not in errors:
        errors[field] = [_("请填写理由。") if field == "reason" else _("请填写内容。")]
    if errors:
        raise InvalidInput(fields=errors)
    return text


def _triage(actor: Any, case: Case) -> None:
    require(can_triage(actor, case), _("只有本辖区人大工作机构或本站工作人员可以办理。"))


@transaction.atomic
def case_accept(*, actor: Any, case: Case, version: int | None = None, note: str = "") -> Case:
    """Accept a submitted case for handling; the resident is told."""
    _triage(actor, case)
    note = _reason(note, field="note", required=False)
    before = case.status
    case = transition(
        case,
        expected_version=version,
        allowed=[CaseStatus.SUBMITTED],
        values={"status": CaseStatus.ACCEPTED, "accepted_at": now()},
    )
    row = event(case, kind=EventKind.ACCEPTED, actor=actor, note=note, from_status=before, to_status=case.status)
    tell_residents(
        case,
        kind="accepted",
        event_id=row.pk,
        subject=_("您的诉求已受理"),
        body=_("您反映的“%(title)s”已受理（查询码 %(code)s），我们会尽快办理并答复您。")
        % {"title": case.title, "code": case.tracking_code},
    )
    return case


@transaction.atomic
def case_decline(*, actor: Any, case: Case, reason: str, version: int | None = None) -> Case:
    """Decline a submitted case, with a reason the resident reads."""
    _triage(actor, case)
    reason = _reason(reason)
    before = case.status
    case = transition(
        case,
        expected_version=version,
        allowed=[CaseStatus.SUBMITTED],
        values={"status": CaseStatus.DECLINED, "closed_at": now(), "answer": reason},
    )
    row = event(case, kind=EventKind.DECLINED, actor=actor, note=reason, from_status=before, to_status=case.status)
    tell_residents(
        case,
        kind="declined",
        event_id=row.pk,
        subject=_("您的诉求未予受理"),
        body=_("您反映的“%(title)s”未予受理：%(reason)s") % {"title": case.title, "reason": reason},
    )
    return case


def _deputy_in_reach(actor: Any, deputy_id: Any) -> Deputy:
    try:
        pk = int(deputy_id)
    except (TypeError, ValueError, OverflowError):
        raise InvalidInput(fields={"deputy": [_("请选择代表。")]}) from None
    deputy = Deputy.objects.visible_to(actor).filter(pk=pk, is_active=True).first()
    if deputy is None:
        raise InvalidInput(fields={"deputy": [_("只能分派给本辖区的在任代表。")]})
    return deputy


@transaction.atomic
def case_assign(*, actor: Any, case: Case, deputy_id: Any, version: int | None = None, note: str = "") -> Case:
    """Assign the case to a deputy, who answers it or follows its referral."""
    _triage(actor, case)
    deputy = _deputy_in_reach(actor, deputy_id)
    note = _reason(note, field="note", required=False)
    before = case.status
    # Accepting and assigning in one step is allowed: a submitted case is accepted on the way.
    allowed = [*ROUTABLE_STATUSES, CaseStatus.SUBMITTED, CaseStatus.REFERRED, CaseStatus.DEPARTMENT_REPLIED]
    to = CaseStatus.ASSIGNED if before in (*ROUTABLE_STATUSES, CaseStatus.SUBMITTED) else before
    values: dict[str, Any] = {"status": to, "deputy": deputy}
    if before == CaseStatus.SUBMITTED:
        values["accepted_at"] = now()
    case = transition(case, expected_version=version, allowed=allowed, values=values)
    event(
        case,
        kind=EventKind.ASSIGNED,
        actor=actor,
        note=note,
        from_status=before,
        to_status=case.status,
        data={"deputy": deputy.pk},
    )
    if deputy.user_id:
        tell_users(
            [deputy.user],
            subject=_("有一条诉求分派给您"),
            body=case.title,
            link=reverse("cases_deputy:detail", args=[case.pk]),
            dedupe=f"case:{case.pk}:assigned:{case.version}",
        )
    return case


@transaction.atomic
def case_assign_bulk(*, actor: Any, case_ids: Sequence[Any], deputy_id: Any) -> int:
    """Assign several cases to one deputy at once: all or none."""
    from ..selectors import case_get

    deputy = _deputy_in_reach(actor, deputy_id)
    ids = list(dict.fromkeys(case_ids))[:200]
    if not ids:
        raise InvalidInput(fields={"cases": [_("请至少选择一条诉求。")]})
    for case_id in ids:
        case = case_get(actor=actor, case_id=case_id, action="triage")
        case_assign(actor=actor, case=case, deputy_id=deputy.pk)
    return len(ids)


@transaction.atomic
def case_answer_on_spot(
    *, actor: Any, case: Case, answer: str, version: int | None = None, uploads: Sequence[CleanUpload] = ()
) -> Case:
    """The deputy or the station answers the resident directly (no referral needed)."""
    require(can_answer(actor, case), _("只有承办代表、本站工作人员或人大工作机构可以答复。"))
    answer = _reason(answer, field="answer", limit=5000)
    before = case.status
    case = transition(
        case,
        expected_version=version,
        allowed=[*ROUTABLE_STATUSES, CaseStatus.SUBMITTED],
        values={
            "status": CaseStatus.ANSWERED,
            "answer": answer,
            "answered_at": now(),
            "accepted_at": case.accepted_at or now(),
            "info_requested": False,
            **NEW_ROUND,
        },
    )
    row = event(
        case, kind=EventKind.ANSWERED_ON_SPOT, actor=actor, note=answer, from_status=before, to_status=case.status
    )
    if uploads:
        store_uploads(case=case, uploads=uploads, uploaded_by=user_of(actor), event=row, is_public=True)
    _tell_answered(case, row.pk)
    return case


def _tell_answered(case: Case, event_id: int) -> None:
    tell_residents(
        case,
        kind="answered",
        event_id=event_id,
        subject=_("您的诉求已答复"),
        body=_("您反映的“%(title)s”已有答复，请凭查询码 %(code)s 查看并评价。")
        % {"title": case.title, "code": case.tracking_code},
    )


def _department_in_reach(department_id: Any, case: Case) -> Department:
    try:
        pk = int(department_id)
    except (TypeError, ValueError, OverflowError):
        raise InvalidInput(fields={"department": [_("请选择承办部门。")]}) from None
    department = Department.objects.filter(pk=pk, is_active=True).select_related("region").first()
    # A department of the case's region or of any region above it (a county bureau serves its townships).
    if department is None or not case.region_path.startswith(department.region.path):
        raise InvalidInput(fields={"department": [_("只能交办给本地区或上级地区的部门。")]})
    return department


@transaction.atomic
def case_refer(
    *,
    actor: Any,
    case: Case,
    department_id: Any,
    due_workdays: Any = None,
    instructions: str = "",
    share_personal_data: bool = True,
    version: int | None = None,
) -> Referral:
    """Refer (交办) the case to a department with a deadline in working days; the resident's
    name and phone travel with it only if the resident consented."""
    _triage(actor, case)
    department = _department_in_reach(department_id, case)
    days = due_workdays
    if days in (None, ""):
        days = case.category.due_workdays if case.category else DEFAULT_DUE_WORKDAYS
    try:
        days = int(days)
    except (TypeError, ValueError):
        days = -1
    if not 1 <= days <= MAX_DUE_WORKDAYS:
        raise InvalidInput(fields={"due_workdays": [_("办理时限应为 1 到 %(n)d 个工作日。") % {"n": MAX_DUE_WORKDAYS}]})
    instructions = _reason(instructions, field="instructions", required=False, limit=2000)
    due = add_workdays(today(), days)
    before = case.status
    case = transition(
        case,
        expected_version=version,
        allowed=[*ROUTABLE_STATUSES, CaseStatus.SUBMITTED],
        values={
            "status": CaseStatus.REFERRED,
            "department": department,
            "due_date": due,
            "is_overdue": False,
            "accepted_at": case.accepted_at or now(),
        },
    )
    try:
        with transaction.atomic():
            referral = Referral.objects.create(
                case=case,
                department=department,
                due_date=due,
                instructions=instructions,
                shares_personal_data=bool(share_personal_data) and case.consent,
                referred_by=user_of(actor),
            )
    except IntegrityError:
        raise Conflict(_("该诉求已有正在办理的交办。")) from None
    event(
        case,
        kind=EventKind.REFERRED,
        actor=actor,
        note=instructions,
        from_status=before,
        to_status=case.status,
        referral=referral,
        data={"department": department.pk, "due_date": due.isoformat(), "workdays": days},
    )
    from liaison.accounts.models import RoleGrant, User

    handlers = User.objects.filter(
        is_active=True, grants__in=RoleGrant.objects.active().filter(role="department_handler", department=department)
    ).distinct()
    tell_users(
        handlers,
        subject=_("新的交办件"),
        body=case.title,
        link=reverse("cases_department:detail", args=[referral.pk]),
        dedupe=f"referral:{referral.pk}:new",
    )
    return referral


@transaction.atomic
def case_answer(
    *, actor: Any, case: Case, answer: str, version: int | None = None, uploads: Sequence[CleanUpload] = ()
) -> Case:
    """The deputy (or staff) reviews the department's reply and answers the resident: the
    second hop of the two-hop reply."""
    require(can_answer(actor, case), _("只有承办代表、本站工作人员或人大工作机构可以答复。"))
    answer = _reason(answer, field="answer", limit=5000)
    before = case.status
    case = transition(
        case,
        expected_version=version,
        allowed=[CaseStatus.DEPARTMENT_REPLIED],
        values={
            "status": CaseStatus.ANSWERED,
            "answer": answer,
            "answered_at": now(),
            "is_overdue": False,
            "info_requested": False,
            **NEW_ROUND,
        },
    )
    row = event(case, kind=EventKind.ANSWERED, actor=actor, note=answer, from_status=before, to_status=case.status)
    if uploads:
        store_uploads(case=case, uploads=uploads, uploaded_by=user_of(actor), event=row, is_public=True)
    _tell_answered(case, row.pk)
    return case


@transaction.atomic
def case_request_info(*, actor: Any, case: Case, question: str, version: int | None = None) -> Case:
    """Ask the resident for more information at any open step."""
    require(can_answer(actor, case) or _handles_open_referral(actor, case), _("您不能向群众提出补充要求。"))
    question = _reason(question, field="question", limit=1000)
    case = transition(case, expected_version=version, allowed=OPEN_STATUSES, values={"info_requested": True})
    row = event(case, kind=EventKind.INFO_REQUESTED, actor=actor, note=question)
    tell_residents(
        case,
        kind="info",
        event_id=row.pk,
        subject=_("请补充诉求材料"),
        body=_("关于“%(title)s”：%(question)s 请凭查询码 %(code)s 补充。")
        % {"title": case.title, "question": question, "code": case.tracking_code},
    )
    return case


def _handles_open_referral(actor: Any, case: Case) -> bool:
    return (
        bool(actor.department_ids)
        and case.referrals.filter(
            department_id__in=actor.department_ids, status__in=(ReferralStatus.PENDING, ReferralStatus.ACCEPTED)
        ).exists()
    )


@transaction.atomic
def case_note(*, actor: Any, case: Case, text: str) -> None:
    """An internal note on the timeline (never shown to the resident)."""
    require(can_answer(actor, case) or _handles_open_referral(actor, case), _("您不能在此诉求上备注。"))
    text = _reason(text, field="text", limit=2000)
    event(case, kind=EventKind.NOTE, actor=actor, note=text, is_public=False)


@transaction.atomic
def case_transfer(
    *, actor: Any, case: Case, region_id: Any, reason: str, station_id: Any = None, version: int | None = None
) -> Case:
    """Hand the case to another office (and station) where it belongs; it keeps its state,
    minus the deputy, and the original office loses sight of it."""
    _triage(actor, case)
    reason = _reason(reason)
    try:
        region = Region.objects.get(pk=int(region_id))
    except (TypeError, ValueError, OverflowError, Region.DoesNotExist):
        raise InvalidInput(fields={"region": [_("请选择要转去的地区。")]}) from None
    station = None
    if station_id not in (None, ""):
        try:
            station = Station.objects.get(pk=int(station_id))
        except (TypeError, ValueError, OverflowError, Station.DoesNotExist):
            raise InvalidInput(fields={"station": [_("没有这个站点。")]}) from None
        if not station.region.path.startswith(region.path):
            raise InvalidInput(fields={"station": [_("站点不在所选地区内。")]})
    if region.pk == case.region_id and (station is None or station.pk == case.station_id):
        raise InvalidInput(fields={"region": [_("诉求已经在这个地区。")]})
    if case.referrals.filter(status__in=(ReferralStatus.PENDING, ReferralStatus.ACCEPTED)).exists():
        raise IllegalState(_("交办办理中的诉求不能转办，请先撤销交办。"))
    old = {"region": case.region_id, "station": case.station_id}
    before = case.status
    case = transition(
        case,
        expected_version=version,
        allowed=[*ROUTABLE_STATUSES, CaseStatus.SUBMITTED],
        values={
            "region": region,
            "region_path": region.path,
            "station": station,
            "deputy": None,
            "status": CaseStatus.ACCEPTED if case.status == CaseStatus.ASSIGNED else case.status,
        },
    )
    event(
        case,
        kind=EventKind.TRANSFERRED,
        actor=actor,
        note=reason,
        is_public=True,
        # An assigned case loses its deputy and goes back to accepted: the timeline says so.
        from_status=before if case.status != before else "",
        to_status=case.status if case.status != before else "",
        data={"from": old, "to": {"region": region.pk, "station": station.pk if station else None}},
    )
    return case


@transaction.atomic
def case_merge(*, actor: Any, case: Case, into_case_id: Any, version: int | None = None) -> Case:
    """Merge a duplicate into the case that carries on: the duplicate's filer and followers
    follow the surviving case and get every answer from now on."""
    from ..selectors import case_get

    _triage(actor, case)
    try:
        target = case_get(actor=actor, case_id=into_case_id, action="triage")
    except NotFound:
        raise InvalidInput(fields={"into": [_("没有找到要合并到的诉求（须在您的辖区内）。")]}) from None
    if target.pk == case.pk or target.status not in OPEN_STATUSES or target.merged_into_id:
        raise InvalidInput(fields={"into": [_("只能合并到另一条未办结的诉求。")]})
    if case.referrals.filter(status__in=(ReferralStatus.PENDING, ReferralStatus.ACCEPTED)).exists():
        raise IllegalState(_("交办办理中的诉求不能合并，请先撤销交办。"))
    before = case.status
    case = transition(
        case,
        expected_version=version,
        allowed=[*ROUTABLE_STATUSES, CaseStatus.SUBMITTED],
        values={"status": CaseStatus.MERGED, "merged_into": target, "closed_at": now()},
    )
    # The duplicate's filer becomes a follower of the surviving case (their own code still works,
    # and now opens the surviving case); the duplicate's followers move over with them.
    CaseFollower.objects.filter(case=case).update(case=target)
    if case.resident_phone or case.resident_user_id:
        CaseFollower.objects.create(
            case=target,
            tracking_code=_merge_code(),
            secret_hash="",
            name=case.resident_name,
            phone=case.resident_phone,
            phone_hash=case.resident_phone_hash,
            user=case.resident_user,
            consent=case.consent,
            notice_version=case.notice_version,
        )
    event(
        case,
        kind=EventKind.MERGED,
        actor=actor,
        from_status=before,
        to_status=case.status,
        note=_("与诉求 %(code)s 合并办理。") % {"code": target.tracking_code},
        data={"into": target.pk},
    )
    event(
        target,
        kind=EventKind.MERGED,
        actor=actor,
        is_public=False,
        note=_("合并了重复诉求 %(code)s。") % {"code": case.tracking_code},
        data={"from": case.pk},
    )
    return case


def _merge_code() -> str:
    """A follower row for a merged duplicate's filer: notifications only (the filer keeps using
    the duplicate's own code, which opens the surviving case), so it gets a code nobody holds."""
    from .. import codes

    return codes.new_tracking_code()


@transaction.atomic
def meeting_record(
    *,
    actor: Any,
    case: Case,
    held_on: dt.date,
    residents: str,
    outcome: str,
    place: str = "",
    deputy_ids: Sequence[Any] = (),
    department_ids: Sequence[Any] = (),
) -> TripartiteMeeting:
    """Record a tripartite meeting (群众、代表、部门三方会商) and its outcome on the case."""
    require(can_answer(actor, case), _("只有承办代表、本站工作人员或人大工作机构可以记录会商。"))
    errors: dict[str, list[str]] = {}
    residents = _text(residents, multiline=False, limit=300, name="residents", errors=errors)
    outcome = _text(outcome, multiline=True, limit=5000, name="outcome", errors=errors)
    place = _text(place, multiline=False, limit=100, name="place", errors=errors)
    if not residents and "residents" not in errors:
        errors["residents"] = [_("请填写参加会商的群众。")]
    if not outcome and "outcome" not in errors:
        errors["outcome"] = [_("请填写会商结果。")]
    if not isinstance(held_on, dt.date) or held_on > today():
        errors["held_on"] = [_("会商日期不能晚于今天。")]
    deputies = list(Deputy.objects.visible_to(actor).filter(pk__in=[int(i) for i in deputy_ids if str(i).isdigit()]))
    departments = list(Department.objects.filter(pk__in=[int(i) for i in department_ids if str(i).isdigit()]))
    if not deputies and not departments and "deputies" not in errors:
        errors["deputies"] = [_("三方会商至少要有一位代表或一个部门参加。")]
    if errors:
        raise InvalidInput(fields=errors)
    meeting = TripartiteMeeting.objects.create(
        case=case, held_on=held_on, place=place, residents=residents, outcome=outcome, recorded_by=user_of(actor)
    )
    meeting.deputies.set(deputies)
    meeting.departments.set(departments)
    event(
        case,
        kind=EventKind.MEETING,
        actor=actor,
        note=outcome,
        data={
            "meeting": meeting.pk,
            "held_on": held_on.isoformat(),
            "deputies": [d.pk for d in deputies],
            "departments": [d.pk for d in departments],
        },
    )
    return meeting


@transaction.atomic
def case_escalate(*, actor: Any, case: Case, reason: str) -> Case:
    """The office supervises the case (督办) by hand."""
    _triage(actor, case)
    reason = _reason(reason)
    case = transition(case, expected_version=None, allowed=OPEN_STATUSES, values={"is_escalated": True})
    event(case, kind=EventKind.ESCALATED, actor=actor, note=reason, is_public=True)
    return case


PHONE_OR_ID = r"(?<!\d)(1[3-9]\d{9}|\d{17}[\dXx])(?!\d)"


@transaction.atomic
def case_publish(*, actor: Any, case: Case, summary: str) -> Case:
    """Publish a resolved case as a redacted summary (no personal data; the place shown at
    community level) on the portal and in Open311."""
    import re

    _triage(actor, case)
    summary = _reason(summary, field="summary", limit=2000)
    if re.search(PHONE_OR_ID, summary) or (case.resident_name and case.resident_name in summary):
        raise InvalidInput(fields={"summary": [_("公开摘要中不能出现群众的姓名、电话或身份证号。")]})
    case = transition(
        case,
        expected_version=None,
        allowed=[CaseStatus.ANSWERED, CaseStatus.CLOSED],
        values={"is_published": True, "public_summary": summary, "published_at": now()},
    )
    event(case, kind=EventKind.PUBLISHED, actor=actor, is_public=True)
    return case


@transaction.atomic
def case_unpublish(*, actor: Any, case: Case, reason: str) -> Case:
    """Take a published summary down again."""
    _triage(actor, case)
    reason = _reason(reason)
    if not case.is_published:
        raise IllegalState(_("这条诉求没有公开。"))
    case = transition(case, expected_version=None, allowed=list(CaseStatus), values={"is_published": False})
    event(case, kind=EventKind.PUBLISHED, actor=actor, note=reason, is_public=False, data={"unpublished": True})
    return case


def case_reveal(*, actor: Any, case: Case, reason: str, ip_address: str | None = None) -> dict[str, str]:
    """The resident's full name, phone and address, for someone allowed to see them, with a
    reason; the act is audited, and if the audit row cannot be written nothing is revealed (S19)."""
    if case.status not in OPEN_STATUSES or case.anonymised_at is not None:
        raise IllegalState(_("诉求已办结，不能再查看完整联系方式。"))
    require(can_reveal(actor, case), _("您无权查看群众的完整联系方式。"))
    reason = _reason(reason)
    with transaction.atomic():
        audit(
            actor=user_of(actor),
            action="case.reveal",
            target=case,
            reason=reason,
            changes={
                "fields": ["resident_name", "resident_phone", "address"],
                "phone": mask_phone(case.resident_phone),
            },
            ip_address=ip_address,
        )
    return {"name": case.resident_name, "phone": case.resident_phone, "address": case.address}
