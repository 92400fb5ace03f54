"""URLs of R2 (staff: leave and swap requests), included at manage/."""

from django.urls import path

from . import views_requests as views

app_name = "receptions_requests"

urlpatterns = [
    path("receptions/requests/", views.request_list, name="list"),
    path("receptions/requests/leave/<int:request_id>/decide/", views.leave_decide, name="leave_decide"),
    path("receptions/requests/swap/<int:request_id>/decide/", views.swap_decide, name="swap_decide"),
]
