"""Reads behind the resident's pages (no account needed): where a request goes, the open cases a
resident may join instead of filing a duplicate, and the cases a proven phone or account holds.

Nothing here returns another resident's personal data: titles shown to the public pass through
`mask_text`, and a case is reached by id only when it is open and recent (`joinable_case`) or
held by the visitor (`resident_ticket`).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from liaison.core.clock import now
from liaison.core.personal_data import mask_id_number, mask_phone
from liaison.deputies.models import Assignment, Deputy
from liaison.organization.models import PATH_SEGMENT, Region
from liaison.stations.models import Station

from .choices import OPEN_STATUSES, STATUS_TONE, CaseStatus
from .models import Case, CaseCategory, CaseFollower
from .selectors import SIMILAR_WINDOW_DAYS, Ticket, similar_open_cases

# A run of 7 or more digits (spaces and dashes allowed inside, any script's digits): a phone,
# an ID number or a bank account typed into a title. Shown with the last four digits only.
_DIGITS = re.compile(r"\d(?:[\s\-]*\d){6,}[\dXx]?")
MAX_SIMILAR = 5


def mask_text(text: str) -> str:
    """`text` with phone numbers, ID numbers and other long digit runs masked."""

    def _mask(match: re.Match[str]) -> str:
        raw = re.sub(r"[\s\-]", "", match.group(0))
        if len(raw) == 18:
            return mask_id_number(raw)
        if len(raw) == 11 and raw.isdigit():
            return mask_phone(raw)
        return "*" * (len(raw) - 4) + raw[-4:]

    return _DIGITS.sub(_mask, text or "")


def status_tone(status: str) -> str:
    """The Bootstrap colour of a status badge (UX.md: the same everywhere, always with text)."""
    return STATUS_TONE.get(CaseStatus(status), "secondary") if status in CaseStatus.values else "secondary"


def _int(value: Any) -> int | None:
    try:
        pk = int(str(value))
    except (TypeError, ValueError, OverflowError):
        return None
    return pk if 0 < pk < 2**62 else None


@dataclass
class Where:
    """Where a new request goes: a station (QR code or station page), a deputy (代表码), or a
    region chosen one tier at a time; with the chooser's trail and next tier."""

    station: Station | None = None
    deputy: Deputy | None = None
    region: Region | None = None
    trail: list[Region] = field(default_factory=list)
    children: list[Region] = field(default_factory=list)

    @property
    def chosen(self) -> bool:
        return self.station is not None or self.region is not None

    @property
    def home_region(self) -> Region | None:
        """The region similar cases are looked for in."""
        return self.station.region if self.station is not None else self.region


def _regions_with_stations() -> set[int]:
    paths = Station.objects.published().values_list("region__path", flat=True).distinct()
    return {int(p[i : i + PATH_SEGMENT]) for p in paths for i in range(0, len(p), PATH_SEGMENT)}


def _chooser(region: Region | None) -> tuple[list[Region], list[Region]]:
    ids = _regions_with_stations()
    if region is None:
        return [], [r for r in Region.objects.filter(parent__isnull=True).order_by("code") if r.pk in ids]
    trail_ids = [int(region.path[i : i + PATH_SEGMENT]) for i in range(0, len(region.path), PATH_SEGMENT)]
    rows = list(Region.objects.filter(Q(pk__in=trail_ids) | Q(parent=region)).order_by("code"))
    by_id = {r.pk: r for r in rows}
    return [by_id[i] for i in trail_ids if i in by_id], [r for r in rows if r.parent_id == region.pk and r.pk in ids]


def where_for(*, station: Any = None, deputy: Any = None, region: Any = None) -> Where:
    """Resolve the form's "where" from ids and a region code; unknown values are ignored."""
    where = Where()
    deputy_pk, station_pk = _int(deputy), _int(station)
    if deputy_pk is not None:
        where.deputy = Deputy.objects.public().filter(pk=deputy_pk).first()
        if where.deputy is not None and station_pk is None:
            assignment = (
                Assignment.objects.current()
                .filter(deputy=where.deputy, station__is_published=True)
                .select_related("station__region")
                .order_by("start", "id")
                .first()
            )
            where.station = assignment.station if assignment else None
    if station_pk is not None:
        where.station = Station.objects.published().filter(pk=station_pk).select_related("region").first()
    if where.station is None:
        code = str(region or "")[:12]
        where.region = Region.objects.filter(code=code).first() if code.isdigit() else None
        where.trail, where.children = _chooser(where.region)
    return where


@dataclass(frozen=True)
class SimilarCase:
    """An open case as a stranger may see it: masked title, community, date and status."""

    pk: int
    title: str
    place: str
    created_at: dt.datetime
    status: str
    status_label: str
    tone: str


