"""The back office's deputy forms: registering a deputy and assigning him to a station."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from liaison.core.models import AuditEvent
from liaison.deputies.models import Assignment, Deputy
from liaison.testing.personas import PERSONAS, World

NEW = "/manage/deputies/new/"


def _detail(world: World, key: str) -> str:
    return f"/manage/deputies/{world.deputies[key].pk}/"


def _new_data(world: World, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "term": world.terms["wanbailin"].pk,
        "certificate_no": "WBL17-050",
        "name": "王建华",
        "gender": "male",
        "constituency": world.constituencies["qianfeng"].pk,
        "group": "",
        "occupation": "千峰社区党委书记",
        "work_phone": "139 0000 1111",
        "public_phone": "",
        "is_active": "on",
    }
    data.update(changes)
    return data


def _snapshot() -> tuple[list[Any], list[Any], int]:
    """Deputies, assignments and their audit rows (signing in writes audit rows of its own)."""
    return (
        list(Deputy.objects.order_by("pk").values()),
        list(Assignment.objects.order_by("pk").values()),
        AuditEvent.objects.filter(action__regex=r"^(deputy|assignment)\.").count(),
    )


def test_the_officer_registers_a_deputy_and_an_audit_row_records_it(world: World) -> None:
    client = world.web("officer")
    page = client.get(NEW).content.decode()
    assert "千峰第1选区" in page
    assert "兴华第1选区" not in page, "another township's constituency is not offered"
    response = client.post(NEW, _new_data(world))
    assert response.status_code == 302
    deputy = Deputy.objects.get(certificate_no="WBL17-050")
    assert response["Location"] == f"/manage/deputies/{deputy.pk}/"
    assert (deputy.level, deputy.work_phone) == ("county", "13900001111")
    assert "wjh" in deputy.name_pinyin, "found by initials in the list's search"
    event = AuditEvent.objects.get(action="deputy.created", target_id=str(deputy.pk))
    assert event.actor == world.users["officer"]
    assert "已登记代表王建华" in client.get(response["Location"]).content.decode()


@pytest.mark.parametrize(
    ("changes", "field", "error"),
    [
        ({"name": ""}, "name", "请填写姓名"),
        ({"name": "王" * 10_000}, "name", "姓名不能超过 64 个字"),
        ({"name": "王\u202e建华"}, "name", "文字方向控制符"),
        ({"name": "王\x1b建华"}, "name", "控制字符"),
        ({"certificate_no": ""}, "certificate_no", "请填写代表证号"),
        ({"certificate_no": "WBL17-001"}, "certificate_no", "本届已有代表证号为 WBL17-001 的代表"),
        ({"work_phone": "12345"}, "work_phone", "电话号码"),
        ({"public_phone": "abc"}, "public_phone", "电话号码"),
        ({"term": ""}, "term", "请选择届次"),
        ({"term": "999999"}, "term", "请从列表中选择届次"),
        ({"constituency": "CONSTITUENCY_XINGHUA"}, "constituency", "请从列表中选择选区"),
        ({"constituency": ""}, "constituency", "该代表的选区不在您的管辖范围内"),
    ],
)
def test_bad_input_shows_a_field_error_and_writes_nothing(
    world: World, changes: dict[str, str], field: str, error: str
) -> None:
    if changes.get("constituency") == "CONSTITUENCY_XINGHUA":
        changes = {"constituency": str(world.constituencies["xinghua"].pk)}
    client = world.web("officer")
    before = _snapshot()
    response = client.post(NEW, _new_data(world, **changes))
    assert response.status_code in (409, 422)
    assert "没有保存" in response.content.decode()
    form = response.context["form"]
    assert any(error in str(e) for e in form.errors.get(field, [])), form.errors
    assert _snapshot() == before


def test_a_group_of_another_term_is_refused(world: World) -> None:
    from liaison.deputies.models import DeputyGroup

    other = DeputyGroup.objects.create(term=world.terms["yining"], region=world.regions["qianfeng"], name="外届小组")
    client = world.web("officer")
    before = _snapshot()
    response = client.post(NEW, _new_data(world, group=other.pk))
    assert response.status_code == 422
    assert "所选小组不属于该代表的届" in response.content.decode()
    assert _snapshot() == before


@pytest.mark.parametrize("persona", PERSONAS)
def test_who_may_register_a_deputy(world: World, persona: str) -> None:
    client = world.web(persona)
    expected = {
        "anonymous": 302,
        "officer": 200,
        "county_officer": 200,
        "neighbour_officer": 200,
        "system_admin": 200,
    }.get(persona, 403)
    response = client.get(NEW)
    assert response.status_code == expected, persona
    if persona == "anonymous":
        assert response["Location"].startswith("/accounts/login/?next=/manage/deputies/new/")
    before = _snapshot()
    response = client.post(NEW, _new_data(world))
    if persona in ("officer", "county_officer", "system_admin"):
        assert response.status_code == 302
        return
    # The neighbouring township's officer may register deputies, but not in 千峰's constituency.
    assert response.status_code == (422 if persona == "neighbour_officer" else expected)
    assert _snapshot() == before


def test_the_register_button_is_shown_to_those_who_may_register(world: World) -> None:
    assert 'href="/manage/deputies/new/"' in world.web("officer").get("/manage/deputies/").content.decode()
    assert 'href="/manage/deputies/new/"' not in world.web("sponsor").get("/manage/deputies/").content.decode()


def _assign_data(station_id: object, start: str | None = None, note: str = "") -> dict[str, Any]:
    return {
        "action": "assign",
        "assign-station": station_id,
        "assign-start": dt.date.today().isoformat() if start is None else start,
        "assign-note": note,
    }


def test_the_officer_assigns_a_deputy_to_another_station_of_his(world: World) -> None:
    deputy = world.deputies["qianfeng"]
    point = world.stations["qianfeng_point"]
    client = world.web("officer")
    page = client.get(_detail(world, "qianfeng")).content.decode()
    assert "安排进站" in page
    assert "兴华街道人大代表联络站" not in page, "stations out of reach are not offered"
    response = client.post(_detail(world, "qianfeng"), _assign_data(point.pk, note="街道工委决定"))
    assert response.status_code == 302
    assignment = Assignment.objects.get(deputy=deputy, station=point)
    assert assignment.start == dt.date.today() and assignment.end is None
    event = AuditEvent.objects.get(action="assignment.created", target_id=str(deputy.pk))
    assert event.reason == "街道工委决定"
    page = client.get(_detail(world, "qianfeng")).content.decode()
    assert "已安排张海生进驻" in page


@pytest.mark.parametrize(
    ("station", "start", "note", "field", "error"),
    [
        ("qianfeng", None, "", "station", "该代表已在此站点，无需重复安排"),
        ("xinghua", None, "", "station", "所选站点不在您的管辖范围内"),
        ("yining", None, "", "station", "所选站点不在您的管辖范围内"),
        ("", None, "", "station", "请选择站点"),
        ("qianfeng_point", "2099-01-01", "", "start", "进站日期不能晚于一年以后"),
        ("qianfeng_point", "2026-02-30", "", "start", "请按 年-月-日 填写日期"),
        ("qianfeng_point", "", "", "start", "请填写进站日期"),
        ("qianfeng_point", None, "备" * 201, "note", "备注不能超过 200 个字"),
        ("qianfeng_point", None, "备\u202e注", "note", "控制字符"),
    ],
)
def test_a_bad_assignment_shows_a_field_error_and_writes_nothing(
    world: World, station: str, start: str | None, note: str, field: str, error: str
) -> None:
    station_id = world.stations[station].pk if station else ""
    client = world.web("officer")
    before = _snapshot()
    response = client.post(_detail(world, "qianfeng"), _assign_data(station_id, start, note))
    assert response.status_code == 422
    assert "没有安排" in response.content.decode()
    form = response.context["assign_form"]
    assert any(error in str(e) for e in form.errors.get(field, [])), form.errors
    assert _snapshot() == before


@pytest.mark.parametrize("persona", ["sponsor", "station_staff", "deputy", "neighbour_officer", "handler"])
def test_those_without_an_office_cannot_assign(world: World, persona: str) -> None:
    client = world.web(persona)
    page = client.get(_detail(world, "qianfeng"))
    if page.status_code == 200:
        assert 'value="assign"' not in page.content.decode()
    before = _snapshot()
    response = client.post(_detail(world, "qianfeng"), _assign_data(world.stations["qianfeng_point"].pk))
    assert response.status_code == (404 if persona in ("neighbour_officer", "handler") else 403)
    assert _snapshot() == before


def test_the_forms_need_a_csrf_token(world: World) -> None:
    officer = world.users["officer"]
    assert officer is not None
    client = Client(enforce_csrf_checks=True)
    client.force_login(officer, backend="django.contrib.auth.backends.ModelBackend")
    before = _snapshot()
    assert client.post(NEW, _new_data(world)).status_code == 403
    assign = _assign_data(world.stations["qianfeng_point"].pk)
    assert client.post(_detail(world, "qianfeng"), assign).status_code == 403
    assert _snapshot() == before
