"""Read-only admin pages: the admin is for looking, every write goes through a service.

Services check the reach, validate and write the audit row in the same transaction; the admin's
generic forms would do none of that, so no model admin here adds, changes or deletes.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest

from .models import AuditEvent, Notification


class ReadOnlyAdmin(admin.ModelAdmin[Any]):
    """Visible to whoever the site lets in (system admins), never writable."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self.admin_site.has_permission(request)

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self.admin_site.has_permission(request)

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "actor_label", "action", "target_type", "target_label", "ip_address"]
    list_filter = ["action", "target_type"]
    search_fields = ["actor_label", "action", "target_label", "target_id"]
    date_hierarchy = "at"
    list_select_related = True
    show_full_result_count = False


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    """The outbox, dead letters included (filter by status); addresses and bodies are not shown."""

    list_display = ["created_at", "channel", "status", "attempts", "next_attempt_at", "last_error", "subject"]
    list_filter = ["status", "channel"]
    search_fields = ["dedupe_key", "subject"]
    fields = ("created_at", "channel", "status", "attempts", "next_attempt_at", "last_error", "subject", "sent_at")
    readonly_fields = fields
    date_hierarchy = "created_at"
    show_full_result_count = False
