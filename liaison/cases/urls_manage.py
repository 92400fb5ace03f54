"""Routes of the back office's case pages (cases_manage), mounted at /manage/."""

from django.urls import path

from . import views_manage

app_name = "cases_manage"

urlpatterns = [
    path("cases/", views_manage.case_list, name="list"),
    path("cases/assign/", views_manage.bulk_assign, name="bulk_assign"),
    path("cases/new/", views_manage.case_new, name="new"),
    path("cases/export/", views_manage.export, name="export"),
    path("cases/jobs/<int:job_id>/", views_manage.export_job, name="export_job"),
    path("cases/jobs/<int:job_id>/progress/", views_manage.export_job_progress, name="export_job_progress"),
    path("cases/jobs/<int:job_id>/download/", views_manage.export_job_download, name="export_job_download"),
    path("cases/routing/", views_manage.routing_table, name="routing"),
    path("cases/routing/<int:rule_id>/delete/", views_manage.routing_delete, name="routing_delete"),
    path("cases/categories/", views_manage.categories, name="categories"),
]
