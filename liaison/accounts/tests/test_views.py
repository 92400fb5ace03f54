"""Login pages: lockout (S8), session handling (S9), CSRF (S11), forced password change."""

from __future__ import annotations

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client

from liaison.accounts.models import User
from liaison.testing.personas import OFFICER_PASSWORD as PASSWORD
from liaison.testing.personas import World


def _login(client: Client, username: str, password: str) -> object:
    return client.post("/accounts/login/", {"username": username, "password": password})


def test_passwords_are_hashed_with_argon2(officer_with_password: User) -> None:
    assert officer_with_password.password.startswith("argon2")


@pytest.mark.parametrize("weak", ["12345678", "password", "qwertyuiop", "abc"])
def test_weak_and_common_passwords_are_refused(officer_with_password: User, weak: str) -> None:
    with pytest.raises(ValidationError):
        validate_password(weak, officer_with_password)


def test_login_then_logout_kills_the_session(officer_with_password: User) -> None:
    client = Client()
    client.get("/accounts/login/")
    before = client.cookies.get("sessionid")
    response = _login(client, "p_officer", PASSWORD)
    assert response.status_code == 302
    after = client.cookies["sessionid"].value
    assert before is None or before.value != after, "a new session id on login (no fixation)"
    assert client.get("/accounts/password/").status_code == 200
    old_cookie = after
    assert client.post("/accounts/logout/").status_code == 302
    replay = Client()
    replay.cookies["sessionid"] = old_cookie
    assert replay.get("/accounts/password/").status_code == 302, "the old cookie is dead after logout"


def test_a_wrong_password_shows_a_chinese_error(officer_with_password: User) -> None:
    response = _login(Client(), "p_officer", "wrong")
    assert response.status_code == 200
    assert "请输入一个正确的" in response.content.decode() or "用户名" in response.content.decode()


def test_five_failed_logins_lock_the_web_login_too(officer_with_password: User) -> None:
    for _ in range(4):
        assert _login(Client(), "p_officer", "wrong").status_code == 200
    locked = _login(Client(), "p_officer", "wrong")
    assert locked.status_code == 429
    assert "15 分钟" in locked.content.decode()
    assert _login(Client(), "p_officer", PASSWORD).status_code == 429


def test_login_without_a_csrf_token_is_refused(officer_with_password: User) -> None:
    client = Client(enforce_csrf_checks=True)
    assert _login(client, "p_officer", PASSWORD).status_code == 403


def test_logout_without_a_csrf_token_is_refused(world: World) -> None:
    client = world.web("officer")
    client.handler.enforce_csrf_checks = True
    assert client.post("/accounts/logout/").status_code == 403


def test_a_reset_password_must_be_changed_before_anything_else(officer_with_password: User) -> None:
    User.objects.filter(pk=officer_with_password.pk).update(must_change_password=True)
    client = Client()
    _login(client, "p_officer", PASSWORD)
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/"
    new = "Wanbailin-千峰-2027"
    response = client.post(
        "/accounts/password/", {"old_password": PASSWORD, "new_password1": new, "new_password2": new}
    )
    assert response.status_code == 302
    officer_with_password.refresh_from_db()
    assert not officer_with_password.must_change_password
    assert client.get("/").status_code == 200
