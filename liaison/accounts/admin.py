from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import ApiToken, RoleGrant, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):  # type: ignore[type-arg]
    fieldsets = (*(BaseUserAdmin.fieldsets or ()), ("Liaison", {"fields": ("display_name", "must_change_password")}))
    list_display = ["username", "display_name", "is_active", "last_login"]


@admin.register(RoleGrant)
class RoleGrantAdmin(admin.ModelAdmin[RoleGrant]):
    list_display = ["user", "role", "region", "station", "department", "revoked_at"]
    list_filter = ["role"]
    raw_id_fields = ["user", "region", "station", "department", "granted_by"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin[ApiToken]):
    list_display = ["user", "expires_at", "revoked_at"]
    readonly_fields = ["key_hash"]
