"""Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2): the categories as services, and
published cases as service requests, in the specification's field names, status values
("open", "closed") and W3C date format, as JSON or XML.

Only published cases appear, and only their redacted public summary: no resident's text,
name, phone or address; the place is the case's region (community level at most). The
`service_request_id` is the tracking code, which alone opens nothing (the secret does).
"""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from liaison.core.clock import now
from liaison.organization.models import PATH_SEGMENT, Office, Region, subtree_range

from . import codes
from .choices import CaseStatus
from .models import Case, CaseCategory

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
FORMATS = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}
MAX_REQUESTS = 1000
# The specification's default window, and the longest span one query may ask for.
WINDOW = dt.timedelta(days=90)
OPEN, CLOSED = "open", "closed"

# The tag of each item in a list, by the list's tag (the XML shapes of the specification).
ITEM_TAGS = {
    "services": "service",
    "service_requests": "request",
    "endpoints": "endpoint",
    "formats": "format",
    "errors": "error",
    "attributes": "attribute",
    "values": "value",
}
# Characters XML 1.0 cannot carry at all (escaping does not help): dropped from every value.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


class Open311Error(Exception):
    """A GeoReport error: answered as [{"code": status, "description": ...}]."""

    def __init__(self, status: int, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.descriptions = [description]

    @classmethod
    def many(cls, status: int, descriptions: Sequence[str]) -> Open311Error:
        error = cls(status, descriptions[0] if descriptions else "")
        error.descriptions = list(descriptions) or [""]
        return error

    def rows(self) -> list[dict[str, Any]]:
        return [{"code": self.status, "description": text} for text in self.descriptions]


def w3c(moment: dt.datetime | dt.date | None) -> str | None:
    """A W3C date-time in the local zone, e.g. 2026-03-01T09:30:00+08:00."""
    if moment is None:
        return None
    if not isinstance(moment, dt.datetime):
        moment = dt.datetime.combine(moment, dt.time(23, 59, 59), tzinfo=timezone.get_current_timezone())
    return timezone.localtime(moment).isoformat(timespec="seconds")


# ---- services ------------------------------------------------------------------------------


def service_row(category: CaseCategory) -> dict[str, Any]:
    return {
        "service_code": category.code,
        "service_name": category.name,
        "description": category.description,
        "metadata": False,
        "type": "realtime",
        "keywords": "",
        "group": category.group,
    }


def service_rows(categories: Iterable[CaseCategory]) -> list[dict[str, Any]]:
    return [service_row(c) for c in categories]


def service_definition(category: CaseCategory) -> dict[str, Any]:
    """No extra attributes: every service has `metadata` false."""
    return {"service_code": category.code, "attributes": []}


def discovery(*, endpoint_url: str, changeset: dt.datetime | None) -> dict[str, Any]:
    stamp = w3c(changeset or now())
    return {
        "changeset": stamp,
        "contact": _("请联系所在地人大代表联络站或人大常委会代表工作机构。"),
        "key_service": _("提交服务请求需要接口密钥（api_key），由人大常委会代表工作机构签发。"),
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": endpoint_url,
                "changeset": stamp,
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }


# ---- service requests ----------------------------------------------------------------------


@dataclass(frozen=True)
class RequestFilters:
    """The GET filters of the specification, parsed; `ids` overrides every other filter."""

    ids: tuple[str, ...] = ()
    service_codes: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    start: dt.datetime | None = None
    end: dt.datetime | None = None
    region_path: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def _csv(value: str) -> list[str]:
    return [part.strip() for part in (value or "").split(",") if part.strip()]


def parse_w3c(value: str, name: str) -> dt.datetime:
    """A W3C date or date-time (a date means its start; a naive time is local time)."""
    text = (value or "").strip()
    if "T" in text:
        # An unescaped "+08:00" in a query string arrives as " 08:00".
        text = text.replace(" ", "+")
    moment: dt.datetime | None = None
    try:
        moment = parse_datetime(text)
        if moment is None:
            day = parse_date(text)
            if day is not None:
                moment = dt.datetime.combine(day, dt.time.min)
    except ValueError:
        moment = None
    if moment is None:
        raise Open311Error(
            400, _("%(name)s 格式不正确，应为 W3C 日期时间，如 2026-03-01T09:30:00+08:00。") % {"name": name}
        )
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, timezone.get_current_timezone())
    return moment


def region_for_jurisdiction(value: str) -> Region:
    """The region a `jurisdiction_id` names (its administrative division code)."""
    region = Region.objects.filter(code=(value or "").strip()[:12]).first() if value and value.strip() else None
    if region is None:
        raise Open311Error(400, _("jurisdiction_id 应为行政区划代码，没有找到这个地区。"))
    return region


