"""Users, their role grants (each scoped to a region subtree, a station or a department) and
API tokens."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, ClassVar

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from liaison.core.models import TimeStampedModel
from liaison.organization.models import Department, Region, subtree_q
from liaison.stations.models import Station

from .choices import Role

if TYPE_CHECKING:
    from .jurisdiction import Actor

# The roles whose grant names a place; the others (resident, deputy, system admin) have no scope.
SCOPED_ROLES = (Role.OFFICE_ADMIN, Role.STATION_STAFF, Role.DEPARTMENT_HANDLER, Role.SPONSOR)


def grant_scope_q(paths: tuple[str, ...], prefix: str = "") -> Q:
    """Grants (under `prefix`) whose scope (region, station or department) lies in `paths`."""
    return (
        subtree_q(f"{prefix}region__", paths)
        | subtree_q(f"{prefix}station__region__", paths)
        | subtree_q(f"{prefix}department__region__", paths)
    )


class UserQuerySet(models.QuerySet["User"]):
    def visible_to(self, actor: Actor, action: str = "view") -> UserQuerySet:
        """Accounts the actor manages: the one jurisdiction rule for users.

        A system admin reaches every account. An office admin sees ("view") an account when one
        of its grants, current or revoked, lies in his subtrees: a revoked grant keeps the
        account findable by the office that revoked it, and an account never granted anything
        in his subtree (a resident, another county's officer) stays out of reach. He may
        "change" it (password, active state) only when every current scoped grant lies in his
        subtrees and it holds no system-admin grant, so he never locks out someone he does
        not fully administer.
        """
        if actor.is_system_admin:
            return self.all()
        if not actor.office_paths or action not in ("view", "change"):
            return self.none()
        in_reach = RoleGrant.objects.filter(grant_scope_q(actor.office_paths), user=OuterRef("pk"))
        qs = self.filter(Exists(in_reach))
        if action == "change":
            current = RoleGrant.objects.active().filter(user=OuterRef("pk"))
            outside = current.filter(role__in=SCOPED_ROLES).exclude(grant_scope_q(actor.office_paths))
            qs = qs.filter(is_superuser=False).exclude(Exists(outside))
            qs = qs.exclude(Exists(current.filter(role=Role.SYSTEM_ADMIN)))
        return qs


class LiaisonUserManager(UserManager.from_queryset(UserQuerySet)):  # type: ignore[misc]
    """Django's user manager (create_user ...) plus `visible_to`."""


class User(AbstractUser):
    """An account: staff, deputy, department handler or resident."""

    display_name = models.CharField(_("姓名"), max_length=64, blank=True)
    work_phone = models.CharField(_("工作电话"), max_length=32, blank=True)
    # The account's WeChat binding (an official-account openid), for messages by WeChat.
    wechat_openid = models.CharField(_("微信绑定"), max_length=64, blank=True)
    must_change_password = models.BooleanField(_("下次登录须修改密码"), default=False)

    objects: ClassVar[LiaisonUserManager] = LiaisonUserManager()

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.display_name or self.username


class RoleGrantQuerySet(models.QuerySet["RoleGrant"]):
    def active(self) -> RoleGrantQuerySet:
        return self.filter(revoked_at__isnull=True)


class RoleGrant(TimeStampedModel):
    """One role of one user, scoped to a region subtree, a station (with its points) or a
    department; revoking keeps the row for the audit trail."""

    user = models.ForeignKey(User, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="grants")
    role = models.CharField(_("角色"), max_length=24, choices=Role.choices)
    region = models.ForeignKey(Region, verbose_name=_("区划"), null=True, blank=True, on_delete=models.PROTECT)
    station = models.ForeignKey(Station, verbose_name=_("站点"), null=True, blank=True, on_delete=models.PROTECT)
    department = models.ForeignKey(Department, verbose_name=_("部门"), null=True, blank=True, on_delete=models.PROTECT)
    granted_by = models.ForeignKey(
        User, verbose_name=_("授予人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    # A department's lead handler (牵头负责人): the second rung of the overdue escalation ladder.
    is_lead = models.BooleanField(_("牵头负责人"), default=False)

    objects = RoleGrantQuerySet.as_manager()

    class Meta:
        verbose_name = _("角色授权")
        verbose_name_plural = _("角色授权")
        ordering = ["user_id", "role"]
        constraints = [
            models.CheckConstraint(
                # Each role has exactly the scope it needs, so a grant can never be ambiguous.
                condition=(
                    Q(role="office_admin", region__isnull=False, station__isnull=True, department__isnull=True)
                    | Q(role="station_staff", region__isnull=True, station__isnull=False, department__isnull=True)
                    | Q(role="department_handler", region__isnull=True, station__isnull=True, department__isnull=False)
                    | (
                        Q(role="sponsor", department__isnull=True)
                        & (
                            Q(region__isnull=False, station__isnull=True)
                            | Q(region__isnull=True, station__isnull=False)
                        )
                    )
                    | Q(
                        role__in=["system_admin", "resident", "deputy"],
                        region__isnull=True,
                        station__isnull=True,
                        department__isnull=True,
                    )
                ),
                name="role_grant_scope_matches_role",
                violation_error_message=_("授权范围与角色不符。"),
            )
        ]

    def __str__(self) -> str:
        scope = self.region or self.station or self.department or ""
        return f"{self.user} · {self.get_role_display()} · {scope}"


def hash_token(raw: str) -> str:
    """Tokens are stored hashed: a database leak does not leak usable tokens."""
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(TimeStampedModel):
    """A bearer token for the JSON API; stored as a SHA-256 hash, expiring, revocable."""

    user = models.ForeignKey(User, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="api_tokens")
    key_hash = models.CharField(_("令牌摘要"), max_length=64, unique=True)
    expires_at = models.DateTimeField(_("过期时间"))
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")

    def __str__(self) -> str:
        return f"{self.user} · {self.expires_at:%Y-%m-%d %H:%M}"
