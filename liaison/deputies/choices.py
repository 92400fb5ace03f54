from django.db import models
from django.utils.translation import gettext_lazy as _

from liaison.organization.choices import CongressLevel

__all__ = ["CongressLevel", "Gender", "GroupKind"]


class Gender(models.TextChoices):
    MALE = "male", _("男")
    FEMALE = "female", _("女")


class GroupKind(models.TextChoices):
    """A deputy group (代表小组) or a delegation (代表团)."""

    GROUP = "group", _("代表小组")
    DELEGATION = "delegation", _("代表团")
