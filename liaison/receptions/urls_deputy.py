"""URLs of R2 (the deputy's duties and inbox)."""

from django.urls import URLPattern

app_name = "receptions_deputy"

urlpatterns: list[URLPattern] = []
