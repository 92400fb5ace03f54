"""The back office's account pages: who reaches them, creating, granting, revoking, resetting
and deactivating accounts, each audited, and the forced password change after a reset."""

from __future__ import annotations

import re

import pytest
from django.contrib.sessions.models import Session
from django.test import Client

from liaison.accounts.choices import Role
from liaison.accounts.jurisdiction import jurisdiction_for
from liaison.accounts.models import ApiToken, RoleGrant, User
from liaison.core.models import AuditEvent
from liaison.testing.personas import PERSONAS, World

LIST = "/manage/users/"
NEW = "/manage/users/new/"
ADMINS = {"officer", "neighbour_officer", "county_officer", "system_admin"}
# Which persona accounts each admin reaches (through one of their grants' scopes).
REACH = {
    "officer": {"officer", "station_staff", "sponsor"},
    "neighbour_officer": {"neighbour_officer"},
    "county_officer": {
        "officer",
        "neighbour_officer",
        "county_officer",
        "station_staff",
        "sponsor",
        "handler",
        "other_handler",
    },
    "system_admin": set(PERSONAS) - {"anonymous"},
}
PASSWORD = re.compile(r'id="one-time-password"><strong>([^<]+)</strong>')


def _detail(world: World, persona: str) -> str:
    user = world.users[persona]
    assert user is not None
    return f"/manage/users/{user.pk}/"


def _create_data(world: World, **changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "username": "qf_liaison2",
        "display_name": "千峰联络员乙",
        "work_phone": "0351-6012399",
        "email": "",
        "role": Role.STATION_STAFF,
        "region": "",
        "station": world.stations["qianfeng"].pk,
        "department": "",
    }
    data.update(changes)
    return data


def _password(response: object) -> str:
    match = PASSWORD.search(response.content.decode())  # type: ignore[attr-defined]
    assert match, "the one-time password is shown"
    return match.group(1)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("url", [LIST, NEW, "/manage/audit/"])
def test_only_office_and_system_admins_reach_the_admin_pages(world: World, persona: str, url: str) -> None:
    response = world.web(persona).get(url)
    if persona == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(f"/accounts/login/?next={url}")
    elif persona in ADMINS:
        assert response.status_code == 200
    else:
        # station staff, deputy, handlers, sponsor: staff, but not admins; residents: not staff.
        assert response.status_code == 403, persona


@pytest.mark.parametrize("admin", sorted(ADMINS))
def test_the_user_list_shows_only_accounts_in_reach(world: World, admin: str) -> None:
    page = world.web(admin).get(LIST).content.decode()
    for persona in PERSONAS:
        user = world.users[persona]
        if user is None:
            continue
        assert (f">{user.username}</a>" in page) == (persona in REACH[admin]), (admin, persona)


@pytest.mark.parametrize("admin", sorted(ADMINS))
def test_each_account_page_is_404_outside_the_reach(world: World, admin: str) -> None:
    client = world.web(admin)
    for persona in PERSONAS:
        if persona == "anonymous":
            continue
        status = client.get(_detail(world, persona)).status_code
        assert status == (200 if persona in REACH[admin] else 404), (admin, persona)
    assert client.get("/manage/users/999999/").status_code == 404


@pytest.mark.parametrize("persona", ["station_staff", "deputy", "handler", "sponsor", "resident"])
def test_non_admins_cannot_open_or_post_to_an_account_page(world: World, persona: str) -> None:
    client = world.web(persona)
    url = _detail(world, "station_staff")
    assert client.get(url).status_code == 403
    assert client.post(url, {"action": "reset_password", "reset-reason": "x"}).status_code == 403
    assert not AuditEvent.objects.filter(action="user.password_reset").exists()


def test_anonymous_is_sent_to_login_from_an_account_page(world: World) -> None:
    response = Client().get(_detail(world, "station_staff"))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_township_officer_cannot_see_the_neighbouring_townships_users(world: World) -> None:
    client = world.web("officer")
    url = _detail(world, "neighbour_officer")
    assert client.get(url).status_code == 404
    assert client.post(url, {"action": "reset_password", "reset-reason": "试探"}).status_code == 404
    assert client.post(url, {"action": "deactivate", "state-reason": "试探"}).status_code == 404
    assert User.objects.get(pk=world.users["neighbour_officer"].pk).is_active  # type: ignore[union-attr]
    assert not AuditEvent.objects.filter(action__startswith="user.").exists()


