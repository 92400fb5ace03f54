"""The resident's pages of cases (no account needed), mounted at the site root."""

from django.urls import path

from . import views_public

app_name = "cases"

urlpatterns = [
    path("cases/new/", views_public.submit, name="submit"),
    path("cases/similar/", views_public.similar, name="similar"),
    path("cases/<int:case_id>/join/", views_public.join, name="join"),
    path("cases/mine/", views_public.mine, name="mine"),
    path("track/", views_public.track, name="track"),
    path("track/recover/", views_public.recover, name="recover"),
    path("track/<int:case_id>/", views_public.tracked, name="tracked"),
    path("stations/<int:station_id>/case-qr/", views_public.station_qr, name="station_qr"),
    path("deputies/<int:deputy_id>/case-qr/", views_public.deputy_qr, name="deputy_qr"),
]
