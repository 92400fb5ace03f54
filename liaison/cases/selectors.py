"""Reads of cases shared by pages, the API, exports and the deadline sweep: every one starts
from `visible_to(actor)` (ARCHITECTURE.md rule 4)."""

from __future__ import annotations

import datetime as dt
import functools
import time
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet

from liaison.core.clock import now, today
from liaison.core.errors import Forbidden, NotFound
from liaison.core.jurisdiction import get_visible
from liaison.deputies.models import Assignment, Deputy
from liaison.organization.models import Department, Region
from liaison.stations.models import Station

from . import codes
from .choices import OPEN_STATUSES, CaseStatus
from .models import Case, CaseCategory, CaseEvent, CaseFollower, Referral, RoutingRule

# Orderings a caller may ask for (SECURITY.md S15: never an arbitrary field).
CASE_ORDERINGS = {
    "-created_at": ("-created_at", "-id"),
    "created_at": ("created_at", "id"),
    "due_date": ("due_date", "id"),
    "-due_date": ("-due_date", "-id"),
    "-updated_at": ("-updated_at", "-id"),
}


@dataclass(frozen=True)
class CaseFilters:
    """The staff case list's filters; every field optional (None: no filter)."""

    status: str | None = None
    kind: str | None = None
    category: str | None = None  # a category code
    region_id: int | None = None
    station_id: int | None = None
    deputy_id: int | None = None
    department_id: int | None = None
    overdue: bool | None = None
    escalated: bool | None = None
    open_only: bool | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    q: str | None = None  # a tracking code or words of the title
    ordering: str = "-created_at"


def case_list(*, actor: Any, filters: CaseFilters | None = None, action: str = "view") -> QuerySet[Case]:
    """The actor's cases, filtered and ordered, with what a list row shows already joined."""
    f = filters or CaseFilters()
    qs = Case.objects.visible_to(actor, action)
    if f.status:
        qs = qs.filter(status=f.status)
    if f.open_only:
        qs = qs.filter(status__in=OPEN_STATUSES)
    if f.kind:
        qs = qs.filter(kind=f.kind)
    if f.category:
        qs = qs.filter(category__code=f.category)
    if f.region_id:
        path = Region.objects.filter(pk=f.region_id).values_list("path", flat=True).first()
        if path is None:
            return qs.none()
        from liaison.organization.models import subtree_range

        low, high = subtree_range(path)
        qs = qs.filter(region_path__gte=low, region_path__lt=high)
    if f.station_id:
        qs = qs.filter(station_id=f.station_id)
    if f.deputy_id:
        qs = qs.filter(deputy_id=f.deputy_id)
    if f.department_id:
        qs = qs.filter(Exists(Referral.objects.filter(case=OuterRef("pk"), department_id=f.department_id)))
    if f.overdue is not None:
        qs = qs.filter(is_overdue=f.overdue)
    if f.escalated is not None:
        qs = qs.filter(is_escalated=f.escalated)
    if f.date_from:
        qs = qs.filter(created_at__date__gte=f.date_from)
    if f.date_to:
        qs = qs.filter(created_at__date__lte=f.date_to)
    if f.q:
        text = f.q.strip()[:50]
        code = codes.normalize_tracking_code(text)
        qs = qs.filter(Q(tracking_code=code) | Q(title__icontains=text)) if code else qs.filter(title__icontains=text)
    order = CASE_ORDERINGS.get(f.ordering, CASE_ORDERINGS["-created_at"])
    return qs.select_related("category", "region", "station", "deputy", "department").order_by(*order)


def case_get(*, actor: Any, case_id: Any, action: str = "view") -> Case:
    """One case by id: 404 outside the actor's reach, 403 when visible but `action` is not allowed."""
    case = get_visible(
        Case.objects.visible_to(actor, "view").select_related("category", "region", "station", "deputy", "department"),
        case_id,
    )
    if action != "view" and not Case.objects.visible_to(actor, action).filter(pk=case.pk).exists():
        raise Forbidden()
    return case


def referral_queue(
    *, actor: Any, status: str | None = None, overdue: bool | None = None, open_only: bool = True
) -> QuerySet[Referral]:
    """A department handler's referrals, soonest deadline first."""
    qs = Referral.objects.visible_to(actor, "handle")
    if open_only:
        qs = qs.filter(status__in=("pending", "accepted"))
    if status:
        qs = qs.filter(status=status)
    if overdue is True:
        qs = qs.filter(due_date__lt=today())
    elif overdue is False:
        qs = qs.filter(due_date__gte=today())
    return qs.select_related("case", "case__category", "case__region", "department").order_by("due_date", "id")


