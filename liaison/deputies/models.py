"""Deputies of five levels, their terms, groups, dated station assignments and contacts."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from liaison.core.clock import today
from liaison.core.models import TimeStampedModel, VersionedModel
from liaison.organization.choices import CongressLevel
from liaison.organization.models import Constituency, Region, subtree_q
from liaison.stations.models import Station

from .choices import Gender, GroupKind

if TYPE_CHECKING:
    from liaison.accounts.jurisdiction import Actor


class Term(TimeStampedModel):
    """A term (届) of one congress: the congress of `region` at `level`, e.g. 第十六届."""

    region = models.ForeignKey(Region, verbose_name=_("人大所在区划"), on_delete=models.PROTECT, related_name="terms")
    level = models.CharField(_("人大层级"), max_length=16, choices=CongressLevel.choices)
    number = models.PositiveSmallIntegerField(_("届次"))
    start = models.DateField(_("起始日期"))
    end = models.DateField(_("结束日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("届")
        verbose_name_plural = _("届")
        ordering = ["region__code", "level", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "level", "number"],
                name="term_unique_number",
                violation_error_message=_("该人大已有此届次。"),
            ),
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gt=models.F("start")),
                name="term_end_after_start",
                violation_error_message=_("届的结束日期应晚于起始日期。"),
            ),
        ]

    def __str__(self) -> str:
        return _("%(region)s人大第%(number)s届") % {"region": self.region.name, "number": self.number}


class DeputyGroup(TimeStampedModel):
    """A deputy group (代表小组) or delegation (代表团) within a term."""

    term = models.ForeignKey(Term, verbose_name=_("届"), on_delete=models.PROTECT, related_name="groups")
    region = models.ForeignKey(
        Region, verbose_name=_("所在区划"), on_delete=models.PROTECT, related_name="deputy_groups"
    )
    kind = models.CharField(_("类别"), max_length=16, choices=GroupKind.choices, default=GroupKind.GROUP)
    name = models.CharField(_("名称"), max_length=64)

    class Meta:
        verbose_name = _("代表小组")
        verbose_name_plural = _("代表小组")
        ordering = ["term_id", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["term", "name"], name="group_unique_name", violation_error_message=_("该届已有同名小组。")
            )
        ]

    def __str__(self) -> str:
        return self.name


class DeputyQuerySet(models.QuerySet["Deputy"]):
    def visible_to(self, actor: Actor, action: str = "view") -> DeputyQuerySet:
        """ARCHITECTURE.md rule 9: an office sees a deputy whose current station or constituency
        lies in its subtree, and edits the core record where the constituency does (or, for a
        deputy without one, where the electing congress sits). Staff and sponsors see the
        deputies currently at their stations; a deputy sees himself."""
        if actor.is_system_admin:
            return self.all()
        if action == "view":
            paths = actor.office_paths + actor.sponsor_paths
            stations = actor.staff_station_ids | actor.sponsor_station_ids
            current = Assignment.objects.current().filter(deputy=OuterRef("pk"))
            q = Q(pk__in=actor.deputy_ids)
            if paths:
                q |= Q(Exists(current.filter(subtree_q("station__region__", paths)))) | _edit_q(paths)
            if stations:
                q |= Q(Exists(current.filter(station_id__in=stations)))
            return self.filter(q)
        if action == "change":
            return self.filter(_edit_q(actor.office_paths))
        return self.none()

    def public(self) -> DeputyQuerySet:
        """Deputies the public portal may show: active, with a current published station."""
        current = Assignment.objects.current().filter(deputy=OuterRef("pk"), station__is_published=True)
        return self.filter(is_active=True).filter(Exists(current))


def _edit_q(paths: tuple[str, ...]) -> Q:
    if not paths:
        return Q(pk__in=[])
    return subtree_q("constituency__region__", paths) | (
        Q(constituency__isnull=True) & subtree_q("term__region__", paths)
    )


class Deputy(VersionedModel):
    """A deputy to a people's congress of one of five levels, within one term."""

    term = models.ForeignKey(Term, verbose_name=_("届"), on_delete=models.PROTECT, related_name="deputies")
    certificate_no = models.CharField(_("代表证号"), max_length=32)
    name = models.CharField(_("姓名"), max_length=64)
    # Initials and full pinyin, kept for search ("zhs" finds 张海生) and sorting.
    name_pinyin = models.CharField(_("姓名拼音"), max_length=200, blank=True, db_index=True)
    gender = models.CharField(_("性别"), max_length=8, choices=Gender.choices, blank=True)
    level = models.CharField(_("代表层级"), max_length=16, choices=CongressLevel.choices, db_index=True)
    constituency = models.ForeignKey(
        Constituency, verbose_name=_("选区"), null=True, blank=True, on_delete=models.PROTECT, related_name="deputies"
    )
    group = models.ForeignKey(
        DeputyGroup,
        verbose_name=_("代表小组"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="deputies",
    )
    delegation = models.ForeignKey(
        DeputyGroup,
        verbose_name=_("代表团"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="delegation_deputies",
    )
    occupation = models.CharField(_("职业与单位"), max_length=200, blank=True)
    # Open to the staff who manage the deputy, never to the public.
    work_phone = models.CharField(_("工作电话"), max_length=32, blank=True)
    # Shown to the public only because the deputy chose to publish it.
    public_phone = models.CharField(_("公开联系电话"), max_length=32, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("账号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="deputy",
    )
    is_active = models.BooleanField(_("在任"), default=True)

    objects = DeputyQuerySet.as_manager()

    class Meta:
        verbose_name = _("人大代表")
        verbose_name_plural = _("人大代表")
        ordering = ["name_pinyin", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["term", "certificate_no"],
                name="deputy_certificate_unique_in_term",
                violation_error_message=_("本届已有该代表证号。"),
            )
        ]

    def __str__(self) -> str:
        return self.name


class AssignmentQuerySet(models.QuerySet["Assignment"]):
    def current(self) -> AssignmentQuerySet:
        """Assignments in force today: start ≤ today < end. `end` is the leaving date, the first
        day the deputy is no longer at the station, so an assignment ended today is over."""
        day = today()
        return self.filter(start__lte=day).filter(Q(end__isnull=True) | Q(end__gt=day))


class Assignment(TimeStampedModel):
    """A deputy's dated assignment to a station (进家入站); ending one keeps the history."""

    deputy = models.ForeignKey(Deputy, verbose_name=_("代表"), on_delete=models.PROTECT, related_name="assignments")
    station = models.ForeignKey(Station, verbose_name=_("站点"), on_delete=models.PROTECT, related_name="assignments")
    start = models.DateField(_("进站日期"))
    end = models.DateField(_("离站日期"), null=True, blank=True)
    end_reason = models.CharField(_("离站原因"), max_length=200, blank=True)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("进站安排")
        verbose_name_plural = _("进站安排")
        ordering = ["-start", "id"]
        indexes = [models.Index(fields=["station", "end"]), models.Index(fields=["deputy", "end"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=models.F("start")),
                name="assignment_end_after_start",
                violation_error_message=_("离站日期不能早于进站日期。"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.deputy} @ {self.station}"


class Contact(TimeStampedModel):
    """A deputy's standing contact among residents (联系对象): personal data, masked by default."""

    deputy = models.ForeignKey(Deputy, verbose_name=_("代表"), on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("姓名"), max_length=64)
    phone = models.CharField(_("电话"), max_length=32, blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("联系对象")
        verbose_name_plural = _("联系对象")
        ordering = ["deputy_id", "id"]

    def __str__(self) -> str:
        return f"{self.name[:1]}**"
