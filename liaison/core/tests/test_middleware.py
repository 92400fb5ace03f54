"""The two light middlewares: a constant CSP header and language from cookie or header."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from liaison.core.middleware import content_security_policy

pytestmark = pytest.mark.django_db


def test_policy_header_is_built_from_settings() -> None:
    header = content_security_policy({"default-src": ["'self'"], "img-src": ["'self'", "data:"]})
    assert header == "default-src 'self'; img-src 'self' data:"


def test_every_page_carries_the_strict_policy(client: Client) -> None:
    response = client.get("/")
    assert response["Content-Security-Policy"] == content_security_policy(
        settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
    )


@pytest.mark.parametrize(
    ("accept", "expected"),
    [("en-US,en;q=0.9", "en"), ("zh-TW,zh;q=0.8", "zh-hant"), ("zh-CN", "zh-hans"), ("fr-FR", "zh-hans")],
)
def test_language_follows_accept_language(client: Client, accept: str, expected: str) -> None:
    response = client.get("/", headers={"accept-language": accept})
    assert response["Content-Language"] == expected
    assert "Accept-Language" in response["Vary"]


def test_the_language_cookie_wins_over_the_header(client: Client) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get("/", headers={"accept-language": "zh-CN"})
    assert response["Content-Language"] == "en"
    assert "Cookie" in response["Vary"]
