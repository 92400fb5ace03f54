"""The deputy's own case pages (我的诉求), included at my/."""

from django.urls import path

from . import views_deputy as views

app_name = "cases_deputy"

urlpatterns = [
    path("cases/", views.case_list, name="list"),
    path("cases/<int:case_id>/", views.case_detail, name="detail"),
    path("cases/<int:case_id>/answer-on-spot/", views.answer_on_spot, name="answer_on_spot"),
    path("cases/<int:case_id>/answer/", views.answer, name="answer"),
    path("cases/<int:case_id>/request-info/", views.request_info, name="request_info"),
    path("cases/<int:case_id>/note/", views.note, name="note"),
    path("cases/<int:case_id>/meeting/", views.meeting, name="meeting"),
    path("cases/<int:case_id>/reveal/", views.reveal, name="reveal"),
]
