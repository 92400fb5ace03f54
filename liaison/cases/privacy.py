"""The personal-information notice shown before a resident submits (个人信息保护法 §17):
what is collected, why, for how long, and the resident's rights. A change of wording is a new
version; each case records the version its resident saw."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _

NOTICE_VERSION = "2026-11"


def retention_days() -> int:
    """Days after closure until a case's personal data is anonymised (SECURITY.md S25)."""
    return int(getattr(settings, "LIAISON_CASE_RETENTION_DAYS", 730))


def notice_lines() -> list[str]:
    """The notice, one sentence per line, in the active language."""
    years = round(retention_days() / 365, 1)
    return [
        _("我们收集：您填写的诉求内容、地点、照片，以及（自愿填写的）姓名和电话。"),
        _("用途：受理、转交承办部门办理、答复您，并统计履职情况；不用于其他目的。"),
        _("提供给谁：只有经手的人大代表、联络站和人大工作机构能看到；您同意后，承办部门才能看到您的姓名和电话。"),
        _("保存多久：办结 %(years)s 年后，您的姓名、电话和地址将被匿名化，只保留统计数据。") % {"years": f"{years:g}"},
        _("您的权利：可以查询、补充、撤回您的诉求；可以要求更正或删除您的个人信息，请联系所在联络站。"),
    ]
