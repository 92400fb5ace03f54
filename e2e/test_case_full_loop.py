"""The whole loop of one request, through the pages only (件件有回音): a resident on a 375-px phone
files a request at 千峰 and keeps the code and secret; the 千峰 officer accepts it, assigns the
deputy and refers it to 住建局; the department's handler signs for it and replies; the deputy, on
his phone, answers the resident; the resident rates the answer "不满意", which reopens the case
and escalates it (督办); the officer answers again on the spot; the resident rates "满意" and the
case is closed. The resident's full phone number never shows on any page of the journey."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from e2e.helpers import (
    DESKTOP,
    PHONE,
    assert_accessible,
    assert_fits_viewport,
    assert_no_csp_violations,
    assert_touch_targets,
    console_log,
    shot,
)
from e2e.test_case_staff_loop import log_in
from liaison.cases.choices import CaseStatus, Rating, ReferralStatus
from liaison.cases.models import Case, Referral
from liaison.testing.personas import RESIDENT_PHONE, World

DESCRIPTION = "千峰南路3号楼楼道窗户玻璃碎了，冬天漏风，老人上下楼很冷，希望尽快修好。"
INTERNAL_NOTE = "内部：先电话联系物业核实楼层"
DEPARTMENT_REPLY = "已安排维修队更换3号楼2单元楼道窗户玻璃，并加装防风胶条。"
DEPUTY_ANSWER = "您好，住建局已更换3号楼2单元楼道的窗户玻璃，请您查看，满意请评价。"
COMPLAINT = "只换了二楼的一扇，三楼和四楼还在漏风。"
SECOND_ANSWER = "您好，我们已督促住建局把三楼、四楼的窗户也换好了，请您再看看。"


def _open(new_context: Callable[..., BrowserContext], preset: dict[str, object]) -> Page:
    page = new_context(**preset).new_page()
    console_log(page)
    return page


def _no_full_phone(page: Page) -> None:
    assert RESIDENT_PHONE not in page.content(), f"the full phone number shows on {page.url}"


def _public_step(page: Page, name: str) -> None:
    """A resident's page: one column at 375 px, large enough targets, accessible, no full phone."""
    _no_full_phone(page)
    assert_fits_viewport(page)
    assert_touch_targets(page)
    assert_accessible(page)
    shot(page, name)


def _staff_step(page: Page, name: str, *, phone: bool = False) -> None:
    _no_full_phone(page)
    if phone:
        assert_fits_viewport(page)
    shot(page, name)


