"""A department handler signs for a referral and replies on a desktop; the deputy, on a 375-px
phone, finds the case waiting for his answer, reviews the department's reply and answers the
resident (the two-hop reply)."""

from __future__ import annotations

import importlib
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
from liaison.cases.choices import CaseStatus, ReferralStatus
from liaison.cases.models import Case, Referral
from liaison.testing.case_world import build_case_world
from liaison.testing.personas import RESIDENT_PHONE, World


def signed_in(
    new_context: Callable[..., BrowserContext], live_server: LiveServer, user: object, **options: object
) -> Page:
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")  # type: ignore[arg-type]
    context = new_context(**options)
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])
    return context.new_page()


def with_cases(world: World) -> World:
    """The case world; the category taxonomy comes from a data migration, which the flush
    between transactional tests removes, so it is put back first."""
    from django.apps import apps

    seed = importlib.import_module("liaison.cases.migrations.0002_categories_and_trigram")
    seed.add_categories(apps, None)
    return build_case_world(world)


def no_full_phone(page: Page) -> None:
    assert RESIDENT_PHONE not in page.content()


@pytest.mark.e2e
def test_handler_signs_for_and_replies_then_the_deputy_answers_on_a_phone(
    new_context: Callable[..., BrowserContext], live_server: LiveServer, world: World
) -> None:
    with_cases(world)
    case = world.cases["qianfeng"]
    referral = world.referrals["qianfeng"]

    desk = signed_in(new_context, live_server, world.users["handler"], **DESKTOP)
    desk.goto("/manage/referrals/")
    expect(desk.get_by_role("heading", level=1)).to_have_text("交办件")
    row = desk.locator(f"#referral-{referral.pk}")
    expect(row).to_contain_text(case.tracking_code)
    expect(row).to_contain_text("待签收")
    expect(row).to_contain_text(re.compile(r"剩余 \d+ 个工作日"))
    expect(desk.locator("#referral-queue")).not_to_contain_text(world.cases["qianfeng_urban"].tracking_code)
    no_full_phone(desk)
    assert_accessible(desk)
    shot(desk, "queue")

    row.get_by_role("link", name=case.tracking_code).click()
    expect(desk.get_by_role("heading", level=1)).to_have_text(case.title)
    expect(desk.get_by_text("135****1234")).to_be_visible()
    no_full_phone(desk)
    assert_accessible(desk)
    shot(desk, "referral-pending")
    desk.locator("summary", has_text="查看完整联系方式").click()
    desk.get_by_label("查看理由").fill("电话联系核实是哪一层的窗户")
    desk.get_by_role("button", name="查看", exact=True).click()
    expect(desk.locator(".resident-revealed")).to_contain_text(RESIDENT_PHONE)
    shot(desk, "contact-revealed")
    desk.goto(f"/manage/referrals/{referral.pk}/")
    desk.get_by_role("button", name="签收", exact=True).click()
    expect(desk.get_by_role("status")).to_contain_text("已签收")
    expect(desk.locator("#referral-status")).to_have_text("办理中")

    desk.get_by_role("button", name="提交办理结果").click()
    expect(desk.get_by_role("alert").first).to_contain_text("请写明办理结果")
    shot(desk, "reply-error")
    desk.get_by_label("办理结果").fill("已于本周更换3号楼楼道全部窗户玻璃，并加装防风胶条。")
    desk.get_by_role("button", name="提交办理结果").click()
    expect(desk.get_by_role("status")).to_contain_text("办理结果已答复")
    expect(desk.locator("#referral-status")).to_have_text("已答复")
    expect(desk.get_by_text("这件交办已经办结")).to_be_visible()
    assert_accessible(desk)
    assert_no_csp_violations(desk)
    shot(desk, "referral-replied")
    assert Referral.objects.get(pk=referral.pk).status == ReferralStatus.REPLIED

    phone = signed_in(new_context, live_server, world.users["deputy"], **PHONE)
    phone.goto("/my/duties/")
    phone.get_by_role("navigation", name="我的履职").get_by_role("link", name="我的诉求").tap()
    expect(phone.get_by_role("heading", level=1)).to_have_text("我的诉求")
    expect(phone.get_by_role("status")).to_contain_text("有 1 件诉求等您答复群众")
    card = phone.locator(f"#case-{case.pk}")
    expect(card).to_contain_text("待我答复")
    expect(card).to_contain_text("部门已答复")
    assert_fits_viewport(phone)
    assert_touch_targets(phone)
    assert_accessible(phone)
    no_full_phone(phone)
    shot(phone, "my-cases")

    card.get_by_role("link", name=case.title).tap()
    expect(phone.get_by_role("heading", name="住建局的答复")).to_be_visible()
    answer = phone.get_by_label("答复内容")
    expect(answer).to_have_value("已于本周更换3号楼楼道全部窗户玻璃，并加装防风胶条。")
    assert_fits_viewport(phone)
    assert_touch_targets(phone)
    assert_accessible(phone)
    no_full_phone(phone)
    shot(phone, "case-to-answer")

    answer.fill("王大爷您好，住建局已于本周更换3号楼楼道全部窗户玻璃，请您查看，满意请评价。")
    phone.get_by_role("button", name="答复群众").first.tap()
    expect(phone.get_by_role("status")).to_contain_text("已答复群众")
    expect(phone.locator("#case-status")).to_have_text("已答复")
    expect(phone.locator(".case-timeline")).to_contain_text("答复群众")
    assert_fits_viewport(phone)
    assert_touch_targets(phone)
    assert_no_csp_violations(phone)
    shot(phone, "answered")
    assert Case.objects.get(pk=case.pk).status == CaseStatus.ANSWERED


@pytest.mark.e2e
def test_the_deputys_case_page_works_in_large_text_mode(
    new_context: Callable[..., BrowserContext], live_server: LiveServer, world: World
) -> None:
    with_cases(world)
    phone = signed_in(new_context, live_server, world.users["deputy"], **PHONE)
    phone.goto(f"/my/cases/{world.cases['qianfeng'].pk}/")
    phone.get_by_role("button", name="大字模式").tap()
    expect(phone.locator("html")).to_have_class(re.compile(r"\blarge-text\b"))
    phone.locator("summary", has_text="记录三方会商").tap()
    expect(phone.get_by_label("会商结果")).to_be_visible()
    assert_fits_viewport(phone)
    assert_touch_targets(phone, 48)
    assert_accessible(phone)
    shot(phone, "case-large-text-meeting")
    phone.get_by_role("button", name="保存会商记录").tap()
    expect(phone.get_by_role("alert").first).to_be_visible()
    expect(phone.locator(".action-meeting")).to_have_attribute("open", "")
    assert_fits_viewport(phone)
    shot(phone, "meeting-errors")
    assert_no_csp_violations(phone)
