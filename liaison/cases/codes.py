"""Tracking codes, secrets and keyed hashes for residents without an account.

A tracking code names a case; the secret proves the holder filed or follows it. Secrets and
phones are stored only as HMACs keyed with SECRET_KEY, so a copy of the table opens nothing.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError

from liaison.core.personal_data import normalize_phone

# No 0/O, 1/I/L: read aloud over the phone or copied from a receipt by an elderly resident.
_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 10
SECRET_LENGTH = 6


def new_tracking_code() -> str:
    """A random tracking code like "K7Q2-M9XW-3P" (10 characters, ~49 bits)."""
    raw = "".join(secrets.choice(_ALPHABET) for _ in range(CODE_LENGTH))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def normalize_tracking_code(value: str) -> str:
    """What a resident typed, in the stored shape (case, spaces and dashes forgiven)."""
    raw = "".join(ch for ch in (value or "").upper() if ch.isalnum())
    if len(raw) != CODE_LENGTH:
        return ""
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def new_secret() -> str:
    """A six-digit secret: easy to read out and type; enumeration is rate-limited (S18)."""
    return f"{secrets.randbelow(10**SECRET_LENGTH):0{SECRET_LENGTH}d}"


def _keyed(purpose: str, value: str) -> str:
    key = hashlib.sha256(f"liaison.cases.{purpose}:{settings.SECRET_KEY}".encode()).digest()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()


def secret_hash(tracking_code: str, secret: str) -> str:
    """The stored form of a secret, bound to its tracking code."""
    return _keyed("secret", f"{tracking_code}:{(secret or '').strip()}")


def secret_matches(tracking_code: str, secret: str, stored: str) -> bool:
    return bool(stored) and hmac.compare_digest(secret_hash(tracking_code, secret), stored)


def phone_hash(phone: str) -> str:
    """The lookup key of a phone number ("" for no or unusable phone)."""
    if not phone:
        return ""
    try:
        normal = normalize_phone(phone)
    except ValidationError:  # an unparseable phone simply has no lookup key
        return ""
    return _keyed("phone", normal) if normal else ""


def code_hash(code: str) -> str:
    """The stored form of a one-time recovery code."""
    return _keyed("otp", code.strip())
