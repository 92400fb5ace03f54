"""The routing table offices keep (which department handles which category where) and the
category taxonomy system admins keep."""

from __future__ import annotations

from typing import Any

import pytest

from liaison.cases.models import CaseCategory, RoutingRule
from liaison.cases.selectors import suggest_department
from liaison.core.models import AuditEvent
from liaison.organization.models import Department
from liaison.testing.personas import PERSONAS, World

pytestmark = pytest.mark.django_db
URL = "/manage/cases/routing/"
CATEGORIES = "/manage/cases/categories/"


def category(code: str) -> CaseCategory:
    return CaseCategory.objects.get(code=code)


def rule(world: World, region: str, code: str = "housing", department: str = "housing") -> RoutingRule:
    return RoutingRule.objects.create(
        category=category(code), region=world.regions[region], department=world.departments[department]
    )


def add(world: World, persona: str = "officer", **overrides: Any) -> Any:
    data = {
        "category": "housing",
        "region": str(world.regions["qianfeng"].pk),
        "department": str(world.departments["housing"].pk),
    }
    data.update(overrides)
    return world.web(persona).post(URL, data)


# ---- who reaches the routing table --------------------------------------------------------------

ROUTING_EXPECTED = {
    "officer": 200,
    "neighbour_officer": 200,
    "county_officer": 200,
    "system_admin": 200,
    "station_staff": 403,
    "deputy": 403,
    "handler": 403,
    "other_handler": 403,
    "sponsor": 403,
    "resident": 403,
    "other_resident": 403,
    "anonymous": 302,
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_routing_table_answers_each_persona_as_expected(world: World, persona: str) -> None:
    assert world.web(persona).get(URL).status_code == ROUTING_EXPECTED[persona]


@pytest.mark.parametrize("persona", [p for p, s in ROUTING_EXPECTED.items() if s != 200])
def test_those_who_do_not_keep_the_table_cannot_add_or_delete_rules(world: World, persona: str) -> None:
    mine = rule(world, "qianfeng")
    response = add(world, persona, category="environment")
    assert response.status_code == ROUTING_EXPECTED[persona]
    response = world.web(persona).post(f"{URL}{mine.pk}/delete/")
    assert response.status_code == ROUTING_EXPECTED[persona]
    assert list(RoutingRule.objects.values_list("pk", flat=True)) == [mine.pk]
    assert not AuditEvent.objects.filter(action__startswith="routing_rule.").exists()


def test_an_officer_sees_the_rules_of_his_subtree_only(world: World) -> None:
    rule(world, "qianfeng", "housing")
    rule(world, "xinghua", "roads", "urban")
    rule(world, "yining", "rural")
    page = world.web("officer").get(URL).content.decode()
    assert "住房物业" in page and "共 1 条规则" in page
    assert "兴华街道" not in page.split("共 1 条规则")[1]
    county = world.web("county_officer").get(URL).content.decode()
    assert "共 2 条规则" in county
    admin = world.web("system_admin").get(URL).content.decode()
    assert "共 3 条规则" in admin


# ---- adding rules -------------------------------------------------------------------------------


def test_an_officer_adds_a_rule_and_it_routes_new_cases(world: World) -> None:
    response = add(world)
    assert response.status_code == 302 and response["Location"] == URL
    created = RoutingRule.objects.get()
    assert created.region == world.regions["qianfeng"]
    assert created.department == world.departments["housing"]
    assert created.created_by == world.users["officer"]
    audit = AuditEvent.objects.get(action="routing_rule.created")
    assert audit.target_id == str(created.pk) and audit.actor == world.users["officer"]
    assert suggest_department(category("housing"), world.regions["qianfeng_community"]) == world.departments["housing"]


def test_a_county_rule_serves_every_township_until_a_closer_rule_says_otherwise(world: World) -> None:
    add(world, "county_officer", region=str(world.regions["wanbailin"].pk))
    add(world, "officer", department=str(world.departments["urban"].pk))
    assert suggest_department(category("housing"), world.regions["xinghua"]) == world.departments["housing"]
    assert suggest_department(category("housing"), world.regions["qianfeng"]) == world.departments["urban"]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"region": "xinghua"}, "请选择本辖区内的地区"),
        ({"region": "yining"}, "请选择本辖区内的地区"),
        ({"region": "junk"}, "请选择本辖区内的地区"),
        ({"category": "no-such"}, "请选择诉求类别"),
        ({"category": ""}, "请选择诉求类别"),
        ({"department": "xinghua_office"}, "请选择承办部门"),
        ({"department": "99999999"}, "请选择承办部门"),
        ({"department": "' OR 1=1 --"}, "请选择承办部门"),
    ],
)
def test_a_bad_rule_is_422_with_the_reason_and_writes_nothing(
    world: World, overrides: dict[str, str], message: str
) -> None:
    if overrides.get("region") in world.regions:
        overrides["region"] = str(world.regions[overrides["region"]].pk)
    if overrides.get("department") == "xinghua_office":
        # A department of the neighbouring township cannot handle 千峰's cases.
        overrides["department"] = str(
            Department.objects.create(region=world.regions["xinghua"], name="兴华街道城建办").pk
        )
    response = add(world, **overrides)
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not RoutingRule.objects.exists()
    assert not AuditEvent.objects.filter(action="routing_rule.created").exists()


