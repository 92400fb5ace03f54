"""A resident on a phone finds the liaison station of their street, in large-text mode."""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from e2e.helpers import (
    PHONE,
    assert_accessible,
    assert_fits_viewport,
    assert_no_console_errors,
    assert_no_csp_violations,
    assert_touch_targets,
    choose_region,
    console_log,
    shot,
)
from liaison.demo.data import QIANFENG_POSITION
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

    choose_region(page, "山西省", "太原市", "万柏林区", "千峰街道")
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
    # The main content starts with the two things residents come for, then the search box.
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="有事找代表：提交诉求")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="查询办理进度")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_label("输入地址或代表姓名")).to_be_focused()


@pytest.mark.e2e
def test_resident_finds_qianfengs_station_and_a_deputy_by_address_and_by_name(phone_page: Page, world: World) -> None:
    """375 px, large-text mode: an address containing 千峰 finds the station on the sketch and in the list."""
    station = world.stations["qianfeng"]
    station.latitude, station.longitude = (Decimal(v) for v in QIANFENG_POSITION)
    station.save()
    deputy = world.deputies["qianfeng"]
    page = phone_page
    page.goto("/")
    page.get_by_role("button", name="大字模式").tap()
    expect(page.locator("html")).to_have_class(re.compile(r"\blarge-text\b"))

    page.get_by_label("输入地址或代表姓名").fill("太原市万柏林区千峰南路1号")
    page.get_by_role("button", name="搜索", exact=True).tap()
    page.wait_for_url(re.compile(r"[?&]q="))
    expect(page.get_by_role("status")).to_have_text("已为您找到地区：山西省 太原市 万柏林区 千峰街道")
    expect(page.get_by_label("输入地址或代表姓名")).to_have_value("太原市万柏林区千峰南路1号")
    sketch = page.get_by_role("group", name="站点位置示意图")
    marker = sketch.get_by_role("link", name="位置1：千峰街道人大代表联络站")
    expect(marker).to_be_visible()
    stations = page.locator(".station-list")
    expect(stations).to_contain_text("千峰街道人大代表联络站")
    expect(stations).to_contain_text("千峰南社区联络点")
    expect(page.locator(".unplaced-stations")).to_contain_text("位置待补充：千峰南社区联络点")
    expect(stations).not_to_contain_text("兴华街道人大代表联络站")
    box = page.locator(".station-map svg").bounding_box()
    assert box is not None and box["width"] <= 375
    marker_box = marker.bounding_box()
    assert marker_box is not None and marker_box["width"] >= 44 and marker_box["height"] >= 44
    assert css_px(page, "body", "font-size") >= 20
    assert_fits_viewport(page)
    assert_touch_targets(page, 48)
    assert_accessible(page)
    shot(page, "address-recognised-qianfeng")

    marker.tap()
    page.wait_for_url(re.compile(rf"/stations/{station.pk}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("千峰街道人大代表联络站")
    assert_fits_viewport(page)
    assert_accessible(page)
    shot(page, "station-from-the-sketch")
    page.locator(".deputy-list").get_by_role("link", name="张海生").tap()
    page.wait_for_url(re.compile(rf"/deputies/{deputy.pk}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("张海生")
    assert_accessible(page)
    shot(page, "deputy-from-the-station")

    page.goto("/")
    page.get_by_label("输入地址或代表姓名").fill("zhs")
    page.get_by_role("button", name="搜索", exact=True).tap()
    page.wait_for_url(re.compile(r"[?&]q=zhs\b"))
    results = page.locator(".deputy-results")
    expect(results).to_contain_text("张海生")
    expect(results).to_contain_text("县级人大代表")
    expect(results).to_contain_text("千峰街道人大代表联络站")
    expect(page.locator("main")).not_to_contain_text("13912345678")
    assert_fits_viewport(page)
    assert_touch_targets(page, 48)
    assert_accessible(page)
    shot(page, "deputy-found-by-initials")

    page.get_by_label("输入地址或代表姓名").fill("张海生")
    page.get_by_role("button", name="搜索", exact=True).tap()
    page.wait_for_url(re.compile(r"[?&]q=%E5%BC%A0"))
    results.get_by_role("link", name="张海生").tap()
    page.wait_for_url(re.compile(rf"/deputies/{deputy.pk}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("张海生")

    page.goto("/?q=" + "修水县千峰街道")
    expect(page.get_by_role("status")).to_have_text("已为您找到地区：江西省 九江市 修水县")
    expect(page.locator(".station-list")).not_to_contain_text("千峰街道人大代表联络站")
    xinghua = world.stations["xinghua"]
    xinghua.latitude, xinghua.longitude = Decimal("37.853000"), Decimal("112.498000")
    xinghua.save()
    page.goto("/?q=" + "万柏林")
    expect(page.get_by_role("status")).to_have_text("已为您找到地区：山西省 太原市 万柏林区")
    expect(page.locator(".station-map a")).to_have_count(2)
    expect(sketch.get_by_role("link", name="兴华街道人大代表联络站")).to_be_visible()
    assert_fits_viewport(page)
    assert_accessible(page)
    shot(page, "county-sketch")
    page.goto("/?q=" + "%21%40%23%24")
    expect(page.get_by_role("status")).to_contain_text("没有找到")
    expect(page.get_by_label("选择您所在的地区")).to_be_visible()
    assert_fits_viewport(page)
    assert_accessible(page)
    shot(page, "nothing-found")
    assert_no_csp_violations(page)
    assert_no_console_errors(page)
