"""A resident on a phone, in large-text mode, goes from the home page to a station's notice board and a deputy."""

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
    choose_region,
    shot,
)
from liaison.testing.personas import World


@pytest.mark.e2e
def test_resident_opens_a_station_and_a_deputy_in_large_text_mode(phone_page: Page, world: World) -> None:
    page = phone_page
    page.goto("/")
    page.get_by_role("button", name="大字模式").tap()
    expect(page.locator("html")).to_have_class(re.compile(r"\blarge-text\b"))
    shot(page, "home-large-text")

    choose_region(page, "山西省", "太原市", "万柏林区", "千峰街道")
    page.wait_for_url(re.compile(r"[?&]region=140109001\b"))
    shot(page, "qianfeng-stations")

    page.get_by_role("link", name="千峰街道人大代表联络站").tap()
    page.wait_for_url(re.compile(rf"/stations/{world.stations['qianfeng'].pk}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("千峰街道人大代表联络站")
    expect(page.get_by_role("heading", name="公示栏")).to_be_visible()
    expect(page.locator("main")).to_contain_text("每月双周三代表进站接待")
    expect(page.locator("main")).to_contain_text("人大代表接待选民制度")
    expect(page.locator("main")).to_contain_text("王站长")
    deputies = page.locator(".deputy-list")
    expect(deputies).to_contain_text("张海生")
    expect(deputies.get_by_role("link", name="0351-6011111")).to_have_attribute("href", "tel:0351-6011111")
    expect(page.locator("main")).not_to_contain_text("13912345678")
    assert_fits_viewport(page)
    assert_touch_targets(page, 48)
    assert_accessible(page)
    shot(page, "station-notice-board")

    deputies.get_by_role("link", name="张海生").tap()
    page.wait_for_url(re.compile(rf"/deputies/{world.deputies['qianfeng'].pk}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("张海生")
    expect(page.locator("main")).to_contain_text("县级人大代表")
    expect(page.locator("main")).to_contain_text("千峰社区居委会主任")
    expect(page.get_by_role("link", name="0351-6011111")).to_be_visible()
    expect(page.get_by_role("link", name="千峰街道人大代表联络站")).to_be_visible()
    expect(page.locator("main")).not_to_contain_text("13912345678")
    assert css_font_size(page) >= 20
    assert_fits_viewport(page)
    assert_touch_targets(page, 48)
    assert_accessible(page)
    shot(page, "deputy-page")
    assert_no_csp_violations(page)
    assert_no_console_errors(page)


def css_font_size(page: Page) -> float:
    return float(page.eval_on_selector("body", "el => getComputedStyle(el).fontSize").removesuffix("px"))
