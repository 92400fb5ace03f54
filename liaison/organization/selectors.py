"""Reads of the territory shared by the API, the portal and the back office."""

from __future__ import annotations

import re
import threading
import time
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, F, Max, QuerySet
from django.db.models.signals import post_delete, post_save

from .models import PATH_SEGMENT, Region


def region_list(*, q: str | None = None, tier: str | None = None, parent_code: str | None = None) -> QuerySet[Region]:
    """Public region list: filter by part of a name, tier, or parent code; parent code annotated."""
    qs = Region.objects.annotate(parent_code=F("parent__code")).order_by("code")
    if q:
        qs = qs.filter(name__contains=q)
    if tier:
        qs = qs.filter(tier=tier)
    if parent_code:
        qs = qs.filter(parent__code=parent_code)
    return qs


# ---- address recognition ---------------------------------------------------------------------
#
# "深圳市福田区华富街道", "福田 华富" or "太原市万柏林区千峰南路1号" -> the deepest region named in
# the text. Region names (and the same names without their administrative suffix) live in an
# in-process index built from one query over the province..township rows (~45,000 with the full
# GB/T 2260 list, a few MB, ~0.4 s to build) and matched by dictionary look-ups of the text's
# substrings: a search costs no query and well under a millisecond for an address (tens of ms for
# text made of nothing but common names like 城关镇), however large the table. A post_save/post_delete
# receiver drops the index at once in the process that changed a region; other processes, and
# bulk writes that send no signal (the GB/T 2260 and demo loaders), are caught by a cheap
# fingerprint (row count, last id, last change), checked at most every INDEX_CHECK_SECONDS. (A
# rename through QuerySet.update() moves none of these: call region_index_clear() after one.)

INDEX_CHECK_SECONDS = 30.0
# Longer input is cut: an address never needs more, and the scan stays bounded.
MAX_ADDRESS_CHARS = 100
MAX_CHOICES = 10

_INDEXED_TIERS = ("province", "city", "county", "township")
_TIER_RANK = {tier: rank for rank, tier in enumerate(_INDEXED_TIERS)}

# Longest first: "浦东新区" loses "新区", not just "区".
_SUFFIXES = tuple(
    sorted(
        (
            "特别行政区",
            "自治区",
            "自治州",
            "自治县",
            "自治旗",
            "街道办事处",
            "街道",
            "地区",
            "林区",
            "新区",
            "苏木",
            "省",
            "市",
            "区",
            "县",
            "镇",
            "乡",
            "盟",
            "旗",
        ),
        key=len,
        reverse=True,
    )
)
# The peoples named in autonomous regions' names ("黔东南苗族侗族自治州" is "黔东南").
_PEOPLE_NAMES = (
    "蒙古 回 藏 维吾尔 苗 彝 壮 布依 朝鲜 满 侗 瑶 白 土家 哈尼 哈萨克 傣 黎 傈僳 佤 畲 高山 拉祜 水 "
    "东乡 纳西 景颇 柯尔克孜 土 达斡尔 仫佬 羌 布朗 撒拉 毛南 仡佬 锡伯 阿昌 普米 塔吉克 怒 乌孜别克 "
    "俄罗斯 鄂温克 德昂 保安 裕固 京 塔塔尔 独龙 鄂伦春 赫哲 门巴 珞巴 基诺"
)
_PEOPLES = tuple(sorted(_PEOPLE_NAMES.split(), key=len, reverse=True))


def short_region_name(name: str) -> str:
    """The name without its administrative suffix ("福田区" -> "福田"); "" when too short to be told apart."""
    for suffix in _SUFFIXES:
        if name.endswith(suffix):
            short = name[: -len(suffix)]
            if suffix.startswith("自治"):
                short = _strip_peoples(short)
            return short if len(short) >= 2 else ""
    return ""


