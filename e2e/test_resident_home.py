"""A resident on a phone finds the liaison station of their street, in large-text mode."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from e2e.helpers import (
    PHONE,
    assert_accessible,
    assert_fits_viewport,
    assert_no_console_errors,
    assert_no_csp_violations,
    assert_touch_targets,
    console_log,
    shot,
)
from liaison.testing.personas import World


def css_px(page: Page, selector: str, prop: str) -> float:
    value = page.eval_on_selector(selector, "(el, prop) => getComputedStyle(el).getPropertyValue(prop)", prop)
    return float(value.removesuffix("px"))


@pytest.mark.e2e
def test_resident_finds_station_in_large_text_mode(phone_page: Page, world: World) -> None:
    page = phone_page
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.get_by_role("heading", level=1)).to_have_text("有事找代表")
    assert_fits_viewport(page)
    assert_touch_targets(page)
    assert_accessible(page)
    shot(page, "home")

    toggle = page.get_by_role("button", name="大字模式")
    expect(toggle).to_have_attribute("aria-pressed", "false")
    normal_size = css_px(page, "body", "font-size")
    toggle.tap()
    expect(toggle).to_have_attribute("aria-pressed", "true")
    expect(page.locator("html")).to_have_class(re.compile(r"\blarge-text\b"))
    assert css_px(page, "body", "font-size") >= 20 > normal_size
    assert_fits_viewport(page)
    shot(page, "large-text-on")

    page.get_by_label("选择您所在的地区").select_option(label="千峰街道")
    page.get_by_role("button", name="查找站点").tap()
    page.wait_for_url(re.compile(r"[?&]region=140109001\b"))
    stations = page.locator(".station-list")
    expect(stations).to_contain_text("千峰街道人大代表联络站")
    expect(stations).not_to_contain_text("兴华街道人大代表联络站")
    expect(stations).not_to_contain_text("人大代表之家(筹)")  # unpublished
    expect(page.get_by_role("heading", level=2)).to_have_text("千峰街道的站点")
    expect(page.get_by_label("选择您所在的地区")).to_have_value("140109001")
    shot(page, "qianfeng-stations")

    page.reload()
    expect(page.locator("html")).to_have_class(re.compile(r"\blarge-text\b"))
    expect(page.get_by_role("button", name="大字模式")).to_have_attribute("aria-pressed", "true")
    assert css_px(page, "body", "font-size") >= 20
    assert_touch_targets(page, 48)
    assert_fits_viewport(page)
    assert_accessible(page)
    shot(page, "after-reload")
    assert_no_csp_violations(page)
    assert_no_console_errors(page)


@pytest.mark.e2e
def test_home_page_keeps_its_csp_and_large_text_works(new_context: Callable[..., BrowserContext]) -> None:
    """Our scripts are static files, so the strict CSP (script-src 'self', no inline) breaks nothing."""
    context = new_context(**PHONE)  # no bypass_csp
    page = context.new_page()
    log = console_log(page)
    response = page.goto("/")
    assert response is not None and response.ok
    csp = response.headers.get("content-security-policy", "")
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp, csp

    page.get_by_role("button", name="大字模式").tap()
    expect(page.locator("html")).to_have_class(re.compile(r"\blarge-text\b"))
    page.reload()
    expect(page.locator("html")).to_have_class(re.compile(r"\blarge-text\b"))
    page.get_by_role("button", name="大字模式").tap()
    expect(page.locator("html")).not_to_have_class(re.compile(r"\blarge-text\b"))
    expect(page.get_by_role("button", name="大字模式")).to_have_attribute("aria-pressed", "false")
    shot(page, "large-text-off-again")
    assert not log.csp_violations, log.csp_violations
    assert not log.errors, log.errors


@pytest.mark.e2e
def test_keyboard_user_skips_to_the_content(desktop_page: Page, world: World) -> None:
    """The first Tab shows the skip link; following it puts the focus on the main content."""
    page = desktop_page
    page.goto("/")
    skip = page.get_by_role("link", name="跳到正文")
    page.keyboard.press("Tab")
    expect(skip).to_be_focused()
    box = skip.bounding_box()
    assert box is not None and box["width"] > 1 and box["height"] > 1, "the focused skip link is not visible"
    shot(page, "skip-link-focused", full_page=False)
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_label("选择您所在的地区")).to_be_focused()
