"""The 千峰 office admin imports deputies from Excel: a file with errors first, then a good one."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from pytest_django import Settings

from e2e.helpers import assert_accessible, assert_no_console_errors, assert_no_csp_violations, shot
from liaison.deputies.models import Deputy
from liaison.exchange import formats as f
from liaison.exchange.tests.helpers import NEW_ASSIGNMENT, NEW_DEPUTY, write_book
from liaison.testing.personas import World

PASSWORD = "Qianfeng-import-2026"


@pytest.fixture
def job_files(settings: Settings, tmp_path: Path) -> Path:
    settings.JOB_FILES_DIR = tmp_path / "jobs"
    return tmp_path


@pytest.mark.e2e
def test_office_admin_imports_deputies_from_excel(desktop_page: Page, world: World, job_files: Path) -> None:
    officer = world.users["officer"]
    assert officer is not None
    officer.set_password(PASSWORD)
    officer.save()
    page = desktop_page
    bad_phone = list(NEW_DEPUTY)
    bad_phone[11] = "12345"
    bad_level = [*NEW_DEPUTY[:3], "WBL17-901", *NEW_DEPUTY[4:]]
    bad_level[1] = "村级"
    bad_file = write_book(job_files / "有错误的名单.xlsx", {f.DEPUTIES: [bad_phone, bad_level]})
    good_file = write_book(job_files / "新代表.xlsx", {f.DEPUTIES: [NEW_DEPUTY], f.ASSIGNMENTS: [NEW_ASSIGNMENT]})
    deputies = Deputy.objects.count()

    page.goto("/accounts/login/?next=/manage/exchange/")
    page.get_by_label("用户名").fill(officer.username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录", exact=True).click()
    expect(page).to_have_url(re.compile(r"/manage/exchange/$"))
    staff_nav = page.get_by_role("navigation", name="工作台导航")
    expect(staff_nav.get_by_role("link", name="导入导出")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("导入导出")
    assert_accessible(page)
    shot(page, "exchange-home")

    # A file with errors: the row list, a disabled 确认导入, nothing changed.
    page.get_by_label("Excel 文件").set_input_files(str(bad_file))
    page.get_by_role("button", name="上传并检查").click()
    expect(page).to_have_url(re.compile(r"/manage/exchange/jobs/\d+/$"))
    expect(page.get_by_role("heading", name=re.compile("发现 2 处问题"))).to_be_visible()
    issues = page.locator(".issue-table tbody tr")
    expect(issues).to_have_count(2)
    expect(issues.nth(0)).to_contain_text("工作电话")
    expect(issues.nth(0)).to_contain_text("电话号码")
    expect(issues.nth(1)).to_contain_text("人大层级")
    expect(page.get_by_role("button", name="确认导入")).to_be_disabled()
    assert Deputy.objects.count() == deputies
    assert_accessible(page)
    shot(page, "errors-listed")

    # A reload shows the same state: it lives in the job row, not in the browser.
    page.reload()
    expect(page.locator(".issue-table tbody tr")).to_have_count(2)

    # A good file: the dry run shows one deputy to create; confirming writes it.
    staff_nav.get_by_role("link", name="导入导出").click()
    page.get_by_label("Excel 文件").set_input_files(str(good_file))
    page.get_by_role("button", name="上传并检查").click()
    expect(page.get_by_text("检查通过")).to_be_visible()
    counts = page.get_by_role("table", name="各工作表的行数")
    expect(counts.locator("tr", has_text="代表")).to_contain_text("1")
    assert not Deputy.objects.filter(certificate_no="WBL17-900").exists()
    assert_accessible(page)
    shot(page, "dry-run-ok")

    page.get_by_role("button", name="确认导入").click()
    expect(page.get_by_text("导入完成")).to_be_visible()
    expect(page.get_by_role("progressbar")).to_have_attribute("value", "100")
    expect(page.locator(".job-percent")).to_have_text("100%")
    assert_accessible(page)
    shot(page, "committed")

    page.get_by_role("link", name="查看代表").click()
    expect(page).to_have_url(re.compile(r"/manage/deputies/$"))
    expect(page.get_by_role("link", name="钱新代")).to_be_visible()
    shot(page, "deputy-list")
    assert_no_csp_violations(page)
    assert_no_console_errors(page, ignore=("htmx",))
