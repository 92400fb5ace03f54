"""Cases (群众诉求): a resident's request and everything that answers it.

Minimal for now: reception walk-ins create cases; the cases issue adds routing, referral,
replies, ratings and the CaseEvent log.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from liaison.core.models import VersionedModel
from liaison.stations.models import Station

from .choices import CaseStatus, Channel


class Case(VersionedModel):
    station = models.ForeignKey(Station, verbose_name=_("站点"), on_delete=models.PROTECT, related_name="cases")
    channel = models.CharField(_("渠道"), max_length=16, choices=Channel.choices)
    title = models.CharField(_("标题"), max_length=100)
    description = models.TextField(_("内容"), max_length=5000)
    status = models.CharField(_("状态"), max_length=24, choices=CaseStatus.choices, default=CaseStatus.SUBMITTED)
    resident_name = models.CharField(_("姓名"), max_length=50, blank=True)
    resident_phone = models.CharField(_("电话"), max_length=20, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("诉求")
        verbose_name_plural = _("诉求")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["station", "-created_at"], name="case_station_recent")]

    def __str__(self) -> str:
        return self.title
