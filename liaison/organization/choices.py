from django.db import models
from django.utils.translation import gettext_lazy as _


class RegionTier(models.TextChoices):
    """The five tiers of the administrative region tree."""

    PROVINCE = "province", _("省")
    CITY = "city", _("市")
    COUNTY = "county", _("区县")
    TOWNSHIP = "township", _("街道乡镇")
    COMMUNITY = "community", _("社区（村）")


TIER_ORDER = [RegionTier.PROVINCE, RegionTier.CITY, RegionTier.COUNTY, RegionTier.TOWNSHIP, RegionTier.COMMUNITY]

# GLOSSARY.md: six digits for province, city and county; the first nine of the 12-digit
# statistical code for a township; all twelve for a community.
CODE_LENGTH = {
    RegionTier.PROVINCE: 6,
    RegionTier.CITY: 6,
    RegionTier.COUNTY: 6,
    RegionTier.TOWNSHIP: 9,
    RegionTier.COMMUNITY: 12,
}


class CongressLevel(models.TextChoices):
    """The five levels of people's congresses (五级人大)."""

    NATIONAL = "national", _("全国")
    PROVINCIAL = "provincial", _("省级")
    CITY = "city", _("市级")
    COUNTY = "county", _("县级")
    TOWNSHIP = "township", _("乡镇级")