def _strip_peoples(name: str) -> str:
    changed = True
    while changed:
        changed = False
        for people in _PEOPLES:
            for ending in (people + "族", people):
                if name.endswith(ending) and len(name) - len(ending) >= 2:
                    name = name[: -len(ending)]
                    changed = True
                    break
            if changed:
                break
    return name


@dataclass(frozen=True)
class RegionRef:
    """A region as the index knows it: enough to show it and to fetch it by code."""

    id: int
    code: str
    name: str
    tier: str
    path: str
    parent_id: int | None


@dataclass(frozen=True)
class AddressMatch:
    """The region recognised in a text, or the choices when its name is ambiguous (both may be empty)."""

    region: RegionRef | None = None
    choices: tuple[RegionRef, ...] = ()
    # Each region's chain of names from the province down ("山西省 太原市 万柏林区 千峰街道").
    labels: dict[str, str] = field(default_factory=dict)


@dataclass
class _Index:
    regions: dict[int, RegionRef]
    # Full or suffix-less name -> (ids with that full name, ids with that short name).
    names: dict[str, tuple[tuple[int, ...], tuple[int, ...]]]
    longest: int
    fingerprint: tuple[Any, ...]
    checked_at: float


_index: _Index | None = None
_lock = threading.Lock()


def _fingerprint() -> tuple[Any, ...]:
    row = Region.objects.aggregate(n=Count("id"), last=Max("id"), changed=Max("updated_at"))
    return (row["n"], row["last"], row["changed"])


def _build() -> _Index:
    fingerprint = _fingerprint()
    regions: dict[int, RegionRef] = {}
    full: dict[str, list[int]] = {}
    short: dict[str, list[int]] = {}
    rows = Region.objects.filter(tier__in=_INDEXED_TIERS).values_list("id", "code", "name", "tier", "path", "parent_id")
    for pk, code, name, tier, path, parent_id in rows.iterator(chunk_size=5000):
        regions[pk] = RegionRef(id=pk, code=code, name=name, tier=tier, path=path, parent_id=parent_id)
        full.setdefault(name, []).append(pk)
        if stripped := short_region_name(name):
            short.setdefault(stripped, []).append(pk)
    names = {key: (tuple(full.get(key, ())), tuple(short.get(key, ()))) for key in full.keys() | short.keys()}
    longest = max((len(key) for key in names), default=0)
    return _Index(regions, names, longest, fingerprint, time.monotonic())


def _current_index() -> _Index:
    global _index
    with _lock:
        index = _index
        if index is not None and time.monotonic() - index.checked_at > INDEX_CHECK_SECONDS:
            if _fingerprint() == index.fingerprint:
                index.checked_at = time.monotonic()
            else:
                index = None
        if index is None:
            index = _index = _build()
        return index


def region_index_clear(**_: Any) -> None:
    """Forget the name index (a region changed); the next search rebuilds it."""
    global _index
    with _lock:
        _index = None


post_save.connect(region_index_clear, sender=Region, dispatch_uid="organization.region_index.save")
post_delete.connect(region_index_clear, sender=Region, dispatch_uid="organization.region_index.delete")


# Line breaks and tabs separate words; other control, format and bidi characters are dropped.
_BREAKS = re.compile(r"[\t\n\r\x0b\x0c\x1c-\x1f\x85\u2028\u2029]")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff]")


def clean_search_text(text: str) -> str:
    """The text as typed, minus control and invisible characters, full-width forms folded, spaces squeezed."""
    text = unicodedata.normalize("NFKC", text[: MAX_ADDRESS_CHARS * 4])
    text = _CONTROL.sub("", _BREAKS.sub(" ", text))
    text = "".join(ch for ch in text if unicodedata.category(ch) not in ("Cs", "Co", "Cn"))
    return " ".join(text.split())


@dataclass(frozen=True)
class _Hit:
    start: int
    end: int
    ids: frozenset[int]
    # The lowest tier (highest rank) among the regions of this name.
    max_rank: int


