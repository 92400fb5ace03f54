"""The desk's rotating check-in code: a signed token naming a session and the current minute.

The token changes every minute and is accepted for the current and the previous minute only,
so a photo of the QR code taken earlier is useless (issue 4, item 4). It is signed with the
project's secret and its own salt, so it cannot be forged or moved to another session.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core import signing
from django.utils.translation import gettext as _

from liaison.core.clock import now
from liaison.core.errors import InvalidInput

SALT = "liaison.receptions.checkin"
CONFIRM_SALT = "liaison.receptions.checkin.confirm"
# How long the one-tap confirmation page stays good after a valid scan.
CONFIRM_SECONDS = 300
# How many whole minutes back a code stays valid: the current minute and the one before.
ACCEPTED_MINUTES = 1
# The window in which deputies may check in: from half an hour before the start to the end.
OPENS_BEFORE = dt.timedelta(minutes=30)


def minute_of(moment: dt.datetime) -> int:
    """The minute counter: whole minutes since the Unix epoch."""
    return int(moment.timestamp() // 60)


def checkin_token(session_id: int, *, at: dt.datetime | None = None) -> str:
    """The code shown on the desk for this session during the minute of `at` (default: now)."""
    minute = minute_of(at or now())
    return signing.dumps({"s": int(session_id), "m": minute}, salt=SALT, compress=False)


@dataclass(frozen=True)
class CheckinCode:
    session_id: int
    minute: int


class ExpiredCode(InvalidInput):
    """A genuine code from an earlier minute: the deputy scanned an old picture or waited too long."""

    def default_message(self) -> str:
        return _("签到二维码已过期，请重新扫描签到台上正在显示的二维码。")


class BadCode(InvalidInput):
    """Not a code of ours (tampered with, truncated, or made up)."""

    def default_message(self) -> str:
        return _("签到二维码无效，请扫描签到台上正在显示的二维码。")


def confirm_ticket(session_id: int, user_id: int | None) -> str:
    """Proof that this user scanned a current code of this session (see the check-in view)."""
    return signing.dumps({"s": int(session_id), "u": user_id}, salt=CONFIRM_SALT, compress=False)


def _ticket_matches(ticket: str, session_id: int, user_id: int | None) -> bool:
    if not ticket or user_id is None:
        return False
    try:
        data = signing.loads(ticket, salt=CONFIRM_SALT, max_age=CONFIRM_SECONDS)
        return int(data["s"]) == session_id and int(data["u"]) == int(user_id)
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return False


def checkin_code_read(
    token: str, *, at: dt.datetime | None = None, ticket: str = "", user_id: int | None = None
) -> CheckinCode:
    """The session of a valid, current code; BadCode or ExpiredCode otherwise.

    With a confirmation ticket issued to `user_id` for the same session in the last five
    minutes, the code's minute no longer matters: it was current when he scanned it.
    """
    try:
        data = signing.loads(token or "", salt=SALT)
        code = CheckinCode(session_id=int(data["s"]), minute=int(data["m"]))
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise BadCode() from None
    if _ticket_matches(ticket, code.session_id, user_id):
        return code
    current = minute_of(at or now())
    if code.minute > current:
        # A code from the future: only a clock change could produce one; refuse it.
        raise BadCode()
    if current - code.minute > ACCEPTED_MINUTES:
        raise ExpiredCode()
    return code
