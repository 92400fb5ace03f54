"""Writes about accounts: users, API tokens and role grants, each audited."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from liaison.core.audit import audit
from liaison.core.clock import now
from liaison.core.errors import DomainError, ErrorCode, Forbidden, IllegalState, InvalidInput, NotFound

from .choices import Role
from .jurisdiction import Actor, region_within_reach
from .models import ApiToken, RoleGrant, User, hash_token
from .permissions import can_grant_role, can_manage_users


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


def _check_grant(actor: Actor, *, role: str, region: Any, station: Any, department: Any) -> None:
    """An office admin grants only scoped roles, within his own subtree (SECURITY.md S19)."""
    if not actor.is_system_admin:
        if not actor.office_paths:
            raise Forbidden()
        if role == Role.SYSTEM_ADMIN:
            raise Forbidden(_("只有系统管理员可以授予系统管理员角色。"))
        if not can_grant_role(actor, role):
            raise Forbidden(_("您不能授予该角色。"))
        scope_region = region or (station.region if station else None) or (department.region if department else None)
        if scope_region is None or not region_within_reach(actor, scope_region.path):
            raise InvalidInput(fields={"scope": [_("授权范围超出了您的管辖区域。")]})


def _write_grant(
    actor: Actor,
    *,
    user: User,
    role: str,
    region: Any,
    station: Any,
    department: Any,
    reason: str,
    ip_address: str | None = None,
    is_lead: bool = False,
) -> RoleGrant:
    grant = RoleGrant(
        user=user,
        role=role,
        region=region,
        station=station,
        department=department,
        granted_by=actor.user,
        is_lead=bool(is_lead) and role == Role.DEPARTMENT_HANDLER,
    )
    try:
        grant.full_clean()
    except ValidationError as exc:
        raise InvalidInput(exc.messages[0], fields={"scope": exc.messages}) from None
    if (
        RoleGrant.objects.active()
        .filter(user=user, role=role, region=region, station=station, department=department)
        .exists()
    ):
        raise InvalidInput(fields={"role": [_("该用户已有这一授权。")]})
    grant.save()
    audit(
        actor=actor.user,
        action="role.granted",
        target=user,
        reason=reason,
        changes={"role": role, "scope": _scope_label(grant), **({"is_lead": True} if grant.is_lead else {})},
        ip_address=ip_address,
    )
    return grant


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
    ip_address: str | None = None,
    is_lead: bool = False,
) -> RoleGrant:
    """Grant a role (a department handler's may make him its lead handler); an office admin may
    grant only within his own subtree (SECURITY.md S19)."""
    _check_grant(actor, role=role, region=region, station=station, department=department)
    return _write_grant(
        actor,
        user=user,
        role=role,
        region=region,
        station=station,
        department=department,
        reason=reason,
        ip_address=ip_address,
        is_lead=is_lead,
    )


@transaction.atomic
def role_grant_revoke(*, actor: Actor, grant: RoleGrant, reason: str = "", ip_address: str | None = None) -> None:
    """Revoke a grant (kept for the trail); same reach rule as granting."""
    if not actor.is_system_admin:
        scope = (
            grant.region
            or (grant.station.region if grant.station else None)
            or (grant.department.region if grant.department else None)
        )
        if scope is None or not region_within_reach(actor, scope.path):
            raise Forbidden()
    if not RoleGrant.objects.filter(pk=grant.pk, revoked_at__isnull=True).update(revoked_at=now()):
        raise IllegalState(_("该授权已经撤销。"))
    audit(
        actor=actor.user,
        action="role.revoked",
        target=grant.user,
        reason=reason,
        changes={"role": grant.role, "scope": _scope_label(grant)},
        ip_address=ip_address,
    )


# Letters and digits that cannot be misread (no 0/O, 1/l/I) when read out over the phone.
_PASSWORD_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789"  # noqa: S105


def generate_password() -> str:
    """A one-time password: 12 random characters in three groups, e.g. Kd7m-Qx3p-Hn8w."""
    while True:
        raw = "".join(secrets.choice(_PASSWORD_ALPHABET) for _i in range(12))
        # At least one digit, one lower and one upper letter: every validator accepts it.
        if any(c.isdigit() for c in raw) and any(c.islower() for c in raw) and any(c.isupper() for c in raw):
            return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def _end_sessions(user: User) -> None:
    """Log the account out everywhere: its web sessions and its API tokens."""
    ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=now())
    if "django.contrib.sessions" not in settings.INSTALLED_APPS or not settings.SESSION_ENGINE.startswith(
        "django.contrib.sessions.backends.db"
    ):
        return  # other engines: the changed password or inactive flag still ends them
    from django.contrib.sessions.models import Session

    # Sessions are not indexed by user, so the live ones are decoded; an admin action, rarely.
    doomed = [
        s.pk
        for s in Session.objects.filter(expire_date__gt=now()).iterator()
        if str(s.get_decoded().get("_auth_user_id")) == str(user.pk)
    ]
    Session.objects.filter(pk__in=doomed).delete()


def _require_change(actor: Actor, user: User) -> None:
    """The service-side re-check of the jurisdiction rule (ARCHITECTURE.md rule 6)."""
    if not User.objects.visible_to(actor).filter(pk=user.pk).exists():
        raise NotFound()
    if not User.objects.visible_to(actor, "change").filter(pk=user.pk).exists():
        raise Forbidden(_("该用户还在您管辖范围以外任职，只有上级管理员可以进行此操作。"))


@dataclass(frozen=True)
class CreatedUser:
    user: User
    password: str  # shown once to the admin, never stored in clear


@transaction.atomic
def user_create(
    *,
    actor: Actor,
    username: str,
    display_name: str,
    role: str,
    region: Any = None,
    station: Any = None,
    department: Any = None,
    work_phone: str = "",
    email: str = "",
    ip_address: str | None = None,
    is_lead: bool = False,
) -> CreatedUser:
    """Create an account with its first grant and a one-time password it must change at login."""
    if not can_manage_users(actor):
        raise Forbidden()
    _check_grant(actor, role=role, region=region, station=station, department=department)
    if User.objects.filter(username__iexact=username).exists():
        raise InvalidInput(fields={"username": [_("该用户名已被使用，请换一个。")]})
    password = generate_password()
    user = User(
        username=username,
        display_name=display_name,
        work_phone=work_phone,
        email=email,
        must_change_password=True,
    )
    user.set_password(password)
    try:
        user.full_clean(exclude=["password"])
    except ValidationError as exc:
        raise InvalidInput(fields=exc.message_dict) from None
    user.save()
    audit(
        actor=actor.user,
        action="user.created",
        target=user,
        changes={"username": username, "display_name": display_name},
        ip_address=ip_address,
    )
    _write_grant(
        actor,
        user=user,
        role=role,
        region=region,
        station=station,
        department=department,
        reason="",
        ip_address=ip_address,
        is_lead=is_lead,
    )
    return CreatedUser(user=user, password=password)


@transaction.atomic
def user_deactivate(*, actor: Actor, user: User, reason: str, ip_address: str | None = None) -> None:
    """Disable the account: it can no longer log in, and its sessions and API tokens end now."""
    _require_change(actor, user)
    if actor.user is not None and user.pk == actor.user.pk:
        raise Forbidden(_("不能停用自己的账号。"))
    if not User.objects.filter(pk=user.pk, is_active=True).update(is_active=False):
        raise IllegalState(_("该账号已经停用。"))
    _end_sessions(user)
    audit(actor=actor.user, action="user.deactivated", target=user, reason=reason, ip_address=ip_address)


@transaction.atomic
def user_reactivate(*, actor: Actor, user: User, reason: str, ip_address: str | None = None) -> None:
    """Enable a disabled account again (its old tokens stay revoked)."""
    _require_change(actor, user)
    if not User.objects.filter(pk=user.pk, is_active=False).update(is_active=True):
        raise IllegalState(_("该账号已经是启用状态。"))
    audit(actor=actor.user, action="user.reactivated", target=user, reason=reason, ip_address=ip_address)


@transaction.atomic
def user_password_reset(*, actor: Actor, user: User, reason: str, ip_address: str | None = None) -> str:
    """A new one-time password (returned once); the account must change it and is logged out."""
    _require_change(actor, user)
    password = generate_password()
    user.set_password(password)
    user.must_change_password = True
    user.save(update_fields=["password", "must_change_password"])
    _end_sessions(user)
    audit(actor=actor.user, action="user.password_reset", target=user, reason=reason, ip_address=ip_address)
    return password
