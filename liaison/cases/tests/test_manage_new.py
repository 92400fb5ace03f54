"""Staff file a case for a resident who came, called, wrote or was visited, and print a receipt."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from liaison.cases import attachments
from liaison.cases.choices import CaseStatus, Channel, EventKind
from liaison.cases.models import Case, CaseEvent
from liaison.cases.privacy import NOTICE_VERSION
from liaison.cases.selectors import track_lookup
from liaison.core.models import AuditEvent
from liaison.testing.personas import PERSONAS, RESIDENT_PHONE, World

pytestmark = pytest.mark.django_db
URL = "/manage/cases/new/"


def form_data(world: World, **overrides: Any) -> dict[str, Any]:
    data = {
        "channel": Channel.PHONE,
        "station": str(world.stations["qianfeng"].pk),
        "category": "housing",
        "kind": "request",
        "title": "",
        "description": "5号楼电梯经常停运，老人上下楼困难。\n希望尽快维修。",
        "address": "千峰南路5号楼",
        "name": "王大爷",
        "phone": RESIDENT_PHONE,
        "consent": "on",
    }
    data.update(overrides)
    return data


# ---- who may file -------------------------------------------------------------------------------

EXPECTED = {
    "officer": 200,
    "county_officer": 200,
    "neighbour_officer": 200,
    "station_staff": 200,
    "system_admin": 200,
    "deputy": 403,
    "handler": 403,
    "other_handler": 403,
    "sponsor": 403,
    "resident": 403,
    "other_resident": 403,
    "anonymous": 302,
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_form_answers_each_persona_as_expected(world: World, persona: str) -> None:
    response = world.web(persona).get(URL)
    assert response.status_code == EXPECTED[persona]
    if response.status_code == 302:
        assert response["Location"].startswith("/accounts/login/")
    assert RESIDENT_PHONE not in response.content.decode()


@pytest.mark.parametrize("persona", ["sponsor", "deputy", "handler", "resident", "anonymous"])
def test_those_who_may_not_file_are_refused_on_post_and_nothing_is_written(world: World, persona: str) -> None:
    response = world.web(persona).post(URL, form_data(world))
    assert response.status_code in (302, 403)
    assert not Case.objects.exists()


def test_the_station_select_holds_only_stations_in_reach(world: World) -> None:
    staff = world.web("station_staff").get(URL).content.decode()
    assert "千峰街道人大代表联络站" in staff and "兴华街道人大代表联络站" not in staff
    assert "义宁镇" not in staff
    neighbour = world.web("neighbour_officer").get(URL).content.decode()
    assert "兴华街道人大代表联络站" in neighbour and "千峰街道人大代表联络站" not in neighbour
    county = world.web("county_officer").get(URL).content.decode()
    assert "兴华街道人大代表联络站" in county and "千峰街道人大代表联络站" in county
    assert "千峰街道人大代表之家(筹)" not in county, "an unpublished station takes no cases"


def test_the_form_shows_the_personal_information_notice_and_category_help(world: World) -> None:
    page = world.web("officer").get(URL).content.decode()
    assert NOTICE_VERSION in page and "保存多久" in page
    assert "加装电梯" in page, "the category help text"
    assert 'enctype="multipart/form-data"' in page


# ---- filing -------------------------------------------------------------------------------------


def test_filing_a_case_accepts_it_and_answers_with_a_printable_receipt(world: World) -> None:
    response = world.web("officer").post(URL, form_data(world))
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    page = response.content.decode()
    case = Case.objects.get()
    assert case.status == CaseStatus.ACCEPTED
    assert case.channel == Channel.PHONE
    assert case.created_by == world.users["officer"]
    assert case.station == world.stations["qianfeng"]
    assert case.consent and case.consent_at is not None and case.notice_version == NOTICE_VERSION
    assert case.title == "5号楼电梯经常停运，老人上下楼困难。"
    assert "群众诉求登记回执" in page
    assert case.tracking_code in page
    assert "http://testserver/track/" in page
    assert "千峰街道人大代表联络站" in page
    assert "cases/manage.css" in page and "data-print" in page, "the A4 print stylesheet and button"
    assert RESIDENT_PHONE not in page
    secret = page.split('<dt>查询密码</dt><dd class="receipt-code">')[1].split("<")[0]
    assert track_lookup(tracking_code=case.tracking_code, secret=secret).case == case
    kinds = list(CaseEvent.objects.filter(case=case).values_list("kind", flat=True))
    assert kinds == [EventKind.SUBMITTED, EventKind.ACCEPTED]
    assert AuditEvent.objects.filter(action="case.submitted", target_id=str(case.pk)).exists()


def test_station_staff_file_for_their_station(world: World) -> None:
    response = world.web("station_staff").post(
        URL, form_data(world, channel=Channel.WALK_IN, name="", phone="", consent="")
    )
    assert response.status_code == 200
    case = Case.objects.get()
    assert case.channel == Channel.WALK_IN
    assert not case.consent and case.resident_phone == ""


def test_consent_without_a_name_or_phone_records_no_consent(world: World) -> None:
    world.web("officer").post(URL, form_data(world, name="", phone=""))
    assert Case.objects.get().consent is False


def test_a_suggestion_and_a_title_are_kept(world: World) -> None:
    world.web("officer").post(URL, form_data(world, kind="suggestion", title="建议增设休息座椅", channel="letter"))
    case = Case.objects.get()
    assert case.kind == "suggestion" and case.title == "建议增设休息座椅" and case.channel == "letter"


def test_script_tags_are_stored_as_text_and_shown_escaped(world: World) -> None:
    response = world.web("officer").post(URL, form_data(world, title="<script>alert(1)</script>"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


# ---- bad input ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"description": ""}, "请写下群众反映的事情"),
        ({"category": "no-such-thing"}, "没有这个诉求类别"),
        ({"category": ""}, "请选择诉求类别"),
        ({"channel": "online"}, "选择一个有效的选项"),
        ({"channel": ""}, "请选择来源"),
        ({"station": ""}, "请选择受理站点"),
        ({"station": "junk"}, "只能为本辖区或本站登记诉求"),
        ({"phone": "12345"}, "电话号码"),
        ({"phone": "１３５０００１２３４５６"}, "电话号码"),
        ({"name": "王" * 51}, "50"),
        ({"title": "a\u202eb"}, "控制字符"),
        ({"description": "x" * 5001}, "5000"),
        ({"kind": "complaint"}, "选择一个有效的选项"),
    ],
)
def test_bad_input_is_422_with_the_reason_in_chinese_and_writes_nothing(
    world: World, overrides: dict[str, Any], message: str
) -> None:
    response = world.web("officer").post(URL, form_data(world, **overrides))
    assert response.status_code == 422
    page = response.content.decode()
    assert "没有登记，请按提示修改" in page
    assert message in page
    assert not Case.objects.exists()
    assert not CaseEvent.objects.exists()


@pytest.mark.parametrize("station", ["xinghua", "yining", "qianfeng_unpublished"])
def test_a_station_out_of_reach_is_refused_and_nothing_is_written(world: World, station: str) -> None:
    response = world.web("officer").post(URL, form_data(world, station=str(world.stations[station].pk)))
    assert response.status_code == 422
    assert "只能为本辖区或本站登记诉求" in response.content.decode()
    assert not Case.objects.exists()


def test_extra_fields_are_ignored(world: World) -> None:
    response = world.web("officer").post(
        URL,
        form_data(
            world,
            status="closed",
            deputy=str(world.deputies["xinghua"].pk),
            region=str(world.regions["yining"].pk),
            created_by=str(world.users["system_admin"].pk),  # type: ignore[union-attr]
        ),
    )
    assert response.status_code == 200
    case = Case.objects.get()
    assert case.status == CaseStatus.ACCEPTED
    assert case.deputy is None
    assert case.region == world.regions["qianfeng"]
    assert case.created_by == world.users["officer"]


def test_a_mislabelled_upload_is_422_and_nothing_is_written(world: World) -> None:
    fake = SimpleUploadedFile("photo.jpg", b"<html><script>alert(1)</script></html>", content_type="image/jpeg")
    response = world.web("officer").post(URL, {**form_data(world), "attachments": [fake]})
    assert response.status_code == 422
    assert not Case.objects.exists()


def test_without_files_the_upload_checks_are_not_called(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(uploads: Any) -> Any:
        raise AssertionError("validate_uploads called without files")

    monkeypatch.setattr(attachments, "validate_uploads", boom)
    assert world.web("officer").post(URL, form_data(world)).status_code == 200


def test_a_double_click_files_the_case_once_with_the_same_receipt(world: World) -> None:
    client = world.web("officer")
    data = form_data(world, submission_token="0f8fad5b-d9cb-469f-a165-70867728950e")
    first = client.post(URL, data).content.decode()
    second = client.post(URL, data).content.decode()
    case = Case.objects.get()
    assert case.tracking_code in first and case.tracking_code in second
    secret = first.split('<dt>查询密码</dt><dd class="receipt-code">')[1].split("<")[0]
    assert secret in second


def test_another_clerk_reusing_a_token_files_a_case_of_his_own(world: World) -> None:
    token = "0f8fad5b-d9cb-469f-a165-70867728950e"
    world.web("officer").post(URL, form_data(world, submission_token=token))
    world.web("county_officer").post(URL, form_data(world, submission_token=token))
    assert Case.objects.count() == 2
