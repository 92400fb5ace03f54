from django.urls import path

from . import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("stations/<int:station_id>/", views.station, name="station"),
    path("deputies/<int:deputy_id>/", views.deputy, name="deputy"),
]
