"""Scheduled work on cases, each run idempotent and safe to repeat or run late: the deadline
sweep with its escalation ladder, closing answered cases nobody rated, and anonymising old
closed cases (SECURITY.md S25)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils.translation import gettext as _

from liaison.core.clock import now, today
from liaison.receptions.holidays import WorkCalendar

from ..choices import TERMINAL_STATUSES, CaseStatus, EventKind, Rating, ReferralStatus
from ..deadlines import add_workdays, workdays_between
from ..models import Case, CaseFollower, IdempotencyRecord, RecoveryCode, Referral
from ._base import event, tell_residents, tell_users
from .intake import IDEMPOTENCY_HOURS
from .referrals import _tell_office_users

BATCH = 500


def ladder() -> tuple[int, int]:
    """Working days past the deadline at which the lead handler, then the office, are told."""
    lead, office = getattr(settings, "LIAISON_REFERRAL_LADDER", (2, 5))
    return int(lead), int(office)


def auto_close_days() -> int:
    """Days an answer waits for the resident's rating before the case closes unrated."""
    return int(getattr(settings, "LIAISON_CASE_AUTO_CLOSE_DAYS", 15))


def _handlers(referral: Referral, *, leads: bool) -> list[Any]:
    from liaison.accounts.models import RoleGrant, User

    grants = RoleGrant.objects.active().filter(role="department_handler", department_id=referral.department_id)
    if leads:
        grants = grants.filter(is_lead=True)
    elif referral.handled_by_id:
        return [referral.handled_by]
    return list(User.objects.filter(is_active=True, grants__in=grants).distinct())


def _climb(referral: Referral, level: int) -> bool:
    """Move the referral to `level` once (a concurrent or repeated sweep finds it done)."""
    return bool(
        Referral.objects.filter(pk=referral.pk, escalation_level=level - 1).update(
            escalation_level=level, version=F("version") + 1
        )
    )


def sweep_deadlines(*, on: dt.date | None = None) -> dict[str, int]:
    """Flag overdue referrals and walk each up the ladder: the handler on the first overdue day,
    the department's lead handler after `ladder()[0]` working days, the office (督办) after
    `ladder()[1]`. Handlers are also reminded the working day before a deadline."""
    day = on or today()
    calendar = WorkCalendar.load()
    lead_after, office_after = ladder()
    counts = {"due_soon": 0, "overdue": 0, "lead": 0, "office": 0}
    soon = add_workdays(day, 1, calendar)
    open_referrals = Referral.objects.filter(status__in=(ReferralStatus.PENDING, ReferralStatus.ACCEPTED))
    for referral in open_referrals.filter(due_date__gte=day, due_date__lte=soon, escalation_level=0).select_related(
        "case", "handled_by"
    )[:BATCH]:
        counts["due_soon"] += (
            tell_users(
                _handlers(referral, leads=False),
                subject=_("交办件即将到期"),
                body=referral.case.title,
                link=reverse("cases_department:detail", args=[referral.pk]),
                dedupe=f"referral:{referral.pk}:due:{referral.due_date}",
            )
            and 1
        )
    for referral in open_referrals.filter(due_date__lt=day).select_related("case", "handled_by", "department")[
        : BATCH * 4
    ]:
        late = workdays_between(referral.due_date, day, calendar)
        target = 3 if late >= office_after else 2 if late >= lead_after else 1
        for level in range(referral.escalation_level + 1, target + 1):
            with transaction.atomic():
                if not _climb(referral, level):
                    break
                _apply_level(referral, level, late)
                counts[("overdue", "lead", "office")[level - 1]] += 1
    return counts


