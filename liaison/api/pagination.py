"""Limit/offset paging with an exact count: {"items": [...], "count": N}."""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from django.db.models import QuerySet
from ninja import Field, Schema

T = TypeVar("T")

MAX_LIMIT = 100


class PageParams(Schema):
    limit: int = Field(20, ge=1, le=MAX_LIMIT, description="每页条数,1–100,默认 20")
    offset: int = Field(0, ge=0, le=10_000_000, description="跳过的条数")


class Page(Schema, Generic[T]):
    items: list[T]
    count: int
    count_is_estimate: bool = False


def paginate(qs: QuerySet[Any], params: PageParams) -> dict[str, Any]:
    """One COUNT and one page query, whatever the page size (query-count guard in tests)."""
    count = qs.count()
    items = list(qs[params.offset : params.offset + params.limit]) if params.offset < count else []
    return {"items": items, "count": count, "count_is_estimate": False}
