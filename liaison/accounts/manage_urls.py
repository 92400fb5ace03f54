from django.urls import path

from . import manage_views

app_name = "accounts_manage"

urlpatterns = [
    path("users/", manage_views.user_list, name="user_list"),
    path("users/new/", manage_views.user_create, name="user_create"),
    path("users/<int:user_id>/", manage_views.user_detail, name="user_detail"),
    path("audit/", manage_views.audit_list, name="audit_list"),
]
