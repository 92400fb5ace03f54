"""Stations of the network, their staff, sponsoring leaders, partners and published rules."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from liaison.core.models import TimeStampedModel, VersionedModel
from liaison.organization.models import Region, subtree_q

from .choices import PartnerKind, StationKind, StationRoleKind

if TYPE_CHECKING:
    from liaison.accounts.jurisdiction import Actor


class StationQuerySet(models.QuerySet["Station"]):
    def published(self) -> StationQuerySet:
        """What the public portal may show."""
        return self.filter(is_published=True)

    def visible_to(self, actor: Actor, action: str = "view") -> StationQuerySet:
        """Stations the actor may see ("view") or edit ("change") — the one jurisdiction rule."""
        if actor.is_system_admin:
            return self.all()
        if action == "view":
            q = subtree_q("region__", actor.office_paths + actor.sponsor_paths)
            q |= Q(pk__in=actor.staff_station_ids | actor.sponsor_station_ids)
            if actor.deputy_ids:
                q |= Q(pk__in=_current_station_ids_of_deputies(actor.deputy_ids))
            return self.filter(q)
        if action == "change":
            return self.filter(subtree_q("region__", actor.office_paths) | Q(pk__in=actor.staff_station_ids))
        return self.none()


def _current_station_ids_of_deputies(deputy_ids: frozenset[int]) -> models.QuerySet[Any]:
    from liaison.deputies.models import Assignment

    return Assignment.objects.current().filter(deputy_id__in=deputy_ids).values("station_id")


class Station(VersionedModel):
    """A home, station, point or legislative contact point of the network."""

    kind = models.CharField(_("类型"), max_length=24, choices=StationKind.choices)
    name = models.CharField(_("名称"), max_length=100)
    region = models.ForeignKey(Region, verbose_name=_("所在区划"), on_delete=models.PROTECT, related_name="stations")
    parent = models.ForeignKey(
        "self",
        verbose_name=_("所属联络站"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="points",
    )
    address = models.CharField(_("地址"), max_length=200, blank=True)
    latitude = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("经度"), max_digits=9, decimal_places=6, null=True, blank=True)
    phone = models.CharField(_("联系电话"), max_length=32, blank=True)
    opening_hours = models.CharField(_("开放时间"), max_length=200, blank=True)
    notice = models.TextField(_("公示栏"), blank=True)
    is_published = models.BooleanField(_("对外公开"), default=True)

    objects = StationQuerySet.as_manager()

    class Meta:
        verbose_name = _("家站点")
        verbose_name_plural = _("家站点")
        ordering = ["region_id", "kind", "name"]
        indexes = [
            # Partial, not a leading is_published column: Django writes the filter as a bare
            # `WHERE is_published`, which SQLite can match to an index condition but not to a
            # column equality, so it sorted every published station to serve one page.
            models.Index(
                fields=["region", "kind", "name", "id"], name="station_public_list", condition=Q(is_published=True)
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="point", parent__isnull=False) | (~Q(kind="point") & Q(parent__isnull=True)),
                name="station_only_points_have_parent",
                violation_error_message=_("联络点必须隶属于联络站或代表之家，其他类型不能有上级站点。"),
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90),
                name="station_latitude_range",
                violation_error_message=_("纬度应在 -90 到 90 之间。"),
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
                name="station_longitude_range",
                violation_error_message=_("经度应在 -180 到 180 之间。"),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def region_code(self) -> str:
        """The current code of the station's region (select_related("region") avoids a query)."""
        return str(self.region.code)


class StationRule(TimeStampedModel):
    """A rule published on the station's wall (制度上墙)."""

    station = models.ForeignKey(Station, verbose_name=_("站点"), on_delete=models.CASCADE, related_name="rules")
    title = models.CharField(_("标题"), max_length=100)
    body = models.TextField(_("内容"), blank=True)
    position = models.PositiveSmallIntegerField(_("顺序"), default=0)

    class Meta:
        verbose_name = _("站点制度")
        verbose_name_plural = _("站点制度")
        ordering = ["station_id", "position", "id"]

    def __str__(self) -> str:
        return self.title


class StationRole(TimeStampedModel):
    """A person's role at a station: head, liaison officer or point keeper, with dates."""

    station = models.ForeignKey(Station, verbose_name=_("站点"), on_delete=models.CASCADE, related_name="roles")
    kind = models.CharField(_("职务"), max_length=24, choices=StationRoleKind.choices)
    name = models.CharField(_("姓名"), max_length=64)
    work_phone = models.CharField(_("工作电话"), max_length=32, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("账号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="station_roles",
    )
    start = models.DateField(_("起始日期"), default=dt.date.today)
    end = models.DateField(_("结束日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("站点工作人员")
        verbose_name_plural = _("站点工作人员")
        ordering = ["station_id", "kind", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=models.F("start")),
                name="station_role_end_after_start",
                violation_error_message=_("结束日期不能早于起始日期。"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.name}"


class Sponsor(TimeStampedModel):
    """A sponsoring leader (包保领导) assigned to watch over a station."""

    station = models.ForeignKey(Station, verbose_name=_("站点"), on_delete=models.CASCADE, related_name="sponsors")
    name = models.CharField(_("姓名"), max_length=64)
    title = models.CharField(_("职务"), max_length=100, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("账号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="sponsorships",
    )

    class Meta:
        verbose_name = _("包保领导")
        verbose_name_plural = _("包保领导")
        ordering = ["station_id", "name"]

    def __str__(self) -> str:
        return self.name


class Partner(TimeStampedModel):
    """A partner organization of the station ("联络站+N")."""

    station = models.ForeignKey(Station, verbose_name=_("站点"), on_delete=models.CASCADE, related_name="partners")
    kind = models.CharField(_("类别"), max_length=24, choices=PartnerKind.choices, default=PartnerKind.OTHER)
    name = models.CharField(_("名称"), max_length=100)

    class Meta:
        verbose_name = _("共建单位")
        verbose_name_plural = _("共建单位")
        ordering = ["station_id", "name"]

    def __str__(self) -> str:
        return self.name
