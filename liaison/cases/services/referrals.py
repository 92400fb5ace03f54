"""A department's side of a referral (交办): accept, return a misrouted one, ask for more time,
reply; and the office's decision on an extension."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from liaison.core.clock import now, today
from liaison.core.errors import IllegalState, InvalidInput, VersionConflict

from ..attachments import CleanUpload, store_uploads
from ..choices import OPEN_REFERRAL_STATUSES, CaseStatus, EventKind, ExtensionStatus, ReferralStatus
from ..deadlines import add_workdays
from ..models import Case, Referral
from ..permissions import can_handle_referral, can_triage
from ._base import event, require, tell_users, transition, user_of
from .workflow import _reason

MAX_EXTENSION_WORKDAYS = 30


def _move(referral: Referral, *, version: int | None, allowed: Sequence[str], values: dict[str, Any]) -> Referral:
    """Compare-and-set on the referral row (state and version), like `transition` for cases."""
    expected = referral.version if version is None else version
    updated = Referral.objects.filter(pk=referral.pk, version=expected, status__in=list(allowed)).update(
        **values, version=F("version") + 1, updated_at=now()
    )
    if updated == 0:
        current = Referral.objects.filter(pk=referral.pk).values_list("status", flat=True).first()
        if current not in allowed:
            raise IllegalState(
                _("这件交办当前为“%(status)s”，不能进行此操作。")
                % {"status": ReferralStatus(current).label if current else "?"}
            )
        raise VersionConflict()
    referral.refresh_from_db()
    return referral


def _handler(actor: Any, referral: Referral) -> None:
    require(can_handle_referral(actor, referral), _("只有承办部门的经办人可以办理这件交办。"))


def _label(referral: Referral) -> str:
    return referral.department.short_name or referral.department.name


@transaction.atomic
def referral_accept(*, actor: Any, referral: Referral, version: int | None = None) -> Referral:
    """The department signs for the referral (签收) and starts work on it."""
    _handler(actor, referral)
    referral = _move(
        referral,
        version=version,
        allowed=[ReferralStatus.PENDING],
        values={"status": ReferralStatus.ACCEPTED, "accepted_at": now(), "handled_by": user_of(actor)},
    )
    event(referral.case, kind=EventKind.REFERRAL_ACCEPTED, actor=actor, label=_label(referral), referral=referral)
    return referral


@transaction.atomic
def referral_return(*, actor: Any, referral: Referral, reason: str, version: int | None = None) -> Referral:
    """The department returns a misrouted referral with a reason; the office routes it again."""
    _handler(actor, referral)
    reason = _reason(reason)
    referral = _move(
        referral,
        version=version,
        allowed=OPEN_REFERRAL_STATUSES,
        values={"status": ReferralStatus.RETURNED, "return_reason": reason, "handled_by": user_of(actor)},
    )
    case = referral.case
    back = CaseStatus.ASSIGNED if case.deputy_id else CaseStatus.ACCEPTED
    case = transition(
        case,
        expected_version=None,
        allowed=[CaseStatus.REFERRED],
        values={"status": back, "department": None, "due_date": None, "is_overdue": False},
    )
    event(
        case,
        kind=EventKind.REFERRAL_RETURNED,
        actor=actor,
        label=_label(referral),
        note=reason,
        from_status=CaseStatus.REFERRED,
        to_status=back,
        referral=referral,
        is_public=False,
    )
    _tell_office(case, referral, _("交办件被退回"), reason)
    return referral


@transaction.atomic
def referral_request_extension(
    *, actor: Any, referral: Referral, workdays: Any, reason: str, version: int | None = None
) -> Referral:
    """The department asks for more working days; the office decides."""
    _handler(actor, referral)
    reason = _reason(reason)
    try:
        days = int(workdays)
    except (TypeError, ValueError, OverflowError):
        days = 0
    if not 1 <= days <= MAX_EXTENSION_WORKDAYS:
        raise InvalidInput(fields={"workdays": [_("延期应为 1 到 %(n)d 个工作日。") % {"n": MAX_EXTENSION_WORKDAYS}]})
    if referral.extension_status == ExtensionStatus.REQUESTED:
        raise IllegalState(_("已有一份延期申请在等待审批。"))
    referral = _move(
        referral,
        version=version,
        allowed=[ReferralStatus.ACCEPTED],
        values={"extension_status": ExtensionStatus.REQUESTED, "extension_workdays": days, "extension_reason": reason},
    )
    event(
        referral.case,
        kind=EventKind.EXTENSION_REQUESTED,
        actor=actor,
        label=_label(referral),
        note=reason,
        referral=referral,
        is_public=False,
        data={"workdays": days},
    )
    _tell_office(referral.case, referral, _("交办件申请延期"), reason)
    return referral


@transaction.atomic
def referral_decide_extension(
    *, actor: Any, referral: Referral, approve: bool, note: str = "", version: int | None = None
) -> Referral:
    """The office approves (the deadline moves by the days asked) or refuses an extension."""
    require(can_triage(actor, referral.case), _("只有交办机构可以审批延期。"))
    note = _reason(note, field="note", required=not approve)
    if referral.extension_status != ExtensionStatus.REQUESTED:
        raise IllegalState(_("没有等待审批的延期申请。"))
    values: dict[str, Any] = {"extension_status": ExtensionStatus.APPROVED if approve else ExtensionStatus.REFUSED}
    if approve:
        base = max(referral.due_date, today())
        values["due_date"] = add_workdays(base, referral.extension_workdays)
        values["escalation_level"] = 0
    referral = _move(referral, version=version, allowed=OPEN_REFERRAL_STATUSES, values=values)
    case = referral.case
    if approve:
        case = transition(
            case,
            expected_version=None,
            allowed=[CaseStatus.REFERRED],
            values={"due_date": referral.due_date, "is_overdue": False},
        )
    event(
        case,
        kind=EventKind.EXTENSION_DECIDED,
        actor=actor,
        note=note,
        referral=referral,
        is_public=approve,
        data={"approved": bool(approve), "due_date": referral.due_date.isoformat()},
    )
    return referral


@transaction.atomic
def referral_reply(
    *, actor: Any, referral: Referral, reply: str, version: int | None = None, uploads: Sequence[CleanUpload] = ()
) -> Referral:
    """The department replies with the result (and papers); the deputy then answers the resident."""
    _handler(actor, referral)
    reply = _reason(reply, field="reply", limit=5000)
    referral = _move(
        referral,
        version=version,
        allowed=[ReferralStatus.ACCEPTED],
        values={
            "status": ReferralStatus.REPLIED,
            "reply": reply,
            "replied_at": now(),
            "handled_by": user_of(actor),
            "extension_status": ExtensionStatus.NONE
            if referral.extension_status == ExtensionStatus.REQUESTED
            else referral.extension_status,
        },
    )
    case = transition(
        referral.case,
        expected_version=None,
        allowed=[CaseStatus.REFERRED],
        values={"status": CaseStatus.DEPARTMENT_REPLIED, "is_overdue": False},
    )
    row = event(
        case,
        kind=EventKind.DEPARTMENT_REPLIED,
        actor=actor,
        label=_label(referral),
        note=reply,
        from_status=CaseStatus.REFERRED,
        to_status=case.status,
        referral=referral,
        is_public=True,
    )
    if uploads:
        store_uploads(
            case=case, uploads=uploads, uploaded_by=user_of(actor), event=row, referral=referral, is_public=True
        )
    if case.deputy_id and case.deputy and case.deputy.user_id:
        from django.urls import reverse

        tell_users(
            [case.deputy.user],
            subject=_("部门已答复，请审核后答复群众"),
            body=case.title,
            link=reverse("cases_deputy:detail", args=[case.pk]),
            dedupe=f"referral:{referral.pk}:replied",
        )
    else:
        _tell_office(case, referral, _("部门已答复，请审核后答复群众"), case.title)
    return referral


@transaction.atomic
def referral_cancel(*, actor: Any, referral: Referral, reason: str, version: int | None = None) -> Referral:
    """The office withdraws a referral it made (wrong department, resolved otherwise)."""
    require(can_triage(actor, referral.case), _("只有交办机构可以撤销交办。"))
    reason = _reason(reason)
    referral = _move(
        referral, version=version, allowed=OPEN_REFERRAL_STATUSES, values={"status": ReferralStatus.CANCELLED}
    )
    case = referral.case
    back = CaseStatus.ASSIGNED if case.deputy_id else CaseStatus.ACCEPTED
    case = transition(
        case,
        expected_version=None,
        allowed=[CaseStatus.REFERRED],
        values={"status": back, "department": None, "due_date": None, "is_overdue": False},
    )
    event(
        case,
        kind=EventKind.REFERRAL_RETURNED,
        actor=actor,
        note=reason,
        from_status=CaseStatus.REFERRED,
        to_status=back,
        referral=referral,
        is_public=False,
        data={"cancelled": True},
    )
    return referral


def _tell_office(case: Case, referral: Referral, subject: str, body: str) -> None:
    _tell_office_users(case, subject=subject, body=body, dedupe=f"referral:{referral.pk}:{referral.version}:office")


def triage_users(case: Case) -> list[Any]:
    """Who triages the case: the station's staff, else the nearest office's admins above it."""
    from liaison.accounts.models import RoleGrant, User
    from liaison.organization.models import PATH_SEGMENT, Region

    if case.station_id:
        grants = RoleGrant.objects.active().filter(role="station_staff", station_id=case.station_id)
        users = list(User.objects.filter(is_active=True, grants__in=grants).distinct())
        if users:
            return users
    ids = [int(case.region_path[i : i + PATH_SEGMENT]) for i in range(0, len(case.region_path), PATH_SEGMENT)]
    for region_id in Region.objects.filter(pk__in=ids).order_by("-path").values_list("pk", flat=True):
        grants = RoleGrant.objects.active().filter(role="office_admin", region_id=region_id)
        users = list(User.objects.filter(is_active=True, grants__in=grants).distinct())
        if users:
            return users
    return []


def _tell_office_users(case: Case, *, subject: str, body: str, dedupe: str) -> None:
    from django.urls import reverse

    tell_users(
        triage_users(case),
        subject=subject,
        body=body[:500],
        link=reverse("cases_case:detail", args=[case.pk]),
        dedupe=dedupe,
    )
