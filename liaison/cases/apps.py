from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "liaison.cases"
    label = "cases"
    verbose_name = _("群众诉求")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from liaison.core.audit import register_action_labels
        from liaison.organization.models import Region
        from liaison.stations.models import Station

        from .choices import EventKind
        from .models import CaseCategory
        from .selectors import forget_categories, forget_stations

        post_save.connect(forget_categories, sender=CaseCategory, dispatch_uid="cases_forget_categories_save")
        post_delete.connect(forget_categories, sender=CaseCategory, dispatch_uid="cases_forget_categories_delete")
        for model in (Station, Region):
            post_save.connect(
                forget_stations, sender=model, dispatch_uid=f"cases_forget_stations_save_{model.__name__}"
            )
            post_delete.connect(
                forget_stations, sender=model, dispatch_uid=f"cases_forget_stations_delete_{model.__name__}"
            )

        # Every timeline event is also an audit row named after it ("case.referred" ...).
        register_action_labels({f"case.{kind.value}": kind.label for kind in EventKind})
        register_action_labels(
            {
                "case.reveal": _("查看群众完整联系方式"),
                "case.export": _("导出诉求清单"),
                "routing_rule.created": _("新增交办规则"),
                "routing_rule.deleted": _("删除交办规则"),
                "case_category.changed": _("修改诉求类别"),
            }
        )
