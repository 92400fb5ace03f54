"""SECURITY.md S11: every cookie-authenticated unsafe request without a CSRF token is refused.

Walks the whole URL resolver (the API excepted: it takes bearer tokens only and ignores the
session cookie, see liaison/api/tests/test_auth.py), signs in as the system admin, who reaches
every page, and sends each method without a token.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from liaison.testing.personas import build_world

pytestmark = pytest.mark.django_db

PARAMETER = re.compile(r"<(?:(\w+):)?(\w+)>")
SAMPLE = {None: "x", "str": "x", "slug": "x", "path": "x", "int": "1", "uuid": "00000000-0000-0000-0000-000000000001"}


def routes(resolver: URLResolver, prefix: str = "") -> list[str]:
    out = []
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            out += routes(pattern, route)
        elif isinstance(pattern, URLPattern):
            out.append(route)
    return out


def concrete(route: str) -> str:
    route = route.lstrip("^").rstrip("$").replace("\\Z", "")
    path = PARAMETER.sub(lambda m: SAMPLE.get(m.group(1), "x"), route)
    path = re.sub(r"\(\?P<\w+>[^)]*\)", "1", path)  # regex routes of Django admin
    return "/" + path.replace("\\", "")


def web_routes() -> list[str]:
    return sorted({concrete(r) for r in routes(get_resolver()) if not r.startswith("api/v1/")})


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_no_unsafe_request_passes_without_a_token(method: str) -> None:
    world = build_world()
    client = Client(enforce_csrf_checks=True)
    admin = world.users["system_admin"]
    assert admin is not None
    client.force_login(admin)
    paths = web_routes()
    assert len(paths) > 10
    accepted = []
    for path in paths:
        response = getattr(client, method)(path, data={"x": "1"})
        if response.status_code != 403:
            accepted.append((path, response.status_code))
    assert accepted == [], "answered without a CSRF token"


# The only views allowed `csrf_exempt`, each with the decision record that justifies it.
CSRF_EXEMPT_ALLOWED = {
    # Open311 POST: authenticated by the api_key in the body only, never by the session cookie.
    "cases/views_open311.py": "docs/decisions/0004-open311-post-csrf.md",
}


def test_no_view_is_exempt_from_csrf() -> None:
    """No `csrf_exempt` in our code outside the documented allow-list (no signed webhooks yet)."""
    root = Path(settings.BASE_DIR) / "liaison"
    offenders = [
        str(p.relative_to(root))
        for p in root.rglob("*.py")
        if "tests" not in p.parts and "csrf_exempt" in p.read_text(encoding="utf-8")
    ]
    assert sorted(set(offenders) - set(CSRF_EXEMPT_ALLOWED)) == []
    for record in CSRF_EXEMPT_ALLOWED.values():
        assert (Path(settings.BASE_DIR) / record).is_file(), f"the exemption needs its record: {record}"
