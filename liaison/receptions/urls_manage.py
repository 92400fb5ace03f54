"""URLs of R1 (schedules, sessions, roster)."""

from django.urls import URLPattern

app_name = "receptions_manage"

urlpatterns: list[URLPattern] = []
