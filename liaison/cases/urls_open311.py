"""Routes of cases (open311): Open311 GeoReport v2, each in .json and .xml (other suffixes 404)."""

from django.urls import path

from . import views_open311

app_name = "open311"

urlpatterns = [
    path("discovery.<str:fmt>", views_open311.discovery, name="discovery"),
    path("services.<str:fmt>", views_open311.services, name="services"),
    path("services/<str:service_code>.<str:fmt>", views_open311.service_definition, name="service_definition"),
    path("requests.<str:fmt>", views_open311.requests, name="requests"),
    path("requests/<str:service_request_id>.<str:fmt>", views_open311.request_detail, name="request"),
]
