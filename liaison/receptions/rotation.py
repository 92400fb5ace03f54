"""Fair rotation of deputies on duty (轮值): who sits at the next reception.

The pick is a pure function: the deputies with the fewest duties in the year so far go first
(ties by name), skipping anyone busy at an overlapping session anywhere. Picking greedily the
least-loaded keeps every deputy's count within one of every other's over a year when nobody
is on leave. The helpers below load the counts and the busy intervals in one query each.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count

from liaison.deputies.models import Assignment, Deputy

from .choices import DutyStatus, SessionStatus
from .models import Duty

# Duties that occupy the deputy: a duty on leave frees the time and does not count as served.
ACTIVE_DUTY = (DutyStatus.ROSTERED, DutyStatus.CHECKED_IN, DutyStatus.MISSED)


@dataclass(frozen=True, order=True)
class Candidate:
    """A deputy who may be rostered, sortable by name (pinyin, then id)."""

    name_key: str
    deputy_id: int
    name: str = field(compare=False)


def pick(
    candidates: Iterable[Candidate],
    *,
    counts: dict[int, int],
    need: int,
    exclude: set[int] | frozenset[int] = frozenset(),
) -> list[Candidate]:
    """The `need` candidates with the fewest duties (ties by name), leaving out `exclude`."""
    ranked = sorted(
        (c for c in candidates if c.deputy_id not in exclude), key=lambda c: (counts.get(c.deputy_id, 0), c)
    )
    return ranked[:need]


def overlaps(a_start: dt.datetime, a_end: dt.datetime, b_start: dt.datetime, b_end: dt.datetime) -> bool:
    """Whether [a_start, a_end) and [b_start, b_end) share a moment."""
    return a_start < b_end and b_start < a_end


class Busy:
    """The deputies' active duties at planned sessions, as intervals, for overlap checks."""

    def __init__(self) -> None:
        self.intervals: defaultdict[int, list[tuple[dt.datetime, dt.datetime, int]]] = defaultdict(list)

    @classmethod
    def load(cls, deputy_ids: Iterable[int], start: dt.datetime, end: dt.datetime) -> Busy:
        busy = cls()
        rows = (
            Duty.objects.filter(
                deputy_id__in=list(deputy_ids),
                status__in=ACTIVE_DUTY,
                session__status=SessionStatus.PLANNED,
                session__starts_at__lt=end,
                session__ends_at__gt=start,
            )
            .values_list("deputy_id", "session__starts_at", "session__ends_at", "session_id")
            .order_by()
        )
        for deputy_id, s, e, session_id in rows:
            busy.add(deputy_id, s, e, session_id)
        return busy

    def add(self, deputy_id: int, start: dt.datetime, end: dt.datetime, session_id: int = 0) -> None:
        self.intervals[deputy_id].append((start, end, session_id))

    def clashes(self, deputy_id: int, start: dt.datetime, end: dt.datetime, *, session_id: int = 0) -> bool:
        return any(
            overlaps(start, end, s, e) and (not session_id or sid != session_id)
            for s, e, sid in self.intervals.get(deputy_id, ())
        )


def station_candidates(station_ids: Iterable[int]) -> list[Candidate]:
    """Active deputies currently assigned to these stations, by name (one query)."""
    ids = Assignment.objects.current().filter(station_id__in=list(station_ids)).values("deputy_id")
    rows = Deputy.objects.filter(pk__in=ids, is_active=True).values_list("name_pinyin", "pk", "name")
    return sorted(Candidate(name_key=key or name, deputy_id=pk, name=name) for key, pk, name in rows)


def year_counts(station_id: int, deputy_ids: Iterable[int], year: int) -> dict[int, int]:
    """Each deputy's active duties at this station in `year` (one query)."""
    rows = (
        Duty.objects.filter(
            deputy_id__in=list(deputy_ids),
            status__in=ACTIVE_DUTY,
            session__station_id=station_id,
            session__status=SessionStatus.PLANNED,
            session__date__year=year,
        )
        .values("deputy_id")
        .annotate(n=Count("id"))
        .values_list("deputy_id", "n")
        .order_by()
    )
    return dict(rows)
