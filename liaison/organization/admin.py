from django.contrib import admin

from .models import Constituency, Department, Grid, Office, Region


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin[Region]):
    list_display = ["code", "name", "tier", "parent"]
    list_filter = ["tier"]
    search_fields = ["code", "name"]
    raw_id_fields = ["parent"]
    readonly_fields = ["path"]


@admin.register(Grid)
class GridAdmin(admin.ModelAdmin[Grid]):
    list_display = ["code", "name", "community"]
    raw_id_fields = ["community"]


@admin.register(Constituency)
class ConstituencyAdmin(admin.ModelAdmin[Constituency]):
    list_display = ["name", "region", "level", "voter_count"]
    raw_id_fields = ["region"]


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin[Department]):
    list_display = ["name", "region", "is_active"]
    raw_id_fields = ["region"]


@admin.register(Office)
class OfficeAdmin(admin.ModelAdmin[Office]):
    list_display = ["name", "region"]
    raw_id_fields = ["region"]
