"""URLs of R4 (calendar feeds, booking)."""

from django.urls import URLPattern

app_name = "receptions_public"

urlpatterns: list[URLPattern] = []
