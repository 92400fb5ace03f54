"""The generic half of the one jurisdiction mechanism (ARCHITECTURE.md "Jurisdiction").

Rule 5: a lookup by a user-supplied id starts from the actor's visible queryset, so an object
out of reach is a 404 (its existence is never revealed), and an allowed-to-see-but-not-to-do
action is a 403. The concrete reach of a user (regions, stations, departments) is computed in
`liaison.accounts.jurisdiction`; every scoped model's QuerySet implements `visible_to`.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db import models

from .errors import NotFound

M = TypeVar("M", bound=models.Model)


def get_visible(queryset: models.QuerySet[M], pk: Any) -> M:
    """The object with this primary key inside `queryset`, or NotFound (also for junk ids)."""
    try:
        return queryset.get(pk=int(pk))
    except (TypeError, ValueError, OverflowError, ObjectDoesNotExist):
        raise NotFound() from None
