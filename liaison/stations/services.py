"""Every write to stations: create, update and the rules board, guarded by jurisdiction and audited."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from liaison.accounts.jurisdiction import Actor, region_within_reach
from liaison.core.audit import audit, diff
from liaison.core.errors import Forbidden, InvalidInput
from liaison.core.personal_data import normalize_phone
from liaison.core.versioning import save_versioned
from liaison.organization.models import Region

from .choices import StationKind
from .models import Station, StationRule

EDITABLE_FIELDS = (
    "name",
    "kind",
    "region",
    "parent",
    "address",
    "latitude",
    "longitude",
    "phone",
    "opening_hours",
    "notice",
    "is_published",
)
# Station staff keep their own notice board; structure and placement stay with the office.
STAFF_EDITABLE_FIELDS = {"address", "phone", "opening_hours", "notice"}


def _validate(values: dict[str, Any], *, actor: Actor) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    region: Region | None = values.get("region")
    parent: Station | None = values.get("parent")
    kind = values.get("kind")
    name = (values.get("name") or "").strip()
    if "name" in values:
        if not name:
            errors["name"] = [_("请填写站点名称。")]
        values["name"] = name
    if region is not None and not actor.is_system_admin and not region_within_reach(actor, region.path):
        errors["region_code"] = [_("该区划不在您的管辖范围内。")]
    if kind == StationKind.POINT:
        if parent is None:
            errors["parent_id"] = [_("联络点必须选择所属的联络站或代表之家。")]
        elif parent.kind == StationKind.POINT:
            errors["parent_id"] = [_("联络点只能隶属于联络站或代表之家，不能隶属于另一个联络点。")]
        elif region is not None and not region.path.startswith(parent.region.path):
            errors["parent_id"] = [_("联络点应位于所属站点的区划之内。")]
    elif kind is not None and parent is not None:
        errors["parent_id"] = [_("只有联络点可以选择所属站点。")]
    if values.get("phone"):
        try:
            values["phone"] = normalize_phone(values["phone"])
        except ValidationError as exc:
            errors["phone"] = list(exc.messages)
    for axis, bound in (("latitude", 90), ("longitude", 180)):
        value = values.get(axis)
        if value is not None and not (-bound <= Decimal(value) <= bound):
            errors[axis] = [
                _("%(axis)s应在 -%(b)d 到 %(b)d 之间。")
                % {"axis": _("纬度") if axis == "latitude" else _("经度"), "b": bound}
            ]
    if errors:
        raise InvalidInput(fields=errors)
    return values


def _created(values: dict[str, Any]) -> dict[str, list[Any]]:
    """The audit diff of a new row: every given field from nothing to its value."""
    out: dict[str, list[Any]] = {}
    for name, value in values.items():
        if value in (None, ""):
            continue
        out[name] = [
            None,
            value.pk if hasattr(value, "pk") else value if isinstance(value, (str, bool)) else str(value),
        ]
    return out


# Model field names as the services' error keys (the API's field names).
_ERROR_KEYS = {"region": "region_code", "parent": "parent_id", "__all__": "non_field_errors"}


def _full_clean(station: Station, **kwargs: Any) -> None:
    """The model's own rules (lengths, constraints) as an InvalidInput, never a bare 500."""
    try:
        station.full_clean(**kwargs)
    except ValidationError as exc:
        fields = {_ERROR_KEYS.get(k, k): list(v) for k, v in exc.message_dict.items()}
        raise InvalidInput(fields=fields) from None


@transaction.atomic
def station_create(*, actor: Actor, **fields: Any) -> Station:
    """Create a station in the actor's subtree (office admins and system admins only)."""
    if not (actor.is_system_admin or actor.office_paths):
        raise Forbidden()
    values = _validate({k: fields.get(k) for k in EDITABLE_FIELDS if k in fields}, actor=actor)
    station = Station(**values)
    _full_clean(station)
    station.save()
    audit(actor=actor.user, action="station.created", target=station, changes=_created(values))
    return station


@transaction.atomic
def station_update(*, actor: Actor, station: Station, version: int, **fields: Any) -> Station:
    """Change the given fields; staff may change only their notice board; stale version: 409."""
    can_office = actor.is_system_admin or region_within_reach(actor, station.region.path)
    if not can_office:
        if station.pk not in actor.staff_station_ids:
            raise Forbidden()
        outside = set(fields) - STAFF_EDITABLE_FIELDS
        if outside:
            raise Forbidden(_("站点工作人员只能修改地址、电话、开放时间和公示栏。"))
    merged = {k: getattr(station, k) for k in ("kind", "region", "parent")}
    merged.update(fields)
    values = _validate(merged, actor=actor) if can_office else _validate(dict(fields), actor=actor)
    values = {k: v for k, v in values.items() if k in fields}
    changes = diff(station, values)
    candidate = Station(pk=station.pk, **{k: getattr(station, k) for k in EDITABLE_FIELDS} | values)
    _full_clean(candidate, exclude=["version"], validate_unique=False)
    station = save_versioned(station, expected_version=version, values=values)
    if changes:
        audit(actor=actor.user, action="station.updated", target=station, changes=changes)
    return station


def _check_rules_board(actor: Actor, station: Station) -> None:
    # The office and the station's own staff keep the wall, as they keep the notice board.
    if not (
        actor.is_system_admin
        or region_within_reach(actor, station.region.path)
        or station.pk in actor.staff_station_ids
    ):
        raise Forbidden()


@transaction.atomic
def station_rule_add(*, actor: Actor, station: Station, title: str, body: str = "") -> StationRule:
    """Put a rule on the station's wall, after the existing ones."""
    _check_rules_board(actor, station)
    title = (title or "").strip()
    if not title:
        raise InvalidInput(fields={"title": [_("请填写制度名称。")]})
    last = station.rules.order_by("-position").values_list("position", flat=True).first()
    rule = StationRule(station=station, title=title, body=(body or "").strip(), position=(last or 0) + 1)
    try:
        rule.full_clean()
    except ValidationError as exc:
        raise InvalidInput(fields=exc.message_dict) from None
    rule.save()
    audit(
        actor=actor.user,
        action="station.rule_added",
        target=station,
        changes={"rule": rule.pk, "title": rule.title},
    )
    return rule


@transaction.atomic
def station_rule_remove(*, actor: Actor, rule: StationRule) -> None:
    """Take a rule off the station's wall (the audit row keeps its title)."""
    _check_rules_board(actor, rule.station)
    audit(
        actor=actor.user,
        action="station.rule_removed",
        target=rule.station,
        changes={"rule": rule.pk, "title": rule.title},
    )
    rule.delete()
