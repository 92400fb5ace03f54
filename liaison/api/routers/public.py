"""/api/v1: the public directory — regions, stations, deputies; published fields only."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Field, Path, Query, Router, Schema

from liaison.api.errors import ERRORS_PUBLIC, Error
from liaison.api.pagination import PUBLIC_ROWS_TTL, Page, PageParams, page_of, paginate
from liaison.api.schemas import DeputyDetailOut, DeputyOut, Line, RegionOut, StationDetailOut, StationOut
from liaison.deputies.selectors import deputy_get_public, deputy_list_public, station_deputies_public
from liaison.organization.choices import CongressLevel, RegionTier
from liaison.organization.selectors import region_list
from liaison.stations.choices import StationKind
from liaison.stations.selectors import station_get_public, station_list_public, station_rows_public

router = Router(tags=["public"])

ID = Path(..., ge=1, le=2**63 - 1)


class RegionFilters(Schema):
    q: Line | None = Field(None, max_length=50, description="名称中的一部分")
    tier: RegionTier | None = None
    parent_code: str | None = Field(None, max_length=12, pattern=r"^[0-9]+$")


class StationFilters(Schema):
    region: str | None = Field(None, max_length=12, pattern=r"^[0-9]+$", description="区划代码(含下级)")
    kind: StationKind | None = None


class DeputyFilters(Schema):
    region: str | None = Field(None, max_length=12, pattern=r"^[0-9]+$", description="当前进站站点所在区划(含下级)")
    station: int | None = Field(None, ge=1, le=2**63 - 1)
    level: CongressLevel | None = None


@router.get("/regions", response={200: Page[RegionOut], 422: Error}, auth=None, operation_id="regions_list")
def regions(request: HttpRequest, filters: Query[RegionFilters], page: Query[PageParams]) -> dict[str, Any]:
    """Administrative regions, by part of a name, tier or parent code."""
    return paginate(region_list(q=filters.q, tier=filters.tier, parent_code=filters.parent_code), page)


@router.get("/stations", response={200: Page[StationOut], 422: Error}, auth=None, operation_id="stations_list")
def stations(request: HttpRequest, filters: Query[StationFilters], page: Query[PageParams]) -> dict[str, Any]:
    """Published stations; `region` includes the whole subtree of that region."""
    region, kind = filters.region, filters.kind
    return page_of(
        page,
        count=lambda: station_list_public(region_code=region, kind=kind).count(),
        rows=lambda offset, limit: station_rows_public(region_code=region, kind=kind, offset=offset, limit=limit),
        public_count_key=f"stations:{region}:{kind}",
        # A station published or renamed shows within 30 s: a directory, not a live feed.
        public_rows_ttl=PUBLIC_ROWS_TTL,
    )


@router.get(
    "/stations/{station_id}", response={200: StationDetailOut, **ERRORS_PUBLIC}, auth=None, operation_id="stations_get"
)
def station_detail(request: HttpRequest, station_id: int = ID) -> dict[str, Any]:
    """A station's notice board: hours, rules, staff and the deputies currently there."""
    station = station_get_public(station_id)
    return {
        "id": station.pk,
        "name": station.name,
        "kind": station.kind,
        "kind_label": station.get_kind_display(),
        "region_code": station.region_code,  # type: ignore[attr-defined]
        "parent_id": station.parent_id,
        "address": station.address,
        "latitude": station.latitude,
        "longitude": station.longitude,
        "phone": station.phone,
        "opening_hours": station.opening_hours,
        "notice": station.notice,
        "rules": list(station.rules.all()),
        "staff": list(station.roles.all()),
        "deputies": station_deputies_public(station),
    }


@router.get("/deputies", response={200: Page[DeputyOut], 422: Error}, auth=None, operation_id="deputies_list")
def deputies(request: HttpRequest, filters: Query[DeputyFilters], page: Query[PageParams]) -> dict[str, Any]:
    """Deputies currently at a published station; filter by region subtree, station, level."""
    qs = deputy_list_public(region_code=filters.region, station_id=filters.station, level=filters.level)
    return paginate(qs, page, public_count_key=f"deputies:{filters.region}:{filters.station}:{filters.level}")


@router.get(
    "/deputies/{deputy_id}", response={200: DeputyDetailOut, **ERRORS_PUBLIC}, auth=None, operation_id="deputies_get"
)
def deputy_detail(request: HttpRequest, deputy_id: int = ID) -> dict[str, Any]:
    """A deputy's public fields: never the work phone, only a contact number he chose to publish."""
    deputy = deputy_get_public(deputy_id)
    return {
        "id": deputy.pk,
        "name": deputy.name,
        "level": deputy.level,
        "level_label": deputy.get_level_display(),
        "term": str(deputy.term),
        "group": deputy.group.name if deputy.group else None,
        "occupation": deputy.occupation,
        "public_phone": deputy.public_phone,
        "stations": [a.station for a in deputy.current_assignments],  # type: ignore[attr-defined]
    }
