"""Reads of cases shared by the back office, exports and the API."""

from __future__ import annotations

from typing import Any

from liaison.stations.models import Station

from .models import Case


def case_of_station(*, station: Station, case_id: Any) -> Case | None:
    """The case with this id at this station (None for another station's case or junk)."""
    try:
        pk = int(case_id)
    except (TypeError, ValueError, OverflowError):
        return None
    if pk <= 0 or pk > 2**62:
        return None
    return Case.objects.filter(station=station, pk=pk).first()
