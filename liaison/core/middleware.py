"""Two small middlewares that replace heavier general-purpose ones on every request.

Both run on every response, static files excepted, so their cost is the platform's floor
(PERFORMANCE.md, middleware tax): the policy header is built once, not per request, and the
language is chosen without the URL-prefix machinery we do not use.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers


def content_security_policy(directives: dict[str, list[str]]) -> str:
    """`default-src 'self'; script-src 'self'; …` from the CONTENT_SECURITY_POLICY setting."""
    return "; ".join(f"{name} {' '.join(values)}".strip() for name, values in directives.items())


class ContentSecurityPolicyMiddleware:
    """Adds the strict Content-Security-Policy of settings (SECURITY.md S12) to every response.

    The policy has no nonces (every script is a static file of ours), so the header is a
    constant computed at start-up; a view that already set one keeps its own.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.header = content_security_policy(settings.CONTENT_SECURITY_POLICY["DIRECTIVES"])

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.header)
        return response


class LanguageMiddleware:
    """Activates the language of the `django_language` cookie or Accept-Language header.

    Django's LocaleMiddleware does the same plus language prefixes in URLs (i18n_patterns),
    which we do not use; skipping that saves a third of the middleware's cost.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = translation.get_language_from_request(request)
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        patch_vary_headers(response, ("Accept-Language", "Cookie"))
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        return response
