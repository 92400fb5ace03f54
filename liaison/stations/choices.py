from django.db import models
from django.utils.translation import gettext_lazy as _


class StationKind(models.TextChoices):
    """The four kinds of platform in the home–station–point network."""

    HOME = "home", _("人大代表之家")
    STATION = "station", _("人大代表联络站")
    POINT = "point", _("人大代表联络点")
    LEGISLATIVE_POINT = "legislative_point", _("基层立法联系点")


class StationRoleKind(models.TextChoices):
    """Who runs a station day to day."""

    HEAD = "head", _("站长")
    LIAISON_OFFICER = "liaison_officer", _("联络员")
    POINT_KEEPER = "point_keeper", _("点负责人")


class PartnerKind(models.TextChoices):
    """Partner organizations of "联络站+N"."""

    PARTY_ALLIANCE = "party_alliance", _("党建联合体")
    YOUTH_CARE = "youth_care", _("关工委")
    ELDERLY_ASSOCIATION = "elderly_association", _("老年协会")
    WOMENS_FEDERATION = "womens_federation", _("妇联")
    OTHER = "other", _("其他")
