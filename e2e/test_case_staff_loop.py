"""The back office works a resident's request through the case detail page: the 千峰 officer
accepts a submitted case, assigns the deputy and refers it to 住建局; the department replies
(through the services here: its workspace has its own journey); the deputy, on his phone,
reviews the reply and answers the resident."""

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
from liaison.cases.models import Case, Referral
from liaison.testing.case_world import build_case_world
from liaison.testing.personas import RESIDENT_PHONE, World

PASSWORD = "Qianfeng-office-2026"


def log_in(page: Page, world: World, persona: str, next_url: str) -> None:
    user = world.users[persona]
    assert user is not None
    user.set_password(PASSWORD)
    user.save()
    page.goto(f"/accounts/login/?next={next_url}")
    page.get_by_label("用户名").fill(user.username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录", exact=True).click()
    expect(page).to_have_url(re.compile(re.escape(next_url) + "$"))


@pytest.mark.e2e
def test_the_office_refers_a_case_and_the_deputy_answers_the_department_reply(
    desktop_page: Page, phone_page: Page, world: World
) -> None:
    build_case_world(world)
    case = world.cases["qianfeng_new"]
    detail = f"/manage/cases/{case.pk}/"

    # The officer opens the submitted case.
    page = desktop_page
    log_in(page, world, "officer", detail)
    expect(page.get_by_role("heading", level=1)).to_contain_text("加装电梯")
    expect(page.locator("#case-status")).to_have_text("待受理")
    expect(page.locator("#routing")).to_contain_text("张海生")
    assert_accessible(page)
    shot(page, "officer-opens-submitted-case")

    # Accept.
    page.locator("#action-accept summary").click()
    page.get_by_label("受理意见（选填）").fill("属于联络站受理范围")
    page.locator("#action-accept").get_by_role("button", name="受理").click()
    expect(page.get_by_role("status")).to_contain_text("已受理")
    expect(page.locator("#case-status")).to_have_text("已受理")
    shot(page, "accepted")

    # Assign the deputy at the station (suggested first).
    page.locator("#action-assign summary").click()
    page.get_by_label("承办代表").select_option(label="张海生（推荐）")
    page.locator("#action-assign").get_by_role("button", name="分派").click()
    expect(page.get_by_role("status")).to_contain_text("已分派给张海生代表")
    shot(page, "assigned")

    # A bad deadline stays on the page with the error next to the field.
    page.locator("#action-refer summary").click()
    refer = page.locator("#action-refer")
    refer.get_by_label("承办部门").select_option(label="万柏林区住房和城乡建设局")
    refer.get_by_label("办理时限（工作日）").fill("0")
    refer.get_by_role("button", name="交办").click()
    expect(page.locator("#action-refer .invalid-feedback")).to_contain_text("1 到 60 个工作日")
    assert_accessible(page)
    shot(page, "refer-error")

    # Refer to 住建局 with the category's deadline.
    refer = page.locator("#action-refer")
    refer.get_by_label("承办部门").select_option(label="万柏林区住房和城乡建设局")
    refer.get_by_label("办理时限（工作日）").fill("10")
    refer.get_by_label("交办意见（选填）").fill("请核实后答复")
    refer.get_by_role("button", name="交办").click()
    expect(page.get_by_role("status")).to_contain_text("已交办万柏林区住房和城乡建设局")
    expect(page.locator("#case-status")).to_have_text("已交办部门")
    expect(page.locator("#referrals-heading")).to_be_visible()
    expect(page.get_by_text("剩余 10 个工作日").first).to_be_visible()
    assert_accessible(page)
    assert_no_csp_violations(page)
    assert_no_console_errors(page, ignore=("422 (Unprocessable",))  # the refused deadline above
    shot(page, "referred")

    # 住建局 signs for it and replies (its own workspace is another journey).
    handler = jurisdiction_for(world.users["handler"])
    referral = Referral.objects.get(case=case)
    referral = services.referral_accept(actor=handler, referral=referral)
    services.referral_reply(actor=handler, referral=referral, reply="经核实，小区符合加装电梯条件，已告知申请流程。")

    # The deputy, on his phone, reviews the reply and answers the resident.
    phone = phone_page
    log_in(phone, world, "deputy", detail)
    expect(phone.locator("#case-status")).to_have_text("部门已答复")
    assert RESIDENT_PHONE not in phone.content()
    phone.locator("#action-answer summary").click()
    answer = phone.get_by_label("答复群众")
    expect(answer).to_have_value(re.compile("符合加装电梯条件"))
    assert_fits_viewport(phone)
    assert_touch_targets(phone)
    assert_accessible(phone)
    shot(phone, "deputy-reviews-reply")
    answer.fill("您好，经住建局核实，您所在小区符合加装电梯条件，请到社区居委会领取申请表。")
    phone.locator("#action-answer").get_by_role("button", name="答复群众").click()
    expect(phone.get_by_role("status")).to_contain_text("已答复群众")
    expect(phone.locator("#case-status")).to_have_text("已答复")
    expect(phone.locator("#timeline")).to_contain_text("答复群众")
    assert_fits_viewport(phone)
    assert_no_csp_violations(phone)
    assert_no_console_errors(phone)
    shot(phone, "deputy-answered")

    assert Case.objects.get(pk=case.pk).status == CaseStatus.ANSWERED
