"""The tables an office keeps for cases: the routing table (which department handles a category in
a region's subtree) and, for system admins, the category taxonomy residents choose from.

Every write is audited in its own transaction (SECURITY.md S19: a failed audit write rolls the
change back)."""

from __future__ import annotations

import re
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from liaison.core.audit import audit, diff, register_action_labels
from liaison.core.errors import InvalidInput
from liaison.core.jurisdiction import get_visible
from liaison.core.text import clean_line
from liaison.organization.choices import RegionTier
from liaison.organization.models import PATH_SEGMENT, Department, Region, subtree_q

from ..models import CaseCategory, RoutingRule
from ._base import require, user_of

register_action_labels(
    {
        "routing_rule.created": gettext_lazy("新增交办规则"),
        "routing_rule.deleted": gettext_lazy("删除交办规则"),
        "case_category.changed": gettext_lazy("修改诉求类别"),
    }
)

# Rules are set for a county, a township or a community (and, by system admins, above).
CHOICE_LIMIT = 500
MAX_DUE_WORKDAYS = 60


def can_manage_routing(actor: Any) -> bool:
    """Office admins keep the routing table of their subtrees; system admins everyone's."""
    return bool(actor.is_system_admin or actor.office_paths)


def can_manage_categories(actor: Any) -> bool:
    """The taxonomy is one for the whole platform (Open311 services): system admins only."""
    return bool(actor.is_system_admin)


def _ancestor_ids(path: str) -> list[int]:
    return [int(path[i : i + PATH_SEGMENT]) for i in range(0, len(path), PATH_SEGMENT)]


def routing_rules_visible(actor: Any) -> QuerySet[RoutingRule]:
    """The rules of regions in the actor's office subtrees (all of them for system admins)."""
    qs = RoutingRule.objects.all()
    if not actor.is_system_admin:
        qs = qs.filter(subtree_q("region__", actor.office_paths))
    return qs.select_related("category", "region", "department").order_by("region__path", "category__sort_order", "id")


def routing_regions(actor: Any) -> QuerySet[Region]:
    """Regions a rule may be set for: the actor's subtrees (without communities, which follow
    their township); a system admin's list starts at the counties."""
    qs = Region.objects.exclude(tier=RegionTier.COMMUNITY)
    if not actor.is_system_admin:
        qs = qs.filter(subtree_q("", actor.office_paths))
    return qs.order_by("path")[:CHOICE_LIMIT]


def routing_departments(actor: Any) -> QuerySet[Department]:
    """Active departments of regions in the actor's subtrees or above them (a county bureau
    serves its townships)."""
    qs = Department.objects.filter(is_active=True)
    if not actor.is_system_admin:
        above = {pk for path in actor.office_paths for pk in _ancestor_ids(path)}
        qs = qs.filter(subtree_q("region__", actor.office_paths) | Q(region_id__in=above))
    return qs.select_related("region").order_by("region__path", "name")[:CHOICE_LIMIT]


def _pk(value: Any) -> int | None:
    try:
        pk = int(value)
    except (TypeError, ValueError, OverflowError):
        return None
    return pk if 0 < pk < 2**62 else None


@transaction.atomic
def routing_rule_create(*, actor: Any, category: Any, region_id: Any, department_id: Any) -> RoutingRule:
    """Add a rule: cases of `category` in the region's subtree go to `department`, which must
    belong to that region or one above it."""
    require(can_manage_routing(actor), _("只有人大工作机构可以设置交办规则。"))
    errors: dict[str, list[str]] = {}
    code = category.strip() if isinstance(category, str) else ""
    found = CaseCategory.objects.filter(code=code).first() if code else None
    if found is None:
        errors["category"] = [_("请选择诉求类别。")]
    region_pk = _pk(region_id)
    region = None
    if region_pk is not None:
        regions = Region.objects.all()
        if not actor.is_system_admin:
            regions = regions.filter(subtree_q("", actor.office_paths))
        region = regions.filter(pk=region_pk).first()
    if region is None:
        errors["region"] = [_("请选择本辖区内的地区。")]
    department_pk = _pk(department_id)
    department = (
        Department.objects.filter(pk=department_pk, is_active=True).select_related("region").first()
        if department_pk is not None
        else None
    )
    if department is None:
        errors["department"] = [_("请选择承办部门。")]
    elif region is not None and not region.path.startswith(department.region.path):
        errors["department"] = [_("承办部门应属于该地区或其上级地区。")]
    if errors:
        raise InvalidInput(fields=errors)
    assert found is not None and region is not None and department is not None
    if RoutingRule.objects.filter(category=found, region=region).exists():
        raise InvalidInput(fields={"category": [_("该地区已为此类别设置了承办部门，请先删除原规则。")]})
    try:
        with transaction.atomic():
            rule = RoutingRule.objects.create(
                category=found, region=region, department=department, created_by=user_of(actor)
            )
    except IntegrityError:
        # Two officers adding the same rule at once: the second learns it exists.
        raise InvalidInput(fields={"category": [_("该地区已为此类别设置了承办部门，请先删除原规则。")]}) from None
    audit(
        actor=user_of(actor),
        action="routing_rule.created",
        target=rule,
        changes={"category": found.code, "region": region.pk, "department": department.pk},
    )
    return rule


