"""URL wiring only: every route belongs to an app."""

from django.contrib import admin
from django.urls import include, path

from liaison.api.api import api

urlpatterns = [
    path("api/v1/", api.urls),
    path("accounts/", include("liaison.accounts.urls")),
    path("manage/", include("liaison.deputies.urls")),
    path("manage/", include("liaison.stations.urls")),
    path("manage/", include("liaison.exchange.urls")),
    path("manage/", include("liaison.accounts.manage_urls")),
    path("manage/", include("liaison.receptions.urls_manage")),
    path("manage/", include("liaison.receptions.urls_desk")),
    path("manage/", include("liaison.receptions.urls_requests")),
    path("manage/", include("liaison.receptions.urls_bookings")),
    path("manage/", include("liaison.cases.urls_manage")),
    path("manage/", include("liaison.cases.urls_case")),
    path("manage/", include("liaison.cases.urls_department")),
    path("my/", include("liaison.receptions.urls_deputy")),
    path("my/", include("liaison.receptions.urls_checkin")),
    path("my/", include("liaison.cases.urls_deputy")),
    path("cases/files/", include("liaison.cases.urls_files")),
    path("open311/v2/", include("liaison.cases.urls_open311")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("", include("liaison.receptions.urls_public")),
    path("", include("liaison.cases.urls_public")),
    path("", include("liaison.portal.urls")),
]

handler404 = "liaison.portal.views.not_found"
handler500 = "liaison.portal.views.server_error"
