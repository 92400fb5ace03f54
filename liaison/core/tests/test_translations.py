"""Translation catalogs: complete, compiled, and actually used by the pages and the API.

The source language is Simplified Chinese; `make messages` regenerates the zh_Hant and en
catalogs. These tests fail when a catalog has an untranslated or fuzzy entry, when a
translation drops or changes a placeholder, or when the committed .mo is stale.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import polib
import pytest
from django.test import Client

from liaison.testing.personas import World

ROOT = Path(__file__).resolve().parents[3]
LOCALES = ["zh_Hant", "en"]

# Python-format placeholders: %(name)s, %(n)d, %s, %d, %.2f, %% …
PLACEHOLDER = re.compile(r"%(?:\(\w+\))?[-#0 +]*(?:\d+|\*)?(?:\.\d+)?[diouxXeEfFgGcrsa%]")
HAN = re.compile(r"[\u3400-\u9fff]")
# Characters that exist only in Simplified Chinese: none of them belongs in a zh_Hant msgstr.
SIMPLIFIED_ONLY = set(
    "这们为时进对过区点联络选网门页务员码号户设请该没误账单级组织与东国见说话读书长问间开关应经统计历发认证让边达运还个无电态现删导执条处报权辖属隶届"
)


def _catalog(locale: str) -> polib.POFile:
    return polib.pofile(str(ROOT / "locale" / locale / "LC_MESSAGES" / "django.po"))


def _live_entries(locale: str) -> list[polib.POEntry]:
    return [e for e in _catalog(locale) if not e.obsolete]


def _translations(entry: polib.POEntry) -> list[str]:
    if entry.msgid_plural:
        return [entry.msgstr_plural[k] for k in sorted(entry.msgstr_plural)]
    return [entry.msgstr]


@pytest.mark.parametrize("locale", LOCALES)
def test_the_catalog_has_entries_and_a_clean_header(locale: str) -> None:
    po = _catalog(locale)
    assert len(_live_entries(locale)) > 100, "run `make messages`: the catalog looks empty"
    assert not po.metadata_is_fuzzy, "the header is still marked fuzzy"
    assert po.metadata.get("Language") == locale
    assert "charset=UTF-8" in po.metadata.get("Content-Type", "")


@pytest.mark.parametrize("locale", LOCALES)
def test_every_entry_is_translated_and_none_is_fuzzy(locale: str) -> None:
    entries = _live_entries(locale)
    untranslated = [e.msgid for e in entries if not all(t.strip() for t in _translations(e))]
    fuzzy = [e.msgid for e in entries if "fuzzy" in e.flags]
    assert untranslated == [], f"{locale}: translate these entries"
    assert fuzzy == [], f"{locale}: check these fuzzy entries and remove the flag"


@pytest.mark.parametrize("locale", LOCALES)
def test_translations_keep_every_placeholder(locale: str) -> None:
    wrong = []
    for entry in _live_entries(locale):
        if "python-format" not in entry.flags and not PLACEHOLDER.search(entry.msgid):
            continue
        expected = Counter(PLACEHOLDER.findall(entry.msgid))
        for text in _translations(entry):
            if Counter(PLACEHOLDER.findall(text)) != expected:
                wrong.append((entry.msgid, text))
    assert wrong == []


def test_english_translations_contain_no_chinese() -> None:
    leftovers = [(e.msgid, e.msgstr) for e in _live_entries("en") if HAN.search(e.msgstr)]
    assert leftovers == []


def test_traditional_chinese_translations_use_no_simplified_characters() -> None:
    leftovers = [
        (e.msgid, e.msgstr, sorted(set(e.msgstr) & SIMPLIFIED_ONLY))
        for e in _live_entries("zh_Hant")
        if set(e.msgstr) & SIMPLIFIED_ONLY
    ]
    assert leftovers == []


@pytest.mark.parametrize("locale", LOCALES)
def test_the_compiled_catalog_matches_the_source_catalog(locale: str) -> None:
    mo_path = ROOT / "locale" / locale / "LC_MESSAGES" / "django.mo"
    assert mo_path.exists(), "run `make messages` (compilemessages) and commit the .mo"

    def as_dict(entries: list[polib.POEntry] | polib.MOFile) -> dict[tuple[str, str], tuple[str, ...]]:
        return {
            (e.msgctxt or "", e.msgid): tuple(_translations(e))
            for e in entries
            if e.msgid and not e.obsolete and "fuzzy" not in e.flags
        }

    compiled = as_dict(polib.mofile(str(mo_path)))
    source = as_dict(_live_entries(locale))
    assert compiled == source, "the .mo is stale: run `make messages` and commit locale/"


def test_the_home_page_speaks_english_when_asked(world: World) -> None:
    page = Client().get("/", headers={"Accept-Language": "en"}).content.decode()
    assert '<html lang="en">' in page
    assert "Talk to your deputy" in page
    assert "Choose your area" in page
    assert "People's Congress Deputy Liaison Platform" in page
    assert "选择您所在的地区" not in page


def test_the_home_page_speaks_traditional_chinese_when_asked(world: World) -> None:
    page = Client().get("/", headers={"Accept-Language": "zh-Hant"}).content.decode()
    assert '<html lang="zh-hant">' in page
    assert "有事找代表" in page
    assert "選擇您所在的地區" in page
    assert "选择您所在的地区" not in page


def test_the_home_page_defaults_to_simplified_chinese(world: World) -> None:
    page = Client().get("/").content.decode()
    assert "选择您所在的地区" in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("accept_language", "message"),
    [(None, "没有找到该内容。"), ("en", "Not found."), ("zh-Hant", "沒有找到該內容。")],
)
def test_api_errors_follow_accept_language(accept_language: str | None, message: str) -> None:
    headers = {"Accept-Language": accept_language} if accept_language else {}
    response = Client().get("/api/v1/stations/999999", headers=headers)
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert response.json()["message"] == message
