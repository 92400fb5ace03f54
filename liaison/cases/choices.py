from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    """How a request reached the network."""

    ONLINE = "online", _("网上提交")
    WALK_IN = "walk_in", _("进站接待")
    PHONE = "phone", _("电话")
    LETTER = "letter", _("来信")
    VISIT = "visit", _("走访")


class CaseStatus(models.TextChoices):
    """The first states of a case; the cases issue completes the workflow."""

    SUBMITTED = "submitted", _("已提交")
    ANSWERED_ON_SPOT = "answered_on_spot", _("已现场答复")
