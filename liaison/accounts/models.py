"""Users, their role grants (each scoped to a region subtree, a station or a department) and
API tokens."""

from __future__ import annotations

import hashlib

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from liaison.core.models import TimeStampedModel
from liaison.organization.models import Department, Region
from liaison.stations.models import Station

from .choices import Role


class User(AbstractUser):
    """An account: staff, deputy, department handler or resident."""

    display_name = models.CharField(_("姓名"), max_length=64, blank=True)
    must_change_password = models.BooleanField(_("下次登录须修改密码"), default=False)

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
