"""Cases (群众诉求): a resident's request and everything that answers it (件件有回音).

A case lives in one region (the office that owns it) and maybe at a station; it may be
assigned to a deputy and referred (交办) to a department. Every change appends a `CaseEvent`:
the timeline, the registers and the statistics all read those rows.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from liaison.core.models import TimeStampedModel, VersionedModel
from liaison.deputies.models import Deputy
from liaison.organization.models import Department, Grid, Region, subtree_range
from liaison.stations.models import Station

from .choices import (
    OPEN_REFERRAL_STATUSES,
    OPEN_STATUSES,
    CaseKind,
    CaseStatus,
    Channel,
    EventKind,
    ExtensionStatus,
    Rating,
    ReferralStatus,
)


class CaseCategory(TimeStampedModel):
    """A kind of request residents choose from (an Open311 service), with help text."""

    code = models.SlugField(_("代码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=32)
    group = models.CharField(_("分组"), max_length=32, blank=True)
    description = models.CharField(_("说明"), max_length=300, blank=True)
    # The referral deadline proposed for this kind of request, in working days.
    due_workdays = models.PositiveSmallIntegerField(_("办理时限（工作日）"), default=10)
    is_active = models.BooleanField(_("启用"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("诉求类别")
        verbose_name_plural = _("诉求类别")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name


class RoutingRule(TimeStampedModel):
    """Which department handles a category in a region's subtree (kept by the office)."""

    category = models.ForeignKey(CaseCategory, verbose_name=_("诉求类别"), on_delete=models.CASCADE, related_name="+")
    region = models.ForeignKey(Region, verbose_name=_("适用区划"), on_delete=models.CASCADE, related_name="+")
    department = models.ForeignKey(Department, verbose_name=_("承办部门"), on_delete=models.CASCADE, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("设置人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("交办规则")
        verbose_name_plural = _("交办规则")
        ordering = ["region_id", "category_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["category", "region"],
                name="routing_rule_unique",
                violation_error_message=_("该区划已为此类别设置了承办部门。"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.region} · {self.category} → {self.department}"


class CaseQuerySet(models.QuerySet["Case"]):
    def visible_to(self, actor: Any, action: str = "view") -> CaseQuerySet:
        """The cases the actor reaches: the one jurisdiction rule for cases.

        "view": an office sees the cases of its subtree, station staff those of their stations
        (points included), a deputy the cases assigned to him, a department handler the cases
        ever referred to his department. "triage" (accept, route, refer, merge, publish): office
        and station staff only. "answer": triage plus the assigned deputy. Sponsors see none:
        cases hold residents' personal data, and a sponsor's view is the dashboard.
        """
        if action not in ("view", "answer", "triage"):
            return self.none()
        if actor.is_system_admin:
            return self.all()
        q = Q(pk__in=[])
        for path in actor.office_paths:
            low, high = subtree_range(path)
            q |= Q(region_path__gte=low, region_path__lt=high)
        if actor.staff_station_ids:
            q |= Q(station_id__in=actor.staff_station_ids)
        if action in ("view", "answer") and actor.deputy_ids:
            q |= Q(deputy_id__in=actor.deputy_ids)
        if action == "view" and actor.department_ids:
            q |= Q(Exists(Referral.objects.filter(case=OuterRef("pk"), department_id__in=actor.department_ids)))
        return self.filter(q)

    def open(self) -> CaseQuerySet:
        return self.filter(status__in=OPEN_STATUSES)


class Case(VersionedModel):
    """A resident's request or suggestion, from intake to the resident's rating."""

    tracking_code = models.CharField(_("查询码"), max_length=16, unique=True)
    # HMAC of the resident's secret (the code alone never opens a case).
    secret_hash = models.CharField(max_length=64, editable=False)
    kind = models.CharField(_("类型"), max_length=16, choices=CaseKind.choices, default=CaseKind.REQUEST)
    channel = models.CharField(_("渠道"), max_length=16, choices=Channel.choices)
    category = models.ForeignKey(
        CaseCategory, verbose_name=_("类别"), null=True, blank=True, on_delete=models.PROTECT, related_name="cases"
    )
    title = models.CharField(_("标题"), max_length=100)
    description = models.TextField(_("内容"), max_length=5000)
    address = models.CharField(_("地点"), max_length=200, blank=True)
    latitude = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("经度"), max_digits=9, decimal_places=6, null=True, blank=True)

    # Where it belongs: the region decides which office owns it (region_path copies
    # region.path, so "cases under this township" is one indexed range on the case table).
    region = models.ForeignKey(Region, verbose_name=_("所属区划"), on_delete=models.PROTECT, related_name="cases")
    region_path = models.CharField(max_length=50, editable=False, db_index=True)
    grid = models.ForeignKey(
        Grid, verbose_name=_("网格"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    station = models.ForeignKey(
        Station, verbose_name=_("站点"), null=True, blank=True, on_delete=models.PROTECT, related_name="cases"
    )
    deputy = models.ForeignKey(
        Deputy, verbose_name=_("承办代表"), null=True, blank=True, on_delete=models.PROTECT, related_name="cases"
    )
    # The department of the open referral, copied for the queue and the filters.
    department = models.ForeignKey(
        Department, verbose_name=_("承办部门"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    status = models.CharField(_("状态"), max_length=24, choices=CaseStatus.choices, default=CaseStatus.SUBMITTED)
    due_date = models.DateField(_("办理期限"), null=True, blank=True)
    is_overdue = models.BooleanField(_("已逾期"), default=False)
    is_escalated = models.BooleanField(_("督办"), default=False)
    info_requested = models.BooleanField(_("待群众补充"), default=False)
    answer = models.TextField(_("答复内容"), max_length=5000, blank=True)
    accepted_at = models.DateTimeField(_("受理时间"), null=True, blank=True)
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    rating = models.CharField(_("评价"), max_length=16, choices=Rating.choices, blank=True)
    rating_comment = models.CharField(_("评价意见"), max_length=500, blank=True)
    rated_at = models.DateTimeField(_("评价时间"), null=True, blank=True)
    merged_into = models.ForeignKey(
        "self", verbose_name=_("合并到"), null=True, blank=True, on_delete=models.PROTECT, related_name="merged_cases"
    )

    # The resident (personal data: masked everywhere, revealed only by an audited action).
    resident_name = models.CharField(_("姓名"), max_length=50, blank=True)
    resident_phone = models.CharField(_("电话"), max_length=20, blank=True)
    # HMAC of the normalised phone, to find a resident's cases without scanning plain numbers.
    resident_phone_hash = models.CharField(max_length=64, blank=True, editable=False, db_index=True)
    resident_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("群众账号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    consent = models.BooleanField(_("同意向承办部门提供个人信息"), default=False)
    consent_at = models.DateTimeField(_("同意时间"), null=True, blank=True)
    notice_version = models.CharField(_("个人信息告知版本"), max_length=16, blank=True)
    anonymised_at = models.DateTimeField(_("匿名化时间"), null=True, blank=True)

    # A redacted summary staff may publish once the case is resolved (community-level place).
    is_published = models.BooleanField(_("已公开"), default=False)
    public_summary = models.TextField(_("公开摘要"), max_length=2000, blank=True)
    published_at = models.DateTimeField(_("公开时间"), null=True, blank=True)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("诉求")
        verbose_name_plural = _("诉求")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["station", "-created_at"], name="case_station_recent"),
            models.Index(fields=["region_path", "-created_at"], name="case_region_recent"),
            models.Index(fields=["deputy", "status"], name="case_deputy_status"),
            models.Index(fields=["department", "status"], name="case_department_status"),
            models.Index(fields=["status", "due_date"], name="case_status_due"),
            models.Index(fields=["category", "grid", "-created_at"], name="case_duplicate_probe"),
            models.Index(fields=["-published_at"], name="case_published", condition=Q(is_published=True)),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(merged_into__isnull=True) | Q(status=CaseStatus.MERGED),
                name="case_merged_has_status",
                violation_error_message=_("只有已合并的诉求才指向另一条诉求。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tracking_code} {self.title}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.region_id and (not self.region_path or "region" in (kwargs.get("update_fields") or ())):
            self.region_path = Region.objects.values_list("path", flat=True).get(pk=self.region_id)
        super().save(*args, **kwargs)


class CaseFollower(TimeStampedModel):
    """A resident following a case they did not file: a "me too" join, or the filer of a merged
    duplicate. Each follower has their own tracking code and secret and gets every answer."""

    case = models.ForeignKey(Case, verbose_name=_("诉求"), on_delete=models.CASCADE, related_name="followers")
    tracking_code = models.CharField(_("查询码"), max_length=16, unique=True)
    secret_hash = models.CharField(max_length=64, editable=False)
    name = models.CharField(_("姓名"), max_length=50, blank=True)
    phone = models.CharField(_("电话"), max_length=20, blank=True)
    phone_hash = models.CharField(max_length=64, blank=True, editable=False, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("群众账号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    consent = models.BooleanField(_("同意向承办部门提供个人信息"), default=False)
    notice_version = models.CharField(_("个人信息告知版本"), max_length=16, blank=True)
    anonymised_at = models.DateTimeField(_("匿名化时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("关注群众")
        verbose_name_plural = _("关注群众")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.tracking_code


class ReferralQuerySet(models.QuerySet["Referral"]):
    def visible_to(self, actor: Any, action: str = "view") -> ReferralQuerySet:
        """Referrals the actor reaches: a department handler only his department's ("handle");
        the office and station staff those of the cases they triage ("view", "decide")."""
        if action == "handle":
            if actor.is_system_admin:
                return self.all()
            return self.filter(department_id__in=actor.department_ids)
        if action in ("view", "decide"):
            cases = Case.objects.visible_to(actor, "triage")
            q = Q(case__in=cases)
            if action == "view" and actor.department_ids:
                q |= Q(department_id__in=actor.department_ids)
            return self.filter(q)
        return self.none()


class Referral(VersionedModel):
    """A referral (交办) of a case to a department, with a deadline in working days."""

    case = models.ForeignKey(Case, verbose_name=_("诉求"), on_delete=models.CASCADE, related_name="referrals")
    department = models.ForeignKey(
        Department, verbose_name=_("承办部门"), on_delete=models.PROTECT, related_name="referrals"
    )
    status = models.CharField(_("状态"), max_length=16, choices=ReferralStatus.choices, default=ReferralStatus.PENDING)
    instructions = models.TextField(_("交办意见"), max_length=2000, blank=True)
    due_date = models.DateField(_("办理期限"))
    # Whether the resident's name and phone travel with the referral (only with consent).
    shares_personal_data = models.BooleanField(_("提供群众个人信息"), default=False)
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("交办人"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    accepted_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("经办人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    replied_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    reply = models.TextField(_("办理结果"), max_length=5000, blank=True)
    return_reason = models.CharField(_("退回理由"), max_length=500, blank=True)
    extension_status = models.CharField(
        _("延期申请"), max_length=16, choices=ExtensionStatus.choices, default=ExtensionStatus.NONE, blank=True
    )
    extension_workdays = models.PositiveSmallIntegerField(_("申请延期（工作日）"), default=0)
    extension_reason = models.CharField(_("延期理由"), max_length=500, blank=True)
    # How far up the escalation ladder the deadline sweep has gone (0: not overdue yet).
    escalation_level = models.PositiveSmallIntegerField(_("催办级别"), default=0)

    objects = ReferralQuerySet.as_manager()

    class Meta:
        verbose_name = _("交办")
        verbose_name_plural = _("交办")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["department", "status", "due_date"], name="referral_queue"),
            models.Index(fields=["status", "due_date"], name="referral_due"),
        ]
        constraints = [
            # One open referral per case: two officers referring at once cannot both win.
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(status__in=OPEN_REFERRAL_STATUSES),
                name="referral_one_open_per_case",
                violation_error_message=_("该诉求已有正在办理的交办。"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.case.tracking_code} → {self.department}"


class CaseEvent(models.Model):
    """One line of a case's timeline: who did what, when, and why (append-only)."""

    case = models.ForeignKey(Case, verbose_name=_("诉求"), on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    kind = models.CharField(_("事项"), max_length=24, choices=EventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Who acted, as residents may see it ("千峰街道人大工委", "群众", "系统").
    actor_label = models.CharField(_("操作方"), max_length=100, blank=True)
    from_status = models.CharField(_("原状态"), max_length=24, choices=CaseStatus.choices, blank=True)
    to_status = models.CharField(_("新状态"), max_length=24, choices=CaseStatus.choices, blank=True)
    note = models.TextField(_("说明"), max_length=5000, blank=True)
    # Shown to the resident on the tracking page (internal notes and routing details are not).
    is_public = models.BooleanField(_("群众可见"), default=True)
    referral = models.ForeignKey(
        Referral, verbose_name=_("交办"), null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )
    data = models.JSONField(_("数据"), default=dict, blank=True)

    class Meta:
        verbose_name = _("诉求办理记录")
        verbose_name_plural = _("诉求办理记录")
        ordering = ["at", "id"]
        indexes = [
            models.Index(fields=["case", "at"], name="case_event_timeline"),
            models.Index(fields=["kind", "at"], name="case_event_kind_at"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind}"


class CaseAttachment(models.Model):
    """A photo or PDF on a case, stored under a random name outside the web root and served
    only through a permission-checking view."""

    case = models.ForeignKey(Case, verbose_name=_("诉求"), on_delete=models.CASCADE, related_name="attachments")
    event = models.ForeignKey(
        CaseEvent,
        verbose_name=_("办理记录"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="attachments",
    )
    referral = models.ForeignKey(
        Referral, verbose_name=_("交办"), null=True, blank=True, on_delete=models.SET_NULL, related_name="attachments"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上传人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    stored_name = models.CharField(max_length=64, unique=True, editable=False)
    original_name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(_("类型"), max_length=64)
    size = models.PositiveIntegerField(_("大小"))
    # Whether the resident sees it on the tracking page (a department's internal papers are not).
    is_public = models.BooleanField(_("群众可见"), default=True)
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.original_name


class TripartiteMeeting(models.Model):
    """A meeting of residents, deputies and the department on a case (三方会商), and its outcome."""

    case = models.ForeignKey(Case, verbose_name=_("诉求"), on_delete=models.CASCADE, related_name="meetings")
    held_on = models.DateField(_("会商日期"))
    place = models.CharField(_("地点"), max_length=100, blank=True)
    residents = models.CharField(_("群众代表"), max_length=300)
    deputies = models.ManyToManyField(Deputy, verbose_name=_("参加代表"), blank=True, related_name="+")
    departments = models.ManyToManyField(Department, verbose_name=_("参加部门"), blank=True, related_name="+")
    outcome = models.TextField(_("会商结果"), max_length=5000)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("记录人"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("三方会商")
        verbose_name_plural = _("三方会商")
        ordering = ["held_on", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.held_on}"


class IdempotencyRecord(models.Model):
    """The first answer to a submission made with an Idempotency-Key (or a form token): a retry
    with the same key gets the same case, never a duplicate (kept 24 hours)."""

    scope = models.CharField(max_length=32)
    key = models.CharField(max_length=128)
    body_hash = models.CharField(max_length=64)
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    response = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("幂等记录")
        verbose_name_plural = _("幂等记录")
        constraints = [models.UniqueConstraint(fields=["scope", "key"], name="idempotency_unique_key")]

    def __str__(self) -> str:
        return f"{self.scope}:{self.key}"


class RecoveryCode(models.Model):
    """A one-time code sent to a phone so a resident who lost a tracking code can find it again."""

    phone_hash = models.CharField(max_length=64, db_index=True)
    code_hash = models.CharField(max_length=64)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("找回验证码")
        verbose_name_plural = _("找回验证码")

    def __str__(self) -> str:
        return f"{self.pk}"
