"""A deputy on a 375-px phone in large-text mode sees his duties and asks for leave; staff
approve on a desktop; the deputy finds the answer in his inbox."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.test import Client
from playwright.sync_api import BrowserContext, Page, expect
from pytest_django.live_server_helper import LiveServer

from e2e.helpers import (
    DESKTOP,
    PHONE,
    assert_accessible,
    assert_fits_viewport,
    assert_no_csp_violations,
    assert_touch_targets,
    shot,
)
from liaison.receptions.models import Duty, LeaveRequest
from liaison.receptions.tests.test_leave_services import make_session
from liaison.testing.personas import World


def signed_in(
    new_context: Callable[..., BrowserContext], live_server: LiveServer, user: object, **options: object
) -> Page:
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")  # type: ignore[arg-type]
    context = new_context(**options)
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])
    return context.new_page()


@pytest.mark.e2e
def test_deputy_asks_for_leave_on_a_phone_and_staff_approve(
    new_context: Callable[..., BrowserContext], live_server: LiveServer, world: World
) -> None:
    qf = world.stations["qianfeng"]
    session = make_session(qf, 6, theme="老旧小区加装电梯", min_deputies=2)
    duty = Duty.objects.create(session=session, deputy=world.deputies["qianfeng"])
    Duty.objects.create(session=session, deputy=world.deputies["qianfeng2"])
    Duty.objects.create(session=make_session(qf, -8), deputy=world.deputies["qianfeng"], status="checked_in")

    phone = signed_in(new_context, live_server, world.users["deputy"], **PHONE)
    phone.goto("/my/duties/")
    phone.get_by_role("button", name="大字模式").tap()
    expect(phone.locator("html")).to_have_class(re.compile(r"\blarge-text\b"))
    expect(phone.get_by_role("heading", level=1)).to_have_text("我的接待日")
    card = phone.locator(f"#duty-{duty.pk}")
    expect(card).to_contain_text("老旧小区加装电梯")
    expect(card).to_contain_text("李秀英")
    expect(card).to_contain_text("待接待")
    expect(phone.get_by_role("heading", name="以往接待")).to_be_visible()
    expect(phone.locator(".duty-card").nth(1)).to_contain_text("已签到")
    assert_fits_viewport(phone)
    assert_touch_targets(phone, 48)
    assert_accessible(phone)
    shot(phone, "my-duties-large-text")

    card.get_by_role("link", name="请假").tap()
    expect(phone.get_by_role("heading", level=1)).to_have_text("请假")
    phone.get_by_role("button", name="提交请假申请").tap()
    expect(phone.get_by_role("alert")).to_contain_text("请填写请假事由")
    assert_fits_viewport(phone)
    shot(phone, "leave-form-error")
    phone.get_by_label("请假事由").fill("参加区人代会专题培训")
    phone.get_by_role("button", name="提交请假申请").tap()
    expect(phone.get_by_role("status")).to_contain_text("请假申请已提交")
    expect(card).to_contain_text("请假申请待审批")
    shot(phone, "leave-requested")

    desk = signed_in(new_context, live_server, world.users["station_staff"], **DESKTOP)
    desk.goto("/manage/receptions/requests/")
    row = desk.locator(f"#leave-{LeaveRequest.objects.get().pk}")
    expect(row).to_contain_text("参加区人代会专题培训")
    expect(row).to_contain_text("将低于最少人数")
    assert_accessible(desk)
    shot(desk, "staff-requests")
    row.get_by_label("说明").fill("已安排其他代表")
    row.get_by_role("button", name="批准", exact=True).click()
    expect(desk.get_by_role("status")).to_contain_text("已批准")
    expect(desk.get_by_text("没有待审批的请假。")).to_be_visible()
    assert_no_csp_violations(desk)

    phone.goto("/my/duties/")
    expect(phone.locator(f"#duty-{duty.pk}")).to_contain_text("已请假")
    phone.get_by_role("link", name=re.compile("我的消息")).tap()
    message = phone.locator(".inbox-item").first
    expect(message).to_contain_text("请假申请已批准")
    expect(message).to_contain_text("已安排其他代表")
    assert_fits_viewport(phone)
    assert_touch_targets(phone, 48)
    assert_accessible(phone)
    shot(phone, "inbox")
    message.get_by_role("button", name="标为已读").tap()
    expect(phone.locator(".inbox-item").first).not_to_contain_text("未读")
    assert_no_csp_violations(phone)