def _hits(text: str, index: _Index) -> list[_Hit]:
    found: dict[str, tuple[int, int, tuple[int, ...]]] = {}
    for start in range(len(text)):
        for end in range(start + 2, min(len(text), start + index.longest) + 1):
            key = text[start:end]
            entry = index.names.get(key)
            # A name said twice counts once, where it is first said (keeps the work bounded).
            if entry is None or key in found:
                continue
            full_ids, short_ids = entry
            found[key] = (start, end, full_ids or short_ids)
    spans = list(found.values())
    # A name inside a longer name is not a mention of its own ("福田" in "福田区", "吉林" in "吉林市").
    return [
        _Hit(start, end, frozenset(ids), max(_TIER_RANK[index.regions[i].tier] for i in ids))
        for start, end, ids in spans
        if not any(s <= start and end <= e and (e - s) > (end - start) for s, e, _ in spans)
    ]


def _ancestor_ids(region: RegionRef) -> frozenset[int]:
    """The ids of the regions above this one, read from its path (no query)."""
    path = region.path
    return frozenset(int(path[i : i + PATH_SEGMENT]) for i in range(0, len(path) - PATH_SEGMENT, PATH_SEGMENT))


def region_match_address(text: str) -> AddressMatch:
    """The deepest region named in `text`, consistent with the hierarchy; ambiguous names give choices.

    A region is ruled out when a name written before it (addresses run from the province down)
    stands only for regions of higher tiers, none of them its ancestor: "修水县千峰街道" is not
    万柏林区's 千峰街道. Among the rest, the one supported by the most ancestors named in the text
    wins, the deepest first; a tie is a choice for the resident.
    """
    text = clean_search_text(text)[:MAX_ADDRESS_CHARS]
    if len(text) < 2:
        return AddressMatch()
    index = _current_index()
    hits = _hits(text, index)
    scored: list[tuple[int, RegionRef]] = []
    for hit in hits:
        others = [o for o in hits if o.end <= hit.start or o.start >= hit.end]
        kept: list[tuple[int, RegionRef, frozenset[int]]] = []
        for pk in hit.ids:
            region = index.regions[pk]
            rank = _TIER_RANK[region.tier]
            ancestors = _ancestor_ids(region)
            if any(o.end <= hit.start and o.max_rank < rank and ancestors.isdisjoint(o.ids) for o in others):
                continue
            kept.append((sum(1 for o in others if not ancestors.isdisjoint(o.ids)), region, ancestors))
        # One name names the larger of two nested namesakes: "福田" is 福田区, not its 福田街道.
        ids = {r.id for _, r, _ in kept}
        scored += [(support, r) for support, r, ancestors in kept if ancestors.isdisjoint(ids)]
    if not scored:
        return AddressMatch()
    best_support = max(s for s, _ in scored)
    leaves = list({r.id: r for s, r in scored if s == best_support}.values())
    if best_support > 0:
        # A region whose descendant is also named is that descendant's context, not a rival.
        above = frozenset().union(*(_ancestor_ids(r) for r in leaves))
        leaves = [r for r in leaves if r.id not in above]
        deepest = max(_TIER_RANK[r.tier] for r in leaves)
        leaves = [r for r in leaves if _TIER_RANK[r.tier] == deepest]
    # Choices run from the largest region down: "福田" offers 福田区 before the towns of that name.
    leaves.sort(key=lambda r: (_TIER_RANK[r.tier], r.code))
    labels = {r.code: _label(r, index) for r in leaves[:MAX_CHOICES]}
    if len(leaves) == 1:
        return AddressMatch(region=leaves[0], labels=labels)
    return AddressMatch(choices=tuple(leaves[:MAX_CHOICES]), labels=labels)


def _label(region: RegionRef, index: _Index) -> str:
    names = []
    current: RegionRef | None = region
    while current is not None:
        names.append(current.name)
        current = index.regions.get(current.parent_id) if current.parent_id is not None else None
    return " ".join(reversed(names))
