"""Routes of cases (cases_files): placeholder until its views land."""

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import path

app_name = "cases_files"


def _pending(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


urlpatterns = [path("<int:attachment_id>/", _pending, name="download")]
