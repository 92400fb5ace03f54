"""What every case transition shares: the guarded compare-and-set, the event row, the audit row
and the messages to the residents who follow the case."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import F
from django.urls import reverse
from django.utils.translation import gettext as _

from liaison.core.audit import audit
from liaison.core.clock import now
from liaison.core.errors import Forbidden, IllegalState, VersionConflict
from liaison.core.notify import notify

from ..choices import CaseStatus
from ..models import Case, CaseEvent, Referral


def user_of(actor: Any) -> Any:
    """The acting user, or None for the system and anonymous residents."""
    return getattr(actor, "user", None)


def require(allowed: bool, message: str | None = None) -> None:
    """Raise Forbidden (403) unless the predicate holds."""
    if not allowed:
        raise Forbidden(message)


def staff_label(actor: Any, case: Case) -> str:
    """How a back-office actor appears on the resident's timeline (never a person's name)."""
    if actor is None or user_of(actor) is None:
        return _("系统")
    if case.deputy_id is not None and case.deputy_id in getattr(actor, "deputy_ids", ()):
        return _("人大代表")
    if case.station_id is not None and case.station_id in getattr(actor, "staff_station_ids", ()):
        return _("联络站工作人员")
    return _("人大工作机构")


def transition(
    case: Case,
    *,
    expected_version: int | None,
    allowed: Iterable[str],
    values: dict[str, Any],
) -> Case:
    """Move `case` on, only if it is still in an allowed state at the version the caller read.

    One UPDATE does the compare-and-set, so of two officers acting on the same version exactly
    one wins (SECURITY.md S22); the loser learns whether the state or just the version moved.
    """
    version = case.version if expected_version is None else expected_version
    allowed = tuple(allowed)
    updated = Case.objects.filter(pk=case.pk, version=version, status__in=allowed).update(
        **values, version=F("version") + 1, updated_at=now()
    )
    if updated == 0:
        current = Case.objects.filter(pk=case.pk).values_list("status", "version").first()
        if current is None or current[0] not in allowed:
            raise IllegalState(
                _("这条诉求当前为“%(status)s”，不能进行此操作。")
                % {"status": CaseStatus(current[0]).label if current else "?"}
            )
        raise VersionConflict()
    case.refresh_from_db()
    return case


def check_version(case: Case, expected_version: int | None) -> None:
    """A 409 when the caller edited from an old copy (for writes that do not change the case row)."""
    if expected_version is not None and expected_version != case.version:
        raise VersionConflict()


def event(
    case: Case,
    *,
    kind: str,
    actor: Any = None,
    label: str = "",
    note: str = "",
    from_status: str = "",
    to_status: str = "",
    is_public: bool = True,
    referral: Referral | None = None,
    data: dict[str, Any] | None = None,
    audited: bool = True,
) -> CaseEvent:
    """Append one timeline row (and its audit row) in the caller's transaction. A resident's
    anonymous submission is recorded by its event row alone (`audited=False`): the audit log is
    about what accounts did."""
    user = user_of(actor)
    row = CaseEvent.objects.create(
        case=case,
        kind=kind,
        actor=user,
        actor_label=label or staff_label(actor, case),
        from_status=from_status,
        to_status=to_status,
        note=note,
        is_public=is_public,
        referral=referral,
        data=data or {},
    )
    if not audited:
        return row
    audit(
        actor=user,
        action=f"case.{kind}",
        target=case,
        reason=note[:500] if not is_public else "",
        changes={"from": from_status, "to": to_status, **({"referral": referral.pk} if referral else {})},
    )
    return row


def tell_residents(case: Case, *, kind: str, subject: str, body: str, event_id: int) -> int:
    """Tell the filer and every follower (SMS to their phone, in-app to their account) through
    the outbox; each message once, whatever retries happen (dedupe key per event)."""
    from liaison.core.models import NotificationChannel

    link = reverse("cases:track")
    sent = 0
    people: list[tuple[str, Any, str]] = [("c", case.resident_user, case.resident_phone)]
    people += [(f"f{f.pk}", f.user, f.phone) for f in case.followers.all()]
    for who, user, phone in people:
        base = f"case:{case.pk}:{kind}:{event_id}:{who}"
        if user is not None:
            sent += bool(
                notify(
                    recipient=user,
                    channel=NotificationChannel.IN_APP,
                    subject=subject,
                    body=body,
                    link=link,
                    dedupe_key=f"{base}:app",
                )
            )
        if phone:
            sent += bool(
                notify(
                    channel=NotificationChannel.SMS,
                    address=phone,
                    subject=subject,
                    body=body,
                    link=link,
                    dedupe_key=f"{base}:sms",
                )
            )
    return sent


def tell_users(users: Iterable[Any], *, subject: str, body: str, link: str, dedupe: str) -> int:
    """In-app messages to staff, deputies or handlers (each once per `dedupe` key)."""
    from liaison.core.models import NotificationChannel

    sent = 0
    for user in users:
        if user is None:
            continue
        sent += bool(
            notify(
                recipient=user,
                channel=NotificationChannel.IN_APP,
                subject=subject,
                body=body,
                link=link,
                dedupe_key=f"{dedupe}:{user.pk}",
            )
        )
    return sent
