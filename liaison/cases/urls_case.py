"""Routes of the back office's case detail page (cases_case, under /manage/): the page and one
POST route per workflow action."""

from django.urls import path

from . import views_case

app_name = "cases_case"

_CASE = "cases/<int:case_id>/"
_REFERRAL = _CASE + "referrals/<int:referral_id>/"

urlpatterns = [
    path(_CASE, views_case.case_detail, name="detail"),
    path(_CASE + "accept/", views_case.case_accept, name="accept"),
    path(_CASE + "decline/", views_case.case_decline, name="decline"),
    path(_CASE + "assign/", views_case.case_assign, name="assign"),
    path(_CASE + "answer-on-spot/", views_case.case_answer_on_spot, name="answer_on_spot"),
    path(_CASE + "refer/", views_case.case_refer, name="refer"),
    path(_CASE + "answer/", views_case.case_answer, name="answer"),
    path(_CASE + "request-info/", views_case.case_request_info, name="request_info"),
    path(_CASE + "note/", views_case.case_note, name="note"),
    path(_CASE + "transfer/", views_case.case_transfer, name="transfer"),
    path(_CASE + "merge/", views_case.case_merge, name="merge"),
    path(_CASE + "meeting/", views_case.case_meeting, name="meeting"),
    path(_CASE + "escalate/", views_case.case_escalate, name="escalate"),
    path(_CASE + "publish/", views_case.case_publish, name="publish"),
    path(_CASE + "unpublish/", views_case.case_unpublish, name="unpublish"),
    path(_CASE + "reveal/", views_case.case_reveal, name="reveal"),
    path(_REFERRAL + "cancel/", views_case.referral_cancel, name="referral_cancel"),
    path(_REFERRAL + "extension/", views_case.extension_decide, name="extension_decide"),
]
