"""API authentication: tokens (S10), lockout (S8) and the 401 contract."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client

from liaison.accounts.models import ApiToken, User
from liaison.testing.personas import OFFICER_PASSWORD as PASSWORD
from liaison.testing.personas import World


def _token(client: Client, username: str, password: str, **extra: str) -> object:
    return client.post(
        "/api/v1/auth/token", {"username": username, "password": password}, content_type="application/json", **extra
    )


def test_a_correct_password_gets_a_token_that_opens_the_manage_api(officer_with_password: User) -> None:
    client = Client()
    response = _token(client, "p_officer", PASSWORD)
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"token", "expires_at"}
    me = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {body['token']}"})
    assert me.status_code == 200
    assert me.json()["username"] == "p_officer"
    assert me.json()["roles"] == ["office_admin"]


def test_tokens_are_stored_hashed(officer_with_password: User) -> None:
    token = _token(Client(), "p_officer", PASSWORD).json()["token"]
    assert not ApiToken.objects.filter(key_hash=token).exists()
    assert ApiToken.objects.filter(user=officer_with_password).count() == 1


def test_a_wrong_password_is_a_401_with_the_error_envelope(officer_with_password: User) -> None:
    response = _token(Client(), "p_officer", "wrong")
    assert response.status_code == 401
    assert response.json() == {"code": "unauthorized", "message": "用户名或密码不正确。", "fields": {}}


def test_an_unknown_user_gets_exactly_the_same_answer(officer_with_password: User) -> None:
    known = _token(Client(), "p_officer", "wrong")
    unknown = _token(Client(), "nobody-here", "wrong")
    assert (known.status_code, known.json()) == (unknown.status_code, unknown.json())


def test_manage_without_a_token_is_a_401(world: World) -> None:
    response = Client().get("/api/v1/manage/stations")
    assert response.status_code == 401
    assert response.json()["code"] == "unauthorized"
    assert response["WWW-Authenticate"] == "Bearer"


def test_a_token_in_the_query_string_is_ignored(world: World) -> None:
    raw = world.token("officer")
    assert Client().get(f"/api/v1/manage/stations?token={raw}").status_code == 401
    assert Client().get(f"/api/v1/manage/stations?access_token={raw}").status_code == 401


def test_a_session_cookie_does_not_authenticate_the_api(world: World) -> None:
    """Bearer only: so the API needs no CSRF protection (no ambient credentials)."""
    assert world.web("officer").get("/api/v1/manage/stations").status_code == 401


def test_logout_revokes_the_token(world: World) -> None:
    raw = world.token("officer")
    headers = {"Authorization": f"Bearer {raw}"}
    client = Client()
    assert client.get("/api/v1/manage/stations", headers=headers).status_code == 200
    assert client.post("/api/v1/auth/logout", headers=headers).status_code == 204
    assert client.get("/api/v1/manage/stations", headers=headers).status_code == 401


def test_an_expired_token_is_a_401(world: World) -> None:
    raw = world.token("officer")
    headers = {"Authorization": f"Bearer {raw}"}
    with time_machine.travel(dt.datetime.now(tz=dt.UTC) + dt.timedelta(hours=2), tick=False):
        assert Client().get("/api/v1/manage/stations", headers=headers).status_code == 401


def test_a_deactivated_users_token_is_a_401(world: World) -> None:
    raw = world.token("officer")
    User.objects.filter(username="p_officer").update(is_active=False)
    assert Client().get("/api/v1/manage/stations", headers={"Authorization": f"Bearer {raw}"}).status_code == 401


@pytest.mark.parametrize("header", ["Bearer", "Bearer ", "Basic abc", "Bearer " + "x" * 500, "Token abc"])
def test_malformed_authorization_headers_are_a_401(world: World, header: str) -> None:
    assert Client().get("/api/v1/manage/stations", headers={"Authorization": header}).status_code == 401


def test_five_failures_lock_the_account_even_for_the_right_password(officer_with_password: User) -> None:
    """S8: the 5th failure locks the account (429, the envelope, Retry-After) for 15 minutes."""
    for _ in range(4):
        assert _token(Client(), "p_officer", "wrong").status_code == 401
    fifth = _token(Client(), "p_officer", "wrong")
    assert fifth.status_code == 429
    assert fifth["Retry-After"] == "900"
    locked = _token(Client(), "p_officer", PASSWORD)
    assert locked.status_code == 429
    assert locked.json()["code"] == "locked_out"
    with time_machine.travel(dt.datetime.now(tz=dt.UTC) + dt.timedelta(minutes=16), tick=False):
        assert _token(Client(), "p_officer", PASSWORD).status_code == 200


def test_five_failures_from_one_address_lock_that_address(officer_with_password: User) -> None:
    for i in range(5):
        _token(Client(), f"guess{i}", "wrong", REMOTE_ADDR="10.0.0.9")
    assert _token(Client(), "p_officer", PASSWORD, REMOTE_ADDR="10.0.0.9").status_code == 429
    assert _token(Client(), "p_officer", PASSWORD, REMOTE_ADDR="10.0.0.10").status_code == 200


def test_an_unknown_account_is_locked_the_same_way(world: World) -> None:
    answers = [_token(Client(), "ghost", "wrong").status_code for _ in range(6)]
    assert answers == [401] * 4 + [429] * 2


def test_failed_and_successful_logins_are_audited_without_the_password(officer_with_password: User) -> None:
    from liaison.core.models import AuditEvent

    _token(Client(), "p_officer", "wrong-secret-value")
    _token(Client(), "p_officer", PASSWORD)
    actions = list(AuditEvent.objects.values_list("action", flat=True))
    assert "auth.login_failed" in actions
    assert "auth.token_issued" in actions
    dump = str(list(AuditEvent.objects.values()))
    assert "wrong-secret-value" not in dump
    assert PASSWORD not in dump
