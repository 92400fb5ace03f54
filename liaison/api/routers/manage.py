"""/api/v1/manage: staff endpoints for stations, deputies and assignments, all scoped by the
one jurisdiction mechanism; ids of other jurisdictions are 404 (paths) or 422 (bodies)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema, Status

from liaison.accounts.jurisdiction import Actor
from liaison.api.auth import actor_of, bearer
from liaison.api.errors import ERRORS_READ, ERRORS_WRITE
from liaison.api.pagination import Page, PageParams, paginate
from liaison.api.schemas import (
    AssignmentEndIn,
    AssignmentIn,
    AssignmentOut,
    DeputyIn,
    DeputyPatch,
    Line,
    ManageDeputyDetailOut,
    ManageDeputyOut,
    ManageStationDetailOut,
    ManageStationOut,
    StationIn,
    StationPatch,
)
from liaison.core.errors import Forbidden, InvalidInput
from liaison.deputies import selectors as deputy_selectors
from liaison.deputies import services as deputy_services
from liaison.deputies.models import Assignment, DeputyGroup, Term
from liaison.organization.choices import CongressLevel
from liaison.organization.models import Constituency, Region
from liaison.stations import selectors as station_selectors
from liaison.stations import services as station_services
from liaison.stations.choices import StationKind
from liaison.stations.models import Station

router = Router(tags=["manage"], auth=bearer)

ID = Path(..., ge=1, le=2**63 - 1)


def _staff(request: HttpRequest) -> Actor:
    actor = actor_of(request)
    if not actor.is_staff_member:
        raise Forbidden(_("该接口仅供工作人员使用。"))
    return actor


def _writer(request: HttpRequest) -> Actor:
    actor = _staff(request)
    if actor.is_read_only:
        raise Forbidden(_("包保领导为只读角色，不能修改数据。"))
    return actor


# ---- stations -----------------------------------------------------------------------------


class StationFilters(Schema):
    region: str | None = Field(None, max_length=12, pattern=r"^[0-9]+$")
    kind: StationKind | None = None
    q: Line | None = Field(None, max_length=50)
    ordering: str = Field("name", pattern=r"^-?(name|id|region)$", description="name, -name, id, -id, region")


def _refuse_nulls(data: dict[str, Any], keys: tuple[str, ...]) -> None:
    """PATCH may omit a field, but may not blank out one that cannot be empty."""
    errors = {k: [_("此项不能为空。")] for k in keys if k in data and data[k] is None}
    if errors:
        raise InvalidInput(fields=errors)


def _station_inputs(actor: Actor, data: dict[str, Any]) -> dict[str, Any]:
    """Turn API ids and codes into objects, refusing anything out of reach with a 422."""
    _refuse_nulls(data, ("name", "kind", "region_code", "is_published"))
    values = dict(data)
    if "region_code" in values:
        code = values.pop("region_code")
        region = Region.objects.filter(code=code).first() if code else None
        if region is None:
            raise InvalidInput(fields={"region_code": [_("区划代码 %(code)s 不存在。") % {"code": code}]})
        values["region"] = region
    if "parent_id" in values:
        parent_id = values.pop("parent_id")
        parent = None
        if parent_id is not None:
            parent = Station.objects.visible_to(actor, "change").filter(pk=parent_id).select_related("region").first()
            if parent is None:
                raise InvalidInput(fields={"parent_id": [_("所属联络站不存在或不在您的管辖范围内。")]})
        values["parent"] = parent
    for key in ("address", "phone", "opening_hours", "notice"):
        if key in values and values[key] is None:
            values[key] = ""
    return values


def _station_detail(actor: Actor, station: Station) -> dict[str, Any]:
    fields = ManageStationOut.model_fields
    return {
        **{name: getattr(station, name) for name in fields},
        "notice": station.notice,
        "rules": list(station.rules.all()),
        "staff": [r for r in station.roles.all() if r.end is None],
        "can_change": not actor.is_read_only and station_selectors.station_can_change(actor, station),
    }


@router.get("/stations", response={200: Page[ManageStationOut], **ERRORS_READ}, operation_id="manage_stations_list")
def stations(request: HttpRequest, filters: Query[StationFilters], page: Query[PageParams]) -> dict[str, Any]:
    """Stations in the caller's jurisdiction."""
    actor = _staff(request)
    qs = station_selectors.station_list(
        actor=actor, region_code=filters.region, kind=filters.kind, q=filters.q, ordering=filters.ordering
    )
    return paginate(qs, page)


