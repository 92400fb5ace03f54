"""URLs of R3 (check-in by QR)."""

from django.urls import URLPattern

app_name = "receptions_checkin"

urlpatterns: list[URLPattern] = []
