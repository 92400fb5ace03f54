"""Routes of cases (cases_files): attachment downloads through a permission-checking view."""

from django.urls import path

from . import views_files

app_name = "cases_files"

urlpatterns = [path("<int:attachment_id>/", views_files.download, name="download")]
