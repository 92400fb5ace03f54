"""The audit-log viewer: who reads which rows, filters, masking, read-only, query counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from liaison.core.audit import audit
from liaison.core.models import AuditEvent
from liaison.testing.personas import PERSONAS, World

URL = "/manage/audit/"


def _seed(world: World) -> None:
    """One marker row per place: the reason names whose reach it is in."""
    users = world.users
    audit(actor=users["officer"], action="user.password_reset", target=users["station_staff"], reason="marker-qf-user")
    audit(
        actor=users["neighbour_officer"],
        action="user.deactivated",
        target=users["neighbour_officer"],
        reason="marker-xh-user",
    )
    audit(actor=None, action="deputy.updated", target=world.deputies["qianfeng"], reason="marker-qf-deputy")
    audit(actor=None, action="station.updated", target=world.stations["yining"], reason="marker-yn-station")
    audit(
        actor=users["system_admin"],
        action="deputy.updated",
        target=world.deputies["qianfeng2"],
        reason="marker-qf-phone",
        changes={"work_phone": ["13812345678", "13912340000"], "id_number": "11010519491231002X"},
        ip_address="10.1.2.3",
    )


SEEN = {
    "officer": {"qf-user", "qf-deputy", "qf-phone"},
    "neighbour_officer": {"xh-user"},
    "county_officer": {"qf-user", "xh-user", "qf-deputy", "qf-phone"},
    "system_admin": {"qf-user", "xh-user", "qf-deputy", "yn-station", "qf-phone"},
}


@pytest.mark.parametrize("persona", sorted(SEEN))
def test_each_admin_reads_only_the_rows_of_his_subtree(world: World, persona: str) -> None:
    _seed(world)
    page = world.web(persona).get(URL).content.decode()
    for marker in ("qf-user", "xh-user", "qf-deputy", "yn-station", "qf-phone"):
        assert (f"marker-{marker}" in page) == (marker in SEEN[persona]), (persona, marker)


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_admins_reach_the_audit_log(world: World, persona: str) -> None:
    _seed(world)
    response = world.web(persona).get(URL)
    if persona == "anonymous":
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/?next=/manage/audit/")
    elif persona in SEEN:
        assert response.status_code == 200
    else:
        assert response.status_code == 403
        assert "marker-" not in response.content.decode()


def test_phones_and_id_numbers_in_changes_are_masked(world: World) -> None:
    _seed(world)
    page = world.web("officer").get(URL).content.decode()
    assert "13812345678" not in page and "138****5678" in page
    assert "11010519491231002X" not in page and "110105********002X" in page
    assert "10.1.2.3" in page  # the IP is shown


def test_filters_narrow_the_log(world: World) -> None:
    _seed(world)
    client = world.web("system_admin")

    def markers(**params: str) -> set[str]:
        page = client.get(URL, params).content.decode()
        return {m for m in SEEN["system_admin"] if f"marker-{m}" in page}

    assert markers(actor="p_officer") == {"qf-user"}
    assert markers(action="deputy.updated") == {"qf-deputy", "qf-phone"}
    assert markers(target_type="stations.station") == {"yn-station"}
    assert markers(q="phone") == {"qf-phone"}
    today = dt.date.today()
    assert (
        markers(start=str(today - dt.timedelta(days=1)), end=str(today + dt.timedelta(days=1))) == SEEN["system_admin"]
    )
    assert markers(end=str(today - dt.timedelta(days=2))) == set()
    page = client.get(URL, {"start": "2026-13-01"}).content.decode()
    assert "请按 年-月-日 填写日期。" in page
    page = client.get(URL, {"start": str(today), "end": str(today - dt.timedelta(days=3))}).content.decode()
    assert "截止日期不能早于起始日期。" in page


def test_the_log_is_newest_first_and_read_only(world: World) -> None:
    _seed(world)
    client = world.web("system_admin")
    page = client.get(URL).content.decode()
    assert page.index("marker-qf-phone") < page.index("marker-qf-user")
    assert client.post(URL, {"action": "delete"}).status_code == 405
    assert '<form method="post"' not in page.split('id="main"')[1]
    assert AuditEvent.objects.filter(reason__startswith="marker-").count() == 5


def test_a_page_of_50_costs_the_same_queries_for_60_or_200_rows(
    world: World, django_assert_max_num_queries: object
) -> None:
    client = world.web("officer")
    staff = world.users["station_staff"]

    def add(n: int) -> None:
        for i in range(n):
            audit(actor=world.users["officer"], action="user.password_reset", target=staff, reason=f"bulk {i}")

    add(60)
    with django_assert_max_num_queries(12):  # type: ignore[operator]
        assert client.get(URL).status_code == 200
    add(140)
    with django_assert_max_num_queries(12):  # type: ignore[operator]
        response = client.get(URL)
    page = response.content.decode()
    assert page.count("bulk ") == 50


def test_the_user_page_shows_that_users_recent_audit(world: World) -> None:
    _seed(world)
    staff = world.users["station_staff"]
    assert staff is not None
    page = world.web("officer").get(f"/manage/users/{staff.pk}/").content.decode()
    assert "marker-qf-user" in page and "marker-xh-user" not in page


def test_anonymous_is_sent_to_login(world: World) -> None:
    assert Client().get(URL).status_code == 302
