"""Intake at the service level: every field checked in plain Chinese, the place worked out from
what the resident gave, consent that means something, idempotent submission, tracking codes."""

from __future__ import annotations

import re

import pytest

from liaison.accounts.jurisdiction import jurisdiction_for
from liaison.cases import codes, services
from liaison.cases.choices import CaseKind, CaseStatus, Channel, EventKind
from liaison.cases.models import Case, CaseEvent, IdempotencyRecord
from liaison.cases.privacy import NOTICE_VERSION
from liaison.cases.services.intake import clean_input
from liaison.core.errors import InvalidInput
from liaison.testing.personas import RESIDENT_PHONE, World

ANONYMOUS = jurisdiction_for(None)
CJK = re.compile(r"[\u4e00-\u9fff]")


def _input(world: World, **changes: object) -> services.CaseInput:
    values: dict[str, object] = {
        "category": "housing",
        "description": "3号楼楼道窗户破了",
        "station_id": world.stations["qianfeng"].pk,
    }
    values.update(changes)
    return services.CaseInput(**values)  # type: ignore[arg-type]


def _errors(data: services.CaseInput) -> dict[str, list[str]]:
    with pytest.raises(InvalidInput) as caught:
        clean_input(data)
    return caught.value.fields


@pytest.mark.parametrize(
    ("field", "changes"),
    [
        ("description", {"description": ""}),
        ("description", {"description": "   "}),
        ("description", {"description": "字" * 5001}),
        ("description", {"description": 42}),
        ("title", {"title": "题" * 101}),
        ("address", {"address": "路" * 201}),
        ("name", {"name": "名" * 51}),
        ("category", {"category": ""}),
        ("category", {"category": "no-such-category"}),
        ("kind", {"kind": "complaint"}),
        ("phone", {"phone": "12345"}),
        ("phone", {"phone": 13500001234}),
        ("consent", {"consent": "yes"}),
        ("latitude", {"latitude": "north"}),
        ("latitude", {"latitude": 91}),
        ("longitude", {"longitude": -181}),
        ("station", {"station_id": 999_999}),
        ("station", {"station_id": "abc"}),
        ("deputy", {"deputy_id": 999_999}),
        ("region", {"station_id": None, "region_id": 999_999}),
        ("region", {"station_id": None, "address": "某个不存在的地方"}),
    ],
)
def test_each_bad_field_is_named_with_a_chinese_message(world: World, field: str, changes: dict[str, object]) -> None:
    errors = _errors(_input(world, **changes))
    assert field in errors
    assert all(CJK.search(message) for message in errors[field]), errors


def test_an_unpublished_station_is_not_a_place_to_file_at(world: World) -> None:
    errors = _errors(_input(world, station_id=world.stations["qianfeng_unpublished"].pk))
    assert "station" in errors


def test_several_bad_fields_are_reported_at_once_and_nothing_is_written(world: World) -> None:
    before = (Case.objects.count(), CaseEvent.objects.count())
    with pytest.raises(InvalidInput) as caught:
        services.case_submit(actor=ANONYMOUS, data=_input(world, description="", category="nope", phone="1"))
    assert {"description", "category", "phone"} <= set(caught.value.fields)
    assert (Case.objects.count(), CaseEvent.objects.count()) == before


def test_a_script_tag_is_kept_as_plain_text_never_interpreted(world: World) -> None:
    text = "<script>alert(1)</script>窗户坏了"
    done = services.case_submit(actor=ANONYMOUS, data=_input(world, description=text))
    # Stored as typed (templates and JSON escape it); the title is plain text, too.
    assert done.case.description == text and done.case.title == text


def test_control_characters_are_refused(world: World) -> None:
    errors = _errors(_input(world, description="窗户\u202e坏了", title="a\x00b"))
    assert {"description", "title"} <= set(errors)


def test_the_region_comes_from_the_address_text_when_no_station_is_given(world: World) -> None:
    clean = clean_input(_input(world, station_id=None, address="太原市万柏林区兴华街道兴华路8号"))
    assert clean.region == world.regions["xinghua"]


def test_an_explicit_region_is_taken_and_the_nearest_station_is_suggested(world: World) -> None:
    done = services.case_submit(
        actor=ANONYMOUS, data=_input(world, station_id=None, region_id=world.regions["qianfeng_community"].pk)
    )
    assert done.case.region == world.regions["qianfeng_community"]
    # The community's own point is a "point": the nearest full station above is 千峰's.
    assert done.case.station == world.stations["qianfeng"]


def test_a_deputy_code_brings_the_deputys_station_and_region(world: World) -> None:
    clean = clean_input(_input(world, station_id=None, deputy_id=world.deputies["qianfeng2"].pk))
    assert clean.deputy == world.deputies["qianfeng2"]
    assert clean.station == world.stations["qianfeng_point"]
    assert clean.region == world.regions["qianfeng_community"]


def test_the_title_defaults_to_the_start_of_the_description(world: World) -> None:
    clean = clean_input(_input(world, description="第一行写得很长" * 10 + "\n第二行"))
    assert clean.title.endswith("…") and len(clean.title) == 31