def test_a_department_below_the_rules_region_is_refused(world: World) -> None:
    below = Department.objects.create(region=world.regions["qianfeng"], name="千峰街道城建办")
    response = add(world, "county_officer", region=str(world.regions["wanbailin"].pk), department=str(below.pk))
    assert response.status_code == 422
    assert "承办部门应属于该地区或其上级地区" in response.content.decode()
    assert not RoutingRule.objects.exists()


def test_the_service_checks_the_departments_region_too(world: World) -> None:
    from liaison.accounts.jurisdiction import jurisdiction_for
    from liaison.cases.services import routing
    from liaison.core.errors import InvalidInput

    below = Department.objects.create(region=world.regions["qianfeng"], name="千峰街道城建办")
    with pytest.raises(InvalidInput) as error:
        routing.routing_rule_create(
            actor=jurisdiction_for(world.users["county_officer"]),
            category="housing",
            region_id=world.regions["wanbailin"].pk,
            department_id=below.pk,
        )
    assert "department" in error.value.fields
    assert not RoutingRule.objects.exists()


def test_a_second_rule_for_the_same_category_and_region_is_refused(world: World) -> None:
    rule(world, "qianfeng")
    response = add(world, department=str(world.departments["urban"].pk))
    assert response.status_code == 422
    assert "已为此类别设置了承办部门" in response.content.decode()
    assert RoutingRule.objects.get().department == world.departments["housing"]


# ---- deleting rules -----------------------------------------------------------------------------


def test_an_officer_deletes_a_rule_of_his_subtree_audited(world: World) -> None:
    mine = rule(world, "qianfeng")
    response = world.web("officer").post(f"{URL}{mine.pk}/delete/")
    assert response.status_code == 302
    assert not RoutingRule.objects.exists()
    audit = AuditEvent.objects.get(action="routing_rule.deleted")
    assert audit.target_id == str(mine.pk) and audit.changes["category"] == "housing"


@pytest.mark.parametrize("rule_id", ["neighbour", "yining", "99999999"])
def test_a_rule_out_of_reach_is_404_and_stays(world: World, rule_id: str) -> None:
    theirs = rule(world, "xinghua")
    far = rule(world, "yining", "rural")
    target = {"neighbour": theirs.pk, "yining": far.pk}.get(rule_id, rule_id)
    response = world.web("officer").post(f"{URL}{target}/delete/")
    assert response.status_code == 404
    assert RoutingRule.objects.count() == 2
    assert not AuditEvent.objects.filter(action="routing_rule.deleted").exists()


def test_deleting_a_rule_needs_post(world: World) -> None:
    mine = rule(world, "qianfeng")
    assert world.web("officer").get(f"{URL}{mine.pk}/delete/").status_code == 405
    assert RoutingRule.objects.exists()


# ---- categories ---------------------------------------------------------------------------------

CATEGORIES_EXPECTED = dict.fromkeys(PERSONAS, 403) | {"system_admin": 200, "anonymous": 302}


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_system_admins_reach_the_categories(world: World, persona: str) -> None:
    client = world.web(persona)
    assert client.get(CATEGORIES).status_code == CATEGORIES_EXPECTED[persona]
    if persona != "system_admin":
        housing = category("housing")
        response = client.post(
            CATEGORIES,
            {"category_id": str(housing.pk), f"c{housing.pk}-name": "改掉", f"c{housing.pk}-due_workdays": "5"},
        )
        assert response.status_code == CATEGORIES_EXPECTED[persona]
        assert category("housing").name == "住房物业"


def edit(world: World, code: str, **values: str) -> Any:
    target = category(code)
    data = {
        "category_id": str(target.pk),
        f"c{target.pk}-name": target.name,
        f"c{target.pk}-group": target.group,
        f"c{target.pk}-description": target.description,
        f"c{target.pk}-due_workdays": str(target.due_workdays),
        f"c{target.pk}-sort_order": str(target.sort_order),
        f"c{target.pk}-is_active": "on" if target.is_active else "",
    }
    data.update({f"c{target.pk}-{k}": v for k, v in values.items()})
    return world.web("system_admin").post(CATEGORIES, data)


