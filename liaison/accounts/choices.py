from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """The roles of PRODUCT.md "Who uses it"; each grant says where it applies."""

    RESIDENT = "resident", _("群众")
    DEPUTY = "deputy", _("人大代表")
    STATION_STAFF = "station_staff", _("站点工作人员")
    OFFICE_ADMIN = "office_admin", _("人大工作机构管理员")
    DEPARTMENT_HANDLER = "department_handler", _("职能部门经办人")
    SPONSOR = "sponsor", _("包保领导")
    SYSTEM_ADMIN = "system_admin", _("系统管理员")
