"""Writes about accounts: API tokens and role grants, each audited."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from liaison.core.audit import audit
from liaison.core.clock import now
from liaison.core.errors import DomainError, ErrorCode, Forbidden, InvalidInput

from .choices import Role
from .jurisdiction import Actor, region_within_reach
from .models import ApiToken, RoleGrant, User, hash_token


class InvalidCredentials(DomainError):
    """Wrong username or password; the same answer whether or not the account exists."""

    status = 401
    code = ErrorCode.UNAUTHORIZED

    def default_message(self) -> str:
        return _("用户名或密码不正确。")


class LockedOut(DomainError):
    """Too many failed logins for this account or address (SECURITY.md S8)."""

    status = 429
    code = ErrorCode.LOCKED_OUT

    def default_message(self) -> str:
        return _("登录失败次数过多，请 15 分钟后再试。")


@dataclass(frozen=True)
class IssuedToken:
    token: str
    expires_at: datetime


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's address as the server saw it (the proxy sets REMOTE_ADDR in production)."""
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def api_token_issue(*, request: HttpRequest, username: str, password: str) -> IssuedToken:
    """Check the password (with lockout) and issue a bearer token; the raw token is shown once.

    Not one transaction: a failed attempt must stay recorded (lockout counter and audit row)
    even though the request fails; only the token and its audit row are written atomically.
    """
    user = authenticate(request, username=username, password=password)
    if getattr(request, "axes_locked_out", False):
        raise LockedOut()
    if user is None or not user.is_active:
        raise InvalidCredentials()
    raw = secrets.token_urlsafe(32)
    expires_at = now() + settings.API_TOKEN_TTL
    with transaction.atomic():
        ApiToken.objects.create(user=user, key_hash=hash_token(raw), expires_at=expires_at)
        audit(actor=user, action="auth.token_issued", target=user, ip_address=client_ip(request))
    return IssuedToken(token=raw, expires_at=expires_at)


def api_token_user(raw: str) -> User | None:
    """The active user behind a valid, unexpired, unrevoked token, or None."""
    if not raw or len(raw) > 200:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=hash_token(raw), revoked_at__isnull=True, expires_at__gt=now())
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    return token.user


@transaction.atomic
def api_token_revoke(*, raw: str, actor: User, request: HttpRequest | None = None) -> None:
    """Revoke the token: every later request with it is a 401."""
    ApiToken.objects.filter(key_hash=hash_token(raw), revoked_at__isnull=True).update(revoked_at=now())
    audit(actor=actor, action="auth.token_revoked", target=actor, ip_address=client_ip(request))


def _scope_label(grant: RoleGrant) -> str:
    return str(grant.region or grant.station or grant.department or "")


@transaction.atomic
def role_grant_create(
    *,
    actor: Actor,
    user: User,
    role: str,
    region: Any = None,
    station: Any = None,
    department: Any = None,
    reason: str = "",
) -> RoleGrant:
    """Grant a role; an office admin may grant only within his own subtree (SECURITY.md S19)."""
    if not actor.is_system_admin:
        if not actor.office_paths:
            raise Forbidden()
        if role == Role.SYSTEM_ADMIN:
            raise Forbidden(_("只有系统管理员可以授予系统管理员角色。"))
        scope_region = region or (station.region if station else None) or (department.region if department else None)
        if scope_region is None or not region_within_reach(actor, scope_region.path):
            raise InvalidInput(fields={"scope": [_("授权范围超出了您的管辖区域。")]})
    grant = RoleGrant(
        user=user, role=role, region=region, station=station, department=department, granted_by=actor.user
    )
    grant.full_clean()
    grant.save()
    audit(
        actor=actor.user,
        action="role.granted",
        target=user,
        reason=reason,
        changes={"role": role, "scope": _scope_label(grant)},
    )
    return grant


@transaction.atomic
def role_grant_revoke(*, actor: Actor, grant: RoleGrant, reason: str = "") -> None:
    """Revoke a grant (kept for the trail); same reach rule as granting."""
    if not actor.is_system_admin:
        scope = (
            grant.region
            or (grant.station.region if grant.station else None)
            or (grant.department.region if grant.department else None)
        )
        if scope is None or not region_within_reach(actor, scope.path):
            raise Forbidden()
    RoleGrant.objects.filter(pk=grant.pk).update(revoked_at=now())
    audit(
        actor=actor.user,
        action="role.revoked",
        target=grant.user,
        reason=reason,
        changes={"role": grant.role, "scope": _scope_label(grant)},
    )
