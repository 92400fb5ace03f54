"""Explicit schemas of the case endpoints (public intake and tracking, /manage cases and
referrals): every field listed on purpose; inputs refuse unknown fields (SECURITY.md S4)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal

from ninja import Field, Schema

from liaison.api.schemas import Line, StrictIn
from liaison.cases.choices import CaseKind, CaseStatus, ReferralStatus

ID = Annotated[int, Field(ge=1, le=2**63 - 1)]


def _version() -> Any:
    return Field(None, ge=1, le=2**31 - 1, description="读取时的 version；与当前不符时答复 409")


# ---- shared pieces ------------------------------------------------------------------------


class NamedRef(Schema):
    id: int
    name: str


class CategoryRef(Schema):
    code: str = Field(description="Open311 service_code")
    name: str


class AttachmentOut(Schema):
    id: int
    name: str
    size: int
    content_type: str


# ---- public: intake and tracking ------------------------------------------------------------


class CaseSubmitIn(StrictIn):
    category: str = Field(max_length=32, description="诉求类别代码（Open311 services 的 service_code）")
    description: str = Field(max_length=5000, description="要反映的事情")
    kind: CaseKind = Field(CaseKind.REQUEST, description="request（诉求，默认）或 suggestion（意见建议）")
    title: str = Field("", max_length=100, description="标题；不填则取内容的第一行")
    address: str = Field("", max_length=200, description="地点，写明街道（乡镇）可自动确定所属地区")
    name: str = Field("", max_length=50, description="姓名（可不填）")
    phone: str = Field("", max_length=32, description="电话（可不填）；答复和进展通过短信告知")
    consent: bool = Field(False, description="同意向承办部门提供姓名和电话")
    station: int | None = Field(None, ge=1, le=2**63 - 1, description="联络站 id（联络站码）")
    latitude: Decimal | None = Field(None, ge=-90, le=90, max_digits=9, decimal_places=6)
    longitude: Decimal | None = Field(None, ge=-180, le=180, max_digits=9, decimal_places=6)


class CaseSubmitOut(Schema):
    tracking_code: str = Field(description="查询码")
    secret: str = Field(description="查询密码：只显示这一次，请妥善保存")
    status: CaseStatus


class TicketIn(StrictIn):
    tracking_code: str = Field(min_length=1, max_length=32, description="查询码")
    secret: str = Field(min_length=1, max_length=64, description="查询密码")


class CommentIn(TicketIn):
    text: str = Field(max_length=2000)


class WithdrawIn(TicketIn):
    reason: str = Field("", max_length=500)


class RateIn(TicketIn):
    rating: Literal["satisfied", "partly", "not_satisfied"]
    comment: str = Field("", max_length=500, description="不满意时必填")


class PublicEventOut(Schema):
    at: dt.datetime
    kind: str
    kind_label: str
    actor_label: str
    note: str


class ContactOut(Schema):
    name: str = Field(description="姓名（已隐去）")
    phone: str = Field(description="电话（已隐去中间四位）")


class TrackedCaseOut(Schema):
    tracking_code: str
    status: CaseStatus
    status_label: str
    kind: CaseKind
    kind_label: str
    category: CategoryRef | None = None
    title: str
    description: str = Field(description="诉求内容（只给提交人本人）")
    address: str = Field(description="地点（只给提交人本人）")
    created_at: dt.datetime
    answer: str
    answered_at: dt.datetime | None = None
    closed_at: dt.datetime | None = None
    rating: str
    rating_label: str
    info_requested: bool
    question: str = Field(description="待补充时，工作人员提出的问题")
    is_filer: bool = Field(description="是否提交人本人（关注者不能评价或撤回）")
    can_comment: bool
    can_withdraw: bool
    can_rate: bool
    contact: ContactOut
    timeline: list[PublicEventOut]
    attachments: list[AttachmentOut]


# ---- manage: cases --------------------------------------------------------------------------


class CaseRowOut(Schema):
    id: int
    tracking_code: str
    title: str
    kind: CaseKind
    category: CategoryRef | None = None
    status: CaseStatus
    status_label: str
    station: NamedRef | None = None
    region: NamedRef
    deputy: NamedRef | None = None
    department: NamedRef | None = None
    due_date: dt.date | None = None
    is_overdue: bool
    is_escalated: bool
    info_requested: bool
    created_at: dt.datetime
    version: int
    resident_name: str = Field(description="群众姓名（已隐去；部门只在群众同意时可见）")
    resident_phone: str = Field(description="群众电话（已隐去）")


class CaseEventOut(Schema):
    id: int
    at: dt.datetime
    kind: str
    kind_label: str
    actor_label: str
    from_status: str
    to_status: str
    note: str
    is_public: bool
    referral_id: int | None = None


class ReferralRowOut(Schema):
    id: int
    case_id: int
    department: NamedRef
    status: ReferralStatus
    status_label: str
    instructions: str
    due_date: dt.date
    deadline_label: str
    is_overdue: bool
    shares_personal_data: bool
    accepted_at: dt.datetime | None = None
    replied_at: dt.datetime | None = None
    reply: str
    return_reason: str
    extension_status: str
    extension_workdays: int
    extension_reason: str
    escalation_level: int
    created_at: dt.datetime
    version: int


class MeetingOut(Schema):
    id: int
    held_on: dt.date
    place: str
    residents: str
    outcome: str
    deputies: list[NamedRef]
    departments: list[NamedRef]
    created_at: dt.datetime


class StaffAttachmentOut(AttachmentOut):
    is_public: bool
    referral_id: int | None = None


class CaseDetailOut(CaseRowOut):
    channel: str
    channel_label: str
    description: str
    address: str
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    deadline_label: str
    consent: bool
    notice_version: str
    answer: str
    accepted_at: dt.datetime | None = None
    answered_at: dt.datetime | None = None
    closed_at: dt.datetime | None = None
    rating: str
    rating_comment: str
    merged_into_id: int | None = None
    is_published: bool
    public_summary: str
    can_triage: bool
    can_answer: bool
    can_reveal: bool
    referrals: list[ReferralRowOut]
    timeline: list[CaseEventOut]
    meetings: list[MeetingOut]
    attachments: list[StaffAttachmentOut]


class CaseListFilters(Schema):
    status: CaseStatus | None = None
    kind: CaseKind | None = None
    category: str | None = Field(None, max_length=32, pattern=r"^[-a-zA-Z0-9_]+$", description="类别代码")
    region: int | None = Field(None, ge=1, le=2**63 - 1, description="区划 id（含下级）")
    station: int | None = Field(None, ge=1, le=2**63 - 1)
    deputy: int | None = Field(None, ge=1, le=2**63 - 1)
    department: int | None = Field(None, ge=1, le=2**63 - 1, description="曾交办到的部门")
    overdue: bool | None = None
    escalated: bool | None = None
    open_only: bool | None = None
    date_from: dt.date | None = Field(None, description="提交日期起（含）")
    date_to: dt.date | None = Field(None, description="提交日期止（含）")
    q: Line | None = Field(None, max_length=50, description="查询码或标题中的字词")
    ordering: str = Field(
        "-created_at",
        pattern=r"^(-?created_at|-?due_date|-updated_at)$",
        description="-created_at, created_at, due_date, -due_date, -updated_at",
    )


class NoteIn(StrictIn):
    version: int | None = _version()
    note: str = Field("", max_length=500)


class ReasonIn(StrictIn):
    version: int | None = _version()
    reason: str = Field(max_length=500)


class AssignIn(StrictIn):
    version: int | None = _version()
    deputy: int = Field(ge=1, le=2**63 - 1)
    note: str = Field("", max_length=500)


class AnswerIn(StrictIn):
    version: int | None = _version()
    answer: str = Field(max_length=5000)


class ReferIn(StrictIn):
    version: int | None = _version()
    department: int = Field(ge=1, le=2**63 - 1)
    due_workdays: int | None = Field(None, ge=1, le=60, description="办理时限（工作日）；不填按类别默认")
    instructions: str = Field("", max_length=2000)
    share_personal_data: bool = Field(True, description="群众同意时，向部门提供姓名和电话")


class QuestionIn(StrictIn):
    version: int | None = _version()
    question: str = Field(max_length=1000)


class TextIn(StrictIn):
    version: int | None = _version()
    text: str = Field(max_length=2000)


class TransferIn(StrictIn):
    version: int | None = _version()
    region: int = Field(ge=1, le=2**63 - 1)
    station: int | None = Field(None, ge=1, le=2**63 - 1)
    reason: str = Field(max_length=500)


class MergeIn(StrictIn):
    version: int | None = _version()
    into: int = Field(ge=1, le=2**63 - 1, description="保留的诉求 id")


class MeetingIn(StrictIn):
    version: int | None = _version()
    held_on: dt.date
    place: str = Field("", max_length=100)
    residents: str = Field(max_length=300)
    deputies: list[ID] = Field(default_factory=list, max_length=50)
    departments: list[ID] = Field(default_factory=list, max_length=50)
    outcome: str = Field(max_length=5000)


class SummaryIn(StrictIn):
    version: int | None = _version()
    summary: str = Field(max_length=2000)


class RevealOut(Schema):
    name: str
    phone: str


class BulkAssignIn(StrictIn):
    cases: list[ID] = Field(min_length=1, max_length=200)
    deputy: int = Field(ge=1, le=2**63 - 1)


class BulkAssignOut(Schema):
    assigned: int


# ---- manage: referrals ----------------------------------------------------------------------


class ReferralCaseOut(Schema):
    id: int
    tracking_code: str
    title: str
    kind: CaseKind
    category: CategoryRef | None = None
    status: CaseStatus
    status_label: str
    region: NamedRef


class ReferralQueueRowOut(ReferralRowOut):
    case: ReferralCaseOut


class ReferralDetailOut(ReferralQueueRowOut):
    description: str
    address: str
    resident_name: str = Field(description="群众姓名（已隐去；只在群众同意提供时）")
    resident_phone: str = Field(description="群众电话（已隐去；只在群众同意提供时）")
    can_handle: bool
    can_decide: bool
    timeline: list[CaseEventOut]
    attachments: list[StaffAttachmentOut]


class ReferralFilters(Schema):
    status: ReferralStatus | None = Field(None, description="不填：待签收和办理中的")
    overdue: bool | None = None


class ReferralVersionIn(StrictIn):
    version: int | None = _version()


class ReferralReasonIn(StrictIn):
    version: int | None = _version()
    reason: str = Field(max_length=500)


class ExtensionIn(StrictIn):
    version: int | None = _version()
    workdays: int = Field(ge=1, le=30)
    reason: str = Field(max_length=500)


class ReplyIn(StrictIn):
    version: int | None = _version()
    reply: str = Field(max_length=5000)


class ExtensionDecisionIn(StrictIn):
    version: int | None = _version()
    approve: bool
    note: str = Field("", max_length=500, description="不同意时必填")
