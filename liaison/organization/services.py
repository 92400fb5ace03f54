"""Writes to the territory. Regions are reference data: loaded from GB/T 2260 and extended
below county level by offices (townships, communities), never edited row by row in views."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from liaison.core.errors import InvalidInput

from .choices import CODE_LENGTH, TIER_ORDER, RegionTier
from .gbt2260 import divisions
from .models import PATH_SEGMENT, Region


@transaction.atomic
def regions_load_gbt2260() -> int:
    """Create the national province/city/county tree from GB/T 2260; idempotent.

    Set-based: one bulk insert per tier, then one bulk update of the paths. Returns the number
    of regions created.
    """
    existing = dict(Region.objects.values_list("code", "id"))
    paths = dict(Region.objects.values_list("code", "path"))
    created = 0
    for tier in (RegionTier.PROVINCE, RegionTier.CITY, RegionTier.COUNTY):
        new = [
            Region(
                code=d.code,
                name=d.name,
                tier=d.tier,
                parent_id=existing.get(d.parent_code) if d.parent_code else None,
                latitude=d.latitude,
                longitude=d.longitude,
            )
            for d in divisions()
            if d.tier == tier and d.code not in existing
        ]
        if not new:
            continue
        Region.objects.bulk_create(new, batch_size=1000)
        # bulk_create returns ids on PostgreSQL and on SQLite ≥ 3.35; fetch them to be sure.
        ids = dict(Region.objects.filter(code__in=[r.code for r in new]).values_list("code", "id"))
        parents = {r.code: r.parent_id for r in new}
        code_by_id = {v: k for k, v in existing.items()}
        updates = []
        for code, pk in ids.items():
            parent_id = parents[code]
            parent_path = paths[code_by_id[parent_id]] if parent_id else ""
            path = parent_path + str(pk).zfill(PATH_SEGMENT)
            paths[code] = path
            updates.append(Region(pk=pk, path=path))
        Region.objects.bulk_update(updates, ["path"], batch_size=1000)
        existing.update(ids)
        created += len(new)
    return created


@transaction.atomic
def region_create(
    *,
    parent: Region,
    code: str,
    name: str,
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
) -> Region:
    """Add a township under a county or a community under a township (GB/T 2260 stops at counties)."""
    index = TIER_ORDER.index(RegionTier(parent.tier))
    if index + 1 >= len(TIER_ORDER):
        raise InvalidInput(fields={"parent": [_("社区村下不能再设区划。")]})
    tier = TIER_ORDER[index + 1]
    if tier not in (RegionTier.TOWNSHIP, RegionTier.COMMUNITY):
        raise InvalidInput(fields={"parent": [_("省、市、区县由国家标准代码表导入，不能手工添加。")]})
    length = CODE_LENGTH[tier]
    if len(code) != length or not code.isdigit():
        raise InvalidInput(
            fields={"code": [_("%(tier)s的区划代码应为 %(n)d 位数字。") % {"tier": tier.label, "n": length}]}
        )
    if not code.startswith(parent.code):
        raise InvalidInput(fields={"code": [_("区划代码应以上级代码 %(code)s 开头。") % {"code": parent.code}]})
    if Region.objects.filter(code=code).exists():
        raise InvalidInput(fields={"code": [_("区划代码 %(code)s 已存在。") % {"code": code}]})
    region = Region(parent=parent, code=code, name=name, tier=tier, latitude=latitude, longitude=longitude)
    region.full_clean()
    region.save()
    return region