def _apply_level(referral: Referral, level: int, late: int) -> None:
    case = referral.case
    link = reverse("cases_department:detail", args=[referral.pk])
    if level == 1:
        Case.objects.filter(pk=case.pk).update(is_overdue=True, version=F("version") + 1)
        event(
            case,
            kind=EventKind.OVERDUE,
            label=_("系统"),
            referral=referral,
            is_public=False,
            note=_("交办件已超过办理期限（%(due)s）。") % {"due": referral.due_date.isoformat()},
        )
        tell_users(
            _handlers(referral, leads=False),
            subject=_("交办件已逾期"),
            body=case.title,
            link=link,
            dedupe=f"referral:{referral.pk}:level1",
        )
    elif level == 2:
        event(
            case,
            kind=EventKind.REMINDED,
            label=_("系统"),
            referral=referral,
            is_public=False,
            note=_("逾期 %(n)d 个工作日，已提醒部门牵头负责人。") % {"n": late},
        )
        tell_users(
            _handlers(referral, leads=True),
            subject=_("交办件逾期，请督促办理"),
            body=case.title,
            link=link,
            dedupe=f"referral:{referral.pk}:level2",
        )
    else:
        Case.objects.filter(pk=case.pk).update(is_escalated=True, version=F("version") + 1)
        event(
            case,
            kind=EventKind.ESCALATED,
            label=_("系统"),
            referral=referral,
            is_public=True,
            note=_("交办件逾期 %(n)d 个工作日，转人大工作机构督办。") % {"n": late},
        )
        _tell_office_users(
            case, subject=_("交办件逾期，请督办"), body=case.title, dedupe=f"referral:{referral.pk}:level3"
        )


def close_unrated(*, at: dt.datetime | None = None) -> int:
    """Close answered cases the resident has not rated within `auto_close_days()` (recorded as unrated)."""
    moment = at or now()
    cutoff = moment - dt.timedelta(days=auto_close_days())
    closed = 0
    for case in Case.objects.filter(status=CaseStatus.ANSWERED, answered_at__lt=cutoff).order_by("pk")[:BATCH]:
        with transaction.atomic():
            updated = Case.objects.filter(pk=case.pk, status=CaseStatus.ANSWERED, version=case.version).update(
                status=CaseStatus.CLOSED, rating=Rating.UNRATED, closed_at=moment, version=F("version") + 1
            )
            if not updated:
                continue
            case.refresh_from_db()
            row = event(
                case,
                kind=EventKind.CLOSED,
                label=_("系统"),
                from_status=CaseStatus.ANSWERED,
                to_status=CaseStatus.CLOSED,
                note=_("答复后 %(n)d 天未评价，自动办结。") % {"n": auto_close_days()},
                data={"rating": Rating.UNRATED},
            )
            tell_residents(
                case,
                kind="closed",
                event_id=row.pk,
                subject=_("您的诉求已办结"),
                body=_("您反映的“%(title)s”已办结（查询码 %(code)s）。如有新情况，欢迎再次反映。")
                % {"title": case.title, "code": case.tracking_code},
            )
            closed += 1
    return closed


def retention_cutoff(at: dt.datetime | None = None) -> dt.datetime:
    from ..privacy import retention_days

    return (at or now()) - dt.timedelta(days=retention_days())


def anonymise_closed_cases(*, at: dt.datetime | None = None, batch: int = BATCH) -> int:
    """Blank the residents' personal data of cases closed before the retention cutoff: names,
    phones, accounts, addresses, on the case, its followers and its reception-register entries.
    Statuses, categories, places (region), dates and ratings stay, so statistics do not move."""
    from liaison.receptions.models import WalkIn

    cutoff = retention_cutoff(at)
    ids = list(
        Case.objects.filter(status__in=TERMINAL_STATUSES, closed_at__lt=cutoff, anonymised_at__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)[:batch]
    )
    moment = at or now()
    for pk in ids:
        with transaction.atomic():
            updated = Case.objects.filter(pk=pk, anonymised_at__isnull=True).update(
                resident_name="",
                resident_phone="",
                resident_phone_hash="",
                resident_user=None,
                address="",
                latitude=None,
                longitude=None,
                anonymised_at=moment,
                version=F("version") + 1,
            )
            if not updated:
                continue
            CaseFollower.objects.filter(case_id=pk).update(
                name="", phone="", phone_hash="", user=None, anonymised_at=moment
            )
            WalkIn.objects.filter(case_id=pk).update(name="", phone="")
            event(Case.objects.get(pk=pk), kind=EventKind.ANONYMISED, label=_("系统"), is_public=False)
    return len(ids)


def tidy_intake(*, at: dt.datetime | None = None) -> dict[str, int]:
    """Forget idempotency answers after 24 hours and used or expired recovery codes."""
    moment = at or now()
    keys, _n = IdempotencyRecord.objects.filter(created_at__lt=moment - dt.timedelta(hours=IDEMPOTENCY_HOURS)).delete()
    otps, _m = RecoveryCode.objects.filter(expires_at__lt=moment - dt.timedelta(hours=1)).delete()
    return {"idempotency": keys, "recovery": otps}
