"""Routes of cases (cases_department): placeholder until its views land."""

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import path

app_name = "cases_department"


def _pending(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


urlpatterns = [path("referrals/<int:referral_id>/", _pending, name="detail")]
