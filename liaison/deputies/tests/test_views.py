"""The back office's deputy pages: persona matrix, search, editing, ending an assignment."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from liaison.deputies.models import Assignment, Deputy
from liaison.deputies.pinyin import pinyin_key
from liaison.testing.personas import PERSONAS, RESIDENT_PHONE, World

LIST = "/manage/deputies/"
NAMES = {"qianfeng": "张海生", "qianfeng2": "李秀英", "xinghua": "赵建国", "yining": "黄一魏"}
# Which of the world's deputies each persona reaches (the rest must be 404 and absent from lists).
REACH = {
    "officer": {"qianfeng", "qianfeng2"},
    "neighbour_officer": {"xinghua"},
    "county_officer": {"qianfeng", "qianfeng2", "xinghua"},
    "station_staff": {"qianfeng", "qianfeng2"},  # a grant on a station covers its points
    "sponsor": {"qianfeng", "qianfeng2"},
    "deputy": {"qianfeng"},
    "handler": set(),
    "other_handler": set(),
    "system_admin": set(NAMES),
}


def _detail(world: World, key: str) -> str:
    return f"/manage/deputies/{world.deputies[key].pk}/"


def _edit_data(deputy: Deputy, **changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "action": "update",
        "version": deputy.version,
        "name": deputy.name,
        "gender": deputy.gender,
        "occupation": deputy.occupation,
        "work_phone": deputy.work_phone,
        "public_phone": deputy.public_phone,
        "is_active": "on" if deputy.is_active else "",
    }
    data.update(changes)
    return data


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_deputy_list_shows_only_deputies_in_reach(world: World, persona: str) -> None:
    response = world.web(persona).get(LIST)
    if persona == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/?next=/manage/deputies/")
        return
    if persona in ("resident", "other_resident"):
        assert response.status_code == 403
        return
    assert response.status_code == 200
    page = response.content.decode()
    for key, name in NAMES.items():
        assert (name in page) == (key in REACH[persona]), (persona, name)
    assert RESIDENT_PHONE not in page


@pytest.mark.parametrize("persona", PERSONAS)
def test_each_deputy_page_is_404_outside_the_reach(world: World, persona: str) -> None:
    client = world.web(persona)
    for key in NAMES:
        response = client.get(_detail(world, key))
        if persona == "anonymous":
            assert response.status_code == 302
        elif persona in ("resident", "other_resident"):
            assert response.status_code == 403
        elif key in REACH[persona]:
            assert response.status_code == 200, (persona, key)
            assert RESIDENT_PHONE not in response.content.decode()
        else:
            assert response.status_code == 404, (persona, key)
            assert "回到首页" in response.content.decode(), "the helpful 404 page"


def test_the_officer_sees_work_phones_and_current_stations(world: World) -> None:
    page = world.web("officer").get(LIST).content.decode()
    assert "13912345678" in page
    assert "千峰街道人大代表联络站" in page
    assert "千峰南社区联络点" in page
    assert "共 2 位代表" in page


@pytest.mark.parametrize(
    ("query", "found", "missing"),
    [
        ("q=zhs", "张海生", "李秀英"),
        ("q=张海", "张海生", "李秀英"),
        ("q=WBL17-002", "李秀英", "张海生"),
        ("level=township", "黄一魏", "张海生"),
        ("region=140109002", "赵建国", "张海生"),
    ],
)
def test_search_and_filters_narrow_the_list(world: World, query: str, found: str, missing: str) -> None:
    page = world.web("system_admin").get(f"{LIST}?{query}").content.decode()
    assert found in page
    assert missing not in page


def test_station_and_term_filters(world: World) -> None:
    client = world.web("county_officer")
    page = client.get(f"{LIST}?station={world.stations['qianfeng_point'].pk}").content.decode()
    assert "李秀英" in page and "张海生" not in page
    page = client.get(f"{LIST}?term={world.terms['wanbailin'].pk}&ordering=-name").content.decode()
    assert page.index("赵建国") < page.index("张海生") < page.index("李秀英")


def test_the_group_filter_lists_the_groups_members_only(world: World) -> None:
    from liaison.deputies.models import DeputyGroup

    group = DeputyGroup.objects.get(name="千峰代表小组")
    Deputy.objects.filter(name="张海生").update(group=group)
    client = world.web("county_officer")
    page = client.get(LIST).content.decode()
    assert "千峰代表小组" in page, "the group is offered as a filter"
    page = client.get(f"{LIST}?group={group.pk}").content.decode()
    assert "张海生" in page and "李秀英" not in page and "赵建国" not in page
    neighbour = world.web("neighbour_officer").get(LIST).content.decode()
    assert "千峰代表小组" not in neighbour, "a group of deputies out of reach is not offered"


def test_a_search_without_result_says_what_to_do_next(world: World) -> None:
    page = world.web("officer").get(f"{LIST}?q=不存在的人").content.decode()
    assert "没有符合条件的代表" in page
    assert "清除全部条件" in page


def test_junk_filters_are_ignored_with_a_field_error(world: World) -> None:
    response = world.web("officer").get(f"{LIST}?region=abc&ordering=password&station=99999&page=zz")
    assert response.status_code == 200
    page = response.content.decode()
    assert "区划代码应为 2 到 12 位数字" in page
    assert "张海生" in page


def _add_deputies(world: World, count: int, start: int) -> None:
    term = world.terms["wanbailin"]
    con = world.constituencies["qianfeng"]
    deputies = Deputy.objects.bulk_create(
        Deputy(
            term=term,
            certificate_no=f"X-{n:04d}",
            name=f"代表{n}",
            name_pinyin=pinyin_key(f"代表{n}"),
            level=term.level,
            constituency=con,
            work_phone="13900000000",
        )
        for n in range(start, start + count)
    )
    day = dt.date.today() - dt.timedelta(days=10)
    Assignment.objects.bulk_create(
        Assignment(deputy=d, station=world.stations["qianfeng"], start=day) for d in deputies
    )


def _count_queries(client: Client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(LIST)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_a_page_of_20_costs_the_same_queries_for_25_or_120_deputies(world: World) -> None:
    _add_deputies(world, 23, 0)
    assert Deputy.objects.count() == 27
    small = _count_queries(world.web("officer"))
    _add_deputies(world, 95, 100)
    large = _count_queries(world.web("officer"))
    assert small == large
    page = world.web("officer").get(f"{LIST}?page=6").content.decode()
    assert "共 120 位代表" in page
    assert "第 6 页 / 共 6 页" in page


def test_the_officer_edits_the_occupation(world: World) -> None:
    deputy = world.deputies["qianfeng"]
    client = world.web("officer")
    response = client.post(
        _detail(world, "qianfeng"), _edit_data(deputy, occupation="千峰街道办事处", work_phone="139 1234 5678")
    )
    assert response.status_code == 302
    deputy.refresh_from_db()
    assert deputy.occupation == "千峰街道办事处"
    assert deputy.work_phone == "13912345678"
    page = client.get(_detail(world, "qianfeng")).content.decode()
    assert "千峰街道办事处" in page
    assert "代表信息已保存" in page


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"work_phone": "12345"}, "电话号码"),
        ({"public_phone": "12345"}, "电话号码"),
        ({"name": ""}, "请填写姓名"),
        ({"name": "   "}, "请填写姓名"),
        ({"name": "张" * 10_000}, "姓名不能超过 64 个字"),
        ({"name": "张海\n生"}, "控制字符"),
        ({"occupation": "主任\x07"}, "控制字符"),
        ({"name": "张海\x00生"}, "空字符"),
        ({"version": "abc"}, "页面已过期"),
    ],
)
def test_bad_input_rerenders_with_a_chinese_error_and_changes_nothing(
    world: World, changes: dict[str, str], error: str
) -> None:
    deputy = world.deputies["qianfeng"]
    before = Deputy.objects.filter(pk=deputy.pk).values().get()
    response = world.web("officer").post(_detail(world, "qianfeng"), _edit_data(deputy, **changes))
    assert response.status_code == 422
    page = response.content.decode()
    assert error in page
    assert "没有保存" in page
    assert Deputy.objects.filter(pk=deputy.pk).values().get() == before


def test_a_stale_version_shows_a_conflict_and_changes_nothing(world: World) -> None:
    deputy = world.deputies["qianfeng"]
    stale = _edit_data(deputy, occupation="我的修改")
    Deputy.objects.filter(pk=deputy.pk).update(occupation="别人的修改", version=deputy.version + 1)
    response = world.web("officer").post(_detail(world, "qianfeng"), stale)
    assert response.status_code == 409
    page = response.content.decode()
    assert "有人修改了这位代表的信息" in page
    assert "别人的修改" in page
    deputy.refresh_from_db()
    assert deputy.occupation == "别人的修改"
    assert deputy.version == stale["version"] + 1  # type: ignore[operator]


@pytest.mark.parametrize("persona", ["sponsor", "station_staff", "deputy", "neighbour_officer", "handler"])
def test_those_who_may_not_change_a_deputy_get_no_form_and_cannot_post(world: World, persona: str) -> None:
    deputy = world.deputies["qianfeng"]
    client = world.web(persona)
    page = client.get(_detail(world, "qianfeng"))
    if page.status_code == 200:
        assert 'name="action"' not in page.content.decode()
    before = Deputy.objects.filter(pk=deputy.pk).values().get()
    response = client.post(_detail(world, "qianfeng"), _edit_data(deputy, occupation="改了"))
    assert response.status_code == (404 if persona in ("neighbour_officer", "handler") else 403)
    end = client.post(
        _detail(world, "qianfeng"),
        {
            "action": "end",
            "assignment": world.assignments["qianfeng"].pk,
            f"a{world.assignments['qianfeng'].pk}-end": "",
            f"a{world.assignments['qianfeng'].pk}-reason": "x",
        },
    )
    assert end.status_code in (403, 404)
    assert Deputy.objects.filter(pk=deputy.pk).values().get() == before
    assert Assignment.objects.get(pk=world.assignments["qianfeng"].pk).end is None


def _end_data(assignment: Assignment, end: str, reason: str) -> dict[str, object]:
    prefix = f"a{assignment.pk}"
    return {"action": "end", "assignment": assignment.pk, f"{prefix}-end": end, f"{prefix}-reason": reason}


def test_ending_an_assignment_keeps_it_in_the_history(world: World) -> None:
    assignment = world.assignments["qianfeng"]
    client = world.web("officer")
    form_page = client.get(_detail(world, "qianfeng")).content.decode()
    assert f'value="{dt.date.today().isoformat()}"' in form_page, "the leaving date defaults to today"
    response = client.post(_detail(world, "qianfeng"), _end_data(assignment, dt.date.today().isoformat(), "工作调动"))
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.end == dt.date.today()
    assert assignment.end_reason == "工作调动"
    page = client.get(_detail(world, "qianfeng")).content.decode()
    assert "工作调动" in page
    assert "已离站" in page
    assert "这位代表目前没有进站安排" in page


@pytest.mark.parametrize(
    ("end", "reason", "error"),
    [
        ("2026-13-40", "调动", "请按 年-月-日 填写日期"),
        ("2000-01-01", "调动", "离站日期不能早于进站日期"),
        ("", "调动", "请填写离站日期"),
        ("today", "", "请填写离站原因"),
        ("today", "长" * 201, "离站原因不能超过 200 个字"),
    ],
)
def test_a_bad_leaving_date_or_reason_shows_an_error_and_ends_nothing(
    world: World, end: str, reason: str, error: str
) -> None:
    assignment = world.assignments["qianfeng"]
    end = dt.date.today().isoformat() if end == "today" else end
    response = world.web("officer").post(_detail(world, "qianfeng"), _end_data(assignment, end, reason))
    assert response.status_code == 422
    assert error in response.content.decode()
    assignment.refresh_from_db()
    assert assignment.end is None


def test_another_deputys_assignment_cannot_be_ended_through_this_page(world: World) -> None:
    other = world.assignments["qianfeng2"]
    response = world.web("officer").post(_detail(world, "qianfeng"), _end_data(other, dt.date.today().isoformat(), "x"))
    assert response.status_code == 404
    foreign = world.assignments["xinghua"]
    response = world.web("officer").post(
        _detail(world, "qianfeng"), _end_data(foreign, dt.date.today().isoformat(), "x")
    )
    assert response.status_code == 404
    assert Assignment.objects.filter(end__isnull=False).count() == 0


def test_the_pages_need_a_csrf_token(world: World) -> None:
    user = world.users["officer"]
    client = Client(enforce_csrf_checks=True)
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    deputy = world.deputies["qianfeng"]
    response = client.post(_detail(world, "qianfeng"), _edit_data(deputy, occupation="改了"))
    assert response.status_code == 403
    deputy.refresh_from_db()
    assert deputy.occupation == "千峰社区居委会主任"


@pytest.mark.parametrize(
    ("persona", "shown"), [("officer", True), ("sponsor", True), ("resident", False), ("anonymous", False)]
)
def test_the_staff_navigation_is_for_staff_only(world: World, persona: str, shown: bool) -> None:
    page = world.web(persona).get("/").content.decode()
    assert ('href="/manage/deputies/"' in page) == shown
    assert ('href="/manage/stations/"' in page) == shown
