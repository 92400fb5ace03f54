"""URLs of R4 (staff: bookings of a session)."""

from django.urls import URLPattern

app_name = "receptions_bookings"

urlpatterns: list[URLPattern] = []