def parse_filters(params: Any) -> RequestFilters:
    """The filters of GET requests.{fmt}, or Open311Error(400) naming the bad parameter."""
    raw_ids = _csv(params.get("service_request_id", ""))
    if raw_ids:
        if len(raw_ids) > MAX_REQUESTS:
            raise Open311Error(400, _("service_request_id 一次最多 %(n)d 个。") % {"n": MAX_REQUESTS})
        ids = tuple(dict.fromkeys(code for code in map(codes.normalize_tracking_code, raw_ids) if code))
        return RequestFilters(ids=ids or ("-",))
    statuses = tuple(s.lower() for s in _csv(params.get("status", "")))
    if any(s not in (OPEN, CLOSED) for s in statuses):
        raise Open311Error(400, _("status 只能是 open 或 closed。"))
    start = parse_w3c(params["start_date"], "start_date") if params.get("start_date") else None
    end = parse_w3c(params["end_date"], "end_date") if params.get("end_date") else None
    if start and end:
        if end < start:
            raise Open311Error(400, _("end_date 不能早于 start_date。"))
        if end - start > WINDOW:
            raise Open311Error(400, _("start_date 与 end_date 之间不能超过 90 天。"))
    elif start:
        end = start + WINDOW
    elif end:
        start = end - WINDOW
    else:
        start = now() - WINDOW
    region_path = ""
    if params.get("jurisdiction_id"):
        region_path = region_for_jurisdiction(params["jurisdiction_id"]).path
    return RequestFilters(
        service_codes=tuple(_csv(params.get("service_code", ""))[:100]),
        statuses=statuses,
        start=start,
        end=end,
        region_path=region_path,
    )


def published_requests(filters: RequestFilters) -> QuerySet[Case]:
    """Published cases matching the filters, newest first, at most 1000; only the columns a
    GeoReport row needs are loaded (never the resident's fields)."""
    qs = (
        Case.objects.filter(is_published=True)
        .select_related("category", "department", "region")
        .only(
            "tracking_code",
            "status",
            "public_summary",
            "created_at",
            "updated_at",
            "published_at",
            "due_date",
            "region_path",
            "category__code",
            "category__name",
            "department__name",
            "region__name",
            "region__path",
            "region__latitude",
            "region__longitude",
        )
        .order_by("-created_at", "-id")
    )
    if filters.ids:
        return qs.filter(tracking_code__in=filters.ids)[:MAX_REQUESTS]
    if filters.service_codes:
        qs = qs.filter(category__code__in=filters.service_codes)
    wanted = set(filters.statuses)
    if wanted == {CLOSED}:
        qs = qs.filter(status=CaseStatus.CLOSED)
    elif wanted == {OPEN}:
        qs = qs.exclude(status=CaseStatus.CLOSED)
    if filters.start:
        qs = qs.filter(created_at__gte=filters.start)
    if filters.end:
        qs = qs.filter(created_at__lte=filters.end)
    if filters.region_path:
        low, high = subtree_range(filters.region_path)
        qs = qs.filter(region_path__gte=low, region_path__lt=high)
    return qs[:MAX_REQUESTS]


def _ancestor_ids(path: str) -> list[int]:
    return [int(path[i : i + PATH_SEGMENT]) for i in range(0, len(path), PATH_SEGMENT)]


def request_rows(cases: Sequence[Case]) -> list[dict[str, Any]]:
    """GeoReport rows for published cases: two queries for all their regions and offices."""
    ids: set[int] = set()
    for case in cases:
        ids.update(_ancestor_ids(case.region.path or case.region_path))
    names = dict(Region.objects.filter(pk__in=ids).values_list("pk", "name")) if ids else {}
    offices = dict(Office.objects.filter(region_id__in=ids).values_list("region_id", "name")) if ids else {}
    rows = []
    for case in cases:
        chain = _ancestor_ids(case.region.path or case.region_path)
        office = next((offices[pk] for pk in reversed(chain) if pk in offices), "")
        region = case.region
        rows.append(
            {
                "service_request_id": case.tracking_code,
                "status": CLOSED if case.status == CaseStatus.CLOSED else OPEN,
                "status_notes": str(CaseStatus(case.status).label),
                "service_name": case.category.name if case.category else "",
                "service_code": case.category.code if case.category else "",
                "description": case.public_summary,
                "agency_responsible": case.department.name if case.department else office,
                "service_notice": "",
                "requested_datetime": w3c(case.created_at),
                "updated_datetime": w3c(case.updated_at),
                "expected_datetime": w3c(case.due_date) if case.status != CaseStatus.CLOSED else None,
                "address": "".join(names.get(pk, "") for pk in chain),
                "address_id": None,
                "zipcode": None,
                "lat": float(region.latitude) if region.latitude is not None else None,
                "long": float(region.longitude) if region.longitude is not None else None,
                "media_url": None,
            }
        )
    return rows


# ---- XML ----------------------------------------------------------------------------------------


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return _NOT_XML.sub("", str(value))


def _fill(element: ET.Element, value: Any) -> None:
    if isinstance(value, dict):
        for key, child in value.items():
            _fill(ET.SubElement(element, key), child)
    elif isinstance(value, list | tuple):
        item = ITEM_TAGS.get(element.tag, "item")
        for child in value:
            _fill(ET.SubElement(element, item), child)
    else:
        element.text = _text(value)


def to_xml(root: str, value: Any) -> bytes:
    """The XML document of the specification's shape: `root` holding `value` (escaped)."""
    element = ET.Element(root)
    _fill(element, value)
    return ET.tostring(element, encoding="utf-8", xml_declaration=True)
