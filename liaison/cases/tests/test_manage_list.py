"""The back office's case list: scoped to the actor, filtered, masked, paged, bulk-assigned."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from liaison.cases import codes
from liaison.cases.choices import CaseStatus, Channel, EventKind
from liaison.cases.models import Case, CaseCategory, CaseEvent
from liaison.core.clock import now, today
from liaison.testing.personas import PERSONAS, RESIDENT_PHONE, World

pytestmark = pytest.mark.django_db
URL = "/manage/cases/"
ASSIGN = "/manage/cases/assign/"


def make_cases(world: World, count: int, *, station: str = "qianfeng", **values: Any) -> list[Case]:
    """`count` cases at a station (bulk-created: the list only reads them)."""
    place = world.stations[station]
    region = place.region
    defaults: dict[str, Any] = {
        "kind": "request",
        "channel": Channel.ONLINE,
        "category": CaseCategory.objects.get(code="housing"),
        "status": CaseStatus.REFERRED,
        "deputy": world.deputies["qianfeng"] if station == "qianfeng" else None,
        "department": world.departments["housing"],
        "due_date": today() + dt.timedelta(days=7),
        "resident_name": "王大爷",
        "resident_phone": RESIDENT_PHONE,
    }
    defaults.update(values)
    rows = [
        Case(
            tracking_code=codes.new_tracking_code(),
            secret_hash="x",
            title=f"批量诉求{i}",
            description="批量生成的诉求",
            region=region,
            region_path=region.path,
            station=place,
            **defaults,
        )
        for i in range(count)
    ]
    return Case.objects.bulk_create(rows)


def page_of(world: World, persona: str, query: dict[str, str] | None = None) -> str:
    response = world.web(persona).get(URL, query or {})
    assert response.status_code == 200
    return response.content.decode()


def codes_of(world: World, *keys: str) -> list[str]:
    return [world.cases[k].tracking_code for k in keys]


QIANFENG = ("qianfeng", "qianfeng_urban", "qianfeng_new")


# ---- who sees what ------------------------------------------------------------------------------


def test_the_officer_sees_qianfengs_cases_and_nothing_else(case_world: World) -> None:
    page = page_of(case_world, "officer")
    for code in codes_of(case_world, *QIANFENG):
        assert code in page
    for code in codes_of(case_world, "xinghua", "yining"):
        assert code not in page
    assert "共 3 条诉求" in page


def test_a_neighbouring_township_officer_sees_none_of_qianfengs_cases(case_world: World) -> None:
    page = page_of(case_world, "neighbour_officer")
    for code in codes_of(case_world, *QIANFENG, "yining"):
        assert code not in page, "0 foreign rows"
    assert case_world.cases["xinghua"].tracking_code in page


def test_the_county_officer_sees_both_townships(case_world: World) -> None:
    page = page_of(case_world, "county_officer")
    for code in codes_of(case_world, *QIANFENG, "xinghua"):
        assert code in page
    assert case_world.cases["yining"].tracking_code not in page


def test_a_department_handler_sees_only_the_cases_referred_to_his_department(case_world: World) -> None:
    mine = page_of(case_world, "handler")
    assert case_world.cases["qianfeng"].tracking_code in mine
    assert case_world.cases["qianfeng_urban"].tracking_code not in mine
    assert case_world.cases["qianfeng_new"].tracking_code not in mine
    theirs = page_of(case_world, "other_handler")
    assert case_world.cases["qianfeng_urban"].tracking_code in theirs
    assert case_world.cases["qianfeng"].tracking_code not in theirs
    assert 'id="bulk-assign"' not in mine and 'id="bulk-assign"' not in theirs


def test_a_deputy_sees_the_cases_assigned_to_him_without_the_bulk_form(case_world: World) -> None:
    page = page_of(case_world, "deputy")
    assert case_world.cases["qianfeng"].tracking_code in page
    assert case_world.cases["qianfeng_urban"].tracking_code not in page
    assert 'id="bulk-assign"' not in page
    assert "代群众登记诉求" not in page


def test_station_staff_see_their_stations_cases_without_a_region_filter(case_world: World) -> None:
    page = page_of(case_world, "station_staff")
    for code in codes_of(case_world, *QIANFENG):
        assert code in page
    assert case_world.cases["xinghua"].tracking_code not in page
    assert 'name="region"' not in page
    assert 'id="bulk-assign"' in page


def test_a_sponsor_sees_no_cases_and_no_forms_that_write(case_world: World) -> None:
    page = page_of(case_world, "sponsor")
    for code in codes_of(case_world, *QIANFENG):
        assert code not in page
    assert 'id="bulk-assign"' not in page
    assert "导出 Excel" not in page


@pytest.mark.parametrize(
    ("persona", "status"),
    [("resident", 403), ("other_resident", 403), ("anonymous", 302), ("system_admin", 200)],
)
def test_residents_are_refused_and_anonymous_visitors_sent_to_login(
    case_world: World, persona: str, status: int
) -> None:
    response = case_world.web(persona).get(URL)
    assert response.status_code == status
    if status == 302:
        assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("persona", PERSONAS)
def test_no_persona_ever_sees_the_residents_full_phone(case_world: World, persona: str) -> None:
    response = case_world.web(persona).get(URL)
    assert RESIDENT_PHONE not in response.content.decode()
    assert "王大爷" not in response.content.decode()


# ---- what a row shows ---------------------------------------------------------------------------


def test_a_row_shows_status_deadline_flags_date_and_the_masked_resident(case_world: World) -> None:
    case = case_world.cases["qianfeng"]
    Case.objects.filter(pk=case.pk).update(is_overdue=True, is_escalated=True, due_date=today() - dt.timedelta(days=2))
    page = page_of(case_world, "officer")
    assert "已交办部门" in page and "text-bg-primary" in page
    assert "已逾期 2 天" in page
    assert "text-bg-danger" in page and "已逾期" in page
    assert "badge-escalated" in page and "督办" in page
    created = case.created_at.astimezone(dt.timezone(dt.timedelta(hours=8))).date()
    assert f"{created.year}年{created.month}月{created.day}日" in page
    assert "王**" in page and "135****1234" in page
    assert "住房物业" in page and "千峰街道人大代表联络站" in page
    assert "张海生" in page and "万柏林区住房和城乡建设局" in page
    assert f"/manage/cases/{case.pk}/" in page


def test_a_deadline_ahead_reads_in_working_days(world: World) -> None:
    make_cases(world, 1, due_date=today() + dt.timedelta(days=30))
    assert "剩余" in page_of(world, "officer") and "个工作日" in page_of(world, "officer")


def test_an_empty_list_says_what_to_do(world: World) -> None:
    page = page_of(world, "officer")
    assert "还没有群众诉求" in page and "代群众登记诉求" in page
    filtered = page_of(world, "officer", {"q": "没有这样的标题"})
    assert "没有符合条件的诉求" in filtered and "清除全部条件" in filtered


# ---- filters ------------------------------------------------------------------------------------


def test_filters_narrow_the_list(case_world: World) -> None:
    w = case_world
    by_status = page_of(w, "officer", {"status": "submitted"})
    assert w.cases["qianfeng_new"].tracking_code in by_status
    assert w.cases["qianfeng"].tracking_code not in by_status

    by_category = page_of(w, "officer", {"category": "environment"})
    assert w.cases["qianfeng_urban"].tracking_code in by_category
    assert w.cases["qianfeng"].tracking_code not in by_category

    by_department = page_of(w, "officer", {"department": str(w.departments["urban"].pk)})
    assert w.cases["qianfeng_urban"].tracking_code in by_department
    assert w.cases["qianfeng"].tracking_code not in by_department

    by_deputy = page_of(w, "officer", {"deputy": str(w.deputies["qianfeng"].pk)})
    assert w.cases["qianfeng"].tracking_code in by_deputy
    assert w.cases["qianfeng_new"].tracking_code not in by_deputy

    by_code = page_of(w, "officer", {"q": w.cases["qianfeng_new"].tracking_code.lower()})
    assert "共 1 条诉求" in by_code

    by_region = page_of(w, "county_officer", {"region": str(w.regions["xinghua"].pk)})
    assert w.cases["xinghua"].tracking_code in by_region
    assert w.cases["qianfeng"].tracking_code not in by_region

    by_station = page_of(w, "county_officer", {"station": str(w.stations["xinghua"].pk)})
    assert "共 1 条诉求" in by_station


def test_overdue_escalated_and_date_filters(case_world: World) -> None:
    w = case_world
    Case.objects.filter(pk=w.cases["qianfeng"].pk).update(is_overdue=True)
    Case.objects.filter(pk=w.cases["qianfeng_urban"].pk).update(
        is_escalated=True, created_at=now() - dt.timedelta(days=40)
    )
    overdue = page_of(w, "officer", {"overdue": "yes"})
    assert "共 1 条诉求" in overdue and w.cases["qianfeng"].tracking_code in overdue
    assert "共 2 条诉求" in page_of(w, "officer", {"overdue": "no"})
    escalated = page_of(w, "officer", {"escalated": "yes"})
    assert "共 1 条诉求" in escalated and w.cases["qianfeng_urban"].tracking_code in escalated
    recent = page_of(w, "officer", {"date_from": (today() - dt.timedelta(days=7)).isoformat()})
    assert w.cases["qianfeng_urban"].tracking_code not in recent and "共 2 条诉求" in recent
    old = page_of(w, "officer", {"date_to": (today() - dt.timedelta(days=30)).isoformat()})
    assert "共 1 条诉求" in old


@pytest.mark.parametrize(
    "query",
    [
        {"q": "' OR 1=1 --"},
        {"q": "%_\\"},
        {"q": "'; DROP TABLE cases_case; --"},
        {"ordering": "resident_phone"},
        {"ordering": "-secret_hash"},
        {"status": "closed' OR '1'='1"},
        {"station": "1 OR 1=1"},
        {"deputy": "99999999999999999999999"},
        {"department": "-1"},
        {"region": "abc"},
        {"category": "<script>alert(1)</script>"},
        {"date_from": "2026-02-30"},
        {"overdue": "maybe"},
        {"page": "999999"},
        {"page": "-1"},
        {"q": "a\u202eb"},
    ],
)
def test_bad_filters_are_ignored_with_a_message_never_a_server_error(case_world: World, query: dict[str, str]) -> None:
    response = case_world.web("officer").get(URL, query)
    assert response.status_code == 200
    page = response.content.decode()
    assert case_world.cases["xinghua"].tracking_code not in page
    assert "<script>alert(1)</script>" not in page


def test_a_bad_filter_is_reported_and_the_good_ones_still_apply(case_world: World) -> None:
    page = page_of(case_world, "officer", {"status": "submitted", "station": "junk"})
    assert "有的条件填写不正确" in page
    assert "共 1 条诉求" in page


def test_a_neighbours_station_as_a_filter_is_refused_and_shows_nothing_foreign(case_world: World) -> None:
    page = page_of(case_world, "officer", {"station": str(case_world.stations["xinghua"].pk)})
    assert case_world.cases["xinghua"].tracking_code not in page
    assert "有的条件填写不正确" in page


def test_ordering_follows_the_allow_list(world: World) -> None:
    soon, later = make_cases(world, 2)
    Case.objects.filter(pk=soon.pk).update(due_date=today() + dt.timedelta(days=1))
    Case.objects.filter(pk=later.pk).update(due_date=today() + dt.timedelta(days=20))
    page = page_of(world, "officer", {"ordering": "due_date"})
    assert page.index(soon.tracking_code) < page.index(later.tracking_code)
    page = page_of(world, "officer", {"ordering": "-due_date"})
    assert page.index(later.tracking_code) < page.index(soon.tracking_code)


# ---- paging and queries -------------------------------------------------------------------------


def test_the_list_pages_by_20_with_the_total(world: World) -> None:
    make_cases(world, 25)
    first = page_of(world, "officer")
    assert "共 25 条诉求" in first
    assert first.count('name="cases"') == 20
    assert "第 1 页 / 共 2 页" in first
    second = page_of(world, "officer", {"page": "2"})
    assert second.count('name="cases"') == 5


def _queries(world: World, client: Any) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(URL).status_code == 200
    return len(queries)


def test_the_list_makes_the_same_number_of_queries_for_20_and_100_cases(
    world: World, django_assert_max_num_queries: Any
) -> None:
    client = world.web("officer")
    make_cases(world, 20)
    client.get(URL)  # warm the session
    few = _queries(world, client)
    make_cases(world, 80, station="qianfeng_point", deputy=world.deputies["qianfeng2"])
    with django_assert_max_num_queries(few):
        assert client.get(URL).status_code == 200
    assert _queries(world, client) == few
    assert few <= 20


# ---- bulk assignment ----------------------------------------------------------------------------


def test_the_officer_assigns_several_cases_to_a_deputy_at_once(case_world: World) -> None:
    w = case_world
    ids = [w.cases["qianfeng_new"].pk, w.cases["qianfeng_urban"].pk]
    deputy = w.deputies["qianfeng2"]
    response = w.web("officer").post(
        ASSIGN, {"cases": [str(i) for i in ids], "deputy": str(deputy.pk), "query": "status=submitted&page=3"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/manage/cases/?status=submitted"
    assert set(Case.objects.filter(pk__in=ids).values_list("deputy_id", flat=True)) == {deputy.pk}
    assert CaseEvent.objects.filter(case_id__in=ids, kind=EventKind.ASSIGNED).count() == 2
    assert Case.objects.get(pk=w.cases["qianfeng_new"].pk).status == CaseStatus.ASSIGNED


def test_a_case_out_of_reach_in_a_bulk_assignment_is_404_and_nothing_is_assigned(case_world: World) -> None:
    w = case_world
    ids = [w.cases["qianfeng_new"].pk, w.cases["xinghua"].pk]
    response = w.web("officer").post(ASSIGN, {"cases": [str(i) for i in ids], "deputy": str(w.deputies["qianfeng"].pk)})
    assert response.status_code == 404
    assert not Case.objects.filter(pk__in=ids, deputy__isnull=False).exists(), "all or none"
    assert not CaseEvent.objects.filter(case_id__in=ids, kind=EventKind.ASSIGNED).exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"deputy": "xinghua"}, "只能分派给本辖区的在任代表"),
        ({"cases": []}, "请先勾选要分派的诉求"),
        ({"cases": ["abc"]}, "所选诉求不正确"),
        ({"deputy": ""}, "请选择代表"),
    ],
)
def test_a_bad_bulk_assignment_is_422_with_the_reason_and_writes_nothing(
    case_world: World, data: dict[str, Any], message: str
) -> None:
    w = case_world
    post: dict[str, Any] = {"cases": [str(w.cases["qianfeng_new"].pk)], "deputy": str(w.deputies["qianfeng"].pk)}
    post.update(data)
    if post["deputy"] == "xinghua":
        post["deputy"] = str(w.deputies["xinghua"].pk)
    response = w.web("officer").post(ASSIGN, post)
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not CaseEvent.objects.filter(kind=EventKind.ASSIGNED, case_id=w.cases["qianfeng_new"].pk).exists()


def test_a_bulk_assignment_of_a_closed_case_is_refused_and_writes_nothing(case_world: World) -> None:
    w = case_world
    Case.objects.filter(pk=w.cases["qianfeng_urban"].pk).update(status=CaseStatus.CLOSED)
    ids = [w.cases["qianfeng_new"].pk, w.cases["qianfeng_urban"].pk]
    response = w.web("officer").post(ASSIGN, {"cases": [str(i) for i in ids], "deputy": str(w.deputies["qianfeng"].pk)})
    assert response.status_code == 409
    assert "不能进行此操作" in response.content.decode()
    assert not CaseEvent.objects.filter(case_id__in=ids, kind=EventKind.ASSIGNED).exists()
    assert Case.objects.get(pk=w.cases["qianfeng_new"].pk).status == CaseStatus.SUBMITTED


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("sponsor", 403),
        ("deputy", 403),
        ("handler", 403),
        ("other_handler", 403),
        ("resident", 403),
        ("anonymous", 302),
        ("neighbour_officer", 404),
    ],
)
def test_only_those_who_triage_may_bulk_assign(case_world: World, persona: str, status: int) -> None:
    w = case_world
    case = w.cases["qianfeng_new"]
    # The neighbour assigns to his own deputy: the case out of his reach is what answers 404.
    deputy = w.deputies["xinghua" if persona == "neighbour_officer" else "qianfeng"]
    response = w.web(persona).post(ASSIGN, {"cases": [str(case.pk)], "deputy": str(deputy.pk)})
    assert response.status_code == status
    assert not CaseEvent.objects.filter(case=case, kind=EventKind.ASSIGNED).exists()


def test_get_on_the_bulk_assignment_is_not_allowed(case_world: World) -> None:
    assert case_world.web("officer").get(ASSIGN).status_code == 405
