"""/api/v1/auth: exchange a password for a bearer token, revoke it, and say who I am."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import Router

from liaison.accounts.services import api_token_issue, api_token_revoke
from liaison.api.auth import actor_of, bearer
from liaison.api.errors import Error
from liaison.api.schemas import MeOut, TokenIn, TokenOut

router = Router(tags=["auth"])


@router.post(
    "/token", response={200: TokenOut, 401: Error, 422: Error, 429: Error}, auth=None, operation_id="auth_token"
)
def token(request: HttpRequest, payload: TokenIn) -> TokenOut:
    """Exchange username and password for a bearer token (5 failures lock for 15 minutes)."""
    issued = api_token_issue(request=request, username=payload.username, password=payload.password)
    return TokenOut(token=issued.token, expires_at=issued.expires_at)


@router.post("/logout", response={204: None, 401: Error}, auth=bearer, operation_id="auth_logout")
def logout(request: HttpRequest) -> HttpResponse:
    """Revoke the token used for this request; it answers 401 from now on."""
    raw = request.headers.get("Authorization", "").partition(" ")[2].strip()
    api_token_revoke(raw=raw, actor=request.auth, request=request)  # type: ignore[attr-defined]
    return HttpResponse(status=204)


@router.get("/me", response={200: MeOut, 401: Error}, auth=bearer, operation_id="auth_me")
def me(request: HttpRequest) -> MeOut:
    """The signed-in user and the roles they hold."""
    actor = actor_of(request)
    user = actor.user
    return MeOut(username=user.username, display_name=user.display_name, roles=sorted(actor.roles))
