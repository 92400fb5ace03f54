from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "liaison.accounts"
    label = "accounts"
    verbose_name = _("账号与权限")

    def ready(self) -> None:
        from liaison.core.audit import register_action_labels

        from . import signals  # noqa: F401  (connects the audit receivers)

        register_action_labels(
            {
                "auth.login": _("登录"),
                "auth.logout": _("退出登录"),
                "auth.login_failed": _("登录失败"),
                "access.denied": _("拒绝访问"),
                "auth.password_changed": _("修改密码"),
                "auth.token_issued": _("签发接口令牌"),
                "auth.token_revoked": _("吊销接口令牌"),
                "user.created": _("新建账号"),
                "user.deactivated": _("停用账号"),
                "user.reactivated": _("恢复账号"),
                "user.password_reset": _("重置密码"),
                "role.granted": _("授予角色"),
                "role.revoked": _("撤销角色"),
            }
        )
