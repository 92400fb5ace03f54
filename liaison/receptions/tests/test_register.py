"""The reception register (接待选民登记簿): built from walk-ins, masked, scoped, exported as text."""

from __future__ import annotations

import datetime as dt
from io import BytesIO
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from liaison.core.clock import today
from liaison.core.models import AuditEvent, Job, JobStatus
from liaison.receptions.models import ReceptionSession
from liaison.testing.personas import PERSONAS, World

from .test_checkin_factories import make_session, make_walk_in, qianfeng_session

pytestmark = pytest.mark.django_db
URL = "/manage/receptions/register/"


@pytest.fixture(autouse=True)
def _private_job_files(settings: pytest.FixtureRequest, tmp_path: Path) -> None:
    settings.JOB_FILES_DIR = tmp_path / "jobs"  # type: ignore[attr-defined]


def period(days_back: int = 10) -> dict[str, str]:
    return {"from": (today() - dt.timedelta(days=days_back)).isoformat(), "to": today().isoformat()}


def station_query(world: World, station: str = "qianfeng") -> dict[str, str]:
    return {"station": str(world.stations[station].pk), **period()}


def with_visitor(world: World) -> ReceptionSession:
    session = qianfeng_session(world)
    walk_in = make_walk_in(
        session, world, name="张三丰", phone="13912345678", matter="=1+1 路灯不亮", action_taken="已报修"
    )
    walk_in.deputies.set([world.deputies["qianfeng"]])
    return session


def test_the_register_lists_walk_ins_with_masked_names_and_phones(world: World) -> None:
    with_visitor(world)
    response = world.web("officer").get(URL, station_query(world))
    assert response.status_code == 200
    page = response.content.decode()
    assert "千峰街道人大代表联络站接待选民登记簿" in page
    assert "张**" in page and "139****5678" in page
    assert "张三丰" not in page and "13912345678" not in page
    assert "路灯不亮" in page and "已报修" in page and "张海生" in page
    assert today().isoformat() in page
    assert "desk.css" in page, "the A4 print stylesheet"


def test_the_register_keeps_to_the_period_and_the_station(world: World) -> None:
    with_visitor(world)
    old = make_session(world.stations["qianfeng"], starts_in=dt.timedelta(days=-40))
    make_walk_in(old, world, matter="四十天前的事")
    other = make_session(world.stations["xinghua"])
    make_walk_in(other, world, matter="兴华的事")
    page = world.web("county_officer").get(URL, station_query(world)).content.decode()
    assert "路灯不亮" in page
    assert "四十天前的事" not in page
    assert "兴华的事" not in page


def test_a_deputys_register_holds_the_visitors_he_received(world: World) -> None:
    session = with_visitor(world)
    make_walk_in(session, world, matter="李秀英接待的事").deputies.set([world.deputies["qianfeng2"]])
    query = {"deputy": str(world.deputies["qianfeng"].pk), **period()}
    page = world.web("deputy").get(URL, query).content.decode()
    assert "张海生代表接待选民登记簿" in page
    assert "路灯不亮" in page
    assert "李秀英接待的事" not in page


REGISTER_STATUS = {
    "officer": 200,
    "county_officer": 200,
    "station_staff": 200,
    "system_admin": 200,
    "sponsor": 200,
    "neighbour_officer": 404,
    "handler": 404,
    "other_handler": 404,
    "deputy": 404,
    "resident": 403,
    "other_resident": 403,
    "anonymous": 302,
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_station_register_answers_each_persona_as_expected(world: World, persona: str) -> None:
    with_visitor(world)
    response = world.web(persona).get(URL, station_query(world))
    assert response.status_code == REGISTER_STATUS[persona], persona
    assert "13912345678" not in response.content.decode()


@pytest.mark.parametrize("persona", ["neighbour_officer", "deputy"])
def test_another_deputys_register_is_404(world: World, persona: str) -> None:
    query = {"deputy": str(world.deputies["qianfeng2"].pk if persona == "deputy" else world.deputies["qianfeng"].pk)}
    assert world.web(persona).get(URL, {**query, **period()}).status_code == 404


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"from": "2026-03-01", "to": "2026-02-01"}, "结束日期不能早于开始日期"),
        ({"from": "2024-01-01", "to": "2026-01-01"}, "一次最多查询 366 天"),
        ({"from": "yesterday", "to": "2026-01-01"}, "日期格式应为"),
        ({"to": "2026-01-01"}, "请选择开始日期"),
        ({"deputy": "__deputy__"}, "二选一"),
    ],
)
def test_a_bad_period_or_scope_gets_a_chinese_error(world: World, query: dict[str, str], message: str) -> None:
    with_visitor(world)
    base = station_query(world)
    if query.get("deputy") == "__deputy__":
        query = {"deputy": str(world.deputies["qianfeng"].pk)}
    else:
        base = {"station": base["station"]}
    response = world.web("officer").get(URL, {**base, **query})
    assert response.status_code == 422
    assert message in response.content.decode()
    assert "路灯不亮" not in response.content.decode()


