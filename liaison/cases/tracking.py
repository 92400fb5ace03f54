"""A resident's proven hold on cases, remembered in the session after a successful lookup, so
the tracking page's actions (comment, answer, withdraw, rate) and attachment downloads do not
ask for the secret again, and the secret never travels in a URL."""

from __future__ import annotations

import time
from typing import Any

from django.http import HttpRequest

from .selectors import Ticket, ticket_for_session

SESSION_KEY = "liaison_tracked_cases"
# A tracked case stays open in the session for 30 minutes after the last lookup.
TRACK_SECONDS = 30 * 60
MAX_REMEMBERED = 10


def remember(request: HttpRequest, ticket: Ticket) -> None:
    """Remember that this browser proved the ticket's code and secret."""
    held: dict[str, Any] = dict(request.session.get(SESSION_KEY, {}))
    held[str(ticket.case.pk)] = {
        "follower": ticket.follower.pk if ticket.follower else None,
        "code": ticket.tracking_code,
        "until": int(time.time()) + TRACK_SECONDS,
    }
    # Keep the newest few only.
    newest = sorted(held.items(), key=lambda kv: kv[1]["until"], reverse=True)[:MAX_REMEMBERED]
    request.session[SESSION_KEY] = dict(newest)


def recall(request: HttpRequest, case_id: Any) -> Ticket | None:
    """The ticket this browser proved for the case, while it is fresh; else None."""
    entry = request.session.get(SESSION_KEY, {}).get(str(case_id))
    if not entry or entry.get("until", 0) < time.time():
        return None
    try:
        pk = int(case_id)
    except (TypeError, ValueError):
        return None
    return ticket_for_session(case_id=pk, follower_id=entry.get("follower"), tracking_code=entry.get("code", ""))


def forget(request: HttpRequest, case_id: Any) -> None:
    held = dict(request.session.get(SESSION_KEY, {}))
    held.pop(str(case_id), None)
    request.session[SESSION_KEY] = held
