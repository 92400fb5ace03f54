from django.urls import path

from . import views

app_name = "stations"

urlpatterns = [
    path("stations/", views.station_list, name="list"),
    path("stations/new/", views.station_create, name="create"),
    path("stations/<int:station_id>/", views.station_detail, name="detail"),
    path("stations/<int:station_id>/edit/", views.station_edit, name="edit"),
]
