"""What a resident does with a tracked case (tracking code and secret proven, see
selectors.track_lookup): answer a question, comment, withdraw, rate the answer."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from liaison.core.clock import now
from liaison.core.errors import Forbidden, InvalidInput

from ..attachments import CleanUpload, store_uploads
from ..choices import OPEN_STATUSES, CaseStatus, EventKind, Rating, ReferralStatus
from ..models import Case, Referral
from ..selectors import Ticket
from ._base import event, transition
from .workflow import _reason


def _label() -> str:
    return _("群众")


def _filer_only(ticket: Ticket) -> None:
    if not ticket.is_filer:
        raise Forbidden(_("只有提交诉求的群众本人可以这样做；您关注的诉求会随时通知您进展。"))


@transaction.atomic
def case_comment(*, ticket: Ticket, text: str, uploads: Sequence[CleanUpload] = ()) -> Case:
    """A resident adds a comment (and photos) to an open case."""
    case = ticket.case
    text = _reason(text, field="text", limit=2000)
    case = transition(case, expected_version=None, allowed=OPEN_STATUSES, values={})
    row = event(case, kind=EventKind.COMMENTED, label=_label(), note=text)
    if uploads:
        store_uploads(case=case, uploads=uploads, event=row, is_public=True)
    return case


@transaction.atomic
def case_provide_info(*, ticket: Ticket, text: str, uploads: Sequence[CleanUpload] = ()) -> Case:
    """The resident answers a request for more information."""
    case = ticket.case
    if not case.info_requested:
        raise InvalidInput(fields={"text": [_("目前不需要补充材料，如有新情况请留言。")]})
    text = _reason(text, field="text", limit=2000)
    case = transition(case, expected_version=None, allowed=OPEN_STATUSES, values={"info_requested": False})
    row = event(case, kind=EventKind.INFO_PROVIDED, label=_label(), note=text)
    if uploads:
        store_uploads(case=case, uploads=uploads, event=row, is_public=True)
    return case


@transaction.atomic
def case_withdraw(*, ticket: Ticket, reason: str = "") -> Case:
    """The filer withdraws the request; an open referral is cancelled with it."""
    _filer_only(ticket)
    case = ticket.case
    reason = _reason(reason, required=False)
    before = case.status
    case = transition(
        case,
        expected_version=None,
        allowed=[s for s in OPEN_STATUSES if s != CaseStatus.ANSWERED],
        values={"status": CaseStatus.WITHDRAWN, "closed_at": now(), "is_overdue": False, "info_requested": False},
    )
    Referral.objects.filter(case=case, status__in=(ReferralStatus.PENDING, ReferralStatus.ACCEPTED)).update(
        status=ReferralStatus.CANCELLED
    )
    event(case, kind=EventKind.WITHDRAWN, label=_label(), note=reason, from_status=before, to_status=case.status)
    return case


@transaction.atomic
def case_rate(*, ticket: Ticket, rating: str, comment: str = "") -> Case:
    """The filer rates the answer. Satisfied or partly: the case closes. Not satisfied: it
    reopens and the office supervises it (督办)."""
    _filer_only(ticket)
    case = ticket.case
    if rating not in (Rating.SATISFIED, Rating.PARTLY, Rating.NOT_SATISFIED):
        raise InvalidInput(fields={"rating": [_("请选择满意、基本满意或不满意。")]})
    comment = _reason(comment, field="comment", required=rating == Rating.NOT_SATISFIED, limit=500)
    at = now()
    values: dict[str, Any] = {"rating": rating, "rating_comment": comment, "rated_at": at}
    if rating == Rating.NOT_SATISFIED:
        values.update(status=CaseStatus.REOPENED, is_escalated=True, answered_at=None)
    else:
        values.update(status=CaseStatus.CLOSED, closed_at=at)
    case = transition(case, expected_version=None, allowed=[CaseStatus.ANSWERED], values=values)
    event(
        case,
        kind=EventKind.RATED,
        label=_label(),
        note=comment,
        data={"rating": rating},
    )
    # The status change itself is the next row (重新办理 or 办结), written by the system, so a
    # closure reads the same whether the resident rated or the case closed unrated.
    if rating == Rating.NOT_SATISFIED:
        event(
            case,
            kind=EventKind.REOPENED,
            actor=None,
            label=_("系统"),
            from_status=CaseStatus.ANSWERED,
            to_status=CaseStatus.REOPENED,
        )
        event(case, kind=EventKind.ESCALATED, actor=None, label=_("系统"), note=_("群众不满意，转人大工作机构督办。"))
        from .referrals import _tell_office_users

        _tell_office_users(
            case, subject=_("群众不满意，请督办"), body=case.title, dedupe=f"case:{case.pk}:reopened:{case.version}"
        )
    else:
        event(
            case,
            kind=EventKind.CLOSED,
            actor=None,
            label=_("系统"),
            from_status=CaseStatus.ANSWERED,
            to_status=CaseStatus.CLOSED,
        )
    return case