def test_consent_without_a_name_or_phone_is_recorded_as_no_consent(world: World) -> None:
    done = services.case_submit(actor=ANONYMOUS, data=_input(world, consent=True))
    assert done.case.consent is False and done.case.consent_at is None


def test_consent_with_a_phone_is_recorded_with_its_time_and_notice_version(world: World) -> None:
    done = services.case_submit(actor=ANONYMOUS, data=_input(world, phone=RESIDENT_PHONE, consent=True))
    case = done.case
    assert case.consent and case.consent_at is not None and case.notice_version == NOTICE_VERSION
    assert case.resident_phone_hash == codes.phone_hash(RESIDENT_PHONE)


def test_a_suggestion_keeps_its_kind_and_starts_submitted_with_one_event(world: World) -> None:
    done = services.case_submit(actor=ANONYMOUS, data=_input(world, kind=CaseKind.SUGGESTION))
    assert done.case.kind == CaseKind.SUGGESTION and done.case.status == CaseStatus.SUBMITTED
    assert list(done.case.events.values_list("kind", "to_status")) == [(EventKind.SUBMITTED, CaseStatus.SUBMITTED)]


def test_a_signed_in_resident_owns_his_case_but_staff_filing_online_do_not(world: World) -> None:
    mine = services.case_submit(actor=jurisdiction_for(world.users["resident"]), data=_input(world))
    assert mine.case.resident_user == world.users["resident"]
    staff = services.case_submit(actor=jurisdiction_for(world.users["officer"]), data=_input(world))
    assert staff.case.resident_user is None


def test_staff_file_for_a_resident_accepted_at_once_with_the_channel_recorded(world: World) -> None:
    done = services.case_file_for_resident(
        actor=jurisdiction_for(world.users["station_staff"]), data=_input(world), channel=Channel.PHONE
    )
    assert done.case.status == CaseStatus.ACCEPTED and done.case.channel == Channel.PHONE
    assert [e.kind for e in done.case.events.all()] == [EventKind.SUBMITTED, EventKind.ACCEPTED]


def test_staff_cannot_file_with_an_online_channel_or_outside_their_reach(world: World) -> None:
    with pytest.raises(InvalidInput):
        services.case_file_for_resident(
            actor=jurisdiction_for(world.users["officer"]), data=_input(world), channel=Channel.ONLINE
        )
    before = Case.objects.count()
    from liaison.core.errors import Forbidden

    with pytest.raises(Forbidden):
        services.case_file_for_resident(
            actor=jurisdiction_for(world.users["neighbour_officer"]), data=_input(world), channel=Channel.WALK_IN
        )
    assert Case.objects.count() == before


def test_a_retry_with_the_same_key_answers_the_same_case_and_secret(world: World) -> None:
    first = services.case_submit(actor=ANONYMOUS, data=_input(world), idempotency_key="k-1")
    again = services.case_submit(actor=ANONYMOUS, data=_input(world), idempotency_key="k-1")
    assert again.replayed and not first.replayed
    assert (again.case.pk, again.tracking_code, again.secret) == (first.case.pk, first.tracking_code, first.secret)
    assert Case.objects.count() == 1 and IdempotencyRecord.objects.count() == 1


def test_the_same_key_with_other_content_is_refused_and_writes_nothing(world: World) -> None:
    services.case_submit(actor=ANONYMOUS, data=_input(world), idempotency_key="k-2")
    with pytest.raises(InvalidInput) as caught:
        services.case_submit(actor=ANONYMOUS, data=_input(world, description="另一件事"), idempotency_key="k-2")
    assert "idempotency_key" in caught.value.fields
    assert Case.objects.count() == 1


def test_without_a_key_two_submissions_are_two_cases(world: World) -> None:
    services.case_submit(actor=ANONYMOUS, data=_input(world))
    services.case_submit(actor=ANONYMOUS, data=_input(world))
    assert Case.objects.count() == 2


def test_an_unknown_channel_is_refused(world: World) -> None:
    with pytest.raises(InvalidInput):
        services.case_submit(actor=ANONYMOUS, data=_input(world), channel=Channel.WALK_IN)


def test_tracking_codes_are_readable_unique_and_forgiving_to_type() -> None:
    drawn = {codes.new_tracking_code() for _ in range(500)}
    assert len(drawn) == 500
    for code in drawn:
        assert re.fullmatch(r"[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{2}", code)
        assert codes.normalize_tracking_code(code.lower().replace("-", " ")) == code
    assert codes.normalize_tracking_code("short") == ""
    secret = codes.new_secret()
    assert re.fullmatch(r"\d{6}", secret)
    code = next(iter(drawn))
    assert codes.secret_matches(code, secret, codes.secret_hash(code, secret))
    assert not codes.secret_matches(next(c for c in drawn if c != code), secret, codes.secret_hash(code, secret))


def test_the_secret_is_stored_only_as_a_keyed_hash(world: World) -> None:
    done = services.case_submit(actor=ANONYMOUS, data=_input(world, phone=RESIDENT_PHONE))
    row = Case.objects.filter(pk=done.case.pk).values().get()
    assert done.secret not in {str(v) for v in row.values()}
    assert row["secret_hash"] == codes.secret_hash(done.tracking_code, done.secret)
