"""Bearer-token authentication: the header only, never a cookie or a query string, so the API
needs no CSRF protection and tokens never reach access logs (SECURITY.md S10)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer

from liaison.accounts.jurisdiction import Actor, jurisdiction_for
from liaison.accounts.services import api_token_user


class BearerAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = api_token_user(token)
        if user is None:
            return None
        request.user = user
        return user


def actor_of(request: HttpRequest) -> Actor:
    """The jurisdiction of the authenticated caller (anonymous on public endpoints)."""
    return jurisdiction_for(getattr(request, "auth", None))


bearer = BearerAuth()
