"""URLs of R2 (the deputy's duties and inbox), included at my/."""

from django.urls import path

from . import views_deputy as views

app_name = "receptions_deputy"

urlpatterns = [
    path("duties/", views.duties, name="duties"),
    path("duties/leave/", views.leave, name="leave"),
    path("duties/swap/", views.swap, name="swap"),
    path("duties/swap/answer/", views.swap_respond, name="swap_respond"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/read/", views.inbox_read, name="inbox_read"),
]
