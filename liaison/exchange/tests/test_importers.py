"""Import and export of the network: round trips, every kind of bad row, formulas, query counts."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from liaison.accounts.jurisdiction import jurisdiction_for
from liaison.accounts.models import RoleGrant
from liaison.core.models import AuditEvent
from liaison.deputies.models import Assignment, Deputy
from liaison.exchange import exporters, importers, services
from liaison.exchange import formats as f
from liaison.organization.models import Region
from liaison.stations.models import Station
from liaison.testing.personas import World

from .helpers import NEW_ASSIGNMENT, NEW_DEPUTY, deputy_rows, sheets_of, write_book


def _actor(world: World, persona: str = "officer"):  # type: ignore[no-untyped-def]
    return jurisdiction_for(world.users[persona])


def _snapshot() -> dict[str, list[tuple[object, ...]]]:
    """Every row of the four tables, as plain values (to prove nothing changed)."""
    return {
        "regions": list(Region.objects.order_by("id").values_list()),
        "stations": list(Station.objects.order_by("id").values_list()),
        "deputies": list(Deputy.objects.order_by("id").values_list()),
        "assignments": list(Assignment.objects.order_by("id").values_list()),
    }


def _export(world: World, tmp_path: Path, persona: str = "officer", name: str = "export.xlsx") -> Path:
    path = tmp_path / name
    exporters.write_workbook(_actor(world, persona), path)
    return path


def _zero_changes(plan: importers.Plan) -> None:
    assert plan.ok, plan.issues
    for sheet, counts in plan.counts.items():
        assert (counts.create, counts.update, counts.rejected) == (0, 0, 0), sheet


@pytest.mark.parametrize("persona", ["officer", "county_officer", "system_admin"])
def test_an_export_reimported_into_the_same_database_changes_nothing(
    world: World, tmp_path: Path, persona: str
) -> None:
    path = _export(world, tmp_path, persona)
    plan = importers.plan_import(actor=_actor(world, persona), path=path)
    _zero_changes(plan)
    assert plan.counts[f.DEPUTIES].unchanged == {"officer": 2, "county_officer": 3, "system_admin": 4}[persona]


def test_the_export_holds_only_what_the_officer_administers(world: World, tmp_path: Path) -> None:
    sheets = sheets_of(_export(world, tmp_path))
    names = {row[4] for row in sheets[f.DEPUTIES]}
    assert names == {"张海生", "李秀英"}
    stations = {row[1] for row in sheets[f.STATIONS]}
    assert "兴华街道人大代表联络站" not in stations
    assert {row[0] for row in sheets[f.REGIONS]} == {"140109001", "140109001001"}


def _wipe() -> None:
    """Delete the stations, deputies and assignments (and what hangs on them); regions stay."""
    from liaison.cases.models import Case
    from liaison.receptions.models import Booking, ReceptionSchedule, ReceptionSession, WalkIn

    WalkIn.objects.all().delete()
    Case.objects.filter(merged_into__isnull=False).delete()  # duplicates before the cases they point at
    Case.objects.all().delete()
    Booking.objects.all().delete()
    ReceptionSession.objects.all().delete()  # its duties and requests go with it
    ReceptionSchedule.objects.all().delete()
    Assignment.objects.all().delete()
    Deputy.objects.all().delete()
    RoleGrant.objects.filter(station__isnull=False).delete()
    Station.objects.filter(parent__isnull=False).delete()
    Station.objects.all().delete()


def test_export_wipe_import_export_gives_the_same_file(world: World, tmp_path: Path) -> None:
    actor = _actor(world, "system_admin")
    first = _export(world, tmp_path, "system_admin", "first.xlsx")
    counts = {"stations": Station.objects.count(), "deputies": Deputy.objects.count()}
    _wipe()
    plan = services.import_file(actor=actor, path=first, commit=True)
    assert plan.ok, plan.issues
    assert plan.counts[f.STATIONS].create == counts["stations"]
    assert plan.counts[f.DEPUTIES].create == counts["deputies"]
    second = _export(world, tmp_path, "system_admin", "second.xlsx")
    assert exporters.read_values(first) == exporters.read_values(second)
    # And importing it once more is a no-op.
    _zero_changes(importers.plan_import(actor=actor, path=second))
    assert AuditEvent.objects.filter(action="exchange.imported").count() == 1


def test_the_demo_network_round_trips_exactly(db: None, tmp_path: Path) -> None:
    from liaison.accounts.models import User
    from liaison.demo.builder import load_demo

    load_demo(password="Demo-test-2024")
    admin = User.objects.create(username="exchange-admin", is_superuser=True)
    actor = jurisdiction_for(admin)
    first = tmp_path / "demo.xlsx"
    exporters.write_workbook(actor, first)
    _zero_changes(importers.plan_import(actor=actor, path=first))
    before = {"stations": Station.objects.count(), "deputies": Deputy.objects.count(), "a": Assignment.objects.count()}
    _wipe()
    plan = services.import_file(actor=actor, path=first, commit=True)
    assert plan.ok, plan.issues[:5]
    after = {"stations": Station.objects.count(), "deputies": Deputy.objects.count(), "a": Assignment.objects.count()}
    assert after == before
    second = tmp_path / "demo-again.xlsx"
    exporters.write_workbook(actor, second)
    assert exporters.read_values(first) == exporters.read_values(second)


def test_a_file_with_new_rows_creates_them_and_updates_changed_ones(world: World, tmp_path: Path) -> None:
    sheets = sheets_of(_export(world, tmp_path))
    for row in sheets[f.DEPUTIES]:
        if row[4] == "李秀英":
            row[10] = "千峰街道社区卫生服务中心医生"
    sheets[f.DEPUTIES].append(list(NEW_DEPUTY))
    sheets[f.ASSIGNMENTS].append(list(NEW_ASSIGNMENT))
    sheets[f.REGIONS].append(["140109001002", "千峰北社区", "140109001", "", ""])
    sheets[f.STATIONS].append(
        ["140109001002", "千峰北社区联络点", "人大代表联络点", "140109001", "千峰街道人大代表联络站"]
        + [""] * 6
        + ["是"]
    )
    path = write_book(tmp_path / "changed.xlsx", sheets)
    li = world.deputies["qianfeng2"]
    plan = services.import_file(actor=_actor(world), path=path, commit=True)
    assert plan.ok, plan.issues
    assert plan.counts[f.DEPUTIES].create == 1 and plan.counts[f.DEPUTIES].update == 1
    li.refresh_from_db()
    assert li.occupation == "千峰街道社区卫生服务中心医生"
    assert li.version == 2  # an open edit form gets a 409
    new = Deputy.objects.get(certificate_no="WBL17-900")
    assert (new.level, new.name_pinyin, new.constituency) == (
        "county",
        "qianxindai qxd",
        world.constituencies["qianfeng"],
    )
    assert new.assignments.get().station == world.stations["qianfeng"]
    region = Region.objects.get(code="140109001002")
    assert region.tier == "community" and region.path.startswith(world.regions["qianfeng"].path)
    point = Station.objects.get(name="千峰北社区联络点")
    assert point.parent == world.stations["qianfeng"] and point.region == region
    audit = AuditEvent.objects.get(action="exchange.imported")
    assert audit.changes["counts"][f.DEPUTIES]["create"] == 1
    assert len(audit.changes["sha256"]) == 64


def _issue_cells(plan: importers.Plan) -> set[tuple[str, int, str]]:
    return {(i.sheet, i.row, i.column) for i in plan.issues}


def test_a_malformed_file_reports_every_bad_row_and_changes_nothing(world: World, tmp_path: Path) -> None:
    sheets = sheets_of(_export(world, tmp_path))
    bad = {
        "unknown_term_region": [*NEW_DEPUTY[:3], "X-1", *NEW_DEPUTY[4:]],
        "unknown_term": [*NEW_DEPUTY[:3], "X-2", *NEW_DEPUTY[4:]],
        "twice_a": [*NEW_DEPUTY[:3], "X-3", *NEW_DEPUTY[4:]],
        "twice_b": [*NEW_DEPUTY[:3], "X-3", *NEW_DEPUTY[4:]],
        "bad_phone": [*NEW_DEPUTY[:3], "X-4", *NEW_DEPUTY[4:]],
        "bad_level": [*NEW_DEPUTY[:3], "X-5", *NEW_DEPUTY[4:]],
    }
    bad["unknown_term_region"][0] = "999999"
    bad["unknown_term"][2] = "99"
    bad["bad_phone"][11] = "12345"
    bad["bad_level"][1] = "村级"
    start = len(sheets[f.DEPUTIES]) + 2
    sheets[f.DEPUTIES] += list(bad.values())
    rows = {key: start + i for i, key in enumerate(bad)}
    station_row = len(sheets[f.STATIONS]) + 2
    sheets[f.STATIONS].append(["999999999", "无名站", "人大代表联络站"] + [""] * 8 + ["是"])
    # An assignment at 兴华's station: outside the 千峰 officer's reach.
    out_of_reach_row = len(sheets[f.ASSIGNMENTS]) + 2
    sheets[f.ASSIGNMENTS].append(
        ["140109", "县级", "17", "WBL17-001", "140109002", "兴华街道人大代表联络站", "2025-01-01", "", ""]
    )
    # A new community under 兴华: outside the reach too.
    region_row = len(sheets[f.REGIONS]) + 2
    sheets[f.REGIONS].append(["140109002001", "兴华南社区", "140109002", "", ""])
    path = write_book(tmp_path / "bad.xlsx", sheets)
    before = _snapshot()
    audits = AuditEvent.objects.count()

    plan = services.import_file(actor=_actor(world), path=path, commit=True)

    assert not plan.ok
    cells = _issue_cells(plan)
    D = f.DEPUTIES
    assert (D, rows["unknown_term_region"], f.TERM_REGION) in cells
    assert (D, rows["unknown_term"], f.TERM_NUMBER) in cells
    assert (D, rows["twice_a"], f.CERTIFICATE) in cells and (D, rows["twice_b"], f.CERTIFICATE) in cells
    assert (D, rows["bad_phone"], "工作电话") in cells
    assert (D, rows["bad_level"], f.TERM_LEVEL) in cells
    assert (f.STATIONS, station_row, "所在区划代码") in cells
    assert (f.ASSIGNMENTS, out_of_reach_row, "站点名称") in cells
    assert (f.REGIONS, region_row, "区划代码") in cells
    # Only the bad rows are reported; the exported rows are fine.
    assert {(s, r) for s, r, _c in cells} == {
        *((D, r) for r in rows.values()),
        (f.STATIONS, station_row),
        (f.ASSIGNMENTS, out_of_reach_row),
        (f.REGIONS, region_row),
    }
    reasons = {(i.row, i.column): i.reason for i in plan.issues if i.sheet == D}
    assert f"第 {rows['twice_b']} 行" in reasons[(rows["twice_a"], f.CERTIFICATE)]
    assert "电话号码" in reasons[(rows["bad_phone"], "工作电话")]
    assert "人大层级应为" in reasons[(rows["bad_level"], f.TERM_LEVEL)]
    assert _snapshot() == before
    assert AuditEvent.objects.count() == audits
    with pytest.raises(ValueError):
        importers.commit_plan(plan)


def test_wrong_columns_are_a_file_level_error(world: World, tmp_path: Path) -> None:
    path = tmp_path / "columns.xlsx"
    headers = [h for h in f.COLUMNS[f.DEPUTIES] if h != "姓名"] + ["身份证号"]
    write_book(path, {f.DEPUTIES: [headers, NEW_DEPUTY]}, headers=False)
    plan = importers.plan_import(actor=_actor(world), path=path)
    assert (f.DEPUTIES, 1, "姓名") in _issue_cells(plan)
    assert (f.DEPUTIES, 1, "身份证号") in _issue_cells(plan)
    assert not plan.deputies_new


def test_an_unknown_sheet_and_a_non_workbook_are_reported(world: World, tmp_path: Path) -> None:
    plan = importers.plan_import(
        actor=_actor(world), path=write_book(tmp_path / "s.xlsx", {"Sheet1": [["x"]]}, headers=False)
    )
    assert plan.issues[0].sheet == "Sheet1" and "无法识别的工作表" in plan.issues[0].reason
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"PK\x03\x04 not really a zip")
    plan = importers.plan_import(actor=_actor(world), path=junk)
    assert "无法读取" in plan.issues[0].reason


def test_a_deputy_whose_constituency_is_out_of_reach_is_rejected(world: World, tmp_path: Path) -> None:
    row = list(NEW_DEPUTY)
    row[6], row[7] = "140109002", "兴华第1选区"
    path = write_book(tmp_path / "xh.xlsx", {f.DEPUTIES: [row]})
    plan = importers.plan_import(actor=_actor(world), path=path)
    assert [(i.row, i.column) for i in plan.issues] == [(2, "选区名称")]
    # The neighbouring officer's existing deputy cannot be changed from 千峰 either.
    sheets = sheets_of(_export(world, tmp_path, "neighbour_officer"))
    plan = importers.plan_import(actor=_actor(world), path=write_book(tmp_path / "n.xlsx", sheets))
    assert {i.column for i in plan.issues if i.sheet == f.DEPUTIES} == {f.CERTIFICATE}


def test_cells_starting_with_formula_characters_are_text_and_round_trip(world: World, tmp_path: Path) -> None:
    names = {"qianfeng": "=1+1", "qianfeng2": "+SUM(A1)"}
    for key, name in names.items():
        Deputy.objects.filter(pk=world.deputies[key].pk).update(name=name, occupation="-2+3", work_phone="")
    Station.objects.filter(pk=world.stations["qianfeng"].pk).update(notice='@HYPERLINK("http://evil")')
    path = _export(world, tmp_path)
    with zipfile.ZipFile(path) as archive:
        for member in archive.namelist():
            if member.startswith("xl/worksheets/"):
                assert b"<f>" not in archive.read(member), member
    from openpyxl import load_workbook

    wb = load_workbook(path)
    cells = [c for row in wb[f.DEPUTIES].iter_rows(min_row=2) for c in row if c.value]
    assert {"=1+1", "+SUM(A1)", "-2+3"} <= {c.value for c in cells}
    assert all(c.data_type == "s" for c in cells)
    _zero_changes(importers.plan_import(actor=_actor(world), path=path))


def test_a_real_formula_cell_is_refused(world: World, tmp_path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = f.DEPUTIES
    ws.append(list(f.COLUMNS[f.DEPUTIES]))
    ws.append(NEW_DEPUTY)
    ws["E2"] = '=CONCAT("a","b")'
    path = tmp_path / "formula.xlsx"
    wb.save(path)
    plan = importers.plan_import(actor=_actor(world), path=path)
    assert [(i.row, i.column) for i in plan.issues] == [(2, "姓名")]
    assert "公式" in plan.issues[0].reason


def test_numbers_typed_into_cells_are_read_as_their_digits(world: World, tmp_path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = f.DEPUTIES
    ws.append(list(f.COLUMNS[f.DEPUTIES]))
    row: list[object] = list(NEW_DEPUTY)
    row[0], row[2], row[6], row[11] = 140109, 17, 140109001, 13911112222
    ws.append(row)
    path = tmp_path / "numbers.xlsx"
    wb.save(path)
    plan = importers.plan_import(actor=_actor(world), path=path)
    assert plan.ok, plan.issues
    assert plan.deputies_new[0].work_phone == "13911112222"


def test_validation_queries_do_not_grow_with_the_rows(world: World, tmp_path: Path) -> None:
    actor = _actor(world)
    counts = []
    for n in (20, 200):
        rows = deputy_rows(n)
        assignments = [[*r[:4], "140109001", "千峰街道人大代表联络站", "2025-01-01", "", ""] for r in rows]
        path = write_book(tmp_path / f"{n}.xlsx", {f.DEPUTIES: rows, f.ASSIGNMENTS: assignments})
        with CaptureQueriesContext(connection) as ctx:
            plan = importers.plan_import(actor=actor, path=path)
        assert plan.ok, plan.issues[:3]
        assert plan.counts[f.DEPUTIES].create == n
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]
    assert counts[0] <= 10


def test_commit_writes_in_batches_not_per_row(world: World, tmp_path: Path) -> None:
    rows = deputy_rows(300)
    assignments = [[*r[:4], "140109001", "千峰街道人大代表联络站", "2025-01-01", "", ""] for r in rows]
    path = write_book(tmp_path / "300.xlsx", {f.DEPUTIES: rows, f.ASSIGNMENTS: assignments})
    plan = importers.plan_import(actor=_actor(world), path=path)
    with CaptureQueriesContext(connection) as ctx:
        importers.commit_plan(plan)
    assert len(ctx.captured_queries) < 20
    assert Deputy.objects.filter(name__startswith="代表").count() == 300