def referral_get(*, actor: Any, referral_id: Any, action: str = "handle") -> Referral:
    """One referral by id for its department's handler (or the office deciding an extension)."""
    return get_visible(
        Referral.objects.visible_to(actor, action).select_related("case", "case__category", "department"), referral_id
    )


def case_timeline(*, case: Case, public_only: bool) -> list[CaseEvent]:
    """The case's events in order; residents see only the public ones."""
    qs = case.events.all()
    if public_only:
        qs = qs.filter(is_public=True)
    return list(qs.order_by("at", "id"))


@dataclass(frozen=True)
class Ticket:
    """A resident's proven hold on a case: the case (after merges) and the follower row, if any."""

    case: Case
    follower: CaseFollower | None
    tracking_code: str

    @property
    def is_filer(self) -> bool:
        # The filer of a merged duplicate holds the duplicate's code, which opens the surviving
        # case: he follows that case but did not file it (he may not rate or withdraw it).
        return self.follower is None and self.case.tracking_code == self.tracking_code


@functools.cache
def _case_columns() -> tuple[str, tuple[str, ...], tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """The lookup's SQL, the case table's columns, and which of them need the conversions the
    ORM would apply."""
    from django.db import models as m

    fields = list(Case._meta.concrete_fields)
    names = tuple(f.attname for f in fields)
    columns = ", ".join(connection.ops.quote_name(n) for n in names)
    sql = f"SELECT {columns} FROM {Case._meta.db_table} WHERE tracking_code = %s"  # noqa: S608 (names are ours)
    stamps = tuple(f.attname for f in fields if isinstance(f, m.DateTimeField))
    flags = tuple(f.attname for f in fields if isinstance(f, m.BooleanField))
    decimals = tuple(f.attname for f in fields if isinstance(f, m.DecimalField))
    return sql, names, stamps, flags, decimals


def _case_by_code(code: str) -> Case | None:
    """The case with this tracking code, read by hand-written SQL into `Case.from_db`: this is
    every resident's lookup (PERFORMANCE.md tracking bar), and the category comes from memory.
    The few conversions the ORM would apply (SQLite's naive UTC timestamps, 0/1 flags, float
    coordinates) are applied here."""
    sql, names, stamps, flags, decimals = _case_columns()
    with connection.cursor() as cursor:
        cursor.execute(sql, [code])
        row = cursor.fetchone()
    if row is None:
        return None
    case = Case.from_db(connection.alias, list(names), list(row))
    for name in stamps:
        value = getattr(case, name)
        if value is not None and not isinstance(value, dt.datetime):
            value = dt.datetime.fromisoformat(str(value))
        if value is not None:
            setattr(case, name, _aware(value))
    for name in flags:
        setattr(case, name, bool(getattr(case, name)))
    for name in decimals:
        value = getattr(case, name)
        if value is not None and not isinstance(value, Decimal):
            setattr(case, name, Decimal(str(value)))
    if case.category_id is not None:
        cached = category_by_id(case.category_id)
        if cached is not None:
            case.category = cached
    return case


def track_lookup(*, tracking_code: str, secret: str) -> Ticket:
    """The case a tracking code and secret open, or NotFound for any mismatch (never which)."""
    code = codes.normalize_tracking_code(tracking_code)
    if not code or not secret:
        raise NotFound()
    case = _case_by_code(code)
    follower = None
    if case is not None:
        if not codes.secret_matches(code, secret, case.secret_hash):
            raise NotFound()
    else:
        rows = list(CaseFollower.objects.select_related("case__category").filter(tracking_code=code).order_by()[:1])
        follower = rows[0] if rows else None
        if follower is None or not codes.secret_matches(code, secret, follower.secret_hash):
            raise NotFound()
        case = follower.case
    # A merged duplicate answers with the case it was merged into.
    hops = 0
    while case.merged_into_id is not None and hops < 5:
        case = Case.objects.select_related("category").get(pk=case.merged_into_id)
        hops += 1
    return Ticket(case=case, follower=follower, tracking_code=code)


def _aware(value: dt.datetime) -> dt.datetime:
    # SQLite hands raw timestamps back naive (stored in UTC); PostgreSQL aware.
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value


def public_case_rows(case_id: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The resident-visible events (at, kind, actor_label, note) and attachments (pk,
    original_name, size, content_type) of a case, oldest first, in one round trip of
    hand-written SQL: the tracking lookup runs it on every request."""
    from .models import CaseAttachment

    sql = (
        f"SELECT 0, at, id, kind, actor_label, note, 0 FROM {CaseEvent._meta.db_table} "  # noqa: S608
        "WHERE case_id = %s AND is_public = %s "
        f"UNION ALL SELECT 1, created_at, id, content_type, original_name, '', size "
        f"FROM {CaseAttachment._meta.db_table} WHERE case_id = %s AND is_public = %s "
        "ORDER BY 1, 2, 3"
    )
    events: list[dict[str, Any]] = []
    files: list[dict[str, Any]] = []
    with connection.cursor() as cursor:
        cursor.execute(sql, [case_id, True, case_id, True])
        for source, at, pk, kind, label, note, size in cursor.fetchall():
            if source == 0:
                events.append({"at": _aware(at), "kind": kind, "actor_label": label, "note": note})
            else:
                files.append({"pk": pk, "original_name": label, "size": size, "content_type": kind})
    return events, files


def ticket_for_session(*, case_id: int, follower_id: int | None, tracking_code: str) -> Ticket | None:
    """Rebuild a ticket remembered in the resident's session (after a successful lookup)."""
    found = list(Case.objects.select_related("category").filter(pk=case_id).order_by()[:1])
    if not found:
        return None
    case = found[0]
    follower = None
    if follower_id is not None:
        follower = CaseFollower.objects.filter(pk=follower_id, case=case).order_by().first()
        if follower is None:
            return None
    return Ticket(case=case, follower=follower, tracking_code=tracking_code)


def cases_of_resident(*, user: Any) -> QuerySet[Case]:
    """A signed-in resident's own cases: filed by him or followed."""
    if user is None or not getattr(user, "is_authenticated", False):
        return Case.objects.none()
    followed = CaseFollower.objects.filter(case=OuterRef("pk"), user=user)
    return (
        Case.objects.filter(Q(resident_user=user) | Q(Exists(followed)))
        .select_related("category", "station")
        .order_by("-created_at", "-id")
    )


# Every submission names its category: the few dozen active ones are kept in memory for a
# minute (and dropped at once when a category changes in this process).
_category_cache: dict[str, Any] = {"at": 0.0, "by_code": {}}


def _memo_seconds() -> float:
    """How long the intake lookups keep categories and stations in memory
    (LIAISON_LOOKUP_MEMO_SECONDS, 60 by default; the test settings turn it off, because rolled
    back test data reuses ids)."""
    return float(getattr(settings, "LIAISON_LOOKUP_MEMO_SECONDS", 60))


def category_by_code(code: str) -> CaseCategory | None:
    """The active category with this code (an Open311 service_code), or None."""
    clock = time.monotonic()
    if clock - _category_cache["at"] > _memo_seconds():
        _category_cache["by_code"] = {c.code: c for c in CaseCategory.objects.filter(is_active=True)}
        _category_cache["at"] = clock
    return _category_cache["by_code"].get(code)


# Submissions name their station (a QR code or the app): published stations with their region
# are kept in memory for a minute, at most a few thousand, and dropped when a station changes.
_STATION_MAX = 5000
_station_cache: dict[int, tuple[float, Station | None]] = {}


def published_station(pk: int) -> Station | None:
    """The published station with this id (its region joined), or None."""
    clock = time.monotonic()
    hit = _station_cache.get(pk)
    if hit is not None and clock - hit[0] <= _memo_seconds():
        return hit[1]
    found = list(Station.objects.filter(pk=pk, is_published=True).select_related("region").order_by()[:1])
    if len(_station_cache) >= _STATION_MAX:
        _station_cache.clear()
    _station_cache[pk] = (clock, found[0] if found else None)
    return _station_cache[pk][1]


def forget_stations(**_: Any) -> None:
    """Drop the cached stations (connected to Station's and Region's post_save and post_delete)."""
    _station_cache.clear()


def category_by_id(pk: int) -> CaseCategory | None:
    """An active category by id, from the same one-minute memory (None when inactive or unknown)."""
    category_by_code("")  # refresh the memory when it is stale
    by_id = _category_cache.get("by_id")
    if by_id is None or _category_cache.get("by_id_at") != _category_cache["at"]:
        by_id = {c.pk: c for c in _category_cache["by_code"].values()}
        _category_cache["by_id"] = by_id
        _category_cache["by_id_at"] = _category_cache["at"]
    return by_id.get(pk)


def forget_categories(**_: Any) -> None:
    """Drop the cached categories (connected to CaseCategory's post_save and post_delete)."""
    _category_cache["at"] = 0.0


def active_categories() -> QuerySet[CaseCategory]:
    return CaseCategory.objects.filter(is_active=True).order_by("sort_order", "code")


@dataclass(frozen=True)
class RoutingSuggestion:
    """Where a new case most likely belongs; staff confirm or change it."""

    station: Station | None
    deputies: tuple[Deputy, ...]
    department: Department | None


def _ancestor_ids(region: Region) -> list[int]:
    from liaison.organization.models import PATH_SEGMENT

    return [int(region.path[i : i + PATH_SEGMENT]) for i in range(0, len(region.path), PATH_SEGMENT)]


def suggest_station(region: Region) -> Station | None:
    """The nearest published station: in the region itself, else in the closest region above."""
    ids = _ancestor_ids(region)
    rows = list(
        Station.objects.filter(region_id__in=ids, is_published=True)
        .exclude(kind="point")
        .values_list("pk", "region_id")
    )
    if not rows:
        rows = list(Station.objects.filter(region_id__in=ids, is_published=True).values_list("pk", "region_id"))
    if not rows:
        return None
    depth = {rid: i for i, rid in enumerate(ids)}
    best = max(rows, key=lambda r: (depth.get(r[1], -1), -r[0]))
    return Station.objects.get(pk=best[0])


def suggest_department(category: CaseCategory | None, region: Region) -> Department | None:
    """The department of the routing rule for this category in the closest region up the tree."""
    if category is None:
        return None
    ids = _ancestor_ids(region)
    rules = list(
        RoutingRule.objects.filter(category=category, region_id__in=ids, department__is_active=True).select_related(
            "department"
        )
    )
    if not rules:
        return None
    depth = {rid: i for i, rid in enumerate(ids)}
    return max(rules, key=lambda r: depth.get(r.region_id, -1)).department


def routing_suggestion(
    *, category: CaseCategory | None, region: Region, station: Station | None = None
) -> RoutingSuggestion:
    """Suggested station, deputies (assigned there now) and department for a case."""
    station = station or suggest_station(region)
    deputies: tuple[Deputy, ...] = ()
    if station is not None:
        on = today()
        ids = Assignment.objects.filter(
            Q(end__isnull=True) | Q(end__gte=on), station=station, start__lte=on, deputy__is_active=True
        ).values_list("deputy_id", flat=True)
        deputies = tuple(Deputy.objects.filter(pk__in=list(ids)).order_by("name")[:10])
    return RoutingSuggestion(station=station, deputies=deputies, department=suggest_department(category, region))


SIMILAR_WINDOW_DAYS = 90


def similar_open_cases(
    *, category: CaseCategory | None, region: Region, title: str, exclude_id: int | None = None, limit: int = 5
) -> list[Case]:
    """Open cases of the same category in the same region (community or township), filed in the
    last 90 days: candidates for "me too". On PostgreSQL the closest titles come first (trigram
    similarity over the indexed candidates); elsewhere the newest."""
    if category is None:
        return []
    since = now() - dt.timedelta(days=SIMILAR_WINDOW_DAYS)
    qs = Case.objects.filter(category=category, region=region, status__in=OPEN_STATUSES, created_at__gte=since).exclude(
        status=CaseStatus.SUBMITTED, info_requested=True
    )
    if exclude_id:
        qs = qs.exclude(pk=exclude_id)
    if connection.vendor == "postgresql" and title:
        from django.contrib.postgres.search import TrigramSimilarity

        qs = qs.annotate(similarity=TrigramSimilarity("title", title)).order_by("-similarity", "-created_at")
    else:
        qs = qs.order_by("-created_at")
    return list(qs.select_related("region")[:limit])


def case_of_station(*, station: Station, case_id: Any) -> Case | None:
    """The case with this id at this station (None for another station's case or junk): a
    walk-in entry may link to a case the station already holds."""
    try:
        pk = int(case_id)
    except (TypeError, ValueError, OverflowError):
        return None
    if pk <= 0 or pk > 2**62:
        return None
    return Case.objects.filter(station=station, pk=pk).first()
