from django.urls import path

from . import views

app_name = "exchange"

urlpatterns = [
    path("exchange/", views.exchange_home, name="home"),
    path("exchange/export/", views.export_start, name="export"),
    path("exchange/template/", views.template_download, name="template"),
    path("exchange/jobs/<int:job_id>/", views.job_detail, name="job"),
    path("exchange/jobs/<int:job_id>/progress/", views.job_progress, name="progress"),
    path("exchange/jobs/<int:job_id>/commit/", views.job_commit, name="commit"),
    path("exchange/jobs/<int:job_id>/download/", views.job_download, name="download"),
]