def _public(case: Case) -> SimilarCase:
    return SimilarCase(
        pk=case.pk,
        title=mask_text(case.title),
        place=case.region.name,
        created_at=case.created_at,
        status=case.status,
        status_label=str(CaseStatus(case.status).label),
        tone=status_tone(case.status),
    )


def similar_cases_public(*, category: CaseCategory | None, region: Region | None, title: str = "") -> list[SimilarCase]:
    """Up to five open cases like the one being written, to follow instead of filing again."""
    if category is None or region is None:
        return []
    return [_public(c) for c in similar_open_cases(category=category, region=region, title=title, limit=MAX_SIMILAR)]


def joinable_case(case_id: Any) -> SimilarCase | None:
    """An open, recent case a resident may follow ("me too"); None for anything else."""
    pk = _int(case_id)
    if pk is None:
        return None
    since = now() - dt.timedelta(days=SIMILAR_WINDOW_DAYS)
    case = (
        Case.objects.filter(pk=pk, status__in=OPEN_STATUSES, created_at__gte=since, merged_into__isnull=True)
        .select_related("region")
        .first()
    )
    return _public(case) if case is not None else None


def case_for_join(case_id: Any) -> Case | None:
    """The case row behind `joinable_case` (the service locks and re-checks it)."""
    found = joinable_case(case_id)
    return Case.objects.filter(pk=found.pk).first() if found is not None else None


def cases_of_phone_hash(phone_hash: str) -> QuerySet[Case]:
    """Cases filed or followed with a phone proven by a one-time code (by its keyed hash), each
    with `own_follows`: the visitor's follower rows on it."""
    if not phone_hash:
        return Case.objects.none()
    followed = CaseFollower.objects.filter(case=OuterRef("pk"), phone_hash=phone_hash)
    return (
        Case.objects.filter(Q(resident_phone_hash=phone_hash) | Q(Exists(followed)))
        .select_related("category", "region")
        .prefetch_related(
            Prefetch("followers", queryset=CaseFollower.objects.filter(phone_hash=phone_hash), to_attr="own_follows")
        )
        .order_by("-created_at", "-id")
    )


def cases_of_user(user: Any) -> QuerySet[Case]:
    """A signed-in resident's cases (filed or followed), each with `own_follows`."""
    if user is None or not getattr(user, "is_authenticated", False):
        return Case.objects.none()
    followed = CaseFollower.objects.filter(case=OuterRef("pk"), user=user)
    return (
        Case.objects.filter(Q(resident_user=user) | Q(Exists(followed)))
        .select_related("category", "region")
        .prefetch_related(Prefetch("followers", queryset=CaseFollower.objects.filter(user=user), to_attr="own_follows"))
        .order_by("-created_at", "-id")
    )


def own_tracking_code(case: Case, *, filer: bool) -> str:
    """The tracking code the visitor holds for `case` (his own follower code when he follows it)."""
    follows = getattr(case, "own_follows", [])
    if filer or not follows:
        return case.tracking_code
    return str(follows[0].tracking_code)


def _final(case: Case) -> Case:
    hops = 0
    while case.merged_into_id is not None and hops < 5:
        case = Case.objects.select_related("category", "region", "station").get(pk=case.merged_into_id)
        hops += 1
    return case


def resident_ticket(*, case_id: Any, user: Any = None, phone_hash: str = "") -> Ticket | None:
    """A ticket for a case the signed-in resident or the proven phone holds (None otherwise)."""
    pk = _int(case_id)
    if pk is None:
        return None
    case: Case | None = None
    filer = False
    if user is not None and getattr(user, "is_authenticated", False):
        case = cases_of_user(user).filter(pk=pk).first()
        filer = case is not None and case.resident_user_id == user.pk
    if case is None and phone_hash:
        case = cases_of_phone_hash(phone_hash).filter(pk=pk).first()
        filer = case is not None and case.resident_phone_hash == phone_hash
    if case is None:
        return None
    follows = getattr(case, "own_follows", [])
    follower = None if filer or not follows else follows[0]
    code = own_tracking_code(case, filer=filer)
    if follower is None:
        case = _final(case)
    return Ticket(case=case, follower=follower, tracking_code=code)


def qr_station(station_id: Any) -> Station | None:
    """A published station, for its 联络站码."""
    pk = _int(station_id)
    return Station.objects.published().filter(pk=pk).select_related("region").first() if pk else None


def qr_deputy(deputy_id: Any) -> Deputy | None:
    """An active deputy with a current published station, for his 代表码."""
    pk = _int(deputy_id)
    return Deputy.objects.public().filter(pk=pk).first() if pk else None
