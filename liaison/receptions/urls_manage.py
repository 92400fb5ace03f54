"""URLs of R1 (schedules, sessions, roster) under /manage/receptions/."""

from django.urls import path

from . import views_manage as views
from . import views_workdays

app_name = "receptions_manage"

urlpatterns = [
    path("receptions/", views.receptions_home, name="home"),
    path("receptions/stations/<int:station_id>/schedules/", views.schedule_list, name="schedule_list"),
    path("receptions/stations/<int:station_id>/schedules/new/", views.schedule_create, name="schedule_create"),
    path("receptions/schedules/<int:schedule_id>/edit/", views.schedule_edit, name="schedule_edit"),
    path("receptions/stations/<int:station_id>/sessions/", views.session_list, name="session_list"),
    path("receptions/stations/<int:station_id>/sessions/new/", views.session_create, name="session_create"),
    path("receptions/sessions/<int:session_id>/", views.session_detail, name="session_detail"),
    path("receptions/workdays/", views_workdays.workdays, name="workdays"),
]