def test_search_role_and_state_filters_narrow_the_list(world: World) -> None:
    client = world.web("county_officer")
    page = client.get(LIST, {"q": "p_sta"}).content.decode()
    assert ">p_staff</a>" in page and ">p_sponsor</a>" not in page
    page = client.get(LIST, {"q": "住建局"}).content.decode()
    assert ">p_handler</a>" in page and ">p_other_handler</a>" not in page
    page = client.get(LIST, {"role": Role.DEPARTMENT_HANDLER}).content.decode()
    assert ">p_handler</a>" in page and ">p_officer</a>" not in page
    User.objects.filter(username="p_sponsor").update(is_active=False)
    page = client.get(LIST, {"active": "no"}).content.decode()
    assert ">p_sponsor</a>" in page and ">p_staff</a>" not in page
    page = client.get(LIST, {"q": "没有这个人"}).content.decode()
    assert "没有符合条件的用户" in page


def test_a_page_of_20_costs_the_same_queries_for_25_or_120_users(
    world: World, django_assert_max_num_queries: object
) -> None:
    station = world.stations["qianfeng"]
    client = world.web("officer")

    def add(n: int, start: int) -> None:
        users = User.objects.bulk_create([User(username=f"bulk{start + i}") for i in range(n)])
        RoleGrant.objects.bulk_create([RoleGrant(user=u, role=Role.STATION_STAFF, station=station) for u in users])

    add(25, 0)
    with django_assert_max_num_queries(12):  # type: ignore[operator]
        assert client.get(LIST).status_code == 200
    add(95, 100)
    with django_assert_max_num_queries(12):  # type: ignore[operator]
        response = client.get(LIST)
    assert "共 123 个用户" in response.content.decode()


def test_the_officer_creates_a_station_staff_account_with_a_one_time_password(world: World) -> None:
    client = world.web("officer")
    form = client.get(NEW).content.decode()
    assert world.stations["qianfeng"].name in form
    assert world.stations["xinghua"].name not in form  # only scopes within reach are offered
    assert "系统管理员" not in form.split('name="role"')[1].split("</select>")[0]
    response = client.post(NEW, _create_data(world))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    password = _password(response)
    user = User.objects.get(username="qf_liaison2")
    assert user.must_change_password and user.check_password(password)
    assert user.work_phone == "0351-6012399"
    assert jurisdiction_for(user).staff_station_ids >= {world.stations["qianfeng"].pk}
    actions = list(AuditEvent.objects.filter(target_id=str(user.pk)).values_list("action", flat=True))
    assert sorted(actions) == ["role.granted", "user.created"]
    assert password not in str(list(AuditEvent.objects.values_list("changes", flat=True)))
    # Shown once: the account's page never shows it again.
    assert password not in client.get(f"/manage/users/{user.pk}/").content.decode()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"username": ""}, "username", "请填写用户名。"),
        ({"username": "p_staff"}, "username", "该用户名已被使用"),
        ({"display_name": ""}, "display_name", "请填写姓名。"),
        ({"work_phone": "abc"}, "work_phone", "电话号码只能包含数字"),
        ({"station": ""}, "station", "该角色须且只须选择一个站点"),
        ({"role": ""}, "role", "请选择角色。"),
    ],
)
def test_failed_validation_creates_and_audits_nothing(
    world: World, changes: dict[str, object], field: str, message: str
) -> None:
    client = world.web("officer")
    users, events = User.objects.count(), AuditEvent.objects.count()
    response = client.post(NEW, _create_data(world, **changes))
    assert response.status_code == 422
    assert message in response.content.decode()
    assert User.objects.count() == users
    assert AuditEvent.objects.count() == events


