from django.contrib import admin

from liaison.core.admin import ReadOnlyAdmin

from .models import Constituency, Department, Grid, Office, Region


@admin.register(Region)
class RegionAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "tier", "parent"]
    list_filter = ["tier"]
    search_fields = ["code", "name"]
    raw_id_fields = ["parent"]
    list_select_related = ["parent"]


@admin.register(Grid)
class GridAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "community"]
    search_fields = ["code", "name"]
    raw_id_fields = ["community"]
    list_select_related = ["community"]


@admin.register(Constituency)
class ConstituencyAdmin(ReadOnlyAdmin):
    list_display = ["name", "region", "level", "voter_count"]
    list_filter = ["level"]
    search_fields = ["name"]
    raw_id_fields = ["region"]
    list_select_related = ["region"]


@admin.register(Department)
class DepartmentAdmin(ReadOnlyAdmin):
    list_display = ["name", "region", "is_active"]
    search_fields = ["name"]
    raw_id_fields = ["region"]
    list_select_related = ["region"]


@admin.register(Office)
class OfficeAdmin(ReadOnlyAdmin):
    list_display = ["name", "region"]
    search_fields = ["name"]
    raw_id_fields = ["region"]
    list_select_related = ["region"]
