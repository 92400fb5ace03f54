"""The walk-in register: each visitor logged on a phone opens or links a case; phones masked."""

from __future__ import annotations

import datetime as dt

import pytest

from liaison.cases.choices import CaseStatus, Channel
from liaison.cases.models import Case
from liaison.core.models import AuditEvent
from liaison.receptions.choices import DutyStatus
from liaison.receptions.models import Duty, ReceptionSession, WalkIn
from liaison.testing.personas import PERSONAS, World

from .test_checkin_factories import make_session, make_walk_in, qianfeng_session

pytestmark = pytest.mark.django_db


def form_url(session: ReceptionSession) -> str:
    return f"/manage/receptions/sessions/{session.pk}/walk-ins/new/"


def entry(world: World, **extra: object) -> dict[str, object]:
    data: dict[str, object] = {
        "matter": "小区路灯不亮，晚上出行不便",
        "action_taken": "",
        "name": "王建华",
        "phone": "139 1234 5678",
        "deputies": [world.deputies["qianfeng"].pk],
    }
    data.update(extra)
    return data


def test_staff_log_a_visitor_and_a_submitted_case_is_opened(world: World) -> None:
    session = qianfeng_session(world)
    response = world.web("station_staff").post(form_url(session), entry(world))
    assert response.status_code == 302
    walk_in = WalkIn.objects.get(session=session)
    assert walk_in.phone == "13912345678", "normalized"
    assert list(walk_in.deputies.all()) == [world.deputies["qianfeng"]]
    case = walk_in.case
    assert case is not None
    assert case.channel == Channel.WALK_IN
    assert case.status == CaseStatus.ACCEPTED
    assert case.station == session.station
    assert case.resident_phone == "13912345678"
    assert case.created_by == world.users["station_staff"]
    assert AuditEvent.objects.filter(action="walk_in.recorded", target_id=str(session.pk)).count() == 1
    assert AuditEvent.objects.filter(action="case.submitted", target_id=str(case.pk)).count() == 1
    follow = world.web("station_staff").get(response["Location"]).content.decode()
    assert "本次已登记 1 人" in follow


def test_something_done_on_the_spot_makes_the_case_answered_on_the_spot(world: World) -> None:
    session = qianfeng_session(world)
    world.web("station_staff").post(form_url(session), entry(world, action_taken="已联系物业当天修复"))
    case = WalkIn.objects.get(session=session).case
    assert case is not None
    assert case.status == CaseStatus.ANSWERED
    assert case.answer == "已联系物业当天修复"


def test_name_and_phone_are_optional(world: World) -> None:
    session = qianfeng_session(world)
    response = world.web("station_staff").post(form_url(session), entry(world, name="", phone="", deputies=[]))
    assert response.status_code == 302
    walk_in = WalkIn.objects.get(session=session)
    assert (walk_in.name, walk_in.phone) == ("", "")


def test_an_existing_case_of_the_station_is_linked_instead_of_a_new_one(world: World) -> None:
    session = qianfeng_session(world)
    earlier = Case.objects.create(
        station=session.station,
        region=session.station.region,
        tracking_code="AAAA-BBBB-CC",
        channel=Channel.ONLINE,
        title="路灯",
        description="路灯",
    )
    world.web("station_staff").post(form_url(session), entry(world, case=earlier.pk))
    assert WalkIn.objects.get(session=session).case == earlier
    assert Case.objects.count() == 1


def test_a_case_of_another_station_cannot_be_linked(world: World) -> None:
    session = qianfeng_session(world)
    xinghua = world.stations["xinghua"]
    foreign = Case.objects.create(
        station=xinghua,
        region=xinghua.region,
        tracking_code="AAAA-BBBB-CD",
        channel=Channel.ONLINE,
        title="x",
        description="x",
    )
    response = world.web("station_staff").post(form_url(session), entry(world, case=foreign.pk))
    assert response.status_code == 422
    assert "本站没有编号为" in response.content.decode()
    assert not WalkIn.objects.exists()
    assert Case.objects.count() == 1


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"matter": ""}, "请填写群众反映的事项"),
        ({"matter": "   "}, "请填写群众反映的事项"),
        ({"matter": "长" * 2001}, "2000"),
        ({"phone": "12345"}, "电话号码"),
        ({"phone": "abc"}, "电话号码只能包含数字"),
        ({"name": "王\u202e华"}, "控制字符"),
        ({"name": "名" * 51}, "50"),
        ({"deputies": ["999999"]}, "选择"),
        ({"case": "abc"}, "诉求编号应为数字"),
        ({"case": "0"}, "正整数"),
    ],
)
def test_bad_input_gets_a_chinese_error_and_writes_nothing(
    world: World, extra: dict[str, object], message: str
) -> None:
    session = qianfeng_session(world)
    response = world.web("station_staff").post(form_url(session), entry(world, **extra))
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not WalkIn.objects.exists()
    assert not Case.objects.exists()
    assert not AuditEvent.objects.filter(action__in=["walk_in.recorded", "case.created"]).exists()


def test_a_deputy_outside_the_roster_cannot_be_named_as_receiving(world: World) -> None:
    session = make_session(world.stations["qianfeng"], deputies=[world.deputies["qianfeng"]])
    response = world.web("station_staff").post(form_url(session), entry(world, deputies=[world.deputies["xinghua"].pk]))
    assert response.status_code == 422
    assert not WalkIn.objects.exists()


