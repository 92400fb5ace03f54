"""Bench-only URLconf (config.settings.bench): the production routes plus the baselines of
`make bench`. Never included by config.urls."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import path
from ninja import NinjaAPI, Schema

from config.urls import handler404, handler500
from config.urls import urlpatterns as production_urlpatterns
from liaison.api.parser import OrjsonParser, OrjsonRenderer

HELLO = b"Hello, world!"


def hello(request: HttpRequest) -> HttpResponse:
    """B0 (and, under config.settings.bench_bare, B0-bare): a fixed response."""
    return HttpResponse(HELLO, content_type="text/plain")


class StaticOut(Schema):
    id: int
    name: str
    kind: str
    region_code: str
    is_published: bool


STATIC_OBJECT = {
    "id": 1,
    "name": "千峰街道人大代表联络站",
    "kind": "station",
    "region_code": "140109001",
    "is_published": True,
}

bench_api = NinjaAPI(
    title="Liaison bench",
    version="bench",
    urls_namespace="bench-api",
    docs_url=None,
    openapi_url=None,
    parser=OrjsonParser(),
    renderer=OrjsonRenderer(),
)


@bench_api.get("/static", response=StaticOut, auth=None)
def static_object(request: HttpRequest) -> dict[str, object]:
    """A static object through a ninja schema and the API's renderer (API overhead scenario)."""
    return STATIC_OBJECT


urlpatterns = [
    path("bench/hello", hello),
    path("bench/api/", bench_api.urls),
    *production_urlpatterns,
]

__all__ = ["handler404", "handler500", "urlpatterns"]
