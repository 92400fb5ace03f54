"""A resident on a 375-px phone in large-text mode scans 千峰's 联络站码, submits a request, keeps
the code and secret, tracks it; staff accept and refer it, the department replies, the deputy
answers; the resident rates it "不满意" and sees it reopened for supervision."""

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
from liaison.accounts.jurisdiction import jurisdiction_for
from liaison.cases import services
from liaison.cases.choices import CaseStatus
from liaison.cases.models import Case
from liaison.testing.personas import RESIDENT_PHONE, World


def _check(page: Page) -> None:
    assert_fits_viewport(page)
    assert_touch_targets(page, 48)
    assert_accessible(page)


def _staff_handle(world: World, case: Case) -> None:
    """The back office's part, through the services: accept, assign, refer; reply; answer."""
    officer = jurisdiction_for(world.users["officer"])
    handler = jurisdiction_for(world.users["handler"])
    case = services.case_accept(actor=officer, case=case)
    case = services.case_assign(actor=officer, case=case, deputy_id=world.deputies["qianfeng"].pk)
    referral = services.case_refer(actor=officer, case=case, department_id=world.departments["housing"].pk)
    referral = services.referral_accept(actor=handler, referral=referral)
    services.referral_reply(actor=handler, referral=referral, reply="已安排维修，更换了楼道窗户。")
    case.refresh_from_db()
    services.case_answer(
        actor=jurisdiction_for(world.users["deputy"]), case=case, answer="住建局已更换3号楼楼道窗户，请您查看。"
    )


@pytest.mark.e2e
def test_resident_submits_tracks_and_rates_a_request(phone_page: Page, world: World) -> None:
    station = world.stations["qianfeng"]
    page = phone_page
    page.goto("/")
    page.get_by_role("button", name="大字模式").tap()
    expect(page.locator("html")).to_have_class(re.compile(r"\blarge-text\b"))
    expect(page.get_by_role("link", name="有事找代表：提交诉求")).to_be_visible()

    # The 联络站码 opens the form addressed to the station.
    page.goto(f"/stations/{station.pk}/case-qr/")
    expect(page.get_by_role("heading", level=1)).to_have_text("联络站码")
    expect(page.locator("svg.case-qr-code")).to_be_visible()
    _check(page)
    shot(page, "station-qr-code")

    page.goto(f"/cases/new/?station={station.pk}")
    expect(page.get_by_role("heading", level=1)).to_have_text("有事找代表：提交诉求")
    expect(page.locator(".where-box")).to_contain_text(station.name)
    expect(page.locator(".privacy-notice")).to_contain_text("个人信息告知")
    _check(page)
    shot(page, "request-form")

    # Choosing a category asks for similar open cases (none yet at 千峰).
    page.get_by_role("radio", name=re.compile(r"住房物业")).check()
    expect(page.locator("#similar-cases")).to_contain_text("附近暂时没有类似的诉求")

    # Forgot the description: the error is next to the field, in Chinese; nothing is filed.
    page.get_by_label("手机号（选填）").fill("１３５ ０００ ０１２３４")
    page.get_by_role("button", name="提交诉求").tap()
    expect(page.locator(".field-error")).to_contain_text("请写下您要反映的事情")
    assert Case.objects.count() == 0
    _check(page)
    shot(page, "request-form-error")

    page.get_by_label("具体情况").fill("千峰南路3号楼楼道窗户破了，冬天漏风，老人上下楼很冷。")
    page.get_by_label("地点").fill("千峰南路3号楼2单元")
    page.get_by_label("手机号（选填）").fill(RESIDENT_PHONE)
    page.get_by_label("同意向承办部门提供我的姓名和电话").check()
    page.get_by_role("button", name="提交诉求").tap()
    expect(page.get_by_role("heading", level=1)).to_have_text("提交成功")
    code = page.locator("dd.case-code").inner_text().strip()
    secret = page.locator("dd.case-secret").inner_text().strip()
    assert re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{2}", code)
    assert re.fullmatch(r"\d{6}", secret)
    assert secret not in page.url and code not in page.url
    expect(page.locator("main")).not_to_contain_text(RESIDENT_PHONE)
    _check(page)
    shot(page, "submitted-code-and-secret")
    case = Case.objects.get(tracking_code=code)
    assert case.consent and case.station == station

    page.get_by_role("link", name="查询进度").tap()
    page.wait_for_url(re.compile(r"/track/$"))
    page.get_by_label("查询码").fill(code.lower().replace("-", ""))
    page.get_by_label("查询密码").fill(secret)
    page.get_by_role("button", name="查询").tap()
    page.wait_for_url(re.compile(rf"/track/{case.pk}/$"))
    expect(page.locator(".case-status")).to_contain_text("待受理")
    expect(page.locator(".timeline")).to_contain_text("提交诉求")
    expect(page.locator("main")).to_contain_text("135****1234")
    expect(page.locator("main")).not_to_contain_text(RESIDENT_PHONE)
    _check(page)
    shot(page, "tracked-submitted")

    _staff_handle(world, case)
    page.reload()
    expect(page.locator(".case-status")).to_contain_text("已答复")
    expect(page.locator("main")).to_contain_text("住建局已更换3号楼楼道窗户")
    expect(page.locator(".timeline")).to_contain_text("交办部门")
    expect(page.get_by_role("heading", name="评价答复")).to_be_visible()
    _check(page)
    shot(page, "tracked-answered")

    page.get_by_label("不满意").check()
    page.get_by_label("评价意见").fill("只换了一扇窗户，其他的还漏风。")
    page.get_by_role("button", name="提交评价").tap()
    expect(page.locator(".alert")).to_contain_text("重新办理")
    expect(page.locator(".case-status")).to_contain_text("重新办理")
    expect(page.locator(".case-status")).to_contain_text("督办中")
    _check(page)
    shot(page, "tracked-reopened")
    case.refresh_from_db()
    assert case.status == CaseStatus.REOPENED and case.is_escalated

    assert_no_csp_violations(page)
    # The form answer of the missing description (422) is the only failed load.
    assert_no_console_errors(page, ignore=("status of 422 (Unprocessable Entity) [http",))
