"""A resident on a 375-px phone in large-text mode books a slot at 千峰's reception day and cancels it."""

from __future__ import annotations

import re

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
from liaison.receptions.choices import BookingStatus
from liaison.receptions.models import Booking
from liaison.receptions.tests.public_support import make_session
from liaison.testing.personas import RESIDENT_PHONE, World

WEEKDAYS = "一二三四五六日"


def _check(page: Page) -> None:
    assert_fits_viewport(page)
    assert_touch_targets(page, 48)
    assert_accessible(page)


@pytest.mark.e2e
def test_resident_books_a_slot_and_cancels_it_with_the_code(phone_page: Page, world: World) -> None:
    station = world.stations["qianfeng"]
    session = make_session(
        station,
        days_ahead=4,
        deputies=(world.deputies["qianfeng"], world.deputies["qianfeng2"]),
        theme="老旧小区加装电梯",
        place="千峰南路1号二楼接待室",
    )
    make_session(station, days_ahead=18, provisional=True, capacity=0)
    page = phone_page
    page.goto("/")
    page.get_by_role("button", name="大字模式").tap()
    expect(page.locator("html")).to_have_class(re.compile(r"\blarge-text\b"))

    page.goto(f"/stations/{station.pk}/")
    days = page.locator(".reception-days")
    expect(days.get_by_role("heading", name="接待日安排")).to_be_visible()
    day = session.date
    expect(days).to_contain_text(f"{day.year}年{day.month}月{day.day}日 星期{WEEKDAYS[day.weekday()]}")
    expect(days).to_contain_text("09:00–11:30")
    expect(days).to_contain_text("老旧小区加装电梯")
    expect(days).to_contain_text("张海生")
    expect(days).to_contain_text("待定")
    expect(days).to_contain_text("已约满")
    expect(days.get_by_role("link", name="添加到日历")).to_have_attribute(
        "href", f"/stations/{station.pk}/calendar.ics"
    )
    days.scroll_into_view_if_needed()
    _check(page)
    shot(page, "station-reception-days")

    days.get_by_role("link", name=re.compile(r"^预约")).first.tap()
    page.wait_for_url(re.compile(rf"/stations/{station.pk}/sessions/{session.pk}/book/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("预约代表接待")
    expect(page.locator("main")).to_contain_text("只用于这次接待的改期或取消通知")
    _check(page)
    shot(page, "booking-form")

    # A wrong phone first: the error is next to the field, in Chinese.
    page.get_by_label("您的姓名或称呼").fill("王大爷")
    page.get_by_label("手机号").fill("12345")
    page.get_by_role("button", name="提交预约").tap()
    expect(page.locator(".field-error")).to_contain_text("电话号码")
    _check(page)
    shot(page, "booking-form-error")

    page.get_by_label("手机号").fill("135 0000 1234")
    page.get_by_label("想反映的事情（选填）").fill("小区3号楼想加装电梯，一楼住户有顾虑。")
    page.get_by_role("button", name="提交预约").tap()
    expect(page.get_by_role("heading", level=1)).to_have_text("预约成功")
    code = page.locator(".cancel-code").inner_text().strip()
    assert re.fullmatch(r"[A-Z0-9]{8}", code)
    assert code not in page.url
    expect(page.locator("main")).not_to_contain_text(RESIDENT_PHONE)
    _check(page)
    shot(page, "booking-done-with-code")
    assert Booking.objects.get().status == BookingStatus.ACTIVE

    page.get_by_role("link", name="取消预约").tap()
    page.wait_for_url(re.compile(r"/bookings/cancel/$"))
    _check(page)
    shot(page, "cancel-form")
    page.get_by_label("取消码").fill("ZZZZ2222")
    page.get_by_role("button", name="取消预约").tap()
    expect(page.locator(".field-error")).to_contain_text("取消码不正确")
    shot(page, "cancel-wrong-code")
    page.get_by_label("取消码").fill(code.lower())
    page.get_by_role("button", name="取消预约").tap()
    expect(page.get_by_role("heading", level=1)).to_have_text("预约已取消")
    assert code not in page.url and code.lower() not in page.url
    _check(page)
    shot(page, "cancelled")
    assert Booking.objects.get().status == BookingStatus.CANCELLED

    page.goto(f"/deputies/{world.deputies['qianfeng'].pk}/")
    expect(page.locator(".reception-days")).to_contain_text("老旧小区加装电梯")
    _check(page)
    shot(page, "deputy-reception-days")
    assert_no_csp_violations(page)
    # The form answers of the wrong phone (422) and the wrong code (404) are the only failed loads.
    assert_no_console_errors(
        page, ignore=("status of 422 (Unprocessable Entity) [http", "status of 404 (Not Found) [http")
    )