@transaction.atomic
def routing_rule_delete(*, actor: Any, rule_id: Any) -> None:
    """Remove a rule of the actor's subtree (404 for anybody else's)."""
    require(can_manage_routing(actor), _("只有人大工作机构可以设置交办规则。"))
    rule = get_visible(routing_rules_visible(actor), rule_id)
    audit(
        actor=user_of(actor),
        action="routing_rule.deleted",
        target=rule,
        changes={"category": rule.category.code, "region": rule.region_id, "department": rule.department_id},
    )
    rule.delete()


# ---- categories ---------------------------------------------------------------------------------

EDITABLE = ("name", "group", "description", "due_workdays", "is_active", "sort_order")
_LIMITS = {"name": 32, "group": 32, "description": 300}


def _clean_category(values: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    out: dict[str, Any] = {}
    for name, limit in _LIMITS.items():
        raw = values.get(name, "")
        if not isinstance(raw, str):
            errors[name] = [_("应为文字。")]
            continue
        try:
            text = clean_line(raw)
        except ValueError as exc:
            errors[name] = [str(exc)]
            continue
        if len(text) > limit:
            errors[name] = [_("不能超过 %(n)d 个字（现有 %(m)d 个）。") % {"n": limit, "m": len(text)}]
        out[name] = text
    if not out.get("name") and "name" not in errors:
        errors["name"] = [_("请填写名称。")]
    for name, low, high in (("due_workdays", 1, MAX_DUE_WORKDAYS), ("sort_order", 0, 32767)):
        given: Any = values.get(name)
        try:
            number = int(given)
        except (TypeError, ValueError, OverflowError):
            errors[name] = [_("请填写整数。")]
            continue
        if isinstance(given, bool) or not low <= number <= high:
            errors[name] = [_("应在 %(low)d 到 %(high)d 之间。") % {"low": low, "high": high}]
        out[name] = number
    out["is_active"] = values.get("is_active") is True
    if errors:
        raise InvalidInput(fields=errors)
    return out


@transaction.atomic
def category_update(*, actor: Any, category: CaseCategory, values: dict[str, Any]) -> CaseCategory:
    """Change a category's name, group, help text, deadline, order or whether residents see it."""
    require(can_manage_categories(actor), _("只有系统管理员可以修改诉求类别。"))
    clean = _clean_category(values)
    changes = diff(category, clean)
    if changes:
        for name, value in clean.items():
            setattr(category, name, value)
        category.save(update_fields=[*clean, "updated_at"])
        audit(actor=user_of(actor), action="case_category.changed", target=category, changes=changes)
    return category


@transaction.atomic
def category_create(*, actor: Any, code: Any, values: dict[str, Any]) -> CaseCategory:
    """Add a category; its code (a slug) becomes the Open311 service_code and never changes."""
    require(can_manage_categories(actor), _("只有系统管理员可以修改诉求类别。"))
    errors: dict[str, list[str]] = {}
    slug = code.strip().lower() if isinstance(code, str) else ""
    if not re.fullmatch(r"[a-z0-9][a-z0-9_-]{0,31}", slug):
        errors["code"] = [_("代码只能用小写英文字母、数字、下划线和连字符，最多 32 个字符。")]
    elif CaseCategory.objects.filter(code=slug).exists():
        errors["code"] = [_("已有这个代码的类别。")]
    try:
        clean = _clean_category(values)
    except InvalidInput as exc:
        errors.update(exc.fields)
        clean = {}
    if errors:
        raise InvalidInput(fields=errors)
    try:
        with transaction.atomic():
            category = CaseCategory.objects.create(code=slug, **clean)
    except IntegrityError:
        raise InvalidInput(fields={"code": [_("已有这个代码的类别。")]}) from None
    audit(
        actor=user_of(actor),
        action="case_category.changed",
        target=category,
        changes={"created": True, "code": slug, **clean},
    )
    return category


__all__ = [
    "can_manage_categories",
    "can_manage_routing",
    "category_create",
    "category_update",
    "routing_departments",
    "routing_regions",
    "routing_rule_create",
    "routing_rule_delete",
    "routing_rules_visible",
]
