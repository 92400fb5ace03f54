"""The case list's .xlsx export: scoped, masked, every cell text, audited, the job its owner's."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from liaison.accounts.jurisdiction import jurisdiction_for
from liaison.cases import exports
from liaison.cases.models import Case
from liaison.cases.selectors import CaseFilters
from liaison.core.models import AuditEvent, Job, JobStatus
from liaison.testing.personas import PERSONAS, RESIDENT_PHONE, World

from .test_manage_list import make_cases

pytestmark = pytest.mark.django_db
URL = "/manage/cases/export/"


@pytest.fixture(autouse=True)
def _private_job_files(settings: Any, tmp_path: Path) -> None:
    settings.JOB_FILES_DIR = tmp_path / "jobs"


def sheet_rows(content: bytes) -> list[list[Any]]:
    sheet = load_workbook(BytesIO(content)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def download(world: World, persona: str, job: Job) -> bytes:
    response = world.web(persona).get(f"/manage/cases/jobs/{job.pk}/download/")
    assert response.status_code == 200
    return b"".join(response.streaming_content)  # type: ignore[attr-defined]


def test_the_export_writes_the_filtered_list_masked_as_text_and_audited(case_world: World) -> None:
    w = case_world
    Case.objects.filter(pk=w.cases["qianfeng"].pk).update(title='=HYPERLINK("http://evil","点我")')
    Case.objects.filter(pk=w.cases["qianfeng_urban"].pk).update(title="+1-2", address="@SUM(A1)")
    client = w.web("officer")
    response = client.post(URL, {"ordering": "created_at"})
    assert response.status_code == 302
    job = Job.objects.get(kind=exports.EXPORT)
    assert response["Location"] == f"/manage/cases/jobs/{job.pk}/"
    assert job.status == JobStatus.SUCCEEDED and job.report["rows"] == 3
    page = client.get(response["Location"]).content.decode()
    assert "下载 Excel 文件" in page and "100%" in page

    content = download(w, "officer", job)
    assert RESIDENT_PHONE.encode() not in content
    workbook = load_workbook(BytesIO(content))
    sheet = workbook.active
    header = [c.value for c in sheet[1]]
    assert header[:3] == ["查询码", "标题", "类型"] and "联系电话" in header
    rows = sheet_rows(content)[1:]
    assert [r[0] for r in rows] == [w.cases[k].tracking_code for k in ("qianfeng", "qianfeng_urban", "qianfeng_new")]
    phone = header.index("联系电话")
    assert rows[0][phone] == "135****1234"
    assert rows[0][header.index("群众")] == "王**"
    assert rows[0][header.index("状态")] == "已交办部门"
    # S7: cells starting with = + - @ are strings, never formulas, and round-trip unchanged.
    cells = {c.value: c.data_type for row in sheet.iter_rows(min_row=2) for c in row if c.value}
    assert cells['=HYPERLINK("http://evil","点我")'] == "s"
    assert cells["+1-2"] == "s"
    assert cells["@SUM****"] == "s"
    assert all(kind == "s" for kind in cells.values()), "every cell is text"
    for key in ("xinghua", "yining"):
        assert w.cases[key].tracking_code not in str(rows)

    started = AuditEvent.objects.get(action="case.export", target_id=str(job.pk))
    assert started.actor == w.users["officer"] and started.changes["ordering"] == "created_at"
    assert AuditEvent.objects.filter(action="case.export_downloaded", target_id=str(job.pk)).count() == 1


def test_the_export_keeps_to_the_filters(case_world: World) -> None:
    w = case_world
    w.web("county_officer").post(URL, {"station": str(w.stations["xinghua"].pk)})
    job = Job.objects.get(kind=exports.EXPORT)
    rows = sheet_rows(download(w, "county_officer", job))[1:]
    assert [r[0] for r in rows] == [w.cases["xinghua"].tracking_code]


def test_a_neighbours_export_holds_none_of_qianfengs_cases(case_world: World) -> None:
    w = case_world
    w.web("neighbour_officer").post(URL, {"station": str(w.stations["qianfeng"].pk)})
    job = Job.objects.get(kind=exports.EXPORT)
    content = download(w, "neighbour_officer", job)
    for key in ("qianfeng", "qianfeng_urban", "qianfeng_new"):
        assert w.cases[key].tracking_code.encode() not in content
    assert len(sheet_rows(content)) == 2, "his own case only: the bad station filter is dropped"


def test_bad_filter_values_in_an_export_are_dropped_never_a_server_error(case_world: World) -> None:
    response = case_world.web("officer").post(
        URL, {"ordering": "resident_phone", "q": "' OR 1=1 --", "date_from": "junk", "deputy": "x"}
    )
    assert response.status_code == 302
    job = Job.objects.get(kind=exports.EXPORT)
    assert job.status == JobStatus.SUCCEEDED


@pytest.mark.parametrize("persona", ["sponsor", "resident", "other_resident", "anonymous"])
def test_those_who_may_not_export_are_refused_and_start_nothing(case_world: World, persona: str) -> None:
    response = case_world.web(persona).post(URL, {})
    assert response.status_code == (302 if persona == "anonymous" else 403)
    assert not Job.objects.exists()
    assert not AuditEvent.objects.filter(action="case.export").exists()


def test_get_cannot_start_an_export(case_world: World) -> None:
    assert case_world.web("officer").get(URL).status_code == 405
    assert not Job.objects.exists()


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_job_its_progress_and_its_file_belong_to_whoever_started_it(case_world: World, persona: str) -> None:
    w = case_world
    w.web("officer").post(URL, {})
    job = Job.objects.get(kind=exports.EXPORT)
    client = w.web(persona)
    for suffix in ("", "progress/", "download/"):
        response = client.get(f"/manage/cases/jobs/{job.pk}/{suffix}")
        if persona == "officer":
            assert response.status_code == 200
        elif persona == "anonymous":
            assert response.status_code == 302
        elif persona in ("resident", "other_resident"):
            assert response.status_code == 403
        else:
            assert response.status_code == 404, (persona, suffix)
    downloads = AuditEvent.objects.filter(action="case.export_downloaded").count()
    assert downloads == (1 if persona == "officer" else 0)


def test_the_progress_partial_tells_htmx_to_reload_when_done(case_world: World) -> None:
    w = case_world
    w.web("officer").post(URL, {})
    job = Job.objects.get(kind=exports.EXPORT)
    response = w.web("officer").get(f"/manage/cases/jobs/{job.pk}/progress/", headers={"HX-Request": "true"})
    assert response.status_code == 200 and response["HX-Refresh"] == "true"


def test_another_kind_of_job_is_not_a_case_export(case_world: World) -> None:
    owner = case_world.users["officer"]
    assert owner is not None
    job = Job.objects.create(kind="receptions.register_export", owner=owner)
    assert case_world.web("officer").get(f"/manage/cases/jobs/{job.pk}/").status_code == 404


def test_a_failing_export_marks_its_job_failed(case_world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(**kwargs: Any) -> int:
        raise RuntimeError("disk full")

    monkeypatch.setattr(exports, "export_cases", boom)
    case_world.web("officer").post(URL, {})
    job = Job.objects.get(kind=exports.EXPORT)
    assert job.status == JobStatus.FAILED and "导出时出现意外错误" in job.message
    response = case_world.web("officer").get(f"/manage/cases/jobs/{job.pk}/download/")
    assert response.status_code == 302, "no file: back to the job page with the reason"


def test_export_cases_streams_with_the_same_number_of_queries_for_20_and_100_cases(
    world: World, tmp_path: Path
) -> None:
    actor = jurisdiction_for(world.users["officer"])

    def run() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as queries:
            count = exports.export_cases(actor=actor, filters=CaseFilters(), path=tmp_path / "cases.xlsx")
        return count, len(queries)

    make_cases(world, 20)
    count, few = run()
    assert count == 20
    make_cases(world, 80)
    count, many = run()
    assert count == 100
    assert many == few


def test_export_cases_returns_the_count_and_writes_a_header_only_workbook_when_empty(
    world: World, tmp_path: Path
) -> None:
    actor = jurisdiction_for(world.users["officer"])
    path = tmp_path / "empty.xlsx"
    assert exports.export_cases(actor=actor, filters=CaseFilters(), path=path) == 0
    assert len(sheet_rows(path.read_bytes())) == 1


def test_filters_survive_the_jobs_report(world: World) -> None:
    import datetime as dt

    filters = CaseFilters(status="referred", overdue=True, date_from=dt.date(2026, 1, 2), q="窗户", station_id=3)
    assert exports.filters_from_params(exports.filters_to_params(filters)) == filters
    assert exports.filters_from_params({"junk": 1, "ordering": "due_date"}) == CaseFilters(ordering="due_date")
