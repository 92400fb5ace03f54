from django.contrib import admin

from liaison.core.admin import ReadOnlyAdmin

from .models import Partner, Sponsor, Station, StationRole, StationRule


@admin.register(Station)
class StationAdmin(ReadOnlyAdmin):
    list_display = ["name", "kind", "region", "parent", "is_published"]
    list_filter = ["kind", "is_published"]
    search_fields = ["name", "region__code"]
    raw_id_fields = ["region", "parent"]
    list_select_related = ["region", "parent"]


@admin.register(StationRule)
class StationRuleAdmin(ReadOnlyAdmin):
    list_display = ["title", "station", "position"]
    search_fields = ["title"]
    list_select_related = ["station"]


@admin.register(StationRole)
class StationRoleAdmin(ReadOnlyAdmin):
    list_display = ["name", "kind", "station", "start", "end"]
    list_filter = ["kind"]
    search_fields = ["name"]
    raw_id_fields = ["station", "user"]
    list_select_related = ["station"]


@admin.register(Sponsor)
class SponsorAdmin(ReadOnlyAdmin):
    list_display = ["name", "title", "station"]
    raw_id_fields = ["station", "user"]
    list_select_related = ["station"]


@admin.register(Partner)
class PartnerAdmin(ReadOnlyAdmin):
    list_display = ["name", "kind", "station"]
    list_filter = ["kind"]
    list_select_related = ["station"]
