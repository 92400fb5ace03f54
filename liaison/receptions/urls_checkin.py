"""URLs of R3 (check-in by QR), included at my/."""

from django.urls import path

from . import views_desk

app_name = "receptions_checkin"

urlpatterns = [
    path("checkin/<str:token>/", views_desk.checkin, name="checkin"),
]
