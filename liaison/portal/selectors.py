"""Public reads of the portal: deputies by name or pinyin initials, and the region chooser; published data only."""

from __future__ import annotations

from django.core.cache import cache
from django.db.models import Prefetch, Q

from liaison.deputies.models import Assignment, Deputy
from liaison.organization.models import PATH_SEGMENT, Region
from liaison.organization.selectors import clean_search_text
from liaison.stations.models import Station

MAX_DEPUTIES = 20
# A name is short; longer Chinese text is an address, not a name.
MAX_NAME_CHARS = 10
MAX_WORDS = 5


def _name_condition(text: str) -> Q | None:
    if text.isascii() and text.isalpha():
        letters = text.lower()
        if not 2 <= len(letters) <= 40:
            return None
        # name_pinyin is "zhanghaisheng zhs": full pinyin first, initials after the space.
        return Q(name_pinyin__startswith=letters) | Q(name_pinyin__contains=" " + letters)
    if 1 <= len(text) <= MAX_NAME_CHARS:
        return Q(name__startswith=text)
    return None


def deputy_search_public(text: str) -> list[Deputy]:
    """Public deputies whose name starts with `text`, or whose pinyin or initials do ("zhs", "zhang").

    Each carries `current_assignments` (published stations only) for the result list.
    """
    words = clean_search_text(text).split()
    # The whole text, and each word of it: "千峰 张海生" is an address and a name.
    candidates = dict.fromkeys(["".join(words), *words[:MAX_WORDS]])
    conditions = [c for c in map(_name_condition, candidates) if c is not None]
    if not conditions:
        return []
    condition = conditions[0]
    for other in conditions[1:]:
        condition |= other
    stations = (
        Assignment.objects.current()
        .filter(station__is_published=True)
        .select_related("station")
        .order_by("start", "id")
    )
    qs = (
        Deputy.objects.public()
        .filter(condition)
        .order_by("name_pinyin", "id")
        .prefetch_related(Prefetch("assignments", queryset=stations, to_attr="current_assignments"))
    )
    return list(qs[:MAX_DEPUTIES])


# ---- the region chooser ----------------------------------------------------------------------

REGIONS_KEY = "portal:regions-with-stations"
REGIONS_TTL = 60


def regions_with_stations() -> frozenset[int]:
    """Ids of the regions that hold a published station or have one somewhere below them.

    A region's path is its ancestors' ids and its own, so the distinct paths of the published
    stations' regions name every such region. Shared by every visitor and cached for a minute:
    a nationwide chooser must not count stations per region on each page view.
    """
    ids = cache.get(REGIONS_KEY)
    if ids is None:
        paths = Station.objects.published().values_list("region__path", flat=True).distinct()
        ids = frozenset(int(p[i : i + PATH_SEGMENT]) for p in paths for i in range(0, len(p), PATH_SEGMENT))
        cache.set(REGIONS_KEY, ids, REGIONS_TTL)
    return ids


def region_chooser(region: Region | None) -> tuple[list[Region], list[Region]]:
    """The way down to `region` (its ancestors and itself), and the regions of the next tier
    below it (the provinces, without one) that have published stations: a chooser that goes
    down one tier at a time instead of listing every township of the country. One query."""
    ids = regions_with_stations()
    if region is None:
        return [], [r for r in Region.objects.filter(parent__isnull=True).order_by("code") if r.pk in ids]
    trail_ids = [int(region.path[i : i + PATH_SEGMENT]) for i in range(0, len(region.path), PATH_SEGMENT)]
    rows = Region.objects.filter(Q(pk__in=trail_ids) | Q(parent=region)).order_by("code")
    by_id = {r.pk: r for r in rows}
    trail = [by_id[i] for i in trail_ids if i in by_id]
    children = [r for r in rows if r.parent_id == region.pk and r.pk in ids]
    return trail, children
