"""Intake: a resident's request from the public form or the API, a case filed by staff on a
resident's behalf, a walk-in at a reception, and "me too" joins. Submission is idempotent."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from liaison.core.clock import now
from liaison.core.errors import InvalidInput, NotFound
from liaison.core.personal_data import normalize_phone
from liaison.core.text import clean_line, clean_text
from liaison.deputies.models import Assignment, Deputy
from liaison.organization.models import Region
from liaison.organization.selectors import region_match_address
from liaison.stations.models import Station

from .. import codes
from ..attachments import CleanUpload, store_uploads
from ..choices import OPEN_STATUSES, STAFF_CHANNELS, CaseKind, CaseStatus, Channel, EventKind
from ..models import Case, CaseCategory, CaseFollower, IdempotencyRecord
from ..permissions import can_triage
from ..privacy import NOTICE_VERSION
from ..selectors import category_by_code, published_station, suggest_station
from ._base import event, require, user_of

TITLE_MAX = 30
IDEMPOTENCY_HOURS = 24


@dataclass
class CaseInput:
    """What a resident (or staff for a resident) submits; raw values, checked by `clean_input`."""

    description: str = ""
    category: str = ""  # a category code (Open311 service_code)
    kind: str = CaseKind.REQUEST
    title: str = ""
    address: str = ""
    latitude: Any = None
    longitude: Any = None
    name: str = ""
    phone: str = ""
    consent: bool = False
    notice_version: str = NOTICE_VERSION
    station_id: Any = None
    deputy_id: Any = None
    region_id: Any = None
    attachment_names: list[str] = field(default_factory=list)

    def fingerprint(self) -> str:
        """A hash of the content, to tell a retry from a different submission under one key."""
        raw = json.dumps(asdict(self), sort_keys=True, default=str, ensure_ascii=False)
        return hashlib.sha256(raw.encode()).hexdigest()


@dataclass(frozen=True)
class Submission:
    """The answer to a submission: the case, and the code and secret the resident keeps."""

    case: Case
    tracking_code: str
    secret: str
    replayed: bool = False

    def body(self) -> dict[str, Any]:
        return {"tracking_code": self.tracking_code, "secret": self.secret, "status": str(self.case.status)}


@dataclass(frozen=True)
class _Clean:
    category: CaseCategory | None
    kind: str
    title: str
    description: str
    address: str
    latitude: Decimal | None
    longitude: Decimal | None
    name: str
    phone: str
    consent: bool
    notice_version: str
    station: Station | None
    deputy: Deputy | None
    region: Region


def _pk(value: Any) -> int | None:
    if value in (None, ""):
        return None
    if isinstance(value, bool):
        return -1
    try:
        pk = int(value)
    except (TypeError, ValueError, OverflowError):
        return -1
    return pk if 0 < pk < 2**62 else -1


def _coordinate(value: Any, limit: int, name: str, errors: dict[str, list[str]]) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        errors[name] = [_("坐标应为数字。")]
        return None
    if not number.is_finite() or abs(number) > limit:
        errors[name] = [_("坐标超出范围。")]
        return None
    return number.quantize(Decimal("0.000001"))


def _title_from(description: str) -> str:
    """The first sentence of the description (cut at 30 characters with "…" if longer)."""
    text = description.strip()
    first = re.split(r"(?<=[。！？!?；;])|\n", text, maxsplit=1)[0].strip() if text else ""
    return first[:TITLE_MAX] + ("…" if len(first) > TITLE_MAX else "")


def _text(value: Any, *, multiline: bool, limit: int, name: str, errors: dict[str, list[str]]) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        errors[name] = [_("应为文字。")]
        return ""
    try:
        text = clean_text(value) if multiline else clean_line(value)
    except ValidationError as exc:
        errors[name] = list(exc.messages)
        return ""
    except ValueError as exc:  # clean_text/clean_line refuse control characters with a ValueError
        errors[name] = [str(exc)]
        return ""
    if len(text) > limit:
        errors[name] = [_("不能超过 %(n)d 个字（现有 %(m)d 个）。") % {"n": limit, "m": len(text)}]
    return text


def clean_input(data: CaseInput, *, require_category: bool = True) -> _Clean:
    """Check every field; raise InvalidInput naming each bad field in plain Chinese."""
    errors: dict[str, list[str]] = {}
    description = _text(data.description, multiline=True, limit=5000, name="description", errors=errors)
    if not description and "description" not in errors:
        errors["description"] = [_("请写下您要反映的事情。")]
    title = _text(data.title, multiline=False, limit=100, name="title", errors=errors)
    address = _text(data.address, multiline=False, limit=200, name="address", errors=errors)
    name = _text(data.name, multiline=False, limit=50, name="name", errors=errors)
    category = None
    code = data.category if isinstance(data.category, str) else ""
    if code:
        category = category_by_code(code.strip())
        if category is None:
            errors["category"] = [_("没有这个诉求类别，请从列表中选择。")]
    elif require_category:
        errors["category"] = [_("请选择诉求类别。")]
    kind = data.kind or CaseKind.REQUEST
    if kind not in CaseKind.values:
        errors["kind"] = [_("类型只能是“诉求”或“意见建议”。")]
    phone = ""
    if data.phone not in (None, ""):
        if not isinstance(data.phone, str):
            errors["phone"] = [_("电话号码格式不正确。")]
        else:
            try:
                phone = normalize_phone(data.phone)
            except ValidationError as exc:
                errors["phone"] = list(exc.messages)
    if not isinstance(data.consent, bool):
        errors["consent"] = [_("请选择是否同意。")]
    latitude = _coordinate(data.latitude, 90, "latitude", errors)
    longitude = _coordinate(data.longitude, 180, "longitude", errors)

    station = deputy = region = None
    station_pk, deputy_pk, region_pk = _pk(data.station_id), _pk(data.deputy_id), _pk(data.region_id)
    if station_pk is not None:
        station = published_station(station_pk)
        if station is None:
            errors["station"] = [_("没有这个联络站。")]
    if deputy_pk is not None:
        deputy = Deputy.objects.filter(pk=deputy_pk, is_active=True).first()
        if deputy is None:
            errors["deputy"] = [_("没有这位代表。")]
        elif station is None:
            assignment = (
                Assignment.objects.filter(deputy=deputy, end__isnull=True, station__is_published=True)
                .select_related("station__region")
                .order_by("start")
                .first()
            )
            station = assignment.station if assignment else None
    if region_pk is not None:
        region = Region.objects.filter(pk=region_pk).first()
        if region is None:
            errors["region"] = [_("没有这个地区。")]
    if station is not None:
        region = station.region
    if region is None and address and "address" not in errors:
        match = region_match_address(address)
        if match.region is not None:
            region = Region.objects.filter(pk=match.region.id).first()
    if region is None and not any(k in errors for k in ("station", "deputy", "region")):
        errors["region"] = [_("请选择所在地区或联络站，或在地点中写明街道（乡镇）。")]
    if errors:
        raise InvalidInput(fields=errors)
    assert region is not None
    return _Clean(
        category=category,
        kind=kind,
        title=title or _title_from(description),
        description=description,
        address=address,
        latitude=latitude,
        longitude=longitude,
        name=name,
        phone=phone,
        consent=bool(data.consent) and bool(name or phone),
        notice_version=(data.notice_version or NOTICE_VERSION)[:16],
        station=station,
        deputy=deputy,
        region=region,
    )


def _new_case(clean: _Clean, *, channel: str, status: str, created_by: Any, resident_user: Any) -> tuple[Case, str]:
    """Insert the case (in the caller's transaction). A tracking-code collision (one in 10^14)
    surfaces as an IntegrityError and the caller's whole attempt is retried with a new code."""
    secret = codes.new_secret()
    station = clean.station or suggest_station(clean.region)
    at = now()
    code = codes.new_tracking_code()
    case = Case.objects.create(
        tracking_code=code,
        secret_hash=codes.secret_hash(code, secret),
        kind=clean.kind,
        channel=channel,
        category=clean.category,
        title=clean.title,
        description=clean.description,
        address=clean.address,
        latitude=clean.latitude,
        longitude=clean.longitude,
        region=clean.region,
        region_path=clean.region.path,
        station=station,
        deputy=clean.deputy,
        status=status,
        accepted_at=at if status == CaseStatus.ACCEPTED else None,
        resident_name=clean.name,
        resident_phone=clean.phone,
        resident_phone_hash=codes.phone_hash(clean.phone),
        resident_user=resident_user,
        consent=clean.consent,
        consent_at=at if clean.consent else None,
        notice_version=clean.notice_version,
        created_by=created_by,
    )
    return case, secret


def _resident_user(actor: Any) -> Any:
    """A signed-in resident submitting for himself (staff accounts file for others)."""
    user = user_of(actor)
    if user is None or getattr(actor, "is_staff_member", False):
        return None
    return user


def _replay(record: IdempotencyRecord, fingerprint: str) -> Submission:
    if record.body_hash != fingerprint:
        raise InvalidInput(
            _("同一个 Idempotency-Key 已用于内容不同的提交；重试请原样提交，新的诉求请换一个 Key。"),
            fields={"idempotency_key": [_("该 Key 已用于另一份内容。")]},
        )
    assert record.case is not None
    return Submission(
        case=record.case,
        tracking_code=record.response["tracking_code"],
        secret=record.response["secret"],
        replayed=True,
    )


def _once(
    *, scope: str, key: str, data: CaseInput, uploads: Sequence[CleanUpload], create: Callable[[], tuple[Case, str]]
) -> Submission:
    """Run `create` (which writes the case) once per idempotency key: a retry within 24 hours
    gets the first answer; the same key with other content is a 422.

    The key's row is inserted in the same transaction as the case, after it: of two concurrent
    twins the second blocks on the unique key until the first commits, then rolls back (its
    case with it) and answers the first one's case. The common path costs no extra read.
    """
    key = (key or "").strip()[:128]
    data.attachment_names = [u.original_name for u in uploads]
    fingerprint = data.fingerprint()
    for _attempt in range(4):
        try:
            with transaction.atomic():
                case, secret = create()
                if key:
                    IdempotencyRecord.objects.create(
                        scope=scope,
                        key=key,
                        body_hash=fingerprint,
                        case=case,
                        response={"tracking_code": case.tracking_code, "secret": secret},
                    )
            return Submission(case=case, tracking_code=case.tracking_code, secret=secret)
        except IntegrityError:
            if not key:
                continue  # a tracking-code collision: draw again
            existing = IdempotencyRecord.objects.filter(scope=scope, key=key).select_related("case").first()
            if existing is None:
                continue  # not the key: a tracking-code collision
            if existing.created_at >= now() - dt.timedelta(hours=IDEMPOTENCY_HOURS) and existing.case is not None:
                return _replay(existing, fingerprint)
            # A key older than 24 hours (not tidied yet) is free to use again.
            IdempotencyRecord.objects.filter(pk=existing.pk).delete()
    raise RuntimeError("could not file the case")


def case_submit(
    *,
    actor: Any,
    data: CaseInput,
    idempotency_key: str = "",
    channel: str = Channel.ONLINE,
    uploads: Sequence[CleanUpload] = (),
) -> Submission:
    """File a resident's request (public form, API or Open311). With an idempotency key, a retry
    answers the first submission's case and code, never a second case; the same key with other
    content is a 422."""
    if channel not in (Channel.ONLINE, Channel.APP, Channel.HOTLINE):
        raise InvalidInput(fields={"channel": [_("渠道不正确。")]})
    clean = clean_input(data)

    def create() -> tuple[Case, str]:
        case, secret = _new_case(
            clean, channel=channel, status=CaseStatus.SUBMITTED, created_by=None, resident_user=_resident_user(actor)
        )
        first = event(
            case,
            kind=EventKind.SUBMITTED,
            actor=None,
            label=_("群众"),
            to_status=CaseStatus.SUBMITTED,
            audited=False,
        )
        if uploads:
            store_uploads(case=case, uploads=uploads, event=first, is_public=True)
        return case, secret

    return _once(scope="case_submit", key=idempotency_key, data=data, uploads=uploads, create=create)


def case_file_for_resident(
    *, actor: Any, data: CaseInput, channel: str, uploads: Sequence[CleanUpload] = (), idempotency_key: str = ""
) -> Submission:
    """Staff file a case for a resident who came, called, wrote or was visited; it is accepted
    at once, and the resident gets a printable receipt with the code and secret. A form token
    as `idempotency_key` makes a double click file it once."""
    if channel not in STAFF_CHANNELS:
        raise InvalidInput(fields={"channel": [_("请选择来源：进站接待、电话、来信或走访。")]})
    clean = clean_input(data)

    def create() -> tuple[Case, str]:
        case, secret = _new_case(
            clean, channel=channel, status=CaseStatus.ACCEPTED, created_by=user_of(actor), resident_user=None
        )
        require(can_triage(actor, case), _("只能为本辖区或本站登记诉求。"))
        first = event(
            case, kind=EventKind.SUBMITTED, actor=actor, to_status=CaseStatus.SUBMITTED, data={"channel": channel}
        )
        event(
            case, kind=EventKind.ACCEPTED, actor=actor, from_status=CaseStatus.SUBMITTED, to_status=CaseStatus.ACCEPTED
        )
        if uploads:
            store_uploads(case=case, uploads=uploads, uploaded_by=user_of(actor), event=first, is_public=True)
        return case, secret

    # Scoped by the filing user, so two clerks can never collide on a token.
    scope = f"case_file:{getattr(user_of(actor), 'pk', 0)}"[:32]
    return _once(scope=scope, key=idempotency_key, data=data, uploads=uploads, create=create)


@transaction.atomic
def case_create_from_walk_in(
    *,
    actor: Any,
    station: Station,
    matter: str,
    action_taken: str = "",
    resident_name: str = "",
    resident_phone: str = "",
) -> Case:
    """Open a case for a visitor received at a reception: answered on the spot when something
    was done there, otherwise accepted for handling. Inputs are already cleaned by the caller."""
    secret = codes.new_secret()
    code = codes.new_tracking_code()
    status = CaseStatus.ANSWERED if action_taken else CaseStatus.ACCEPTED
    at = now()
    case = Case(
        tracking_code=code,
        secret_hash=codes.secret_hash(code, secret),
        station=station,
        region=station.region,
        channel=Channel.WALK_IN,
        title=_title_from(matter),
        description=matter[:5000],
        status=status,
        accepted_at=at,
        answer=action_taken[:5000],
        answered_at=at if action_taken else None,
        resident_name=resident_name,
        resident_phone=resident_phone,
        resident_phone_hash=codes.phone_hash(resident_phone),
        created_by=user_of(actor),
    )
    try:
        case.full_clean(exclude=["secret_hash", "region_path"])
    except ValidationError as exc:
        raise InvalidInput(fields=exc.message_dict) from None
    case.save()
    event(
        case, kind=EventKind.SUBMITTED, actor=actor, to_status=CaseStatus.SUBMITTED, data={"channel": Channel.WALK_IN}
    )
    event(case, kind=EventKind.ACCEPTED, actor=actor, from_status=CaseStatus.SUBMITTED, to_status=CaseStatus.ACCEPTED)
    if action_taken:
        event(
            case,
            kind=EventKind.ANSWERED_ON_SPOT,
            actor=actor,
            note=action_taken,
            from_status=CaseStatus.ACCEPTED,
            to_status=CaseStatus.ANSWERED,
        )
    return case


def case_join(
    *,
    actor: Any,
    case: Case,
    name: str = "",
    phone: str = "",
    consent: bool = False,
    notice_version: str = NOTICE_VERSION,
) -> Submission:
    """ "Me too": a resident follows an open case instead of filing a duplicate, and gets his
    own code and secret and every answer."""
    errors: dict[str, list[str]] = {}
    clean_name = _text(name, multiline=False, limit=50, name="name", errors=errors)
    clean_phone = ""
    if phone:
        try:
            clean_phone = normalize_phone(phone)
        except ValidationError as exc:
            errors["phone"] = list(exc.messages)
    if errors:
        raise InvalidInput(fields=errors)
    with transaction.atomic():
        locked = Case.objects.select_for_update().filter(pk=case.pk, status__in=OPEN_STATUSES).first()
        if locked is None:
            raise NotFound(_("这条诉求已办结或不存在，请提交新的诉求。"))
        secret = codes.new_secret()
        code = codes.new_tracking_code()
        CaseFollower.objects.create(
            case=locked,
            tracking_code=code,
            secret_hash=codes.secret_hash(code, secret),
            name=clean_name,
            phone=clean_phone,
            phone_hash=codes.phone_hash(clean_phone),
            user=_resident_user(actor),
            consent=bool(consent) and bool(clean_name or clean_phone),
            notice_version=(notice_version or NOTICE_VERSION)[:16],
        )
        event(locked, kind=EventKind.JOINED, actor=None, label=_("群众"), is_public=True)
    return Submission(case=locked, tracking_code=code, secret=secret)


__all__ = [
    "CaseInput",
    "Submission",
    "case_create_from_walk_in",
    "case_file_for_resident",
    "case_join",
    "case_submit",
    "clean_input",
]
