"""The territory: regions (5 tiers), grids, constituencies, departments and congress offices."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from liaison.core.models import TimeStampedModel

from .choices import CongressLevel, RegionTier

# A region's path is the concatenation of its ancestors' ids (and its own), each zero-padded to
# this width: digits only, so a plain B-tree range finds a subtree on both databases and under
# any collation ("this township and everything under it" is one indexed filter).
PATH_SEGMENT = 10


def subtree_range(path: str) -> tuple[str, str]:
    """The half-open [low, high) range of paths in the subtree rooted at `path`."""
    high = str(int(path) + 1).zfill(len(path))
    return path, high


def subtree_q(prefix: str, paths: tuple[str, ...] | list[str]) -> Q:
    """A Q matching rows whose `<prefix>path` lies under any of `paths` (empty: matches none)."""
    q = Q(pk__in=[])
    for path in paths:
        low, high = subtree_range(path)
        q |= Q(**{f"{prefix}path__gte": low, f"{prefix}path__lt": high})
    return q


class RegionQuerySet(models.QuerySet["Region"]):
    def subtree(self, *regions: Region) -> RegionQuerySet:
        """These regions and every region under them."""
        return self.filter(subtree_q("", [r.path for r in regions]))


class Region(TimeStampedModel):
    """An administrative region of one of five tiers, with a dated GB/T 2260 code."""

    code = models.CharField(_("区划代码"), max_length=12, unique=True)
    code_since = models.DateField(_("代码启用日期"), null=True, blank=True)
    name = models.CharField(_("名称"), max_length=64)
    tier = models.CharField(_("层级"), max_length=16, choices=RegionTier.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级区划"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField(_("路径"), max_length=PATH_SEGMENT * 5, db_index=True, editable=False, blank=True)
    latitude = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("经度"), max_digits=9, decimal_places=6, null=True, blank=True)

    objects = RegionQuerySet.as_manager()

    class Meta:
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(tier__in=["province", "city", "county"], code__regex=r"^[0-9]{6}$")
                    | Q(tier="township", code__regex=r"^[0-9]{9}$")
                    | Q(tier="community", code__regex=r"^[0-9]{12}$")
                ),
                name="region_code_matches_tier",
                violation_error_message=_("区划代码位数与层级不符。"),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        super().save(*args, **kwargs)
        path = (self.parent.path if self.parent_id and self.parent else "") + str(self.pk).zfill(PATH_SEGMENT)
        if path != self.path:
            self.path = path
            type(self).objects.filter(pk=self.pk).update(path=path)

    def contains(self, other: Region) -> bool:
        """Whether `other` is this region or lies under it."""
        return other.path.startswith(self.path)

    def ancestors(self) -> list[Region]:
        """The chain from the province down to this region, this one included."""
        ids = [int(self.path[i : i + PATH_SEGMENT]) for i in range(0, len(self.path), PATH_SEGMENT)]
        by_id = {r.pk: r for r in Region.objects.filter(pk__in=ids)}
        return [by_id[i] for i in ids if i in by_id]


class Grid(TimeStampedModel):
    """A grid (网格): the smallest service cell under a community."""

    community = models.ForeignKey(Region, verbose_name=_("社区（村）"), on_delete=models.PROTECT, related_name="grids")
    name = models.CharField(_("名称"), max_length=64)
    code = models.CharField(_("编号"), max_length=32)

    class Meta:
        verbose_name = _("网格")
        verbose_name_plural = _("网格")
        ordering = ["community_id", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "code"],
                name="grid_code_unique_in_community",
                violation_error_message=_("该社区已有同编号的网格。"),
            )
        ]

    def __str__(self) -> str:
        return self.name


class Constituency(TimeStampedModel):
    """An electoral district (选区) of one congress level, with its voter count."""

    region = models.ForeignKey(
        Region, verbose_name=_("所在区划"), on_delete=models.PROTECT, related_name="constituencies"
    )
    level = models.CharField(_("人大层级"), max_length=16, choices=CongressLevel.choices)
    name = models.CharField(_("名称"), max_length=64)
    voter_count = models.PositiveIntegerField(_("选民人数"), default=0)

    class Meta:
        verbose_name = _("选区")
        verbose_name_plural = _("选区")
        ordering = ["region_id", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "level", "name"],
                name="constituency_unique_name",
                violation_error_message=_("该区划已有同名选区。"),
            )
        ]

    def __str__(self) -> str:
        return self.name


class Department(TimeStampedModel):
    """A government department (职能部门) of a region that handles referrals."""

    region = models.ForeignKey(Region, verbose_name=_("所属区划"), on_delete=models.PROTECT, related_name="departments")
    name = models.CharField(_("名称"), max_length=100)
    short_name = models.CharField(_("简称"), max_length=32, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("职能部门")
        verbose_name_plural = _("职能部门")
        ordering = ["region_id", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "name"],
                name="department_unique_name",
                violation_error_message=_("该区划已有同名部门。"),
            )
        ]

    def __str__(self) -> str:
        return self.name


class Office(TimeStampedModel):
    """The congress office (人大工委， 乡镇人大主席团， 区人大常委会) administering a region."""

    region = models.OneToOneField(Region, verbose_name=_("管辖区划"), on_delete=models.PROTECT, related_name="office")
    name = models.CharField(_("名称"), max_length=100)

    class Meta:
        verbose_name = _("人大工作机构")
        verbose_name_plural = _("人大工作机构")
        ordering = ["region__code"]

    def __str__(self) -> str:
        return self.name
