"""URLs of R2 (staff: leave and swap requests)."""

from django.urls import URLPattern

app_name = "receptions_requests"

urlpatterns: list[URLPattern] = []
