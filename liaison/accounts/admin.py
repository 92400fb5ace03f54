from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group

from liaison.core.admin import ReadOnlyAdmin

from .models import ApiToken, RoleGrant, User

# Permissions come from role grants, never from Django's groups.
admin.site.unregister(Group)


@admin.register(User)
class UserAdmin(ReadOnlyAdmin, BaseUserAdmin):  # type: ignore[misc]
    """Accounts are created and changed on the back office's user pages (audited)."""

    fieldsets = (*(BaseUserAdmin.fieldsets or ()), ("Liaison", {"fields": ("display_name", "must_change_password")}))
    list_display = ["username", "display_name", "is_active", "last_login"]


@admin.register(RoleGrant)
class RoleGrantAdmin(ReadOnlyAdmin):
    list_display = ["user", "role", "region", "station", "department", "revoked_at"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__display_name"]
    raw_id_fields = ["user", "region", "station", "department", "granted_by"]
    list_select_related = ["user", "region", "station", "department"]


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    list_display = ["user", "expires_at", "revoked_at"]
    exclude = ["key_hash"]
    list_select_related = ["user"]