@router.post("/stations", response={201: ManageStationDetailOut, **ERRORS_WRITE}, operation_id="manage_stations_create")
def station_create(request: HttpRequest, payload: StationIn) -> Status[dict[str, Any]]:
    """Create a station in the caller's subtree (office admins)."""
    actor = _writer(request)
    station = station_services.station_create(actor=actor, **_station_inputs(actor, payload.dict()))
    return Status(201, _station_detail(actor, station_selectors.station_get(actor=actor, station_id=station.pk)))


@router.get(
    "/stations/{station_id}", response={200: ManageStationDetailOut, **ERRORS_READ}, operation_id="manage_stations_get"
)
def station_detail(request: HttpRequest, station_id: int = ID) -> dict[str, Any]:
    """One station in the caller's jurisdiction (404 otherwise)."""
    actor = actor_of(request)
    return _station_detail(actor, station_selectors.station_get(actor=actor, station_id=station_id))


@router.patch(
    "/stations/{station_id}",
    response={200: ManageStationDetailOut, **ERRORS_WRITE},
    operation_id="manage_stations_update",
)
def station_update(request: HttpRequest, payload: StationPatch, station_id: int = ID) -> dict[str, Any]:
    """Change the fields given; send back the `version` you read (409 if stale)."""
    actor = actor_of(request)
    station = station_selectors.station_get(actor=actor, station_id=station_id)
    if actor.is_read_only:
        raise Forbidden(_("包保领导为只读角色，不能修改数据。"))
    data = payload.dict(exclude_unset=True)
    version = data.pop("version")
    station_services.station_update(actor=actor, station=station, version=version, **_station_inputs(actor, data))
    return _station_detail(actor, station_selectors.station_get(actor=actor, station_id=station_id))


# ---- deputies -----------------------------------------------------------------------------


class DeputyFilters(Schema):
    region: str | None = Field(None, max_length=12, pattern=r"^[0-9]+$")
    station: int | None = Field(None, ge=1, le=2**63 - 1)
    level: CongressLevel | None = None
    term: int | None = Field(None, ge=1, le=2**63 - 1)
    q: Line | None = Field(None, max_length=50, description="姓名、拼音首字母或代表证号")
    ordering: str = Field("name", pattern=r"^-?(name|id|level)$", description="name, -name, id, -id, level")


def _deputy_inputs(data: dict[str, Any], *, term: Term | None) -> dict[str, Any]:
    _refuse_nulls(data, ("certificate_no", "name", "is_active"))
    values = dict(data)
    if "term_id" in values:
        term = Term.objects.select_related("region").filter(pk=values.pop("term_id")).first()
        if term is None:
            raise InvalidInput(fields={"term_id": [_("所选的届不存在。")]})
        values["term"] = term
    if "constituency_id" in values:
        cid = values.pop("constituency_id")
        constituency = Constituency.objects.select_related("region").filter(pk=cid).first() if cid else None
        if cid and constituency is None:
            raise InvalidInput(fields={"constituency_id": [_("所选的选区不存在。")]})
        values["constituency"] = constituency
    for key in ("group", "delegation"):
        if f"{key}_id" in values:
            gid = values.pop(f"{key}_id")
            group = DeputyGroup.objects.filter(pk=gid).first() if gid else None
            if gid and group is None:
                raise InvalidInput(fields={f"{key}_id": [_("所选的小组不存在。")]})
            values[key] = group
    for key in ("occupation", "work_phone", "public_phone", "gender"):
        if key in values and values[key] is None:
            values[key] = ""
    return values


def _deputy_detail(actor: Actor, deputy: Any) -> dict[str, Any]:
    return {
        "id": deputy.pk,
        "name": deputy.name,
        "level": deputy.level,
        "certificate_no": deputy.certificate_no,
        "term_id": deputy.term_id,
        "term": str(deputy.term),
        "gender": deputy.gender,
        "occupation": deputy.occupation,
        "constituency_id": deputy.constituency_id,
        "constituency": deputy.constituency.name if deputy.constituency else None,
        "group_id": deputy.group_id,
        "group": deputy.group.name if deputy.group else None,
        "delegation_id": deputy.delegation_id,
        "work_phone": deputy.work_phone,
        "public_phone": deputy.public_phone,
        "is_active": deputy.is_active,
        "version": deputy.version,
        "stations": [a.station for a in deputy.current_assignments],
        "assignments": list(deputy.assignments.all()),
        "can_change": not actor.is_read_only and deputy_selectors.deputy_can_change(actor, deputy),
    }


