"""URLs of R3 (desk, walk-ins, register)."""

from django.urls import URLPattern

app_name = "receptions_desk"

urlpatterns: list[URLPattern] = []
