"""Explicit API schemas: every field listed on purpose, never all fields of a model."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal

from ninja import Field, Schema
from pydantic import AfterValidator, BaseModel, ConfigDict

from liaison.core.text import clean_line, clean_text
from liaison.deputies.choices import Gender
from liaison.organization.choices import CongressLevel, RegionTier
from liaison.stations.choices import StationKind

Line = Annotated[str, AfterValidator(clean_line)]
Text = Annotated[str, AfterValidator(clean_text)]


class StrictIn(Schema):
    """Input schemas refuse unknown fields with a 422 (SECURITY.md S4: no mass assignment)."""

    model_config = ConfigDict(extra="forbid")


# ---- auth -------------------------------------------------------------------------------


class TokenIn(StrictIn):
    username: Line = Field(min_length=1, max_length=150)
    password: str = Field(min_length=1, max_length=256)


class TokenOut(Schema):
    token: str
    expires_at: dt.datetime


class GrantOut(Schema):
    role: str
    scope: str


class MeOut(Schema):
    username: str
    display_name: str
    roles: list[str]


# ---- public -----------------------------------------------------------------------------


class RegionOut(Schema):
    code: str
    name: str
    tier: RegionTier
    parent_code: str | None = None


class Record(BaseModel):
    """An output row validated by pydantic-core alone, from a dict or an object's attributes.

    ninja's Schema wraps every item in a Python-level getter to support `resolve_*` methods;
    on a 20-item page that wrapper cost more than the database (PERFORMANCE.md, public station
    list). Rows without resolvers derive from Record instead.
    """

    model_config = ConfigDict(from_attributes=True)


class StationOut(Record):
    id: int
    name: str
    kind: StationKind
    region_code: str
    parent_id: int | None = None


class RuleOut(Schema):
    title: str
    body: str


class StaffOut(Schema):
    kind: str
    kind_label: str
    name: str

    @staticmethod
    def resolve_kind_label(obj: Any) -> str:
        return str(obj.get_kind_display())


class DeputyRef(Schema):
    id: int
    name: str
    level: CongressLevel
    public_phone: str


class StationDetailOut(StationOut):
    kind_label: str
    address: str
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    phone: str
    opening_hours: str
    notice: str
    rules: list[RuleOut]
    staff: list[StaffOut]
    deputies: list[DeputyRef]


class DeputyOut(Record):
    id: int
    name: str
    level: CongressLevel


class StationRef(Schema):
    id: int
    name: str
    kind: StationKind


class DeputyDetailOut(DeputyOut):
    level_label: str
    term: str
    group: str | None = None
    occupation: str
    public_phone: str
    stations: list[StationRef]


# ---- manage: stations ---------------------------------------------------------------------


class ManageStationOut(StationOut):
    address: str
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    phone: str
    opening_hours: str
    is_published: bool
    version: int
    updated_at: dt.datetime


class ManageStationDetailOut(ManageStationOut):
    notice: str
    rules: list[RuleOut]
    staff: list[StaffOut]
    can_change: bool


class StationIn(StrictIn):
    name: Line = Field(min_length=1, max_length=100)
    kind: StationKind
    region_code: str = Field(min_length=6, max_length=12, pattern=r"^[0-9]+$")
    parent_id: int | None = Field(None, ge=1, le=2**63 - 1)
    address: Line = Field("", max_length=200)
    latitude: Decimal | None = Field(None, ge=-90, le=90, max_digits=9, decimal_places=6)
    longitude: Decimal | None = Field(None, ge=-180, le=180, max_digits=9, decimal_places=6)
    phone: Line = Field("", max_length=32)
    opening_hours: Line = Field("", max_length=200)
    notice: Text = Field("", max_length=5000)
    is_published: bool = True


class StationPatch(StrictIn):
    version: int = Field(ge=1, le=2**31 - 1)
    name: Line | None = Field(None, min_length=1, max_length=100)
    kind: StationKind | None = None
    region_code: str | None = Field(None, min_length=6, max_length=12, pattern=r"^[0-9]+$")
    parent_id: int | None = Field(None, ge=1, le=2**63 - 1)
    address: Line | None = Field(None, max_length=200)
    latitude: Decimal | None = Field(None, ge=-90, le=90, max_digits=9, decimal_places=6)
    longitude: Decimal | None = Field(None, ge=-180, le=180, max_digits=9, decimal_places=6)
    phone: Line | None = Field(None, max_length=32)
    opening_hours: Line | None = Field(None, max_length=200)
    notice: Text | None = Field(None, max_length=5000)
    is_published: bool | None = None


# ---- manage: deputies ---------------------------------------------------------------------


class AssignmentOut(Schema):
    id: int
    station_id: int
    station_name: str
    start: dt.date
    end: dt.date | None = None
    end_reason: str

    @staticmethod
    def resolve_station_name(obj: Any) -> str:
        return str(obj.station.name)


class ManageDeputyOut(Schema):
    # A ninja Schema, not a Record: `stations` is read from a related manager.
    id: int
    name: str
    level: CongressLevel
    certificate_no: str
    term_id: int
    gender: str
    occupation: str
    constituency_id: int | None = None
    group_id: int | None = None
    work_phone: str
    public_phone: str
    is_active: bool
    version: int
    stations: list[StationRef]


class ManageDeputyDetailOut(ManageDeputyOut):
    term: str
    constituency: str | None = None
    group: str | None = None
    delegation_id: int | None = None
    assignments: list[AssignmentOut]
    can_change: bool


class DeputyIn(StrictIn):
    term_id: int = Field(ge=1, le=2**63 - 1)
    certificate_no: Line = Field(min_length=1, max_length=32)
    name: Line = Field(min_length=1, max_length=64)
    gender: Gender | Literal[""] = ""
    constituency_id: int | None = Field(None, ge=1, le=2**63 - 1)
    group_id: int | None = Field(None, ge=1, le=2**63 - 1)
    delegation_id: int | None = Field(None, ge=1, le=2**63 - 1)
    occupation: Line = Field("", max_length=200)
    work_phone: Line = Field("", max_length=32)
    public_phone: Line = Field("", max_length=32)


class DeputyPatch(StrictIn):
    version: int = Field(ge=1, le=2**31 - 1)
    certificate_no: Line | None = Field(None, min_length=1, max_length=32)
    name: Line | None = Field(None, min_length=1, max_length=64)
    gender: Gender | Literal[""] | None = None
    constituency_id: int | None = Field(None, ge=1, le=2**63 - 1)
    group_id: int | None = Field(None, ge=1, le=2**63 - 1)
    delegation_id: int | None = Field(None, ge=1, le=2**63 - 1)
    occupation: Line | None = Field(None, max_length=200)
    work_phone: Line | None = Field(None, max_length=32)
    public_phone: Line | None = Field(None, max_length=32)
    is_active: bool | None = None


class AssignmentIn(StrictIn):
    station_id: int = Field(ge=1, le=2**63 - 1)
    start: dt.date


class AssignmentEndIn(StrictIn):
    end: dt.date | None = None
    reason: Line = Field("", max_length=200)
