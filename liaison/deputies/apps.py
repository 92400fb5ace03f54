from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeputiesConfig(AppConfig):
    name = "liaison.deputies"
    label = "deputies"
    verbose_name = _("人大代表")

    def ready(self) -> None:
        from liaison.core.audit import register_action_labels

        register_action_labels(
            {
                "deputy.created": _("登记代表"),
                "deputy.updated": _("修改代表信息"),
                "assignment.created": _("安排进站"),
                "assignment.ended": _("结束进站"),
            }
        )
