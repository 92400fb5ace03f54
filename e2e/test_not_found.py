"""A resident who followed a dead link lands on a 404 page that leads them home."""

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
from liaison.testing.personas import World


@pytest.mark.e2e
def test_unknown_address_offers_the_way_home(phone_page: Page, world: World) -> None:
    page = phone_page
    response = page.goto("/zhan/qianfeng-old-link/")
    assert response is not None and response.status == 404
    expect(page).to_have_title(re.compile("没有找到这个页面"))
    expect(page.get_by_role("heading", level=1)).to_have_text("没有找到这个页面")
    home = page.get_by_role("link", name=re.compile("回到首页"))
    expect(home).to_be_visible()
    assert "Traceback" not in page.content()
    assert_fits_viewport(page)
    assert_touch_targets(page)
    assert_accessible(page)
    shot(page, "not-found")

    home.tap()
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("有事找代表")
    expect(page.locator(".station-list")).to_contain_text("千峰街道人大代表联络站")
    shot(page, "home")
    assert_no_csp_violations(page)
    assert_no_console_errors(page, ignore=("/zhan/qianfeng-old-link/",))  # the 404 itself is logged
