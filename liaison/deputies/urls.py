from django.urls import path

from . import views

app_name = "deputies"

urlpatterns = [
    path("deputies/", views.deputy_list, name="list"),
    path("deputies/new/", views.deputy_create, name="create"),
    path("deputies/<int:deputy_id>/", views.deputy_detail, name="detail"),
]