def test_the_empty_register_page_offers_the_form(world: World) -> None:
    response = world.web("station_staff").get(URL)
    assert response.status_code == 200
    assert "千峰街道人大代表联络站" in response.content.decode()


def test_the_register_costs_the_same_queries_for_20_or_100_visitors(world: World) -> None:
    def count(n: int) -> int:
        station = world.stations["qianfeng"] if n == 20 else world.stations["qianfeng_point"]
        for i in range(n):
            session = make_session(station, starts_in=dt.timedelta(days=-(i % 5)), deputies=[])
            make_walk_in(session, world, matter=f"第{i}号来访").deputies.set(
                [world.deputies["qianfeng"], world.deputies["qianfeng2"]]
            )
        client = world.web("officer")
        query = {"station": str(station.pk), **period()}
        client.get(URL, query)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(URL, query)
        assert response.content.decode().count("号来访") == n
        return len(ctx.captured_queries)

    assert count(20) == count(100)


# ---- the workbook -----------------------------------------------------------------------------


def test_the_register_exports_to_a_workbook_of_masked_text_cells_audited(world: World) -> None:
    with_visitor(world)
    client = world.web("officer")
    response = client.post(URL + "export/", station_query(world))
    assert response.status_code == 302
    job = Job.objects.get(kind="receptions.register_export")
    assert job.status == JobStatus.SUCCEEDED, job.message
    assert response["Location"] == f"/manage/receptions/register/jobs/{job.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "下载 Excel 文件" in page
    assert client.get(f"{response['Location']}progress/").status_code == 200
    download = client.get(f"{response['Location']}download/")
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    content = b"".join(download.streaming_content)  # type: ignore[attr-defined]
    wb = load_workbook(BytesIO(content))
    ws = wb.active
    assert ws is not None
    assert "千峰街道人大代表联络站接待选民登记簿" in str(ws["A1"].value)
    rows = [list(row) for row in ws.iter_rows(min_row=2)]
    header = [c.value for c in rows[0]]
    assert header == ["日期", "来访群众", "联系电话", "反映事项", "现场处理情况", "接待代表", "诉求编号"]
    data = rows[1]
    values = [c.value for c in data]
    assert values[1] == "张**" and values[2] == "139****5678"
    assert values[3] == "=1+1 路灯不亮", "a formula-looking text stays text"
    assert all(c.data_type == "s" for c in data if c.value is not None), "every cell is a string"
    every = [str(c.value) for row in ws.iter_rows() for c in row if c.value is not None]
    assert not any("13912345678" in v or "张三丰" in v for v in every)
    assert AuditEvent.objects.filter(action="register.export_started", target_id=str(job.pk)).count() == 1
    assert AuditEvent.objects.filter(action="register.export_downloaded", target_id=str(job.pk)).count() == 1


def test_the_export_job_belongs_to_whoever_started_it(world: World) -> None:
    with_visitor(world)
    world.web("officer").post(URL + "export/", station_query(world))
    job = Job.objects.get(kind="receptions.register_export")
    for persona in ("county_officer", "station_staff", "neighbour_officer"):
        client = world.web(persona)
        for suffix in ("", "progress/", "download/"):
            assert client.get(f"/manage/receptions/register/jobs/{job.pk}/{suffix}").status_code == 404
    assert not AuditEvent.objects.filter(action="register.export_downloaded").exists()


@pytest.mark.parametrize("persona", ["neighbour_officer", "deputy"])
def test_an_export_out_of_reach_is_404_and_starts_nothing(world: World, persona: str) -> None:
    with_visitor(world)
    response = world.web(persona).post(URL + "export/", station_query(world))
    assert response.status_code == 404
    assert not Job.objects.exists()
    assert not AuditEvent.objects.filter(action="register.export_started").exists()


def test_a_bad_export_request_is_422_and_starts_nothing(world: World) -> None:
    response = world.web("officer").post(URL + "export/", {"station": str(world.stations["qianfeng"].pk)})
    assert response.status_code == 422
    assert not Job.objects.exists()


def test_the_job_is_run_with_its_owners_reach_at_run_time(world: World) -> None:
    """A job queued before the owner lost his grant writes nothing out of reach."""
    from liaison.accounts.models import RoleGrant
    from liaison.core.jobs import job_create
    from liaison.receptions.registers import EXPORT, run_register_export

    with_visitor(world)
    job = job_create(kind=EXPORT, owner=world.users["officer"])
    job.report = {"params": {"station": world.stations["qianfeng"].pk, "deputy": None, **period()}}
    job.save()
    RoleGrant.objects.filter(user=world.users["officer"]).delete()
    run_register_export(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert not job.result_name
