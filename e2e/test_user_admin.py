"""The 千峰 office admin opens an account for a new liaison, resets its password, revokes its
grant and then finds all of it in the audit log."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from e2e.helpers import assert_accessible, assert_no_console_errors, assert_no_csp_violations, shot
from liaison.accounts.models import User
from liaison.testing.personas import World

PASSWORD = "Qianfeng-office-2026"


@pytest.mark.e2e
def test_office_admin_creates_resets_and_revokes_then_reads_the_audit_log(desktop_page: Page, world: World) -> None:
    officer = world.users["officer"]
    assert officer is not None
    officer.set_password(PASSWORD)
    officer.save()
    page = desktop_page

    page.goto("/accounts/login/?next=/manage/users/")
    page.get_by_label("用户名").fill(officer.username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录", exact=True).click()
    expect(page).to_have_url(re.compile(r"/manage/users/$"))
    staff_nav = page.get_by_role("navigation", name="工作台导航")
    expect(staff_nav.get_by_role("link", name="用户与授权")).to_be_visible()
    expect(staff_nav.get_by_role("link", name="审计日志")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("用户与授权")
    expect(page.get_by_text("共 3 个用户")).to_be_visible()
    assert_accessible(page)
    shot(page, "user-list")

    page.get_by_role("link", name="新建用户").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("新建用户")
    page.get_by_label("用户名").fill("qf_liaison2")
    page.get_by_label("姓名").fill("千峰联络员乙")
    page.get_by_label("工作电话").fill("0351-6012399")
    page.get_by_label("角色").select_option(label="站点工作人员")
    page.get_by_role("button", name="创建用户").click()
    # No station chosen: the error sits under the station chooser and nothing is created.
    expect(page.locator(".field-error")).to_contain_text("该角色须且只须选择一个站点")
    assert_accessible(page)
    shot(page, "create-error")

    page.get_by_label("站点", exact=True).select_option(label="千峰街道人大代表联络站")
    page.get_by_role("button", name="创建用户").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("用户已创建")
    first = page.locator("#one-time-password").inner_text().strip()
    assert re.fullmatch(r"[A-Za-z0-9]{4}-[A-Za-z0-9]{4}-[A-Za-z0-9]{4}", first)
    expect(page.get_by_text("此密码只显示这一次")).to_be_visible()
    assert_accessible(page)
    shot(page, "one-time-password")
    account = User.objects.get(username="qf_liaison2")
    assert account.must_change_password and account.check_password(first)

    page.get_by_role("link", name="我已记下，查看该用户").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("千峰联络员乙")
    grants = page.get_by_role("region", name="角色授权")
    expect(grants).to_contain_text("千峰街道人大代表联络站")
    expect(page.get_by_role("region", name="最近的操作记录")).to_contain_text("user.created")
    assert first not in page.content()
    assert_accessible(page)
    shot(page, "user-detail")

    page.get_by_label("重置事由").fill("本人忘记初始密码")
    page.get_by_role("button", name="重置密码").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("密码已重置")
    second = page.locator("#one-time-password").inner_text().strip()
    assert second != first
    shot(page, "password-reset")

    page.get_by_role("link", name="我已记下，查看该用户").click()
    page.get_by_label("撤销事由").fill("调往兴华街道")
    page.get_by_role("button", name="撤销授权").click()
    expect(page.get_by_text("已撤销该授权")).to_be_visible()
    expect(grants).to_contain_text("已撤销")
    assert_accessible(page)
    shot(page, "grant-revoked")

    staff_nav.get_by_role("link", name="审计日志").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("审计日志")
    page.get_by_label("关键词").fill("千峰联络员乙")
    page.get_by_role("button", name="筛选").click()
    table = page.locator("tbody")
    expect(table).to_contain_text("role.revoked")
    expect(table).to_contain_text("调往兴华街道")
    expect(table).to_contain_text("user.password_reset")
    expect(table).to_contain_text("user.created")
    expect(table).to_contain_text("role.granted")
    expect(page.get_by_text("共 4 条记录")).to_be_visible()
    assert_accessible(page)
    shot(page, "audit-filtered")

    page.get_by_label("操作", exact=True).select_option("role.revoked")
    page.get_by_role("button", name="筛选").click()
    expect(page.get_by_text("共 1 条记录")).to_be_visible()
    expect(page.locator("tbody tr")).to_have_count(1)
    assert_accessible(page)
    shot(page, "audit-revoked-only")

    assert_no_console_errors(page, ignore=("422 (Unprocessable Entity)",))  # the deliberate form error
    assert_no_csp_violations(page)
