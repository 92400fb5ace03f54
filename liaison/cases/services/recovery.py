"""A resident who lost a tracking code finds his cases again with his phone: a six-digit one-time
code goes to the phone through the outbox; the code proves the phone for half an hour.

The answer to "send me a code" is the same whether or not the phone has cases (nobody learns
who filed what), and both steps are rate-limited per phone and per client (SECURITY.md S18).
"""

from __future__ import annotations

import datetime as dt
import hmac
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from liaison.core import ratelimit
from liaison.core.clock import now
from liaison.core.errors import DomainError, ErrorCode, InvalidInput
from liaison.core.notify import notify
from liaison.core.personal_data import normalize_phone

from .. import codes
from ..models import RecoveryCode
from ..selectors_public import cases_of_phone_hash

CODE_MINUTES = 10
MAX_ATTEMPTS = 5
SENDS_PER_PHONE = 3
SENDS_PER_CLIENT = 10
SEND_WINDOW_SECONDS = 10 * 60


class TooManyRequests(DomainError):
    """Asked too often: wait `retry_after` seconds (429 with Retry-After)."""

    status = 429
    code = ErrorCode.RATE_LIMITED

    def __init__(self, message: str | None = None, *, retry_after: int = 60) -> None:
        super().__init__(message)
        self.retry_after = retry_after

    def default_message(self) -> str:
        return _("操作太频繁，请稍后再试。")


def _phone(raw: str) -> str:
    try:
        return normalize_phone(raw)
    except ValidationError as exc:
        raise InvalidInput(fields={"phone": list(exc.messages)}) from None


def recovery_request(*, phone: str, client: str) -> str:
    """Send a one-time code to `phone` if it filed or follows a case; return the phone's hash
    (what the second step asks about) either way."""
    normal = _phone(phone)
    key = codes.phone_hash(normal)
    for scope, who, limit in (
        ("case_recover_phone", key, SENDS_PER_PHONE),
        ("case_recover_client", client, SENDS_PER_CLIENT),
    ):
        verdict = ratelimit.hit(scope, who, limit=limit, window_seconds=SEND_WINDOW_SECONDS)
        if not verdict.allowed:
            raise TooManyRequests(
                _("获取验证码太频繁，请 %(minutes)d 分钟后再试。") % {"minutes": max(1, verdict.retry_after // 60)},
                retry_after=verdict.retry_after,
            )
    if not cases_of_phone_hash(key).exists():
        return key
    otp = f"{secrets.randbelow(10**6):06d}"
    with transaction.atomic():
        # A new code replaces any earlier one for this phone.
        RecoveryCode.objects.filter(phone_hash=key, used_at__isnull=True).update(used_at=now())
        row = RecoveryCode.objects.create(
            phone_hash=key, code_hash=codes.code_hash(otp), expires_at=now() + dt.timedelta(minutes=CODE_MINUTES)
        )
        notify(
            channel="sms",
            address=normal,
            subject=_("找回诉求查询码"),
            body=_("您的验证码是 %(code)s，%(minutes)d 分钟内有效。如非本人操作，请忽略。")
            % {"code": otp, "minutes": CODE_MINUTES},
            dedupe_key=f"recovery:{row.pk}",
        )
    return key


def recovery_verify(*, phone_hash: str, code: str) -> str:
    """Check the one-time code sent for `phone_hash`; the phone's hash when it matches, else
    InvalidInput. A code opens once, within ten minutes and five tries."""
    wrong = InvalidInput(fields={"code": [_("验证码不正确或已过期，请重新获取。")]})
    typed = "".join(ch for ch in (code or "") if not ch.isspace())
    if not phone_hash:
        raise wrong
    if not (typed.isascii() and typed.isdigit() and len(typed) == 6):
        raise InvalidInput(fields={"code": [_("验证码是 6 位数字。")]})
    row = (
        RecoveryCode.objects.filter(phone_hash=phone_hash, used_at__isnull=True, expires_at__gt=now())
        .order_by("-created_at", "-id")
        .first()
    )
    if row is None:
        raise wrong
    # Count the try first, in one statement, so parallel guesses cannot share one attempt.
    counted = RecoveryCode.objects.filter(pk=row.pk, used_at__isnull=True, attempts__lt=MAX_ATTEMPTS).update(
        attempts=F("attempts") + 1
    )
    if not counted:
        RecoveryCode.objects.filter(pk=row.pk).update(used_at=now())
        raise InvalidInput(fields={"code": [_("输错次数过多，这个验证码已失效，请重新获取。")]})
    if not hmac.compare_digest(codes.code_hash(typed), row.code_hash):
        raise wrong
    if not RecoveryCode.objects.filter(pk=row.pk, used_at__isnull=True).update(used_at=now()):
        raise wrong
    return phone_hash
