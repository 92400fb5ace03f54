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


class PageParams(Schema):
    limit: int = Field(20, ge=1, le=MAX_LIMIT, description="每页条数,1–100,默认 20")
    offset: int = Field(0, ge=0, le=10_000_000, description="跳过的条数")


class Page(Schema, Generic[T]):
    items: list[T]
    count: int
    count_is_estimate: bool = False


def paginate(
    qs: QuerySet[Any],
    params: PageParams,
    *,
    public_count_key: str | None = None,
    rows: Callable[[int, int], list[Any]] | None = None,
) -> dict[str, Any]:
    """One COUNT (or none, see ESTIMATE_FROM) and one page query, whatever the page size.

    `public_count_key` names the list and its filters; pass it only for public lists, whose
    total is the same for every caller (a scoped list's total depends on who asks). `rows`
    (offset, limit) fetches the page when a faster equivalent of slicing `qs` exists.
    """
    count, estimate = _count(qs, public_count_key)
    if not estimate and params.offset >= count:
        return {"items": [], "count": count, "count_is_estimate": False}
    if rows is not None:
        items = rows(params.offset, params.limit)
    else:
        items = list(qs[params.offset : params.offset + params.limit])
    return {"items": items, "count": count, "count_is_estimate": estimate}


def _count(qs: QuerySet[Any], key: str | None) -> tuple[int, bool]:
    if key is None:
        return qs.count(), False
    key = f"page-count:{key}"
    cached = cache.get(key)
    if cached is not None:
        return int(cached), True
    count = qs.count()
    if count >= ESTIMATE_FROM:
        cache.set(key, count, COUNT_TTL)
    return count, False
