"""Small predicates about who may do what to a case (services re-check them; ARCHITECTURE.md
rule 6). Each takes an Actor and rows already fetched, and never queries more than it must."""

from __future__ import annotations

from typing import Any

from liaison.organization.models import subtree_range

from .choices import OPEN_REFERRAL_STATUSES, OPEN_STATUSES
from .models import Case, Referral


def _in_office_reach(actor: Any, case: Case) -> bool:
    for path in actor.office_paths:
        low, high = subtree_range(path)
        if low <= case.region_path < high:
            return True
    return False


def can_triage(actor: Any, case: Case) -> bool:
    """Accept, decline, route, refer, merge, transfer, publish: the owning office or the station's staff."""
    if actor.is_system_admin or _in_office_reach(actor, case):
        return True
    return case.station_id is not None and case.station_id in actor.staff_station_ids


def can_answer(actor: Any, case: Case) -> bool:
    """Answer the resident (on the spot, or after the department's reply): triage or the assigned deputy."""
    return can_triage(actor, case) or (case.deputy_id is not None and case.deputy_id in actor.deputy_ids)


def can_handle_referral(actor: Any, referral: Referral) -> bool:
    """Accept, return, extend or reply: a handler of the referral's department."""
    return actor.is_system_admin or referral.department_id in actor.department_ids


def can_reveal(actor: Any, case: Case, referrals: list[Referral] | None = None) -> bool:
    """See the resident's full name and phone (SECURITY.md S19): only while the case is open;
    for the office, station staff or deputy handling it; for a department only through an open
    referral that carries the resident's consent."""
    if case.status not in OPEN_STATUSES or case.anonymised_at is not None:
        return False
    if can_answer(actor, case):
        return True
    if actor.department_ids:
        rows = referrals if referrals is not None else list(case.referrals.all())
        return any(
            r.department_id in actor.department_ids and r.status in OPEN_REFERRAL_STATUSES and r.shares_personal_data
            for r in rows
        )
    return False


def can_see_attachment(actor: Any, case: Case, *, referral_id: int | None, is_public: bool) -> bool:
    """Back-office access to one attachment: whoever sees the case, except that a department
    sees only what the resident shared publicly and the papers of its own referrals."""
    if can_answer(actor, case):
        return True
    if not actor.department_ids:
        return False
    referrals = list(case.referrals.all())
    if referral_id is not None:
        return any(r.pk == referral_id and r.department_id in actor.department_ids for r in referrals)
    return is_public and any(r.department_id in actor.department_ids for r in referrals)
