"""The walk-in register (接待选民登记): each visitor received at a session, with a case.

Every entry opens a case (channel "walk_in") or links an existing case of the same station, so
the register, the case list and the deputies' archives read the same rows: nothing is typed twice.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from liaison.accounts.jurisdiction import Actor
from liaison.cases.selectors import case_of_station
from liaison.cases.services import case_create_from_walk_in
from liaison.core.audit import audit, register_action_labels
from liaison.core.clock import now
from liaison.core.errors import Forbidden, IllegalState, InvalidInput
from liaison.core.personal_data import normalize_phone
from liaison.core.text import clean_line, clean_text

from .checkin import OPENS_BEFORE
from .choices import DutyStatus, SessionStatus
from .models import Duty, ReceptionSession, WalkIn
from .services_checkin import session_can_run_desk

ACTION_LABELS = {"walk_in.recorded": gettext_lazy("登记来访群众")}
register_action_labels(ACTION_LABELS)

NAME_MAX = 50
MATTER_MAX = 2000


def walk_in_can_record(actor: Actor, session: ReceptionSession) -> bool:
    """The station's staff (and offices over it), or a deputy on duty at this session."""
    if session_can_run_desk(actor, session):
        return True
    if not actor.deputy_ids:
        return False
    return (
        Duty.objects.filter(session=session, deputy_id__in=actor.deputy_ids)
        .exclude(status=DutyStatus.ON_LEAVE)
        .exists()
    )


def _line(errors: dict[str, list[str]], key: str, raw: str, limit: int) -> str:
    try:
        value = clean_line(raw or "")
    except ValueError as exc:
        errors[key] = [str(exc)]
        return ""
    if len(value) > limit:
        errors[key] = [_("不能超过 %(n)d 个字。") % {"n": limit}]
    return value


def _text(errors: dict[str, list[str]], key: str, raw: str, limit: int) -> str:
    try:
        value = clean_text(raw or "")
    except ValueError as exc:
        errors[key] = [str(exc)]
        return ""
    if len(value) > limit:
        errors[key] = [_("不能超过 %(n)d 个字。") % {"n": limit}]
    return value


@transaction.atomic
def walk_in_record(
    *,
    actor: Actor,
    session: ReceptionSession,
    matter: str,
    action_taken: str = "",
    name: str = "",
    phone: str = "",
    deputy_ids: Iterable[Any] = (),
    case_id: Any = None,
) -> WalkIn:
    """Log a visitor received at `session` (during or after it) and open or link his case."""
    if not walk_in_can_record(actor, session):
        raise Forbidden(_("只有本站工作人员或这次值班的代表可以登记来访群众。"))
    if session.status == SessionStatus.CANCELLED:
        raise IllegalState(_("这次接待已取消，不能登记来访群众。"))
    if now() < session.starts_at - OPENS_BEFORE:
        raise IllegalState(_("接待还没有开始，开始后才能登记来访群众。"))
    errors: dict[str, list[str]] = {}
    name = _line(errors, "name", name, NAME_MAX)
    matter = _text(errors, "matter", matter, MATTER_MAX)
    action_taken = _text(errors, "action_taken", action_taken, MATTER_MAX)
    if not matter and "matter" not in errors:
        errors["matter"] = [_("请填写群众反映的事项。")]
    if phone and phone.strip():
        try:
            phone = normalize_phone(phone)
        except ValidationError as exc:
            errors["phone"] = list(exc.messages)
    else:
        phone = ""
    rostered = dict(
        Duty.objects.filter(session=session).exclude(status=DutyStatus.ON_LEAVE).values_list("deputy_id", "deputy_id")
    )
    chosen: list[int] = []
    for raw in deputy_ids:
        try:
            pk = int(raw)
        except (TypeError, ValueError):
            pk = -1
        if pk not in rostered:
            errors["deputies"] = [_("接待代表只能从这次接待的值班代表中选择。")]
            break
        if pk not in chosen:
            chosen.append(pk)
    case = None
    if case_id not in (None, ""):
        case = case_of_station(station=session.station, case_id=case_id)
        if case is None:
            errors["case"] = [
                _("本站没有编号为 %(id)s 的诉求，请核对编号，或留空以新建诉求。") % {"id": str(case_id)[:20]}
            ]
    if errors:
        raise InvalidInput(fields=errors)
    if case is None:
        case = case_create_from_walk_in(
            actor=actor,
            station=session.station,
            matter=matter,
            action_taken=action_taken,
            resident_name=name,
            resident_phone=phone,
        )
    walk_in = WalkIn.objects.create(
        session=session,
        recorded_by=actor.user,
        name=name,
        phone=phone,
        matter=matter,
        action_taken=action_taken,
        case=case,
    )
    if chosen:
        walk_in.deputies.set(chosen)
    audit(
        actor=actor.user,
        action="walk_in.recorded",
        target=session,
        changes={"walk_in": walk_in.pk, "case": case.pk, "deputies": chosen, "linked": case_id not in (None, "")},
    )
    return walk_in
