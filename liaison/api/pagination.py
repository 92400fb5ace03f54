"""Limit/offset paging: {"items": [...], "count": N, "count_is_estimate": bool}."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar

from django.core.cache import cache
from django.db.models import QuerySet
from ninja import Field, Schema

T = TypeVar("T")

MAX_LIMIT = 100
# UX.md: totals are exact on small lists and may be estimated on huge ones. A public list whose
# total reaches ESTIMATE_FROM reuses that total for COUNT_TTL seconds instead of counting tens
# of thousands of rows on every page view; the answer then says count_is_estimate.
ESTIMATE_FROM = 1_000
COUNT_TTL = 60
# The public station list's pages: the most requested public answer, the same for everyone.
PUBLIC_ROWS_TTL = 30


class PageParams(Schema):
    limit: int = Field(20, ge=1, le=MAX_LIMIT, description="每页条数,1–100,默认 20")
    offset: int = Field(0, ge=0, le=10_000_000, description="跳过的条数")


class Page(Schema, Generic[T]):
    items: list[T]
    count: int
    count_is_estimate: bool = False


def paginate(qs: QuerySet[Any], params: PageParams, *, public_count_key: str | None = None) -> dict[str, Any]:
    """One COUNT (or none, see ESTIMATE_FROM) and one page query, whatever the page size.

    `public_count_key` names the list and its filters; pass it only for public lists, whose
    total is the same for every caller (a scoped list's total depends on who asks).
    """
    return page_of(
        params,
        count=qs.count,
        rows=lambda offset, limit: list(qs[offset : offset + limit]),
        public_count_key=public_count_key,
    )


def page_of(
    params: PageParams,
    *,
    count: Callable[[], int],
    rows: Callable[[int, int], list[Any]],
    public_count_key: str | None = None,
    public_rows_ttl: int = 0,
) -> dict[str, Any]:
    """A page from two callables: `count()` the total and `rows(offset, limit)` the items. For a
    hot list whose page is fetched faster than by slicing a queryset, and whose queryset need
    not even be built when its total is cached. With `public_rows_ttl` (and a key), the page
    itself is reused for that many seconds: only for public, published data that every visitor
    sees alike, where a few seconds' delay in showing a change is acceptable."""
    total, estimate = _count(count, public_count_key)
    if not estimate and params.offset >= total:
        return {"items": [], "count": total, "count_is_estimate": False}
    if public_count_key is None or public_rows_ttl <= 0:
        return {"items": rows(params.offset, params.limit), "count": total, "count_is_estimate": estimate}
    key = f"page-rows:{public_count_key}:{params.offset}:{params.limit}"
    items = cache.get(key)
    if items is None:
        items = rows(params.offset, params.limit)
        cache.set(key, items, public_rows_ttl)
    return {"items": items, "count": total, "count_is_estimate": estimate}


def _count(count: Callable[[], int], key: str | None) -> tuple[int, bool]:
    if key is None:
        return count(), False
    key = f"page-count:{key}"
    cached = cache.get(key)
    if cached is not None:
        return int(cached), True
    total = count()
    if total >= ESTIMATE_FROM:
        cache.set(key, total, COUNT_TTL)
    return total, False
