"""Reads of the territory shared by the API, the portal and the back office."""

from __future__ import annotations

from django.db.models import F, QuerySet

from .models import Region


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