@pytest.mark.e2e
def test_a_request_goes_round_the_whole_loop_through_the_pages(
    new_context: Callable[..., BrowserContext], world: World
) -> None:
    station = world.stations["qianfeng"]
    housing = world.departments["housing"]

    # 1. The resident, on a phone, files the request from the 联络站码 link.
    resident = _open(new_context, PHONE)
    resident.goto(f"/cases/new/?station={station.pk}")
    expect(resident.get_by_role("heading", level=1)).to_have_text("有事找代表：提交诉求")
    expect(resident.locator(".where-box")).to_contain_text(station.name)
    expect(resident.locator(".privacy-notice")).to_contain_text("个人信息告知")
    _public_step(resident, "resident-form")
    resident.get_by_role("radio", name=re.compile(r"住房物业")).check()
    resident.get_by_label("具体情况").fill(DESCRIPTION)
    resident.get_by_label("地点").fill("千峰南路3号楼2单元")
    resident.get_by_label("手机号（选填）").fill(RESIDENT_PHONE)
    resident.get_by_label("同意向承办部门提供我的姓名和电话").check()
    resident.get_by_role("button", name="提交诉求").tap()
    expect(resident.get_by_role("heading", level=1)).to_have_text("提交成功")
    code = resident.locator("dd.case-code").inner_text().strip()
    secret = resident.locator("dd.case-secret").inner_text().strip()
    assert re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{2}", code)
    assert re.fullmatch(r"\d{6}", secret)
    assert code not in resident.url and secret not in resident.url
    _public_step(resident, "resident-submitted")
    case = Case.objects.get(tracking_code=code)
    assert case.status == CaseStatus.SUBMITTED and case.consent and case.station == station

    # 2. The officer finds it in the case list, accepts it, assigns the deputy and refers it to 住建局.
    officer = _open(new_context, DESKTOP)
    log_in(officer, world, "officer", "/manage/cases/")
    expect(officer.get_by_role("heading", level=1)).to_be_visible()
    expect(officer.locator("main")).to_contain_text(code)
    _staff_step(officer, "officer-case-list")
    officer.get_by_role("link", name=code).click()
    expect(officer).to_have_url(re.compile(rf"/manage/cases/{case.pk}/$"))
    expect(officer.locator("#case-status")).to_have_text("待受理")
    expect(officer.locator("#timeline")).to_contain_text("提交诉求")
    expect(officer.get_by_text("135****1234").first).to_be_visible()
    _staff_step(officer, "officer-case-submitted")

    officer.locator("#action-accept summary").click()
    officer.locator("#action-accept").get_by_role("button", name="受理").click()
    expect(officer.get_by_role("status")).to_contain_text("已受理")
    expect(officer.locator("#case-status")).to_have_text("已受理")

    officer.locator("#action-assign summary").click()
    officer.locator("#action-assign").get_by_label("承办代表").select_option(str(world.deputies["qianfeng"].pk))
    officer.locator("#action-assign").get_by_role("button", name="分派").click()
    expect(officer.locator("#case-status")).to_have_text("已分派代表")

    officer.locator("#action-note summary").click()
    officer.locator("#action-note").get_by_role("textbox").fill(INTERNAL_NOTE)
    officer.locator("#action-note").get_by_role("button", name="保存备注").click()
    expect(officer.locator("#timeline")).to_contain_text(INTERNAL_NOTE)

    officer.locator("#action-refer summary").click()
    refer = officer.locator("#action-refer")
    refer.get_by_label("承办部门", exact=True).select_option(str(housing.pk))
    refer.get_by_label("交办意见（选填）").fill("请核实后尽快维修")
    refer.get_by_role("button", name="交办").click()
    expect(officer.get_by_role("status")).to_contain_text("已交办")
    expect(officer.locator("#case-status")).to_have_text("已交办部门")
    for entry in ("提交诉求", "受理", "分派代表", "内部备注", "交办部门"):
        expect(officer.locator("#timeline")).to_contain_text(entry)
    assert_no_csp_violations(officer)
    _staff_step(officer, "officer-referred")
    referral = Referral.objects.get(case=case)
    assert referral.department_id == housing.pk and referral.status == ReferralStatus.PENDING

    # 3. 住建局's handler signs for the referral in the department workspace and replies.
    handler = _open(new_context, DESKTOP)
    log_in(handler, world, "handler", "/manage/referrals/")
    expect(handler.get_by_role("heading", level=1)).to_have_text("交办件")
    row = handler.locator(f"#referral-{referral.pk}")
    expect(row).to_contain_text("待签收")
    _staff_step(handler, "handler-queue")
    row.get_by_role("link", name=code).click()
    expect(handler).to_have_url(re.compile(rf"/manage/referrals/{referral.pk}/$"))
    expect(handler.locator("#referral-status")).to_have_text("待签收")
    expect(handler.get_by_text("135****1234").first).to_be_visible()  # the resident consented
    expect(handler.locator("main")).not_to_contain_text(INTERNAL_NOTE.split("：")[1])
    _staff_step(handler, "handler-referral")
    handler.get_by_role("button", name="签收", exact=True).click()
    expect(handler.get_by_role("status")).to_contain_text("已签收")
    expect(handler.locator("#referral-status")).to_have_text("办理中")
    handler.get_by_label("办理结果").fill(DEPARTMENT_REPLY)
    handler.get_by_role("button", name="提交办理结果").click()
    expect(handler.get_by_role("status")).to_contain_text("办理结果已答复")
    expect(handler.locator("#referral-status")).to_have_text("已答复")
    assert_no_csp_violations(handler)
    _staff_step(handler, "handler-replied")

    # 4. The deputy, on his phone, reviews the department's reply and answers the resident.
    deputy = _open(new_context, PHONE)
    log_in(deputy, world, "deputy", f"/my/cases/{case.pk}/")
    expect(deputy.locator("#case-status")).to_have_text("部门已答复")
    expect(deputy.locator(".department-reply")).to_contain_text(DEPARTMENT_REPLY)
    answer = deputy.get_by_label("答复内容")
    expect(answer).to_have_value(DEPARTMENT_REPLY)
    assert_touch_targets(deputy)
    _staff_step(deputy, "deputy-reviews-reply", phone=True)
    answer.fill(DEPUTY_ANSWER)
    deputy.get_by_role("button", name="答复群众").first.tap()
    expect(deputy.get_by_role("status")).to_contain_text("已答复群众")
    expect(deputy.locator("#case-status")).to_have_text("已答复")
    expect(deputy.locator(".case-timeline")).to_contain_text("答复群众")
    assert_no_csp_violations(deputy)
    _staff_step(deputy, "deputy-answered", phone=True)

    # 5. The resident looks the request up with the code and secret and is not satisfied.
    resident.goto("/track/")
    expect(resident.get_by_role("heading", level=1)).to_have_text("查询办理进度")
    _public_step(resident, "resident-track-form")
    resident.get_by_label("查询码").fill(code)
    resident.get_by_label("查询密码").fill(secret)
    resident.get_by_role("button", name="查询").tap()
    resident.wait_for_url(re.compile(rf"/track/{case.pk}/$"))
    expect(resident.locator(".case-status")).to_contain_text("已答复")
    expect(resident.locator("#answer-heading + .case-answer")).to_have_text(DEPUTY_ANSWER)
    timeline = resident.locator(".timeline")
    for entry in ("提交诉求", "受理", "交办部门", "答复群众"):
        expect(timeline).to_contain_text(entry)
    expect(resident.locator("main")).to_contain_text("135****1234")
    expect(resident.locator("main")).not_to_contain_text(INTERNAL_NOTE)
    expect(resident.locator("main")).not_to_contain_text("内部备注")
    expect(resident.get_by_role("heading", name="评价答复")).to_be_visible()
    _public_step(resident, "resident-answered")
    resident.get_by_label("不满意", exact=True).check()
    resident.get_by_label("评价意见").fill(COMPLAINT)
    resident.get_by_role("button", name="提交评价").tap()
    expect(resident.locator(".alert")).to_contain_text("重新办理")
    expect(resident.locator(".case-status")).to_contain_text("重新办理")
    expect(resident.locator(".case-status")).to_contain_text("督办中")
    expect(timeline).to_contain_text("群众评价")
    expect(timeline).to_contain_text("督办")
    _public_step(resident, "resident-reopened")
    case.refresh_from_db()
    assert case.status == CaseStatus.REOPENED and case.is_escalated and case.rating == Rating.NOT_SATISFIED

    # 6. The officer sees it reopened under supervision and answers on the spot from the detail page.
    officer.reload()
    expect(officer.locator("#case-status")).to_have_text("重新办理")
    expect(officer.locator("header").get_by_text("督办", exact=True)).to_be_visible()
    expect(officer.locator("#timeline")).to_contain_text(COMPLAINT)
    _staff_step(officer, "officer-reopened-escalated")
    officer.locator("#action-answer_on_spot summary").click()
    spot = officer.locator("#action-answer_on_spot")
    spot.get_by_label("答复内容").fill(SECOND_ANSWER)
    spot.get_by_role("button", name="答复群众").click()
    expect(officer.get_by_role("status")).to_contain_text("答复")
    expect(officer.locator("#case-status")).to_have_text("已答复")
    expect(officer.locator("#timeline")).to_contain_text("现场答复")
    assert_no_csp_violations(officer)
    _staff_step(officer, "officer-answered-on-spot")

    # 7. The resident, back on the tracked page, is satisfied: the case is closed.
    resident.reload()
    expect(resident.locator(".case-status")).to_contain_text("已答复")
    expect(resident.locator("#answer-heading + .case-answer")).to_have_text(SECOND_ANSWER)
    _public_step(resident, "resident-answered-again")
    resident.get_by_label("满意", exact=True).check()
    resident.get_by_role("button", name="提交评价").tap()
    expect(resident.locator(".case-status")).to_contain_text("已办结")
    expect(resident.locator(".case-status")).not_to_contain_text("督办中")
    expect(resident.get_by_role("heading", name="评价答复")).to_have_count(0)
    expect(timeline).to_contain_text("办结")
    _public_step(resident, "resident-closed")
    assert_no_csp_violations(resident)

    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED and case.rating == Rating.SATISFIED
    for page in (officer, handler, deputy):
        page.reload()
        _no_full_phone(page)
