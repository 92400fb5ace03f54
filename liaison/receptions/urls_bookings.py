"""URLs of R4 (staff: bookings of a session)."""

from django.urls import path

from . import views_bookings

app_name = "receptions_bookings"

urlpatterns = [
    path("receptions/sessions/<int:session_id>/bookings/", views_bookings.session_bookings, name="session_bookings"),
]
