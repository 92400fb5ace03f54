"""The region tree: GB/T 2260 import, subtree queries by path range, township codes."""

from __future__ import annotations

import pytest

from liaison.core.errors import InvalidInput
from liaison.organization.models import Region, subtree_range
from liaison.organization.services import region_create, regions_load_gbt2260


@pytest.mark.django_db
def test_the_national_tree_loads_from_the_package_once() -> None:
    created = regions_load_gbt2260()
    assert created > 3000
    assert regions_load_gbt2260() == 0, "idempotent"
    wbl = Region.objects.get(code="140109")
    assert wbl.name == "万柏林区"
    assert [r.code for r in wbl.ancestors()] == ["140000", "140100", "140109"]
    assert Region.objects.get(code="230100").children.count() == 18, "Harbin: 9 districts and 9 counties"
    # A county directly under a province (省直辖县级) hangs from the province.
    assert Region.objects.get(code="469024").parent.code == "460000"


@pytest.mark.django_db
def test_a_subtree_is_one_range_and_never_includes_a_sibling() -> None:
    regions_load_gbt2260()
    taiyuan = Region.objects.get(code="140100")
    subtree = set(Region.objects.subtree(taiyuan).values_list("code", flat=True))
    assert "140109" in subtree
    assert "140100" in subtree
    assert "140200" not in subtree
    assert all(code.startswith("1401") for code in subtree)


def test_the_subtree_range_is_half_open_on_the_next_path() -> None:
    assert subtree_range("00000000010000000002") == ("00000000010000000002", "00000000010000000003")


@pytest.mark.django_db
def test_offices_add_townships_with_nine_digit_codes_under_their_county() -> None:
    regions_load_gbt2260()
    county = Region.objects.get(code="140109")
    township = region_create(parent=county, code="140109001", name="千峰街道")
    assert township.tier == "township"
    assert county.contains(township)
    with pytest.raises(InvalidInput) as info:
        region_create(parent=county, code="14010900", name="位数不对")
    assert "9 位" in info.value.fields["code"][0]
    with pytest.raises(InvalidInput):
        region_create(parent=county, code="140108001", name="不在本区")
    with pytest.raises(InvalidInput):
        region_create(parent=county, code="140109001", name="重复")
    with pytest.raises(InvalidInput):
        region_create(parent=Region.objects.get(code="140100"), code="140199", name="区县不能手加")