def test_extra_fields_are_ignored(world: World) -> None:
    """SECURITY.md S4: status, recorder or station in the form change nothing."""
    session = qianfeng_session(world)
    data = entry(world, status="closed", recorded_by=world.users["officer"].pk, station=world.stations["xinghua"].pk)  # type: ignore[union-attr]
    world.web("station_staff").post(form_url(session), data)
    walk_in = WalkIn.objects.get(session=session)
    assert walk_in.recorded_by == world.users["station_staff"]
    assert walk_in.case is not None
    assert walk_in.case.station == world.stations["qianfeng"]
    assert walk_in.case.status == CaseStatus.ACCEPTED


def test_the_deputy_on_duty_logs_a_visitor_himself(world: World) -> None:
    session = qianfeng_session(world)
    page = world.web("deputy").get(form_url(session))
    assert page.status_code == 200
    assert "checked" in page.content.decode(), "he is ticked as receiving by default"
    assert world.web("deputy").post(form_url(session), entry(world)).status_code == 302
    assert WalkIn.objects.get(session=session).recorded_by == world.users["deputy"]


def test_a_deputy_not_on_duty_or_on_leave_cannot_log(world: World) -> None:
    session = make_session(world.stations["qianfeng"], deputies=[world.deputies["qianfeng2"]])
    # He sees his own station's sessions, but may log only where he is on duty.
    assert world.web("deputy").get(form_url(session)).status_code == 403
    on_leave = qianfeng_session(world)
    Duty.objects.filter(session=on_leave, deputy=world.deputies["qianfeng"]).update(status=DutyStatus.ON_LEAVE)
    assert world.web("deputy").post(form_url(on_leave), entry(world)).status_code == 403
    assert not WalkIn.objects.exists()


def test_a_visitor_cannot_be_logged_before_the_session(world: World) -> None:
    session = qianfeng_session(world, starts_in=dt.timedelta(days=3))
    response = world.web("station_staff").post(form_url(session), entry(world))
    assert response.status_code == 409
    assert "还没有开始" in response.content.decode()
    assert not WalkIn.objects.exists()


def test_visitors_can_be_logged_after_the_session(world: World) -> None:
    session = qianfeng_session(world, starts_in=dt.timedelta(days=-1))
    assert world.web("officer").post(form_url(session), entry(world)).status_code == 302


WALK_IN_STATUS = {
    "officer": 200,
    "county_officer": 200,
    "station_staff": 200,
    "system_admin": 200,
    "deputy": 200,
    "neighbour_officer": 404,
    "handler": 404,
    "other_handler": 404,
    "sponsor": 403,
    "resident": 403,
    "other_resident": 403,
    "anonymous": 302,
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_walk_in_form_answers_each_persona_as_expected(world: World, persona: str) -> None:
    session = qianfeng_session(world)
    assert world.web(persona).get(form_url(session)).status_code == WALK_IN_STATUS[persona]


@pytest.mark.parametrize("persona", ["neighbour_officer", "sponsor", "resident", "anonymous"])
def test_outsiders_cannot_log_a_walk_in(world: World, persona: str) -> None:
    session = qianfeng_session(world)
    world.web(persona).post(form_url(session), entry(world))
    assert not WalkIn.objects.exists()
    assert not Case.objects.exists()


def test_phones_are_masked_on_the_desk_and_the_form(world: World) -> None:
    session = qianfeng_session(world)
    make_walk_in(session, world, name="王建华", phone="13912345678")
    desk = world.web("station_staff").get(f"/manage/receptions/sessions/{session.pk}/desk/").content.decode()
    assert "13912345678" not in desk
    assert "139****5678" in desk
    assert "王**" in desk
    form = world.web("station_staff").get(form_url(session)).content.decode()
    assert "13912345678" not in form


# ---- SECURITY.md S13: hostile input in every field of the desk's forms --------------------------


@pytest.mark.parametrize("page", ["desk", "walk-in", "register"])
def test_the_desk_forms_answer_hostile_input_without_a_server_error(world: World, page: str) -> None:
    from hypothesis import given
    from hypothesis import strategies as st

    from liaison.core.tests.test_form_fuzz import TEXT, forms_of

    session = qianfeng_session(world)
    make_walk_in(session, world)
    url = {
        "desk": f"/manage/receptions/sessions/{session.pk}/desk/",
        "walk-in": form_url(session),
        "register": f"/manage/receptions/register/?station={session.station_id}&from={session.date}&to={session.date}",
    }[page]
    client = world.web("station_staff")
    forms = forms_of(client, url)

    @given(data=st.data())
    def post(data: st.DataObject) -> None:
        action, fields = data.draw(st.sampled_from(forms))
        values = {}
        for name, candidates in fields.items():
            choices = [c for c in candidates if c]
            values[name] = data.draw(st.one_of(st.sampled_from(choices), TEXT) if choices else TEXT)
        response = client.post(action, values)
        assert response.status_code < 500, (action, values)

    post()


def test_hostile_check_in_codes_and_tickets_never_break_the_page(world: World) -> None:
    from hypothesis import given
    from hypothesis import strategies as st

    from liaison.core.tests.test_form_fuzz import TEXT

    client = world.web("deputy")

    @given(
        token=st.text(
            alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="/?#%\x00"),
            min_size=1,
            max_size=80,
        ),
        ticket=TEXT,
    )
    def post(token: str, ticket: str) -> None:
        url = f"/my/checkin/{token}/"
        assert client.get(url).status_code < 500
        assert client.post(url, {"ticket": ticket}).status_code < 500

    post()
