"""A station's staff member signs in on a desktop, sees who they are, and signs out again."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from e2e.helpers import (
    assert_accessible,
    assert_no_console_errors,
    assert_no_csp_violations,
    assert_touch_targets,
    shot,
)
from liaison.testing.personas import World

PASSWORD = "Qianfeng-station-2026"
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.mark.e2e
def test_staff_signs_in_and_out(desktop_page: Page, world: World) -> None:
    staff = world.users["station_staff"]
    assert staff is not None
    staff.set_password(PASSWORD)
    staff.save()
    page = desktop_page

    page.goto("/")
    page.get_by_role("link", name="工作人员登录").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("登录")
    assert_touch_targets(page)
    assert_accessible(page)
    shot(page, "login-page")

    page.get_by_label("用户名").fill(staff.username)
    page.get_by_label("密码").fill("not-the-password")
    page.get_by_role("button", name="登录", exact=True).click()
    error = page.get_by_role("alert")
    expect(error).to_be_visible()
    expect(error).to_contain_text("密码")
    assert CJK.search(error.inner_text()), f"the error is not in Chinese: {error.inner_text()!r}"
    expect(page.get_by_label("用户名")).to_have_value(staff.username)  # kept, only the password is retyped
    expect(page.get_by_label("密码")).to_have_value("")
    assert_accessible(page)
    shot(page, "wrong-password")

    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录", exact=True).click()
    expect(page).to_have_url(re.compile(r"/$"))
    header = page.locator(".site-header")
    expect(header).to_contain_text("千峰联络员")
    logout = page.get_by_role("button", name="退出")
    expect(logout).to_be_visible()
    expect(page.get_by_role("link", name="工作人员登录")).to_have_count(0)
    shot(page, "signed-in")

    logout.click()
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("link", name="工作人员登录")).to_be_visible()
    expect(header).not_to_contain_text("千峰联络员")
    expect(page.get_by_role("button", name="退出")).to_have_count(0)
    shot(page, "signed-out")

    page.goto("/accounts/password/")  # a page for signed-in users only: really signed out
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next="))
    assert_no_csp_violations(page)
    assert_no_console_errors(page)
