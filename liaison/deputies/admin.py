from django.contrib import admin

from liaison.core.admin import ReadOnlyAdmin

from .models import Assignment, Deputy, DeputyGroup, Term

# Contact (residents' names, phones and addresses) is deliberately not registered: personal
# data leaves the database masked, and the admin has no masked view.


@admin.register(Term)
class TermAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "level", "number", "start", "end"]
    list_filter = ["level"]
    list_select_related = ["region"]


@admin.register(DeputyGroup)
class DeputyGroupAdmin(ReadOnlyAdmin):
    list_display = ["name", "kind", "term", "region"]
    list_filter = ["kind"]
    list_select_related = ["term__region", "region"]


@admin.register(Deputy)
class DeputyAdmin(ReadOnlyAdmin):
    list_display = ["name", "certificate_no", "level", "term", "is_active"]
    list_filter = ["level", "is_active"]
    search_fields = ["name", "name_pinyin", "certificate_no"]
    raw_id_fields = ["term", "constituency", "group", "delegation", "user"]
    list_select_related = ["term__region"]


@admin.register(Assignment)
class AssignmentAdmin(ReadOnlyAdmin):
    list_display = ["deputy", "station", "start", "end", "end_reason"]
    search_fields = ["deputy__name", "station__name"]
    raw_id_fields = ["deputy", "station"]
    list_select_related = ["deputy", "station"]