def test_a_system_admin_edits_a_category_audited(world: World) -> None:
    page = world.web("system_admin").get(CATEGORIES).content.decode()
    assert "住房物业" in page and "加装电梯" in page
    response = edit(world, "housing", name="住房和物业", description="物业、加装电梯、房屋安全", due_workdays="12")
    assert response.status_code == 302
    housing = category("housing")
    assert (housing.name, housing.description, housing.due_workdays) == ("住房和物业", "物业、加装电梯、房屋安全", 12)
    audit = AuditEvent.objects.get(action="case_category.changed")
    assert audit.changes["name"] == ["住房物业", "住房和物业"]
    assert audit.changes["due_workdays"] == [15, 12]


def test_retiring_a_category_hides_it_from_residents(world: World) -> None:
    from liaison.cases.selectors import active_categories

    edit(world, "housing", is_active="")
    assert not category("housing").is_active
    assert "housing" not in set(active_categories().values_list("code", flat=True))


def test_saving_an_unchanged_category_writes_no_audit_row(world: World) -> None:
    assert edit(world, "housing").status_code == 302
    assert not AuditEvent.objects.filter(action="case_category.changed").exists()


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"name": ""}, "请填写名称"),
        ({"name": "名" * 33}, "32"),
        ({"due_workdays": "0"}, "1"),
        ({"due_workdays": "61"}, "60"),
        ({"due_workdays": "十"}, "请填写整数"),
        ({"description": "a\u202eb"}, "控制字符"),
    ],
)
def test_a_bad_category_edit_is_422_and_writes_nothing(world: World, values: dict[str, str], message: str) -> None:
    response = edit(world, "housing", **values)
    assert response.status_code == 422
    assert message in response.content.decode()
    assert category("housing").name == "住房物业" and category("housing").due_workdays == 15
    assert not AuditEvent.objects.filter(action="case_category.changed").exists()


def test_editing_a_category_that_does_not_exist_is_404(world: World) -> None:
    response = world.web("system_admin").post(CATEGORIES, {"category_id": "99999999"})
    assert response.status_code == 404


def new_category(world: World, **values: str) -> Any:
    data = {
        "new-code": "noise",
        "new-name": "噪声扰民",
        "new-group": "城市管理",
        "new-description": "施工、商铺、广场舞噪声",
        "new-due_workdays": "7",
        "new-sort_order": "50",
        "new-is_active": "on",
    }
    data.update({f"new-{k}": v for k, v in values.items()})
    return world.web("system_admin").post(CATEGORIES, data)


def test_a_system_admin_adds_a_category_audited(world: World) -> None:
    response = new_category(world)
    assert response.status_code == 302
    noise = category("noise")
    assert (noise.name, noise.group, noise.due_workdays, noise.sort_order, noise.is_active) == (
        "噪声扰民",
        "城市管理",
        7,
        50,
        True,
    )
    audit = AuditEvent.objects.get(action="case_category.changed", target_id=str(noise.pk))
    assert audit.changes["created"] is True and audit.changes["code"] == "noise"


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"code": "housing"}, "已有这个代码的类别"),
        ({"code": "Noise Complaints"}, "代码只能用小写英文字母"),
        ({"code": "噪声"}, "代码只能用小写英文字母"),
        ({"code": ""}, "请填写代码"),
        ({"name": ""}, "请填写名称"),
        ({"due_workdays": "-3"}, "1"),
    ],
)
def test_a_bad_new_category_is_422_and_writes_nothing(world: World, values: dict[str, str], message: str) -> None:
    before = CaseCategory.objects.count()
    response = new_category(world, **values)
    assert response.status_code == 422
    assert message in response.content.decode()
    assert CaseCategory.objects.count() == before
    assert not AuditEvent.objects.filter(action="case_category.changed").exists()


def test_the_category_services_refuse_everyone_but_system_admins(world: World) -> None:
    from liaison.accounts.jurisdiction import jurisdiction_for
    from liaison.cases.services import routing
    from liaison.core.errors import Forbidden

    officer = jurisdiction_for(world.users["officer"])
    with pytest.raises(Forbidden):
        routing.category_update(actor=officer, category=category("housing"), values={"name": "x"})
    with pytest.raises(Forbidden):
        routing.category_create(actor=officer, code="x", values={"name": "x"})
    with pytest.raises(Forbidden):
        routing.routing_rule_create(
            actor=jurisdiction_for(world.users["station_staff"]), category="housing", region_id=1, department_id=1
        )
