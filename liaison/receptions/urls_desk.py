"""URLs of R3 (desk, walk-ins, register), included at manage/."""

from django.urls import path

from . import views_desk

app_name = "receptions_desk"

urlpatterns = [
    path("receptions/sessions/<int:session_id>/desk/", views_desk.desk, name="desk"),
    path("receptions/sessions/<int:session_id>/desk/qr/", views_desk.desk_qr, name="desk_qr"),
    path("receptions/sessions/<int:session_id>/walk-ins/new/", views_desk.walk_in_create, name="walk_in_create"),
    path("receptions/register/", views_desk.register, name="register"),
    path("receptions/register/export/", views_desk.register_export, name="register_export"),
    path("receptions/register/jobs/<int:job_id>/", views_desk.register_job, name="register_job"),
    path(
        "receptions/register/jobs/<int:job_id>/progress/",
        views_desk.register_job_progress,
        name="register_job_progress",
    ),
    path(
        "receptions/register/jobs/<int:job_id>/download/",
        views_desk.register_job_download,
        name="register_job_download",
    ),
]
