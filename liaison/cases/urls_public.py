"""Routes of cases (cases): placeholder until its views land."""

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import path

app_name = "cases"


def _pending(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


urlpatterns = [path("track/", _pending, name="track")]
