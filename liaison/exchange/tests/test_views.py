"""The import and export pages: who may use them, the dry run, the commit, the download."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from liaison.core.models import AuditEvent, Job
from liaison.deputies.models import Deputy
from liaison.exchange import exporters
from liaison.exchange import formats as f
from liaison.testing.personas import PERSONAS, World

from .helpers import NEW_ASSIGNMENT, NEW_DEPUTY, write_book

HOME = "/manage/exchange/"
EXPORT = "/manage/exchange/export/"
ADMINS = {"officer", "neighbour_officer", "county_officer", "system_admin"}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _upload(client: Client, path: Path) -> object:
    return client.post(HOME, {"file": SimpleUploadedFile(path.name, path.read_bytes(), content_type=XLSX)})


def _job_url(job: Job, suffix: str = "") -> str:
    return f"/manage/exchange/jobs/{job.pk}/{suffix}"


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_office_admins_reach_the_exchange_page(world: World, persona: str) -> None:
    response = world.web(persona).get(HOME)
    if persona == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/?next=/manage/exchange/")
    elif persona in ADMINS:
        assert response.status_code == 200
        assert "导入导出" in response.content.decode()
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("persona", sorted(set(PERSONAS) - ADMINS - {"anonymous"}))
def test_an_unauthorised_export_or_import_is_403_and_starts_nothing(world: World, persona: str, tmp_path: Path) -> None:
    client = world.web(persona)
    assert client.post(EXPORT).status_code == 403
    path = write_book(tmp_path / "x.xlsx", {f.DEPUTIES: [NEW_DEPUTY]})
    assert _upload(client, path).status_code == 403  # type: ignore[attr-defined]
    assert not Job.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="exchange.").exists()


def test_anonymous_posts_are_sent_to_login(world: World) -> None:
    response = world.web("anonymous").post(EXPORT)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_export_runs_in_the_background_is_audited_and_downloads(world: World) -> None:
    client = world.web("officer")
    response = client.post(EXPORT)
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == _job_url(job)
    assert job.status == "succeeded" and job.owner == world.users["officer"]
    assert job.report["counts"][f.DEPUTIES] == 2
    page = client.get(_job_url(job)).content.decode()
    assert "下载导出文件" in page and "100%" in page
    download = client.get(_job_url(job, "download/"))
    assert download.status_code == 200
    assert download["Content-Type"] == XLSX
    assert "attachment" in download["Content-Disposition"]
    from openpyxl import load_workbook

    body = b"".join(download.streaming_content)  # type: ignore[attr-defined]
    wb = load_workbook(BytesIO(body), read_only=True)
    assert wb.sheetnames == list(f.SHEET_ORDER)
    actions = list(AuditEvent.objects.filter(action__startswith="exchange.").values_list("action", flat=True))
    assert sorted(actions) == ["exchange.export_downloaded", "exchange.export_started"]


def test_job_files_are_not_under_a_public_root(world: World) -> None:
    from django.conf import settings as dj

    world.web("officer").post(EXPORT)
    job = Job.objects.get()
    from liaison.core.jobs import job_file

    path = job_file(job.result_name)
    assert path.exists()
    assert not str(path).startswith(str(dj.STATIC_ROOT))


@pytest.mark.parametrize("suffix", ["", "progress/", "download/"])
def test_a_neighbouring_township_officer_gets_404_for_someone_elses_job(world: World, suffix: str) -> None:
    world.web("officer").post(EXPORT)
    job = Job.objects.get()
    assert world.web("neighbour_officer").get(_job_url(job, suffix)).status_code == 404
    assert world.web("county_officer").get(_job_url(job, suffix)).status_code == 404
    assert world.web("neighbour_officer").get("/manage/exchange/jobs/999999/").status_code == 404
    assert world.web("station_staff").get(_job_url(job, suffix)).status_code == 403
    assert world.web("anonymous").get(_job_url(job, suffix)).status_code == 302


def test_a_neighbouring_officer_cannot_commit_someone_elses_check(world: World, tmp_path: Path) -> None:
    _upload(world.web("officer"), write_book(tmp_path / "ok.xlsx", {f.DEPUTIES: [NEW_DEPUTY]}))
    job = Job.objects.get()
    assert world.web("neighbour_officer").post(_job_url(job, "commit/")).status_code == 404
    assert not Deputy.objects.filter(certificate_no="WBL17-900").exists()


def test_an_import_with_errors_shows_the_rows_and_changes_nothing(world: World, tmp_path: Path) -> None:
    bad = list(NEW_DEPUTY)
    bad[11] = "12345"
    twice = [list(NEW_DEPUTY), list(NEW_DEPUTY)]
    path = write_book(tmp_path / "bad.xlsx", {f.DEPUTIES: [bad, *twice]})
    client = world.web("officer")
    deputies = Deputy.objects.count()
    response = _upload(client, path)
    job = Job.objects.get()
    assert response.status_code == 302  # type: ignore[attr-defined]
    page = client.get(_job_url(job)).content.decode()
    assert "发现 4 处问题" in page
    assert "工作电话" in page and "电话号码" in page
    assert "本届代表证号与第 3、4 行重复" in page or "本届代表证号与第 3 行重复" in page
    assert 'disabled aria-describedby="commit-help"' in page
    response = client.post(_job_url(job, "commit/"))
    assert response.status_code == 302 and response["Location"] == _job_url(job)
    assert Deputy.objects.count() == deputies
    assert Job.objects.count() == 1


def test_a_good_file_is_checked_then_committed_once(world: World, tmp_path: Path) -> None:
    path = write_book(tmp_path / "ok.xlsx", {f.DEPUTIES: [NEW_DEPUTY], f.ASSIGNMENTS: [NEW_ASSIGNMENT]})
    client = world.web("officer")
    _upload(client, path)
    check = Job.objects.get()
    page = client.get(_job_url(check)).content.decode()
    assert "检查通过" in page and "确认导入" in page
    assert 'disabled aria-describedby="commit-help"' not in page
    assert check.report["counts"][f.DEPUTIES]["create"] == 1
    assert not Deputy.objects.filter(certificate_no="WBL17-900").exists()  # a dry run writes nothing
    response = client.post(_job_url(check, "commit/"))
    commit = Job.objects.exclude(pk=check.pk).get()
    assert response["Location"] == _job_url(commit)
    assert commit.status == "succeeded" and commit.parent == check
    deputy = Deputy.objects.get(certificate_no="WBL17-900")
    assert deputy.assignments.get().station == world.stations["qianfeng"]
    assert "导入完成" in client.get(_job_url(commit)).content.decode()
    assert "钱新代" in client.get("/manage/deputies/").content.decode()
    audit = AuditEvent.objects.get(action="exchange.imported")
    assert audit.actor == world.users["officer"] and audit.changes["file"] == "ok.xlsx"
    # Confirming twice does nothing more.
    client.post(_job_url(check, "commit/"))
    assert Job.objects.count() == 2


def test_the_progress_page_survives_a_reload(world: World, tmp_path: Path) -> None:
    client = world.web("officer")
    _upload(client, write_book(tmp_path / "ok.xlsx", {f.DEPUTIES: [NEW_DEPUTY]}))
    job = Job.objects.get()
    first = client.get(_job_url(job))
    second = client.get(_job_url(job))
    assert first.status_code == second.status_code == 200
    for response in (first, second):
        assert 'value="100"' in response.content.decode()
    fragment = client.get(_job_url(job, "progress/"), headers={"HX-Request": "true"})
    assert fragment.status_code == 200 and fragment["HX-Refresh"] == "true"


def test_a_running_job_page_polls_its_progress(world: World) -> None:
    job = Job.objects.create(kind="exchange.export", owner=world.users["officer"], status="running")
    Job.objects.filter(pk=job.pk).update(progress_done=50, progress_total=200)
    page = world.web("officer").get(_job_url(job)).content.decode()
    assert 'hx-trigger="every 1s"' in page and 'value="25"' in page
    fragment = world.web("officer").get(_job_url(job, "progress/"), headers={"HX-Request": "true"})
    assert "HX-Refresh" not in fragment and "25%" in fragment.content.decode()


def test_a_file_that_is_not_xlsx_is_refused_at_the_door(world: World) -> None:
    client = world.web("officer")
    response = client.post(HOME, {"file": SimpleUploadedFile("x.csv", b"a,b\n1,2\n", content_type="text/csv")})
    assert response.status_code == 422
    assert "xlsx" in response.content.decode()
    assert not Job.objects.exists()


def test_the_exchange_page_lists_only_ones_own_jobs(world: World) -> None:
    client = world.web("officer")
    for _ in range(3):
        client.post(EXPORT)
    mine = client.get(HOME).content.decode()
    theirs = world.web("neighbour_officer").get(HOME).content.decode()
    assert mine.count("/manage/exchange/jobs/") == 3
    assert "/manage/exchange/jobs/" not in theirs


def test_the_exchange_page_queries_do_not_grow_with_jobs(world: World) -> None:
    client = world.web("officer")
    client.get(HOME)  # the first request of a session does one-off work (session, caches)
    counts = []
    for n in (2, 10):
        Job.objects.bulk_create([Job(kind="exchange.export", owner=world.users["officer"]) for _ in range(n)])
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(HOME).status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]


def test_the_exported_file_reimports_through_the_page_without_changes(world: World, tmp_path: Path) -> None:
    client = world.web("county_officer")
    client.post(EXPORT)
    export = Job.objects.get()
    body = b"".join(client.get(_job_url(export, "download/")).streaming_content)  # type: ignore[attr-defined]
    path = tmp_path / "again.xlsx"
    path.write_bytes(body)
    assert exporters.read_values(path)[f.DEPUTIES][0] == list(f.COLUMNS[f.DEPUTIES])
    _upload(client, path)
    check = Job.objects.exclude(pk=export.pk).get()
    counts = check.report["counts"]
    assert all(c["create"] == c["update"] == c["rejected"] == 0 for c in counts.values()), counts


TEMPLATE = "/manage/exchange/template/"


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_office_admins_download_the_blank_template(world: World, persona: str) -> None:
    response = world.web(persona).get(TEMPLATE)
    if persona == "anonymous":
        assert response.status_code == 302
    elif persona in ADMINS:
        assert response.status_code == 200
        assert response["Content-Type"] == XLSX
    else:
        assert response.status_code == 403


def test_the_blank_template_has_every_header_and_drop_downs_and_imports_as_nothing(
    world: World, tmp_path: Path
) -> None:
    from openpyxl import load_workbook

    from liaison.accounts.jurisdiction import jurisdiction_for
    from liaison.exchange.importers import plan_import

    response = world.web("officer").get(TEMPLATE, headers={"accept-language": "en"})
    path = tmp_path / "template.xlsx"
    path.write_bytes(b"".join(response.streaming_content))  # type: ignore[attr-defined]
    book = load_workbook(path)
    assert book.sheetnames == list(f.SHEET_ORDER)
    for name in f.SHEET_ORDER:
        assert [c.value for c in book[name][1]] == list(f.COLUMNS[name])
    validations = book[f.STATIONS].data_validations.dataValidation
    assert any("人大代表联络站" in (v.formula1 or "") for v in validations), (
        "Chinese labels, whatever the page's language"
    )

    plan = plan_import(actor=jurisdiction_for(world.users["officer"]), path=path)
    assert plan.ok
    assert all(c["create"] == c["update"] == 0 for c in plan.report()["counts"].values())
