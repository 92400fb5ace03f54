"""The department workspace (交办件), included at manage/."""

from django.urls import path

from . import views_department as views

app_name = "cases_department"

urlpatterns = [
    path("referrals/", views.queue, name="queue"),
    path("referrals/<int:referral_id>/", views.detail, name="detail"),
    path("referrals/<int:referral_id>/accept/", views.accept, name="accept"),
    path("referrals/<int:referral_id>/return/", views.return_, name="return"),
    path("referrals/<int:referral_id>/extend/", views.extend, name="extend"),
    path("referrals/<int:referral_id>/reply/", views.reply, name="reply"),
    path("referrals/<int:referral_id>/request-info/", views.request_info, name="request_info"),
    path("referrals/<int:referral_id>/reveal/", views.reveal, name="reveal"),
]
