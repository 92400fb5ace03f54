"""Routes of cases (cases_manage): placeholder until its views land."""

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import path

app_name = "cases_manage"


def _pending(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


urlpatterns = [path("cases/", _pending, name="list")]
