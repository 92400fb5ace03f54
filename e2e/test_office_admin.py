"""The 千峰 office admin finds a deputy, corrects his occupation and ends his assignment."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from e2e.helpers import assert_accessible, assert_no_console_errors, assert_no_csp_violations, shot
from liaison.testing.personas import World

PASSWORD = "Qianfeng-office-2026"


@pytest.mark.e2e
def test_office_admin_edits_a_deputy_and_ends_his_assignment(desktop_page: Page, world: World) -> None:
    officer = world.users["officer"]
    assert officer is not None
    officer.set_password(PASSWORD)
    officer.save()
    page = desktop_page

    page.goto("/accounts/login/?next=/manage/deputies/")
    page.get_by_label("用户名").fill(officer.username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录", exact=True).click()
    expect(page).to_have_url(re.compile(r"/manage/deputies/$"))
    staff_nav = page.get_by_role("navigation", name="工作台导航")
    expect(staff_nav.get_by_role("link", name="代表")).to_be_visible()
    expect(staff_nav.get_by_role("link", name="站点")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("代表管理")
    expect(page.get_by_text("共 2 位代表")).to_be_visible()
    assert_accessible(page)
    shot(page, "deputy-list")

    page.get_by_label("搜索").fill("zhs")
    page.get_by_role("button", name="查找").click()
    expect(page.get_by_text("共 1 位代表")).to_be_visible()
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("13912345678")
    assert_accessible(page)
    shot(page, "search-zhs")

    page.get_by_role("link", name="张海生").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("张海生")
    assert_accessible(page)
    shot(page, "deputy-detail")

    page.get_by_label("工作电话").fill("12345")
    page.get_by_role("button", name="保存修改").click()
    expect(page.get_by_text("没有保存")).to_be_visible()
    expect(page.locator(".field-error")).to_contain_text("电话号码")
    assert_accessible(page)
    shot(page, "edit-error")

    page.get_by_label("工作电话").fill("13912345678")
    page.get_by_label("职业与单位").fill("千峰街道办事处副主任")
    page.get_by_role("button", name="保存修改").click()
    expect(page.get_by_text("代表信息已保存")).to_be_visible()
    expect(page.locator(".manage-fields")).to_contain_text("千峰街道办事处副主任")
    assert_accessible(page)
    shot(page, "saved")

    page.get_by_label("离站原因").fill("工作调动")
    page.get_by_role("button", name="结束进站").click()
    expect(page.get_by_text("已结束在")).to_be_visible()
    history = page.get_by_role("region", name="进站记录")
    expect(history).to_contain_text("工作调动")
    expect(history).to_contain_text("已离站")
    expect(page.get_by_text("这位代表目前没有进站安排")).to_be_visible()
    assert_accessible(page)
    shot(page, "assignment-ended")

    staff_nav.get_by_role("link", name="站点").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("站点管理")
    assert_accessible(page)
    shot(page, "station-list")
    page.get_by_role("link", name="千峰街道人大代表联络站").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("千峰街道人大代表联络站")
    assert_accessible(page)
    shot(page, "station-detail")
    assert_no_csp_violations(page)
    # The re-rendered form with field errors answers 422 on purpose; the browser logs that status.
    assert_no_console_errors(page, ignore=("status of 422",))