def test_a_township_officer_cannot_grant_outside_the_township(world: World) -> None:
    client = world.web("officer")
    users, events = User.objects.count(), AuditEvent.objects.count()
    # A scope outside his subtree is not among the choices: a field error, nothing written.
    response = client.post(NEW, _create_data(world, station=world.stations["xinghua"].pk))
    assert response.status_code == 422
    assert "授权范围超出了您的管辖区域" in response.content.decode()
    response = client.post(
        NEW, _create_data(world, role=Role.OFFICE_ADMIN, station="", region=world.regions["wanbailin"].pk)
    )
    assert response.status_code == 422
    # A role above his own is forbidden outright.
    assert client.post(NEW, _create_data(world, role=Role.SYSTEM_ADMIN, station="")).status_code == 403
    # Granting to an account of the neighbouring township: the account is out of reach.
    url = _detail(world, "neighbour_officer")
    data = {"action": "grant", "grant-role": Role.STATION_STAFF, "grant-station": world.stations["qianfeng"].pk}
    assert client.post(url, data).status_code == 404
    # Granting to his own staff a scope in the neighbouring township: a field error again.
    url = _detail(world, "station_staff")
    data = {"action": "grant", "grant-role": Role.STATION_STAFF, "grant-station": world.stations["xinghua"].pk}
    assert client.post(url, data).status_code == 422
    data = {"action": "grant", "grant-role": Role.SYSTEM_ADMIN}
    assert client.post(url, data).status_code == 403
    # Nothing written; the two refusals (403) are audited as denials (S19).
    denials = AuditEvent.objects.filter(action="access.denied").count()
    assert (User.objects.count(), AuditEvent.objects.count() - denials) == (users, events)
    assert denials == 2


def test_the_officer_grants_and_revokes_a_role_with_a_reason(world: World) -> None:
    client = world.web("officer")
    staff = world.users["station_staff"]
    assert staff is not None
    url = _detail(world, "station_staff")
    data = {"action": "grant", "grant-role": Role.SPONSOR, "grant-region": world.regions["qianfeng_community"].pk}
    response = client.post(url, data)
    assert response.status_code == 302
    grant = RoleGrant.objects.get(user=staff, role=Role.SPONSOR)
    assert AuditEvent.objects.filter(action="role.granted", target_id=str(staff.pk)).count() == 1
    page = client.get(url).content.decode()
    assert "千峰南社区" in page and "role.granted" in page  # the recent-audit panel

    response = client.post(url, {"action": "revoke", "grant": grant.pk, f"g{grant.pk}-reason": ""})
    assert response.status_code == 422
    assert "请填写事由。" in response.content.decode()
    assert RoleGrant.objects.get(pk=grant.pk).revoked_at is None
    response = client.post(url, {"action": "revoke", "grant": grant.pk, f"g{grant.pk}-reason": "调整分工"})
    assert response.status_code == 302
    assert RoleGrant.objects.get(pk=grant.pk).revoked_at is not None
    event = AuditEvent.objects.get(action="role.revoked")
    assert event.reason == "调整分工" and event.actor_id == world.users["officer"].pk  # type: ignore[union-attr]


def test_a_grant_outside_the_officers_reach_has_no_revoke_button_and_cannot_be_revoked(world: World) -> None:
    """The county grants 千峰's staff a role in 兴华 too: 千峰's officer sees the account, not that grant."""
    staff = world.users["station_staff"]
    assert staff is not None
    other = RoleGrant.objects.create(user=staff, role=Role.STATION_STAFF, station=world.stations["xinghua"])
    client = world.web("officer")
    url = _detail(world, "station_staff")
    page = client.get(url).content.decode()
    assert f'name="grant" value="{other.pk}"' not in page
    response = client.post(url, {"action": "revoke", "grant": other.pk, f"g{other.pk}-reason": "越权"})
    assert response.status_code == 403
    # The account works outside his subtree too: no password reset or deactivation for him.
    assert "上级管理员" in page
    assert client.post(url, {"action": "reset_password", "reset-reason": "忘记密码"}).status_code == 403
    assert not AuditEvent.objects.filter(action__in=["role.revoked", "user.password_reset"]).exists()
    # Another account's grant id through this page: 404.
    foreign = RoleGrant.objects.get(user=world.users["sponsor"])
    assert client.post(url, {"action": "revoke", "grant": foreign.pk}).status_code == 404


