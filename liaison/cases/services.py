"""Every write to cases. For now: a case opened from a reception walk-in (the cases issue adds
the workflow: triage, referral, reply, feedback)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy

from liaison.core.audit import audit, register_action_labels
from liaison.core.errors import InvalidInput
from liaison.stations.models import Station

from .choices import CaseStatus, Channel
from .models import Case

# Registered on import until CasesConfig.ready registers the app's labels itself.
register_action_labels({"case.created": gettext_lazy("登记诉求")})

TITLE_MAX = 30


def _title(matter: str) -> str:
    first_line = matter.strip().splitlines()[0] if matter.strip() else ""
    return first_line[:TITLE_MAX] + ("…" if len(first_line) > TITLE_MAX else "")


@transaction.atomic
def case_create_from_walk_in(
    *,
    actor: Any,
    station: Station,
    matter: str,
    action_taken: str = "",
    resident_name: str = "",
    resident_phone: str = "",
) -> Case:
    """Open a case for a visitor received at a reception: answered on the spot when something
    was done there, otherwise submitted for handling. Inputs are already cleaned by the caller."""
    description = matter
    if action_taken:
        description = f"{matter}\n\n现场处理情况\uff1a{action_taken}"
    case = Case(
        station=station,
        channel=Channel.WALK_IN,
        title=_title(matter),
        description=description[:5000],
        status=CaseStatus.ANSWERED_ON_SPOT if action_taken else CaseStatus.SUBMITTED,
        resident_name=resident_name,
        resident_phone=resident_phone,
        created_by=actor.user if getattr(actor, "user", None) is not None else None,
    )
    try:
        case.full_clean()
    except ValidationError as exc:
        raise InvalidInput(fields=exc.message_dict) from None
    case.save()
    audit(
        actor=case.created_by,
        action="case.created",
        target=case,
        changes={"station": station.pk, "channel": case.channel, "status": case.status},
    )
    return case
