"""Switching the language on any page: English and Traditional Chinese, then back to Simplified."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from e2e.helpers import assert_accessible, assert_fits_viewport, assert_no_console_errors, shot
from liaison.testing.personas import World


def switch_language(page: Page, label: str) -> None:
    """Pick a language by its own name and press the form's button (its label is translated too)."""
    page.locator("#language-select").select_option(label=label)
    with page.expect_navigation():
        page.locator("form:has(#language-select) button[type=submit]").tap()


@pytest.mark.e2e
def test_language_switch_keeps_the_page_and_changes_its_language(phone_page: Page, world: World) -> None:
    page = phone_page
    page.goto("/?region=140109001")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text("有事找代表")
    shot(page, "zh-hans")

    switch_language(page, "English")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert page.url.endswith("/?region=140109001"), page.url  # back on the same page, same region
    expect(page.locator("#language-select")).to_have_value("en")
    expect(page.locator(".station-list")).to_contain_text("千峰街道人大代表联络站")  # data stays as entered
    expect(heading).to_have_text("Talk to your deputy")
    expect(page.get_by_role("button", name="Find stations")).to_be_visible()
    expect(page.get_by_label("Language", exact=True)).to_have_value("en")
    assert_fits_viewport(page)
    assert_accessible(page)
    shot(page, "en")

    page.reload()
    expect(page.locator("html")).to_have_attribute("lang", "en")  # remembered (language cookie)

    switch_language(page, "繁體中文")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hant")
    expect(page.get_by_role("button", name="查找站點")).to_be_visible()
    expect(page.get_by_label("語言", exact=True)).to_have_value("zh-hant")
    assert_fits_viewport(page)
    shot(page, "zh-hant")

    switch_language(page, "简体中文")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(heading).to_have_text("有事找代表")
    expect(page.get_by_role("button", name="查找站点")).to_be_visible()
    shot(page, "back-to-zh-hans")
    assert_no_console_errors(page)