def test_deactivating_ends_sessions_and_tokens_and_reactivating_is_audited(world: World) -> None:
    staff = world.users["station_staff"]
    assert staff is not None
    staff_client = world.web("station_staff")
    assert staff_client.get("/manage/stations/").status_code == 200
    api = world.api("station_staff")
    client = world.web("officer")
    url = _detail(world, "station_staff")
    response = client.post(url, {"action": "deactivate", "state-reason": "离职"})
    assert response.status_code == 302
    assert not User.objects.get(pk=staff.pk).is_active
    assert not ApiToken.objects.filter(user=staff, revoked_at__isnull=True).exists()
    assert staff_client.get("/manage/stations/").status_code == 302  # logged out
    assert api.get("/api/v1/auth/me").status_code == 401
    assert not [s for s in Session.objects.all() if s.get_decoded().get("_auth_user_id") == str(staff.pk)]
    # Deactivating twice says so and writes nothing more.
    response = client.post(url, {"action": "deactivate", "state-reason": "离职"})
    assert response.status_code == 422 and "已经停用" in response.content.decode()
    response = client.post(url, {"action": "reactivate", "state-reason": "返岗"})
    assert response.status_code == 302
    assert User.objects.get(pk=staff.pk).is_active
    assert list(
        AuditEvent.objects.filter(target_id=str(staff.pk), action__startswith="user.")
        .order_by("id")
        .values_list("action", "reason")
    ) == [
        ("user.deactivated", "离职"),
        ("user.reactivated", "返岗"),
    ]


def test_an_officer_cannot_deactivate_himself(world: World) -> None:
    client = world.web("officer")
    response = client.post(_detail(world, "officer"), {"action": "deactivate", "state-reason": "试试"})
    assert response.status_code == 403
    assert User.objects.get(username="p_officer").is_active


def test_a_reset_forces_a_password_change_at_the_next_login(world: World) -> None:
    staff = world.users["station_staff"]
    assert staff is not None
    staff_client = world.web("station_staff")
    response = world.web("officer").post(
        _detail(world, "station_staff"), {"action": "reset_password", "reset-reason": "忘记密码"}
    )
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    password = _password(response)
    assert AuditEvent.objects.filter(action="user.password_reset", target_id=str(staff.pk), reason="忘记密码").exists()
    assert staff_client.get("/manage/stations/").status_code == 302  # the old session ended

    client = Client()
    response = client.post("/accounts/login/", {"username": "p_staff", "password": password})
    assert response.status_code == 302
    response = client.get("/manage/stations/")
    assert response.status_code == 302 and response["Location"] == "/accounts/password/"
    new = "Qianfeng-联络-2027"
    response = client.post(
        "/accounts/password/", {"old_password": password, "new_password1": new, "new_password2": new}
    )
    assert response.status_code == 302
    assert not User.objects.get(pk=staff.pk).must_change_password
    assert client.get("/manage/stations/").status_code == 200


def test_the_pages_need_a_csrf_token(world: World) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["officer"], backend="django.contrib.auth.backends.ModelBackend")  # type: ignore[arg-type]
    events = AuditEvent.objects.count()
    assert client.post(NEW, _create_data(world)).status_code == 403
    response = client.post(_detail(world, "station_staff"), {"action": "reset_password", "reset-reason": "x"})
    assert response.status_code == 403
    assert AuditEvent.objects.count() == events


@pytest.mark.parametrize(
    ("persona", "shown"), [("officer", True), ("system_admin", True), ("station_staff", False), ("handler", False)]
)
def test_the_admin_links_are_for_admins_only(world: World, persona: str, shown: bool) -> None:
    page = world.web(persona).get("/manage/stations/" if persona != "handler" else "/").content.decode()
    assert ('href="/manage/users/"' in page) == shown
    assert ('href="/manage/audit/"' in page) == shown


def test_a_department_handler_can_be_made_his_departments_lead_handler(world: World) -> None:
    client = world.web("county_officer")
    url = _detail(world, "other_handler")
    department = world.departments["housing"]
    data = {"action": "grant", "grant-role": Role.DEPARTMENT_HANDLER, "grant-department": department.pk}
    assert client.post(url, {**data, "grant-is_lead": "on"}).status_code == 302
    grant = RoleGrant.objects.get(user=world.users["other_handler"], department=department)
    assert grant.is_lead
    assert AuditEvent.objects.filter(action="role.granted", changes__is_lead=True).exists()


def test_only_a_department_handler_can_be_a_lead_handler(world: World) -> None:
    client = world.web("officer")
    url = _detail(world, "station_staff")
    data = {
        "action": "grant",
        "grant-role": Role.SPONSOR,
        "grant-region": world.regions["qianfeng_community"].pk,
        "grant-is_lead": "on",
    }
    response = client.post(url, data)
    assert response.status_code == 422
    assert "只有职能部门经办人可以设为牵头负责人" in response.content.decode()
    assert not RoleGrant.objects.filter(user=world.users["station_staff"], role=Role.SPONSOR).exists()
