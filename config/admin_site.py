"""Django's admin, wired for system admins only (SECURITY.md: least privilege).

`is_staff` means nothing here: the admin answers only users holding the system-admin role
grant, whatever other roles or flags they have. Sign-in goes through the site's own login
(lockout, password rules); the admin never shows a second login form.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _


class SystemAdminSite(admin.AdminSite):
    """The admin site: read-mostly browsing of the data for system admins."""

    site_header = _("人大代表家站点履职服务平台 · 系统管理")
    site_title = _("系统管理")
    index_title = _("数据浏览")

    def has_permission(self, request: HttpRequest) -> bool:
        from liaison.accounts.jurisdiction import jurisdiction_for

        return jurisdiction_for(request.user).is_system_admin

    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        from django.contrib.auth.views import redirect_to_login

        if not request.user.is_authenticated:
            return redirect_to_login(request.GET.get("next") or request.path.replace("login/", ""))
        if self.has_permission(request):
            return redirect("admin:index")
        # Signed in but not a system admin: a plain refusal, never a second login form.
        raise PermissionDenied


class LiaisonAdminConfig(AdminConfig):
    """`django.contrib.admin` with SystemAdminSite as `admin.site`, so every app registers there."""

    default_site = "config.admin_site.SystemAdminSite"
