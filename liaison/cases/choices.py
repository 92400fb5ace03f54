from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    """How a request reached the network."""

    ONLINE = "online", _("网上提交")
    APP = "app", _("小程序或应用")
    WALK_IN = "walk_in", _("进站接待")
    PHONE = "phone", _("电话")
    LETTER = "letter", _("来信")
    VISIT = "visit", _("走访")
    HOTLINE = "hotline", _("热线转来")


# The channels staff use when they file a case on a resident's behalf.
STAFF_CHANNELS = (Channel.WALK_IN, Channel.PHONE, Channel.LETTER, Channel.VISIT)


class CaseKind(models.TextChoices):
    """A request asks for something to be done; a suggestion proposes how things could be better."""

    REQUEST = "request", _("诉求")
    SUGGESTION = "suggestion", _("意见建议")


class CaseStatus(models.TextChoices):
    """Where a case stands (the workflow of services.py; UX.md status colours in `STATUS_TONE`)."""

    SUBMITTED = "submitted", _("待受理")
    ACCEPTED = "accepted", _("已受理")
    ASSIGNED = "assigned", _("已分派代表")
    REFERRED = "referred", _("已交办部门")
    DEPARTMENT_REPLIED = "department_replied", _("部门已答复")
    ANSWERED = "answered", _("已答复")
    REOPENED = "reopened", _("重新办理")
    CLOSED = "closed", _("已办结")
    DECLINED = "declined", _("不予受理")
    WITHDRAWN = "withdrawn", _("已撤回")
    MERGED = "merged", _("已合并")


# States a case never leaves (a rating of "not satisfied" reopens an ANSWERED case, not a closed one).
TERMINAL_STATUSES = (CaseStatus.CLOSED, CaseStatus.DECLINED, CaseStatus.WITHDRAWN, CaseStatus.MERGED)
OPEN_STATUSES = tuple(s for s in CaseStatus if s not in TERMINAL_STATUSES)
# States in which staff may still route the case: assign a deputy, answer it or refer it.
ROUTABLE_STATUSES = (CaseStatus.ACCEPTED, CaseStatus.ASSIGNED, CaseStatus.REOPENED)

# UX.md: waiting grey, in progress blue, done green, declined dark grey (overdue red and
# escalated orange are flags shown beside the status).
STATUS_TONE = {
    CaseStatus.SUBMITTED: "secondary",
    CaseStatus.ACCEPTED: "primary",
    CaseStatus.ASSIGNED: "primary",
    CaseStatus.REFERRED: "primary",
    CaseStatus.DEPARTMENT_REPLIED: "primary",
    CaseStatus.ANSWERED: "success",
    CaseStatus.REOPENED: "warning",
    CaseStatus.CLOSED: "success",
    CaseStatus.DECLINED: "dark",
    CaseStatus.WITHDRAWN: "dark",
    CaseStatus.MERGED: "dark",
}


class Rating(models.TextChoices):
    """The resident's verdict on the answer."""

    SATISFIED = "satisfied", _("满意")
    PARTLY = "partly", _("基本满意")
    NOT_SATISFIED = "not_satisfied", _("不满意")
    UNRATED = "unrated", _("未评价")


class ReferralStatus(models.TextChoices):
    """A referral (交办) to a department."""

    PENDING = "pending", _("待签收")
    ACCEPTED = "accepted", _("办理中")
    RETURNED = "returned", _("已退回")
    REPLIED = "replied", _("已答复")
    CANCELLED = "cancelled", _("已撤销")


OPEN_REFERRAL_STATUSES = (ReferralStatus.PENDING, ReferralStatus.ACCEPTED)


class ExtensionStatus(models.TextChoices):
    NONE = "", _("无")
    REQUESTED = "requested", _("待审批")
    APPROVED = "approved", _("已同意")
    REFUSED = "refused", _("未同意")


class EventKind(models.TextChoices):
    """One line of a case's timeline (CaseEvent.kind)."""

    SUBMITTED = "submitted", _("提交诉求")
    ACCEPTED = "accepted", _("受理")
    DECLINED = "declined", _("不予受理")
    ASSIGNED = "assigned", _("分派代表")
    ANSWERED_ON_SPOT = "answered_on_spot", _("现场答复")
    REFERRED = "referred", _("交办部门")
    REFERRAL_ACCEPTED = "referral_accepted", _("部门签收")
    REFERRAL_RETURNED = "referral_returned", _("部门退回")
    EXTENSION_REQUESTED = "extension_requested", _("申请延期")
    EXTENSION_DECIDED = "extension_decided", _("延期审批")
    DEPARTMENT_REPLIED = "department_replied", _("部门答复")
    ANSWERED = "answered", _("答复群众")
    RATED = "rated", _("群众评价")
    REOPENED = "reopened", _("重新办理")
    ESCALATED = "escalated", _("督办")
    CLOSED = "closed", _("办结")
    INFO_REQUESTED = "info_requested", _("请群众补充材料")
    INFO_PROVIDED = "info_provided", _("群众补充材料")
    COMMENTED = "commented", _("群众留言")
    NOTE = "note", _("内部备注")
    WITHDRAWN = "withdrawn", _("群众撤回")
    MERGED = "merged", _("合并")
    JOINED = "joined", _("群众关注")
    TRANSFERRED = "transferred", _("转办")
    MEETING = "meeting", _("三方会商")
    OVERDUE = "overdue", _("逾期")
    REMINDED = "reminded", _("催办")
    PUBLISHED = "published", _("公开")
    ANONYMISED = "anonymised", _("个人信息匿名化")
