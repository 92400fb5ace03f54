"""The 千峰 officer files a phoned-in request for a resident, prints the receipt, finds the case in
the list, assigns it to a deputy with the bulk form and exports the list."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from e2e.helpers import assert_accessible, assert_no_console_errors, assert_no_csp_violations, shot
from liaison.cases.models import Case
from liaison.testing.case_world import build_case_world
from liaison.testing.personas import RESIDENT_PHONE, World

PASSWORD = "Qianfeng-cases-2026"


@pytest.mark.e2e
def test_officer_files_a_case_finds_it_assigns_it_and_exports_the_list(
    desktop_page: Page, world: World, settings: Any, tmp_path: Path
) -> None:
    settings.JOB_FILES_DIR = tmp_path / "jobs"
    build_case_world(world)
    officer = world.users["officer"]
    assert officer is not None
    officer.set_password(PASSWORD)
    officer.save()
    page = desktop_page

    page.goto("/accounts/login/?next=/manage/cases/")
    page.get_by_label("用户名").fill(officer.username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录", exact=True).click()
    expect(page).to_have_url(re.compile(r"/manage/cases/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("群众诉求")
    expect(page.get_by_role("status").filter(has_text="共 3 条诉求")).to_be_visible()
    assert RESIDENT_PHONE not in page.content()
    assert_accessible(page)
    shot(page, "case-list")

    page.get_by_role("link", name="代群众登记诉求").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("代群众登记诉求")
    page.get_by_label("来源").select_option("phone")
    page.get_by_label("受理站点").select_option(label="千峰街道人大代表联络站")
    page.get_by_label("类别", exact=True).select_option("roads")
    page.get_by_label("反映的事情").fill("千峰南路路口红绿灯坏了三天，老人过马路很危险。")
    page.get_by_label("群众姓名").fill("刘奶奶")
    page.get_by_label("联系电话").fill("1390000")
    page.get_by_role("button", name="登记并打印回执").click()
    expect(page.get_by_text("没有登记，请按提示修改")).to_be_visible()
    expect(page.locator(".field-error").filter(has=page.get_by_label("联系电话"))).to_contain_text("电话号码")
    assert_accessible(page)
    shot(page, "case-new-errors")

    page.get_by_label("联系电话").fill("13900001111")
    page.get_by_label("群众同意将姓名和电话提供给承办部门").check()
    page.get_by_role("button", name="登记并打印回执").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("群众诉求登记回执")
    case = Case.objects.get(resident_name="刘奶奶")
    expect(page.locator(".receipt-code").first).to_have_text(case.tracking_code)
    expect(page.get_by_text("/track/")).to_be_visible()
    assert "13900001111" not in page.content()
    assert_accessible(page)
    shot(page, "receipt")
    page.emulate_media(media="print")
    expect(page.get_by_role("button", name="打印回执")).to_be_hidden()
    shot(page, "receipt-print")
    page.emulate_media(media="screen")

    page.goto("/manage/cases/")
    page.get_by_label("查询码或标题").fill(case.tracking_code)
    page.get_by_role("button", name="查找").click()
    expect(page.get_by_role("status").filter(has_text="共 1 条诉求")).to_be_visible()
    expect(page.get_by_role("cell", name="139****1111")).to_be_visible()
    page.get_by_label(f"选择 {case.tracking_code}").check()
    page.get_by_label("分派给代表").select_option(label="张海生")
    page.get_by_role("button", name="分派给该代表").click()
    expect(page.get_by_text("已将 1 条诉求分派给代表")).to_be_visible()
    expect(page.locator(".case-flags .badge")).to_have_text("已分派代表")
    case.refresh_from_db()
    assert case.deputy == world.deputies["qianfeng"]
    shot(page, "assigned")

    page.get_by_role("button", name="导出 Excel").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("导出诉求列表")
    with page.expect_download() as download:
        page.get_by_role("link", name="下载 Excel 文件").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    assert_accessible(page)
    assert_no_csp_violations(page)
    assert_no_console_errors(page, ignore=("status of 422",))  # the refused first try, on purpose
