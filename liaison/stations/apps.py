from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StationsConfig(AppConfig):
    name = "liaison.stations"
    label = "stations"
    verbose_name = _("家站点")

    def ready(self) -> None:
        from liaison.core.audit import register_action_labels

        register_action_labels(
            {
                "station.created": _("新建站点"),
                "station.updated": _("修改站点信息"),
                "station.rule_added": _("添加上墙制度"),
                "station.rule_removed": _("撤下上墙制度"),
            }
        )