class _ListDeputy(ManageDeputyOut):
    @staticmethod
    def resolve_stations(obj: Any) -> list[Any]:
        return [a.station for a in obj.current_assignments]


@router.get("/deputies", response={200: Page[_ListDeputy], **ERRORS_READ}, operation_id="manage_deputies_list")
def deputies(request: HttpRequest, filters: Query[DeputyFilters], page: Query[PageParams]) -> dict[str, Any]:
    """Deputies in the caller's jurisdiction; search by name, pinyin initials or certificate number."""
    actor = _staff(request)
    qs = deputy_selectors.deputy_list(
        actor=actor,
        region_code=filters.region,
        station_id=filters.station,
        level=filters.level,
        term_id=filters.term,
        q=filters.q,
        ordering=filters.ordering,
    )
    return paginate(qs, page)


@router.post("/deputies", response={201: ManageDeputyDetailOut, **ERRORS_WRITE}, operation_id="manage_deputies_create")
def deputy_create(request: HttpRequest, payload: DeputyIn) -> Status[dict[str, Any]]:
    """Register a deputy; the same certificate number twice in one term is a 409."""
    actor = _writer(request)
    deputy = deputy_services.deputy_create(actor=actor, **_deputy_inputs(payload.dict(), term=None))
    return Status(201, _deputy_detail(actor, deputy_selectors.deputy_get(actor=actor, deputy_id=deputy.pk)))


@router.get(
    "/deputies/{deputy_id}", response={200: ManageDeputyDetailOut, **ERRORS_READ}, operation_id="manage_deputies_get"
)
def deputy_detail(request: HttpRequest, deputy_id: int = ID) -> dict[str, Any]:
    """One deputy with the whole assignment history (404 outside the jurisdiction)."""
    actor = actor_of(request)
    return _deputy_detail(actor, deputy_selectors.deputy_get(actor=actor, deputy_id=deputy_id))


@router.patch(
    "/deputies/{deputy_id}",
    response={200: ManageDeputyDetailOut, **ERRORS_WRITE},
    operation_id="manage_deputies_update",
)
def deputy_update(request: HttpRequest, payload: DeputyPatch, deputy_id: int = ID) -> dict[str, Any]:
    """Change the fields given; a deputy may change only his public contact number."""
    actor = actor_of(request)
    deputy = deputy_selectors.deputy_get(actor=actor, deputy_id=deputy_id)
    if actor.is_read_only:
        raise Forbidden(_("包保领导为只读角色，不能修改数据。"))
    data = payload.dict(exclude_unset=True)
    version = data.pop("version")
    deputy_services.deputy_update(actor=actor, deputy=deputy, version=version, **_deputy_inputs(data, term=deputy.term))
    return _deputy_detail(actor, deputy_selectors.deputy_get(actor=actor, deputy_id=deputy_id))


@router.post(
    "/deputies/{deputy_id}/assignments",
    response={201: AssignmentOut, **ERRORS_WRITE},
    operation_id="manage_assignments_create",
)
def assignment_create(request: HttpRequest, payload: AssignmentIn, deputy_id: int = ID) -> Status[Assignment]:
    """Assign the deputy to a station in the caller's jurisdiction from `start`."""
    actor = _writer(request)
    deputy = deputy_selectors.deputy_get(actor=actor, deputy_id=deputy_id)
    station = Station.objects.visible_to(actor, "change").select_related("region").filter(pk=payload.station_id).first()
    if station is None:
        raise InvalidInput(fields={"station_id": [_("站点不存在或不在您的管辖范围内。")]})
    assignment = deputy_services.assignment_create(actor=actor, deputy=deputy, station=station, start=payload.start)
    return Status(201, assignment)


@router.post(
    "/assignments/{assignment_id}/end",
    response={200: AssignmentOut, **ERRORS_WRITE},
    operation_id="manage_assignments_end",
)
def assignment_end(request: HttpRequest, payload: AssignmentEndIn, assignment_id: int = ID) -> Any:
    """End an assignment (it stays in the history)."""
    actor = _writer(request)
    assignment = deputy_selectors.assignment_get(actor=actor, assignment_id=assignment_id)
    return deputy_services.assignment_end(actor=actor, assignment=assignment, end=payload.end, reason=payload.reason)
