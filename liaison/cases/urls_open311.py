"""Routes of cases (open311): placeholder until its views land."""

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import path

app_name = "open311"


def _pending(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


urlpatterns = [path("discovery.<str:fmt>", _pending, name="discovery")]
