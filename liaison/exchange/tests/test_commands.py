"""The import_network and export_network management commands."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from liaison.core.models import AuditEvent
from liaison.deputies.models import Deputy
from liaison.exchange import formats as f
from liaison.testing.personas import World

from .helpers import NEW_DEPUTY, sheets_of, write_book


def test_export_then_check_reports_nothing_to_change(world: World, tmp_path: Path) -> None:
    path = tmp_path / "net.xlsx"
    out = StringIO()
    call_command("export_network", str(path), "--user", "p_officer", stdout=out)
    assert "代表: 2 行" in out.getvalue()
    assert AuditEvent.objects.filter(action="exchange.export_started").count() == 1
    out = StringIO()
    call_command("import_network", str(path), "--user", "p_officer", stdout=out)
    assert "代表: 新增 0 更新 0 不变 2 有错误 0" in out.getvalue()
    assert "检查通过" in out.getvalue()


def test_import_commits_only_with_the_flag(world: World, tmp_path: Path) -> None:
    path = write_book(tmp_path / "new.xlsx", {f.DEPUTIES: [NEW_DEPUTY]})
    call_command("import_network", str(path), "--user", "p_officer", stdout=StringIO())
    assert not Deputy.objects.filter(certificate_no="WBL17-900").exists()
    call_command("import_network", str(path), "--user", "p_officer", "--commit", stdout=StringIO())
    assert Deputy.objects.filter(certificate_no="WBL17-900").exists()
    assert AuditEvent.objects.filter(action="exchange.imported").count() == 1


def test_a_bad_file_lists_its_rows_and_fails(world: World, tmp_path: Path) -> None:
    row = list(NEW_DEPUTY)
    row[1] = "村级"
    path = write_book(tmp_path / "bad.xlsx", {f.DEPUTIES: [row]})
    err = StringIO()
    with pytest.raises(CommandError, match="1 处问题"):
        call_command("import_network", str(path), "--user", "p_officer", "--commit", stdout=StringIO(), stderr=err)
    assert "代表 第 2 行 人大层级" in err.getvalue()
    assert not Deputy.objects.filter(certificate_no="WBL17-900").exists()


def test_a_user_without_an_office_grant_is_refused(world: World, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="管理员"):
        call_command("export_network", str(tmp_path / "x.xlsx"), "--user", "p_staff", stdout=StringIO())
    with pytest.raises(CommandError, match="没有账号"):
        call_command("export_network", str(tmp_path / "x.xlsx"), "--user", "nobody", stdout=StringIO())


def test_the_neighbouring_officer_cannot_import_the_officers_export(world: World, tmp_path: Path) -> None:
    path = tmp_path / "qf.xlsx"
    call_command("export_network", str(path), "--user", "p_officer", stdout=StringIO())
    assert sheets_of(path)[f.DEPUTIES]
    with pytest.raises(CommandError):
        call_command("import_network", str(path), "--user", "p_neighbour", stdout=StringIO(), stderr=StringIO())
