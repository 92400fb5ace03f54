"""An officer sets 双周三 for 千峰's station and sees a year of sessions with three deputies each."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from e2e.helpers import assert_accessible, assert_no_console_errors, assert_no_csp_violations, shot
from liaison.core.clock import today
from liaison.receptions.holidays import seed_workday_overrides
from liaison.receptions.models import ReceptionSession
from liaison.receptions.tests.test_schedules_services import add_deputies
from liaison.testing.personas import World

PASSWORD = "Qianfeng-office-2026"


@pytest.mark.e2e
def test_an_officer_sets_biweekly_wednesday_and_sees_the_sessions(desktop_page: Page, world: World) -> None:
    seed_workday_overrides()
    add_deputies(world)
    officer = world.users["officer"]
    assert officer is not None
    officer.set_password(PASSWORD)
    officer.save()
    station = world.stations["qianfeng"]
    page = desktop_page

    page.goto(f"/accounts/login/?next=/manage/stations/{station.pk}/")
    page.get_by_label("用户名").fill(officer.username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(station.name)
    page.get_by_role("link", name="接待日安排", exact=True).click()
    expect(page.get_by_text("还没有接待日安排")).to_be_visible()
    assert_accessible(page)
    shot(page, "schedule-list-empty")

    page.get_by_role("link", name="新建接待日安排").click()
    expect(page.get_by_label("每月第2、4个周三（双周三）")).to_be_checked()
    # A minimum larger than the station's five deputies: refused next to the field.
    page.get_by_label("开始日期").fill(today().isoformat())
    page.get_by_label("每次最少进站代表数").fill("8")
    page.get_by_role("button", name="保存并生成接待日").click()
    expect(page.locator(".field-error")).to_contain_text("超过了本站现有的代表人数（5 名）")
    assert_accessible(page)
    shot(page, "schedule-form-error")

    page.get_by_label("每次最少进站代表数").fill("3")
    page.get_by_role("button", name="保存并生成接待日").click()
    expect(page).to_have_url(re.compile(rf"/manage/receptions/stations/{station.pk}/sessions/$"))
    expect(page.get_by_text("已保存接待日安排")).to_be_visible()
    rows = page.locator("#sessions tbody tr")
    expect(rows).to_have_count(20)
    expect(rows.first).to_contain_text("星期三")
    for i in range(3):
        expect(rows.nth(i)).to_contain_text("（3/3）")
    assert_accessible(page)
    assert_no_csp_violations(page)
    assert_no_console_errors(page, ignore=("422",))  # the refused minimum above
    shot(page, "sessions")

    first = ReceptionSession.objects.order_by("starts_at").first()
    assert first is not None and first.duties.count() == 3
    rows.first.get_by_role("link").click()
    expect(page.locator("#roster li")).to_have_count(3)
    assert_accessible(page)
    shot(page, "session-detail")
