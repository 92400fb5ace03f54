"""Every write to deputies and their assignments, guarded by jurisdiction and audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from liaison.accounts.jurisdiction import Actor, region_within_reach
from liaison.core.audit import audit, diff
from liaison.core.clock import today
from liaison.core.errors import Conflict, Forbidden, IllegalState, InvalidInput
from liaison.core.personal_data import normalize_phone
from liaison.core.versioning import save_versioned
from liaison.stations.models import Station

from .models import Assignment, Deputy
from .pinyin import pinyin_key

CORE_FIELDS = (
    "term",
    "certificate_no",
    "name",
    "gender",
    "constituency",
    "group",
    "delegation",
    "occupation",
    "work_phone",
    "public_phone",
    "is_active",
)
# The deputy decides whether to publish a contact number (PRODUCT.md; standing rule 4).
SELF_EDITABLE_FIELDS = {"public_phone"}


def _validate(values: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    for key in ("name", "certificate_no"):
        if key in values:
            values[key] = (values[key] or "").strip()
            if not values[key]:
                errors[key] = [_("请填写姓名。") if key == "name" else _("请填写代表证号。")]
    for key in ("work_phone", "public_phone"):
        if values.get(key):
            try:
                values[key] = normalize_phone(values[key])
            except ValidationError as exc:
                errors[key] = list(exc.messages)
    term = values.get("term")
    for key in ("group", "delegation"):
        group = values.get(key)
        if group is not None and term is not None and group.term_id != term.pk:
            errors[f"{key}_id"] = [_("所选小组不属于该代表的届。")]
    constituency = values.get("constituency")
    if constituency is not None and term is not None and constituency.level != term.level:
        errors["constituency_id"] = [_("选区的人大层级与代表所属的届不一致。")]
    if errors:
        raise InvalidInput(fields=errors)
    return values


def _edit_region_path(values: dict[str, Any]) -> str:
    """The region whose office edits this deputy: the constituency's, else the congress's."""
    if values.get("constituency") is not None:
        return str(values["constituency"].region.path)
    return str(values["term"].region.path)


@transaction.atomic
def deputy_create(*, actor: Actor, **fields: Any) -> Deputy:
    """Register a deputy; term + certificate number is the natural key (409 when taken)."""
    if not (actor.is_system_admin or actor.office_paths):
        raise Forbidden()
    values = _validate({k: fields[k] for k in CORE_FIELDS if k in fields})
    if not region_within_reach(actor, _edit_region_path(values)):
        raise InvalidInput(fields={"constituency_id": [_("该代表的选区不在您的管辖范围内。")]})
    if Deputy.objects.filter(term=values["term"], certificate_no=values["certificate_no"]).exists():
        raise Conflict(
            fields={"certificate_no": [_("本届已有代表证号为 %(no)s 的代表。") % {"no": values["certificate_no"]}]}
        )
    deputy = Deputy(**values, level=values["term"].level, name_pinyin=pinyin_key(values["name"]))
    deputy.full_clean()
    try:
        with transaction.atomic():
            deputy.save()
    except IntegrityError:
        # A concurrent create of the same certificate number won the race.
        raise Conflict(fields={"certificate_no": [_("本届已有该代表证号。")]}) from None
    audit(actor=actor.user, action="deputy.created", target=deputy, changes={"name": deputy.name})
    return deputy


@transaction.atomic
def deputy_update(*, actor: Actor, deputy: Deputy, version: int, **fields: Any) -> Deputy:
    """Change the given fields: the editing office all of them, the deputy his public phone."""
    can_office = actor.is_system_admin or Deputy.objects.visible_to(actor, "change").filter(pk=deputy.pk).exists()
    is_self_edit = deputy.pk in actor.deputy_ids and not set(fields) - SELF_EDITABLE_FIELDS
    if not (can_office or is_self_edit):
        raise Forbidden()
    merged = {k: getattr(deputy, k) for k in ("term", "constituency")} | fields
    values = _validate(merged)
    values = {k: v for k, v in values.items() if k in fields}
    moves = "constituency" in values or "term" in values
    if moves and not region_within_reach(actor, _edit_region_path(merged)):
        raise InvalidInput(fields={"constituency_id": [_("该选区不在您的管辖范围内。")]})
    if "term" in values:
        values["level"] = values["term"].level
    if "name" in values:
        values["name_pinyin"] = pinyin_key(values["name"])
    new_term = values.get("term", deputy.term)
    new_no = values.get("certificate_no", deputy.certificate_no)
    if ("term" in values or "certificate_no" in values) and Deputy.objects.filter(
        term=new_term, certificate_no=new_no
    ).exclude(pk=deputy.pk).exists():
        raise Conflict(fields={"certificate_no": [_("本届已有代表证号为 %(no)s 的代表。") % {"no": new_no}]})
    changes = diff(deputy, values)
    deputy = save_versioned(deputy, expected_version=version, values=values)
    if changes:
        audit(actor=actor.user, action="deputy.updated", target=deputy, changes=changes)
    return deputy


@transaction.atomic
def assignment_create(*, actor: Actor, deputy: Deputy, station: Station, start: dt.date, note: str = "") -> Assignment:
    """Assign a deputy to a station (进家入站) from `start`; several stations at once are fine.

    `note` (why, on whose decision) is kept as the audit row's reason.
    """
    if not (actor.is_system_admin or region_within_reach(actor, station.region.path)):
        raise Forbidden()
    if start > today() + dt.timedelta(days=366):
        raise InvalidInput(fields={"start": [_("进站日期不能晚于一年以后。")]})
    if Assignment.objects.filter(deputy=deputy, station=station, end__isnull=True).exists():
        raise Conflict(fields={"station_id": [_("该代表已在此站点，无需重复安排。")]})
    assignment = Assignment.objects.create(deputy=deputy, station=station, start=start)
    audit(
        actor=actor.user,
        action="assignment.created",
        target=deputy,
        reason=note,
        changes={"station": station.pk, "start": start.isoformat()},
    )
    return assignment


@transaction.atomic
def assignment_end(*, actor: Actor, assignment: Assignment, end: dt.date | None = None, reason: str = "") -> Assignment:
    """End an assignment on `end` (default today); the row stays as history."""
    if not (actor.is_system_admin or region_within_reach(actor, assignment.station.region.path)):
        raise Forbidden()
    if assignment.end is not None:
        raise IllegalState(_("该进站安排已经结束。"))
    end = end or today()
    if end < assignment.start:
        raise InvalidInput(fields={"end": [_("离站日期不能早于进站日期。")]})
    limit = Assignment._meta.get_field("end_reason").max_length or 200
    if len(reason) > limit:
        raise InvalidInput(fields={"reason": [_("不能超过 %(v)s 个字符。") % {"v": limit}]})
    Assignment.objects.filter(pk=assignment.pk).update(end=end, end_reason=reason)
    assignment.refresh_from_db()
    audit(
        actor=actor.user,
        action="assignment.ended",
        target=assignment.deputy,
        reason=reason,
        changes={"station": assignment.station_id, "end": end.isoformat()},
    )
    return assignment
