"""Optimistic locking: concurrent edits never silently overwrite each other."""

from __future__ import annotations

from typing import Any, TypeVar

from django.db.models import F

from .clock import now
from .errors import VersionConflict
from .models import VersionedModel

M = TypeVar("M", bound=VersionedModel)


def save_versioned(instance: M, *, expected_version: int, values: dict[str, Any]) -> M:
    """Write `values` only if the row still has `expected_version`; bump it; else 409.

    The compare-and-set is one UPDATE, so two editors starting from the same version cannot
    both win, whatever the database.
    """
    model = type(instance)
    updated = model._default_manager.filter(pk=instance.pk, version=expected_version).update(
        **values, version=F("version") + 1, updated_at=now()
    )
    if updated == 0:
        raise VersionConflict()
    instance.refresh_from_db()
    return instance
