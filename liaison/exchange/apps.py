from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    name = "liaison.exchange"
    label = "exchange"
    verbose_name = _("导入导出")

    def ready(self) -> None:
        from liaison.core.audit import register_action_labels

        register_action_labels(
            {
                "exchange.imported": _("导入数据"),
                "exchange.export_started": _("发起全量导出"),
                "exchange.export_downloaded": _("下载导出文件"),
            }
        )
