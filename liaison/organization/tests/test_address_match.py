"""Address recognition: the deepest region named in a text, consistent with the hierarchy."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import given
from hypothesis import strategies as st

from liaison.organization import selectors
from liaison.organization.models import Region
from liaison.organization.selectors import region_index_clear, region_match_address, short_region_name
from liaison.organization.services import regions_load_gbt2260


@pytest.fixture(autouse=True)
def _fresh_index() -> Iterator[None]:
    # Rolled-back test transactions send no signal: each test starts from an empty index.
    region_index_clear()
    yield
    region_index_clear()


def _township(code: str, name: str, county_code: str) -> Region:
    return Region.objects.create(code=code, name=name, tier="township", parent=Region.objects.get(code=county_code))


@pytest.fixture
def china(db: None) -> None:
    """The national list (provinces, cities, counties) and a few townships."""
    regions_load_gbt2260()
    _township("440304001", "华富街道", "440304")  # 深圳市福田区
    _township("440304002", "福田街道", "440304")  # a township named after its district
    _township("360424103", "福田镇", "360424")  # and a namesake far away
    _township("140109001", "千峰街道", "140109")  # 太原市万柏林区
    _township("140109002", "兴华街道", "140109")
    _township("360424100", "义宁镇", "360424")  # 九江市修水县
    region_index_clear()


def test_short_names_drop_the_administrative_suffix() -> None:
    assert short_region_name("福田区") == "福田"
    assert short_region_name("华富街道") == "华富"
    assert short_region_name("浦东新区") == "浦东"
    assert short_region_name("黔东南苗族侗族自治州") == "黔东南"
    assert short_region_name("新疆维吾尔自治区") == "新疆"
    assert short_region_name("广西壮族自治区") == "广西"
    assert short_region_name("城区") == "", "one character is no name"


# (text, code of the region it names); one test, since loading the national list costs a second.
RECOGNISED = [
    ("深圳市福田区华富街道", "440304001"),
    ("广东省深圳市福田区华富街道莲花一村3栋", "440304001"),
    ("福田 华富", "440304001"),
    ("华富", "440304001"),
    ("广东省福田区", "440304"),
    ("福田区", "440304"),
    ("太原市万柏林区千峰南路1号", "140109001"),
    ("山西省太原市", "140100"),
    ("万柏林区", "140109"),
    ("北京朝阳区", "110105"),
    ("长春市朝阳区", "220104"),
    ("黔东南", "522600"),
    ("江西修水义宁镇", "360424100"),
    ("\uff08深圳\uff09\uff0c福田区\u3000华富街道", "440304001"),
]


def test_the_deepest_consistent_region_is_recognised(china: None) -> None:
    for text, code in RECOGNISED:
        match = region_match_address(text)
        assert match.region is not None, (text, match.choices)
        assert match.region.code == code, (text, match.region.name)


def test_a_township_under_another_county_is_not_matched(china: None) -> None:
    match = region_match_address("修水县千峰街道")
    assert match.region is not None
    assert match.region.code == "360424", "修水县 is recognised, its missing 千峰街道 is not invented"
    assert region_match_address("万柏林区义宁镇").region.code == "140109"  # type: ignore[union-attr]


def test_an_ambiguous_name_offers_choices_with_their_full_names(china: None) -> None:
    match = region_match_address("朝阳区")
    assert match.region is None
    codes = [r.code for r in match.choices]
    assert "110105" in codes and "220104" in codes
    assert match.labels["110105"] == "北京市 朝阳区" or match.labels["110105"].startswith("北京市")
    assert match.labels["220104"] == "吉林省 长春市 朝阳区"
    assert len(match.choices) <= selectors.MAX_CHOICES


def test_a_name_names_the_larger_of_nested_namesakes(china: None) -> None:
    assert region_match_address("深圳福田").region.code == "440304"  # type: ignore[union-attr]
    assert region_match_address("深圳市福田区福田街道").region.code == "440304002"  # type: ignore[union-attr]
    choices = region_match_address("福田").choices
    assert [r.code for r in choices] == ["440304", "360424103"], "the district first, its own 福田街道 folded in"


def test_garbage_matches_nothing_and_never_raises(china: None) -> None:
    for text in ("", " ", "!!!@@@###", "a", "\x00\x01\x02\u202e\ufeff", "的" * 10_000, "\ud800"):
        match = region_match_address(text)
        assert match.region is None and not match.choices, text


def test_a_long_text_is_cut_not_rejected(china: None) -> None:
    assert region_match_address("华富街道" + "x" * 10_000).region is not None


def test_a_search_costs_no_query_once_the_index_is_built(china: None) -> None:
    region_match_address("福田区")
    with CaptureQueriesContext(connection) as queries:
        for text in ("深圳市福田区华富街道", "朝阳区", "千峰", "no region here"):
            region_match_address(text)
    assert len(queries) == 0


def test_a_renamed_region_is_found_at_once(china: None) -> None:
    assert region_match_address("千峰").region is not None
    qf = Region.objects.get(code="140109001")
    qf.name = "玉河街道"
    qf.save()  # post_save drops the index in this process
    assert region_match_address("千峰").region is None
    assert region_match_address("玉河").region.code == "140109001"  # type: ignore[union-attr]


def test_bulk_writes_are_caught_by_the_fingerprint(china: None, monkeypatch: pytest.MonkeyPatch) -> None:
    before = region_match_address("滨湖新街道").region
    assert before is None or before.code != "140109009"
    county = Region.objects.get(code="140109")
    Region.objects.bulk_create([Region(code="140109009", name="滨湖新街道", tier="township", parent=county)])
    monkeypatch.setattr(selectors, "INDEX_CHECK_SECONDS", 0.0)
    match = region_match_address("滨湖新街道")
    assert match.region is not None and match.region.code == "140109009"


@given(text=st.text(max_size=300))
def test_any_text_never_raises(china: None, text: str) -> None:
    match = region_match_address(text)
    assert match.region is None or not match.choices
