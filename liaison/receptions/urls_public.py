"""URLs of R4 (calendar feeds, booking)."""

from django.urls import path

from . import views_public

app_name = "receptions_public"

urlpatterns = [
    path("stations/<int:station_id>/calendar.ics", views_public.station_calendar, name="station_calendar"),
    path("deputies/<int:deputy_id>/calendar.ics", views_public.deputy_calendar, name="deputy_calendar"),
    path(
        "stations/<int:station_id>/sessions/<int:session_id>/book/",
        views_public.booking_new,
        name="booking_new",
    ),
    path("bookings/cancel/", views_public.booking_cancel_view, name="booking_cancel"),
]
