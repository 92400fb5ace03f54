"""The 千峰 office admin registers a station, then a deputy, and assigns the deputy there."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from e2e.helpers import assert_accessible, assert_no_console_errors, assert_no_csp_violations, shot
from liaison.testing.personas import World

PASSWORD = "Qianfeng-office-2026"


@pytest.mark.e2e
def test_office_admin_creates_a_station_and_a_deputy_and_assigns_him(desktop_page: Page, world: World) -> None:
    officer = world.users["officer"]
    assert officer is not None
    officer.set_password(PASSWORD)
    officer.save()
    page = desktop_page

    page.goto("/accounts/login/?next=/manage/stations/")
    page.get_by_label("用户名").fill(officer.username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录", exact=True).click()
    expect(page).to_have_url(re.compile(r"/manage/stations/$"))

    page.get_by_role("link", name="新建站点").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("新建站点")
    assert_accessible(page)
    shot(page, "station-form")

    page.get_by_label("类型").select_option("station")
    page.get_by_label("名称", exact=True).fill("千峰北社区人大代表联络站")
    page.get_by_label("所在区划代码").fill("140109001001")
    page.get_by_label("地址").fill("千峰北路8号")
    page.get_by_label("纬度").fill("200")
    page.get_by_label("经度").fill("112.522003")
    page.get_by_label("联系电话").fill("12345")
    page.get_by_label("开放时间").fill("工作日 9:00-17:00")
    page.get_by_role("button", name="新建站点").click()
    expect(page.get_by_text("没有保存")).to_be_visible()
    expect(page.locator(".field-error").filter(has=page.get_by_label("纬度"))).to_contain_text(
        "纬度应在 -90 到 90 之间"
    )
    expect(page.locator(".field-error").filter(has=page.get_by_label("联系电话"))).to_contain_text("电话号码")
    assert_accessible(page)
    shot(page, "station-form-errors")

    page.get_by_label("纬度").fill("37.870590")
    page.get_by_label("联系电话").fill("0351-6012399")
    page.get_by_role("button", name="新建站点").click()
    expect(page.get_by_text("已新建站点")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("千峰北社区人大代表联络站")
    expect(page.locator(".manage-fields")).to_contain_text("0351-6012399")
    assert_accessible(page)
    shot(page, "station-created")

    page.get_by_role("link", name="修改站点信息").click()
    page.get_by_label("制度名称").fill("代表值班制度")
    page.get_by_label("制度内容").fill("每周三下午代表轮流值班")
    page.get_by_role("button", name="添加制度").click()
    expect(page.get_by_text("已添加上墙制度")).to_be_visible()
    expect(page.get_by_role("region", name="上墙制度")).to_contain_text("代表值班制度")
    assert_accessible(page)
    shot(page, "station-edit-rules")

    staff_nav = page.get_by_role("navigation", name="工作台导航")
    staff_nav.get_by_role("link", name="代表").click()
    page.get_by_role("link", name="登记代表").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("登记代表")
    page.get_by_label("届次").select_option(label="万柏林区人大第17届")
    page.get_by_label("代表证号").fill("WBL17-001")
    page.get_by_label("姓名").fill("王建华")
    page.get_by_label("选区").select_option(label="千峰第1选区\uff08县级\uff09")
    page.get_by_label("工作电话").fill("13900001111")
    page.get_by_role("button", name="登记代表").click()
    expect(page.locator(".field-error").filter(has=page.get_by_label("代表证号"))).to_contain_text(
        "本届已有代表证号为 WBL17-001 的代表"
    )
    assert_accessible(page)
    shot(page, "deputy-duplicate-certificate")

    page.get_by_label("代表证号").fill("WBL17-050")
    page.get_by_role("button", name="登记代表").click()
    expect(page.get_by_text("已登记代表王建华")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text("王建华")
    expect(page.get_by_text("这位代表目前没有进站安排")).to_be_visible()
    assert_accessible(page)
    shot(page, "deputy-created")

    assign = page.get_by_role("region", name="安排进站")
    assign.get_by_label("站点").select_option(label="千峰北社区人大代表联络站")
    assign.get_by_label("备注").fill("街道工委会议决定")
    assign.get_by_role("button", name="安排进站").click()
    expect(page.get_by_text("已安排王建华进驻")).to_be_visible()
    current = page.get_by_role("region", name="当前所在站点")
    expect(current).to_contain_text("千峰北社区人大代表联络站")
    assert_accessible(page)
    shot(page, "deputy-assigned")

    current.get_by_role("link", name="千峰北社区人大代表联络站").click()
    expect(page.get_by_role("region", name="在站代表")).to_contain_text("王建华")
    shot(page, "station-with-deputy")
    assert_no_csp_violations(page)
    # The re-rendered forms with field errors answer 422 / 409 on purpose; the browser logs that.
    assert_no_console_errors(page, ignore=("status of 422", "status of 409"))
