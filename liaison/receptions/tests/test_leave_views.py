"""The deputy's pages under /my/ and the staff's request page: personas, flows, query counts."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from liaison.core.models import Notification
from liaison.core.notify import notify
from liaison.receptions import services_leave as services
from liaison.receptions.choices import DutyStatus, RequestStatus
from liaison.receptions.models import Duty, LeaveRequest, SwapRequest
from liaison.receptions.tests.test_leave_services import actor, as_user, make_session, second_deputy
from liaison.testing.personas import PERSONAS, RESIDENT_PHONE, World

MY = "/my/duties/"
REQUESTS = "/manage/receptions/requests/"


@pytest.fixture
def duties(world: World) -> dict[str, Any]:
    qf = world.stations["qianfeng"]
    other = second_deputy(world)
    s1, s2, past = make_session(qf, 5, theme="垃圾分类"), make_session(qf, 19), make_session(qf, -9)
    return {
        "other": other,
        "mine": Duty.objects.create(session=s1, deputy=world.deputies["qianfeng"]),
        "co": Duty.objects.create(session=s1, deputy=world.deputies["xinghua"]),
        "later": Duty.objects.create(session=make_session(qf, 33), deputy=world.deputies["qianfeng"]),
        "theirs": Duty.objects.create(session=s2, deputy=other),
        "past": Duty.objects.create(session=past, deputy=world.deputies["qianfeng"], status=DutyStatus.CHECKED_IN),
    }


def test_my_duties_shows_upcoming_and_past_with_co_duty_deputies(world: World, duties: Any) -> None:
    page = world.web("deputy").get(MY)
    assert page.status_code == 200
    html = page.content.decode()
    assert "垃圾分类" in html and "赵建国" in html and "已签到" in html
    assert f"?duty={duties['mine'].pk}" in html
    assert f"?duty={duties['past'].pk}" not in html, "no leave or swap for a past duty"
    assert world.deputies["qianfeng"].work_phone not in html and RESIDENT_PHONE not in html


@pytest.mark.parametrize("persona", [p for p in PERSONAS if p not in ("deputy", "anonymous")])
def test_the_deputy_pages_are_for_deputies_only(world: World, persona: str) -> None:
    client = world.web(persona)
    for url in (MY, "/my/inbox/", "/my/duties/leave/?duty=1"):
        assert client.get(url).status_code == 403, (persona, url)


def test_anonymous_visitors_are_sent_to_login(world: World) -> None:
    response = world.web("anonymous").get(MY)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_another_deputys_duty_is_a_404(world: World, duties: Any) -> None:
    client = world.web("deputy")
    theirs = duties["theirs"].pk
    assert client.get(f"/my/duties/leave/?duty={theirs}").status_code == 404
    assert client.get(f"/my/duties/swap/?duty={theirs}").status_code == 404
    assert client.post("/my/duties/leave/", {"duty": theirs, "reason": "x"}).status_code == 404
    assert client.get("/my/duties/leave/?duty=abc").status_code == 404
    assert not LeaveRequest.objects.exists()


def test_asking_for_leave_on_the_phone_form(world: World, duties: Any) -> None:
    client = world.web("deputy")
    url = f"/my/duties/leave/?duty={duties['mine'].pk}"
    assert "请假事由" in client.get(url).content.decode()
    bad = client.post(url, {"duty": duties["mine"].pk, "reason": ""})
    assert bad.status_code == 422 and "请填写请假事由" in bad.content.decode()
    ok = client.post(url, {"duty": duties["mine"].pk, "reason": "外出学习"})
    assert ok.status_code == 302
    assert LeaveRequest.objects.get().reason == "外出学习"
    again = client.post(url, {"duty": duties["mine"].pk, "reason": "外出学习"})
    assert again.status_code == 422 and "等待审批" in again.content.decode()


def test_proposing_and_answering_a_swap(world: World, duties: Any) -> None:
    client = world.web("deputy")
    url = f"/my/duties/swap/?duty={duties['mine'].pk}"
    form = client.get(url).content.decode()
    assert f'value="{duties["theirs"].pk}"' in form
    assert f'value="{duties["co"].pk}"' not in form, "not a duty on my own session"
    bad = client.post(url, {"duty": duties["mine"].pk, "other_duty": 999999})
    assert bad.status_code == 422 and "请从列表中选择" in bad.content.decode()
    assert client.post(url, {"duty": duties["mine"].pk, "other_duty": duties["theirs"].pk}).status_code == 302
    swap = SwapRequest.objects.get()
    # I cannot answer my own offer; she can.
    assert client.post("/my/duties/swap/answer/", {"swap": swap.pk, "answer": "accept"}).status_code == 404
    her = world.web("deputy")
    her.force_login(duties["other"].user, backend="django.contrib.auth.backends.ModelBackend")
    assert "想和您换班" in her.get(MY).content.decode()
    assert her.post("/my/duties/swap/answer/", {"swap": swap.pk, "answer": "accept"}).status_code == 302
    assert services.swap_is_accepted(swap)


def test_inbox_lists_only_my_messages_and_marks_them_read(world: World) -> None:
    mine = notify(recipient=world.users["deputy"], channel="in_app", subject="给我的", body="b", dedupe_key="a")
    notify(recipient=world.users["officer"], channel="in_app", subject="给别人的", body="b", dedupe_key="b")
    client = world.web("deputy")
    html = client.get("/my/inbox/").content.decode()
    assert "给我的" in html and "给别人的" not in html and "未读" in html
    other = Notification.objects.get(dedupe_key="b")
    client.post("/my/inbox/read/", {"id": other.pk})
    other.refresh_from_db()
    assert other.read_at is None, "cannot touch another user's message"
    assert client.post("/my/inbox/read/", {"id": mine.pk}).status_code == 302  # type: ignore[union-attr]
    assert Notification.objects.get(dedupe_key="a").read_at is not None
    assert client.post("/my/inbox/read/", {"id": "x"}).status_code == 404


def _many_duties(world: World, n: int) -> None:
    qf = world.stations["qianfeng"]
    for i in range(n):
        session = make_session(qf, (i % 2 * 2 - 1) * (i + 1))
        Duty.objects.create(session=session, deputy=world.deputies["qianfeng"])
        Duty.objects.create(session=session, deputy=world.deputies["xinghua"])
    for i in range(n):
        notify(recipient=world.users["deputy"], channel="in_app", subject=f"m{i}", body="b", dedupe_key=f"q{i}")


def _count(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


@pytest.mark.parametrize("url", [MY, "/my/inbox/"])
def test_deputy_lists_have_a_fixed_query_count(world: World, url: str) -> None:
    _many_duties(world, 20)
    client = world.web("deputy")
    small = _count(client, url)
    _many_duties_more(world)
    assert _count(client, url) == small


def _many_duties_more(world: World) -> None:
    qf = world.stations["qianfeng"]
    for i in range(80):
        session = make_session(qf, 200 + i if i % 2 else -200 - i)
        Duty.objects.create(session=session, deputy=world.deputies["qianfeng"])
        Duty.objects.create(session=session, deputy=world.deputies["yining"])
        notify(recipient=world.users["deputy"], channel="in_app", subject=f"n{i}", body="b", dedupe_key=f"r{i}")


# ---- staff -----------------------------------------------------------------------------------


def test_staff_see_pending_requests_in_reach_and_decide(world: World, duties: Any) -> None:
    leave = services.leave_request(actor=actor(world, "deputy"), duty=duties["mine"], reason="外出学习")
    staff = world.web("station_staff")
    html = staff.get(REQUESTS).content.decode()
    assert "外出学习" in html and "张海生" in html
    response = staff.post(f"{REQUESTS}leave/{leave.pk}/decide/", {"decision": "approve", "note": "同意"})
    assert response.status_code == 302
    assert LeaveRequest.objects.get().status == RequestStatus.APPROVED
    assert "请假申请已批准" in world.web("deputy").get("/my/inbox/").content.decode()


def test_swap_page_flow_for_staff(world: World, duties: Any) -> None:
    swap = services.swap_request(actor=actor(world, "deputy"), duty=duties["mine"], other_duty=duties["theirs"])
    staff = world.web("officer")
    html = staff.get(REQUESTS).content.decode()
    assert "等待对方答复" in html
    staff.post(f"{REQUESTS}swap/{swap.pk}/decide/", {"decision": "approve"})
    assert SwapRequest.objects.get().status == RequestStatus.PENDING, "not before the other deputy agrees"
    services.swap_accept(actor=as_user(duties["other"].user), request=swap)
    staff.post(f"{REQUESTS}swap/{swap.pk}/decide/", {"decision": "approve"})
    assert SwapRequest.objects.get().status == RequestStatus.APPROVED


@pytest.mark.parametrize("persona", ["neighbour_officer", "deputy", "handler"])
def test_requests_out_of_reach_are_404_and_unlisted(world: World, duties: Any, persona: str) -> None:
    leave = services.leave_request(actor=actor(world, "deputy"), duty=duties["later"], reason="外出学习")
    swap = services.swap_request(actor=as_user(duties["other"].user), duty=duties["theirs"], other_duty=duties["mine"])
    client = world.web(persona)
    listing = client.get(REQUESTS)
    assert listing.status_code in (200, 403)
    assert "外出学习" not in listing.content.decode()
    assert client.post(f"{REQUESTS}leave/{leave.pk}/decide/", {"decision": "approve"}).status_code == 404
    assert client.post(f"{REQUESTS}swap/{swap.pk}/decide/", {"decision": "reject"}).status_code == 404
    assert LeaveRequest.objects.get().status == RequestStatus.PENDING
    assert SwapRequest.objects.get().status == RequestStatus.PENDING


def test_the_sponsor_sees_but_cannot_decide(world: World, duties: Any) -> None:
    leave = services.leave_request(actor=actor(world, "deputy"), duty=duties["mine"], reason="外出学习")
    client = world.web("sponsor")
    html = client.get(REQUESTS).content.decode()
    assert "外出学习" in html and "批准</button>" not in html
    assert client.post(f"{REQUESTS}leave/{leave.pk}/decide/", {"decision": "approve"}).status_code == 403
    assert LeaveRequest.objects.get().status == RequestStatus.PENDING


def test_anonymous_staff_page_goes_to_login(world: World) -> None:
    response = world.web("anonymous").get(REQUESTS)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert world.web("anonymous").post(f"{REQUESTS}leave/1/decide/").status_code == 302


def test_the_requests_list_has_a_fixed_query_count(world: World) -> None:
    qf = world.stations["qianfeng"]
    other = second_deputy(world)
    me = actor(world, "deputy")
    her = as_user(other.user)

    def add(n: int, offset: int) -> None:
        for i in range(n):
            mine = Duty.objects.create(session=make_session(qf, offset + i), deputy=world.deputies["qianfeng"])
            services.leave_request(actor=me, duty=mine, reason=f"事由{i}")
            a = Duty.objects.create(session=make_session(qf, offset + i, hour=14), deputy=other)
            b = Duty.objects.create(session=make_session(qf, offset + i, hour=18), deputy=world.deputies["xinghua"])
            services.swap_request(actor=her, duty=a, other_duty=b)

    add(20, 1)
    client = world.web("station_staff")
    small = _count(client, REQUESTS)
    add(80, 30)
    assert _count(client, REQUESTS) == small
