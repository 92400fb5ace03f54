"""Reception day: staff open the desk (desktop), a deputy scans its QR code on a 375-px phone
and is checked in; staff log a walk-in on a phone-sized screen."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect

from e2e.helpers import (
    assert_accessible,
    assert_fits_viewport,
    assert_no_console_errors,
    assert_no_csp_violations,
    assert_touch_targets,
    shot,
)
from liaison.cases.models import Case
from liaison.core.clock import now
from liaison.receptions.choices import CheckInMethod, DutyStatus
from liaison.receptions.models import Duty, ReceptionSession, WalkIn
from liaison.testing.personas import World

STAFF_PASSWORD = "Qianfeng-desk-2026"
DEPUTY_PASSWORD = "Zhang-haisheng-2026"


def _session(world: World) -> ReceptionSession:
    starts_at = now() - dt.timedelta(minutes=10)
    from django.utils import timezone

    session = ReceptionSession.objects.create(
        station=world.stations["qianfeng"],
        date=timezone.localdate(starts_at),
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(hours=2),
        place="一楼接待室",
        theme="老旧小区改造",
    )
    for key in ("qianfeng", "qianfeng2"):
        Duty.objects.create(session=session, deputy=world.deputies[key])
    return session


def _login(page: Page, username: str, password: str, next_url: str) -> None:
    page.goto(f"/accounts/login/?next={next_url}")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录", exact=True).click()


def _password(world: World, persona: str, password: str) -> str:
    user = world.users[persona]
    assert user is not None
    user.set_password(password)
    user.save()
    return str(user.username)


@pytest.mark.e2e
def test_a_deputy_checks_in_by_scanning_the_desk_qr_code(desktop_page: Page, phone_page: Page, world: World) -> None:
    session = _session(world)
    staff = _password(world, "station_staff", STAFF_PASSWORD)
    deputy = _password(world, "deputy", DEPUTY_PASSWORD)
    desk = f"/manage/receptions/sessions/{session.pk}/desk/"

    page = desktop_page
    _login(page, staff, STAFF_PASSWORD, desk)
    expect(page).to_have_url(re.compile(re.escape(desk) + "$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("签到台")
    qr = page.locator("#desk-qr")
    expect(qr.locator("svg")).to_be_visible()
    expect(qr).to_contain_text("已签到 0 / 2 人")
    expect(page.locator(".roster-table")).to_contain_text("张海生")
    assert_accessible(page)
    shot(page, "desk")
    checkin_url = qr.get_attribute("data-checkin-url")
    assert checkin_url and "/my/checkin/" in checkin_url

    phone = phone_page
    path = urlsplit(checkin_url).path
    _login(phone, deputy, DEPUTY_PASSWORD, path)
    expect(phone.get_by_role("heading", level=1)).to_have_text("扫码签到")
    expect(phone.get_by_text("张海生代表，请确认您已到站。")).to_be_visible()
    assert_fits_viewport(phone)
    assert_touch_targets(phone)
    assert_accessible(phone)
    shot(phone, "confirm")
    phone.get_by_role("button", name="确认签到").tap()
    expect(phone.get_by_role("heading", level=1)).to_have_text("签到成功")
    expect(phone.get_by_role("status")).to_contain_text("张海生代表，您已于")
    assert_fits_viewport(phone)
    assert_accessible(phone)
    shot(phone, "checked-in")
    duty = Duty.objects.get(session=session, deputy=world.deputies["qianfeng"])
    assert duty.status == DutyStatus.CHECKED_IN
    assert duty.check_in_method == CheckInMethod.QR

    # The desk's polled fragment (or the no-JS "刷新" link) shows the new count.
    page.get_by_role("link", name="刷新").click()
    expect(page.locator("#desk-qr")).to_contain_text("已签到 1 / 2 人")
    expect(page.locator(".roster-table tr", has_text="张海生")).to_contain_text("已签到")
    shot(page, "desk-after-check-in")
    for p in (page, phone):
        assert_no_csp_violations(p)
        assert_no_console_errors(p)


@pytest.mark.e2e
def test_staff_log_a_walk_in_on_a_phone(phone_page: Page, world: World) -> None:
    session = _session(world)
    staff = _password(world, "station_staff", STAFF_PASSWORD)
    form = f"/manage/receptions/sessions/{session.pk}/walk-ins/new/"
    page = phone_page
    _login(page, staff, STAFF_PASSWORD, form)
    expect(page.get_by_role("heading", level=1)).to_have_text("登记来访群众")
    assert_fits_viewport(page)
    assert_touch_targets(page)
    assert_accessible(page)
    shot(page, "walk-in-form")

    page.get_by_label("联系电话（选填）").fill("139-1234-567")
    page.get_by_role("button", name="保存登记").tap()
    expect(page.get_by_text("请填写群众反映的事项。")).to_be_visible()
    expect(page.locator(".field-error").first).to_be_visible()
    assert_fits_viewport(page)
    assert_accessible(page)
    shot(page, "walk-in-errors")
    assert not WalkIn.objects.exists()

    page.get_by_label("反映事项").fill("小区3号楼路灯坏了两周，晚上老人出行不便")
    page.get_by_label("现场处理情况（选填）").fill("张海生代表当场联系物业，约定本周内修复")
    page.get_by_label("姓名（选填）").fill("王建华")
    page.get_by_label("联系电话（选填）").fill("139 1234 5678")
    page.get_by_label("张海生").check()
    page.get_by_role("button", name="保存登记").tap()
    expect(page.get_by_role("status").first).to_contain_text("已登记，诉求编号")
    expect(page.get_by_text("本次已登记 1 人")).to_be_visible()
    assert_fits_viewport(page)
    shot(page, "walk-in-saved")
    walk_in = WalkIn.objects.get()
    assert walk_in.phone == "13912345678"
    assert walk_in.case is not None and walk_in.case.status == "answered"
    assert Case.objects.count() == 1

    page.goto(f"/manage/receptions/sessions/{session.pk}/desk/")
    expect(page.get_by_text("139****5678")).to_be_visible()
    assert "13912345678" not in page.content()
    assert_fits_viewport(page)
    shot(page, "desk-on-phone")

    day = session.date.isoformat()
    page.goto(f"/manage/receptions/register/?station={session.station_id}&from={day}&to={day}")
    expect(page.locator(".register-table")).to_contain_text("王**")
    expect(page.locator(".register-table")).to_contain_text("139****5678")
    shot(page, "register")
    page.emulate_media(media="print")
    shot(page, "register-print")
    assert_no_csp_violations(page)
    assert_no_console_errors(page, ignore=("status of 422",))  # the refused first try, on purpose
