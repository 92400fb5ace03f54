"""Open311 GeoReport v2 at /open311/v2/: services, published requests (never personal data),
and the API-key POST that files a case like the public form."""

from __future__ import annotations

import datetime as dt
import json
import xml.etree.ElementTree as ET
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from liaison.accounts.jurisdiction import jurisdiction_for
from liaison.accounts.models import ApiToken, hash_token
from liaison.cases.choices import CaseStatus, Channel, Rating
from liaison.cases.models import Case, CaseCategory
from liaison.cases.selectors import track_lookup
from liaison.cases.services import (
    CaseInput,
    case_accept,
    case_answer,
    case_answer_on_spot,
    case_publish,
    case_rate,
    case_submit,
    referral_accept,
    referral_reply,
)
from liaison.core.clock import now
from liaison.testing.personas import PERSONAS, RESIDENT_PHONE, World

BASE = "/open311/v2"
QIANFENG_CHAIN = "山西省太原市万柏林区千峰街道"


def body(response: Any) -> Any:
    return json.loads(response.content)


def xml(response: Any) -> ET.Element:
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    return ET.fromstring(response.content)  # noqa: S314 (our own answer, not untrusted input)


@pytest.fixture
def published(case_world: World) -> World:
    """千峰's case answered after 住建局's reply (open), and 千峰's new case answered on the spot,
    rated and closed; both published. The others stay private."""
    w = case_world
    officer = jurisdiction_for(w.users["officer"])
    handler = jurisdiction_for(w.users["handler"])
    referral = referral_accept(actor=handler, referral=w.referrals["qianfeng"])
    referral_reply(actor=handler, referral=referral, reply="已安排维修。")
    case = Case.objects.get(pk=w.cases["qianfeng"].pk)
    case = case_answer(actor=officer, case=case, answer="住建局已更换3号楼楼道窗户。")
    w.cases["qianfeng"] = case_publish(actor=officer, case=case, summary="千峰南社区一处楼道窗户破损，已更换。")

    case = case_accept(actor=officer, case=w.cases["qianfeng_new"])
    case = case_answer_on_spot(actor=officer, case=case, answer="加装电梯可向社区提出申请。")
    ticket = track_lookup(tracking_code=case.tracking_code, secret=w.secrets["qianfeng_new"])
    case_rate(ticket=ticket, rating=Rating.SATISFIED)
    case = Case.objects.get(pk=case.pk)
    w.cases["qianfeng_new"] = case_publish(actor=officer, case=case, summary="居民咨询加装电梯，已当场答复。")
    return w


def codes_in(rows: list[dict[str, Any]]) -> set[str]:
    return {row["service_request_id"] for row in rows}


# ---- discovery and services --------------------------------------------------------------------


def test_discovery_names_the_specification_the_endpoint_and_both_formats(world: World) -> None:
    data = body(Client().get(f"{BASE}/discovery.json"))
    (endpoint,) = data["endpoints"]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"] == "http://testserver/open311/v2/"
    assert endpoint["type"] == "production"
    assert set(endpoint["formats"]) == {"text/xml", "application/json"}
    assert data["changeset"] and data["contact"] and data["key_service"]
    root = xml(Client().get(f"{BASE}/discovery.xml"))
    assert root.tag == "discovery"
    assert [f.text for f in root.findall("endpoints/endpoint/formats/format")] == ["text/xml", "application/json"]


def test_services_list_the_active_categories_with_the_specifications_fields(world: World) -> None:
    CaseCategory.objects.filter(code="rural").update(is_active=False)
    response = Client().get(f"{BASE}/services.json")
    assert response["Content-Type"] == "application/json"
    rows = body(response)
    by_code = {row["service_code"]: row for row in rows}
    assert "rural" not in by_code
    housing = CaseCategory.objects.get(code="housing")
    assert by_code["housing"] == {
        "service_code": "housing",
        "service_name": housing.name,
        "description": housing.description,
        "metadata": False,
        "type": "realtime",
        "keywords": "",
        "group": housing.group,
    }
    root = xml(Client().get(f"{BASE}/services.xml"))
    assert root.tag == "services"
    codes = [s.findtext("service_code") for s in root.findall("service")]
    assert codes == [row["service_code"] for row in rows]
    assert root.find("service/metadata").text == "false"  # type: ignore[union-attr]


def test_a_service_definition_has_no_attributes(world: World) -> None:
    assert body(Client().get(f"{BASE}/services/housing.json")) == {"service_code": "housing", "attributes": []}
    root = xml(Client().get(f"{BASE}/services/housing.xml"))
    assert root.tag == "service_definition"
    assert root.findtext("service_code") == "housing"
    assert root.find("attributes") is not None and len(root.find("attributes")) == 0  # type: ignore[arg-type]


def test_an_unknown_or_inactive_service_is_404_with_a_georeport_error(world: World) -> None:
    CaseCategory.objects.filter(code="rural").update(is_active=False)
    for code in ("no-such", "rural"):
        response = Client().get(f"{BASE}/services/{code}.json")
        assert response.status_code == 404
        (error,) = body(response)
        assert error["code"] == 404 and "service_code" in error["description"]
    root = xml(Client().get(f"{BASE}/services/no-such.xml"))
    assert root.tag == "errors" and root.findtext("error/code") == "404"


@pytest.mark.parametrize(
    "path",
    ["discovery.html", "services.csv", "services/housing.yaml", "requests.txt", "requests/ABCD-EFGH-JK.php"],
)
def test_a_format_other_than_json_or_xml_is_404(world: World, path: str) -> None:
    assert Client().get(f"{BASE}/{path}").status_code == 404


# ---- GET requests ------------------------------------------------------------------------------


def test_only_published_cases_are_listed(published: World) -> None:
    rows = body(Client().get(f"{BASE}/requests.json"))
    assert codes_in(rows) == {published.cases["qianfeng"].tracking_code, published.cases["qianfeng_new"].tracking_code}


def test_a_request_row_has_the_specifications_fields_and_values(published: World) -> None:
    rows = {row["service_request_id"]: row for row in body(Client().get(f"{BASE}/requests.json"))}
    answered = rows[published.cases["qianfeng"].tracking_code]
    assert set(answered) == {
        "service_request_id",
        "status",
        "status_notes",
        "service_name",
        "service_code",
        "description",
        "agency_responsible",
        "service_notice",
        "requested_datetime",
        "updated_datetime",
        "expected_datetime",
        "address",
        "address_id",
        "zipcode",
        "lat",
        "long",
        "media_url",
    }
    assert answered["status"] == "open"
    assert answered["service_code"] == "housing"
    assert answered["description"] == "千峰南社区一处楼道窗户破损，已更换。"
    assert answered["agency_responsible"] == "万柏林区住房和城乡建设局"
    assert answered["address"] == QIANFENG_CHAIN
    assert answered["media_url"] is None and answered["lat"] is None
    requested = dt.datetime.fromisoformat(answered["requested_datetime"])
    assert answered["requested_datetime"].endswith("+08:00")
    assert abs(requested - now()) < dt.timedelta(minutes=5)
    closed = rows[published.cases["qianfeng_new"].tracking_code]
    assert closed["status"] == "closed"
    assert closed["agency_responsible"] == "千峰街道人大工委"
    assert closed["expected_datetime"] is None


def test_the_region_position_is_given_when_the_region_has_one(published: World) -> None:
    region = published.regions["qianfeng"]
    region.latitude, region.longitude = 37.86, 112.52
    region.save()
    row = body(Client().get(f"{BASE}/requests/{published.cases['qianfeng'].tracking_code}.json"))[0]
    assert (row["lat"], row["long"]) == (37.86, 112.52)


@pytest.mark.parametrize("persona", PERSONAS)
def test_no_personal_data_or_private_text_leaves_through_open311(published: World, persona: str) -> None:
    client = published.web(persona)
    private = [RESIDENT_PHONE, "王大爷", "李阿姨", "13600002222", "千峰南路3号楼", "3号楼楼道窗户破了", "已安排维修"]
    for fmt in ("json", "xml"):
        for path in (f"requests.{fmt}", f"requests/{published.cases['qianfeng'].tracking_code}.{fmt}"):
            response = client.get(f"{BASE}/{path}")
            assert response.status_code == 200
            text = response.content.decode()
            assert not [word for word in private if word in text], (persona, path)


def test_the_xml_list_has_the_specifications_shape_and_escapes_text(published: World) -> None:
    Case.objects.filter(pk=published.cases["qianfeng"].pk).update(public_summary="<script>alert(1)</script> & 窗户")
    response = Client().get(f"{BASE}/requests.xml")
    assert b"<script>" not in response.content
    root = xml(response)
    assert root.tag == "service_requests"
    items = {r.findtext("service_request_id"): r for r in root.findall("request")}
    item = items[published.cases["qianfeng"].tracking_code]
    assert item.findtext("description") == "<script>alert(1)</script> & 窗户"
    assert item.findtext("status") == "open"
    media = item.find("media_url")
    assert media is not None and media.text is None


def test_requests_filter_by_status(published: World) -> None:
    open_rows = body(Client().get(f"{BASE}/requests.json?status=open"))
    closed_rows = body(Client().get(f"{BASE}/requests.json?status=closed"))
    both = body(Client().get(f"{BASE}/requests.json?status=open,closed"))
    assert codes_in(open_rows) == {published.cases["qianfeng"].tracking_code}
    assert codes_in(closed_rows) == {published.cases["qianfeng_new"].tracking_code}
    assert len(both) == 2


def test_requests_filter_by_service_code(published: World) -> None:
    assert len(body(Client().get(f"{BASE}/requests.json?service_code=housing"))) == 2
    assert body(Client().get(f"{BASE}/requests.json?service_code=roads")) == []


def test_service_request_ids_override_every_other_filter(published: World) -> None:
    code = published.cases["qianfeng"].tracking_code
    private = published.cases["xinghua"].tracking_code
    query = f"service_request_id={code.lower().replace('-', '')},{private},junk&status=closed&service_code=roads"
    assert codes_in(body(Client().get(f"{BASE}/requests.json?{query}"))) == {code}


def test_requests_filter_by_date_range(published: World) -> None:
    Case.objects.filter(pk=published.cases["qianfeng_new"].pk).update(created_at=now() - dt.timedelta(days=40))
    today = now().date()
    recent = body(
        Client().get(f"{BASE}/requests.json", {"start_date": f"{today - dt.timedelta(days=7)}T00:00:00+08:00"})
    )
    assert codes_in(recent) == {published.cases["qianfeng"].tracking_code}
    older = body(
        Client().get(
            f"{BASE}/requests.json",
            {"start_date": str(today - dt.timedelta(days=60)), "end_date": str(today - dt.timedelta(days=20))},
        )
    )
    assert codes_in(older) == {published.cases["qianfeng_new"].tracking_code}


def test_by_default_only_the_last_90_days_are_listed(published: World) -> None:
    Case.objects.filter(pk=published.cases["qianfeng_new"].pk).update(created_at=now() - dt.timedelta(days=100))
    assert codes_in(body(Client().get(f"{BASE}/requests.json"))) == {published.cases["qianfeng"].tracking_code}


def test_requests_filter_by_jurisdiction(published: World) -> None:
    assert len(body(Client().get(f"{BASE}/requests.json?jurisdiction_id=140109"))) == 2
    assert body(Client().get(f"{BASE}/requests.json?jurisdiction_id=360424")) == []


@pytest.mark.parametrize(
    ("query", "word"),
    [
        ("status=pending", "status"),
        ("start_date=yesterday", "start_date"),
        ("end_date=2026-13-45", "end_date"),
        ("start_date=2025-01-01&end_date=2025-06-01", "90"),
        ("start_date=2025-06-01&end_date=2025-01-01", "end_date"),
        ("jurisdiction_id=999999", "jurisdiction_id"),
        ("start_date=' OR 1=1 --", "start_date"),
    ],
)
def test_bad_filters_are_400_with_a_georeport_error(world: World, query: str, word: str) -> None:
    response = Client().get(f"{BASE}/requests.json?{query}")
    assert response.status_code == 400
    (error,) = body(response)
    assert error["code"] == 400 and word in error["description"]
    assert xml(Client().get(f"{BASE}/requests.xml?{query}")).tag == "errors"


def test_one_published_request_by_its_tracking_code_in_both_formats(published: World) -> None:
    code = published.cases["qianfeng"].tracking_code
    (row,) = body(Client().get(f"{BASE}/requests/{code}.json"))
    assert row["service_request_id"] == code
    root = xml(Client().get(f"{BASE}/requests/{code}.xml"))
    assert root.tag == "service_requests" and root.findtext("request/service_request_id") == code


def test_an_unpublished_or_unknown_request_is_404(published: World) -> None:
    for code in (
        published.cases["xinghua"].tracking_code,
        published.cases["yining"].tracking_code,
        "ZZZZ-ZZZZ-ZZ",
        "x",
    ):
        response = Client().get(f"{BASE}/requests/{code}.json")
        assert response.status_code == 404
        assert body(response)[0]["code"] == 404


def _publish_many(world: World, count: int) -> None:
    actor = jurisdiction_for(None)
    pks = []
    for i in range(count):
        data = CaseInput(category="housing", station_id=world.stations["qianfeng"].pk, description=f"第{i}件")
        pks.append(case_submit(actor=actor, data=data).case.pk)
    Case.objects.filter(pk__in=pks).update(
        is_published=True, status=CaseStatus.CLOSED, public_summary="已办结。", published_at=now()
    )


def test_the_request_list_costs_the_same_queries_at_20_and_100_rows(world: World, settings: Any) -> None:
    settings.LIAISON_RATE_LIMITS_DISABLED = True
    counts = []
    for more in (20, 80):
        _publish_many(world, more)
        with CaptureQueriesContext(connection) as queries:
            rows = body(Client().get(f"{BASE}/requests.json"))
        counts.append((len(rows), len(queries)))
    assert [rows for rows, _ in counts] == [20, 100]
    assert counts[0][1] == counts[1][1] <= 5


# ---- POST requests -------------------------------------------------------------------------


def post(
    client: Client, key: str | None, fmt: str = "json", headers: dict[str, str] | None = None, **fields: Any
) -> Any:
    data = {"service_code": "housing", "description": "千峰南路路灯不亮。", "jurisdiction_id": "140109001", **fields}
    if key is not None:
        data["api_key"] = key
    return client.post(f"{BASE}/requests.{fmt}", data, headers=headers or {})


def test_a_hotline_system_with_a_key_files_a_case(world: World) -> None:
    key = world.token("officer")
    response = post(Client(), key, first_name="王", last_name="大爷", phone=RESIDENT_PHONE, email="w@example.com")
    assert response.status_code == 201
    (row,) = body(response)
    assert set(row) == {"service_request_id", "service_notice", "account_id", "token"}
    assert "secret" not in response.content.decode()
    case = Case.objects.get(tracking_code=row["service_request_id"])
    assert case.channel == Channel.HOTLINE and case.status == CaseStatus.SUBMITTED
    assert case.region == world.regions["qianfeng"] and case.category.code == "housing"  # type: ignore[union-attr]
    assert (case.resident_name, case.resident_phone, case.consent) == ("", "", False)
    assert case.is_published is False


def test_a_post_in_xml_answers_in_xml(world: World) -> None:
    response = post(Client(), world.token("officer"), fmt="xml", address_string="万柏林区千峰街道千峰南路")
    assert response.status_code == 201
    root = xml(response)
    assert root.tag == "service_requests"
    assert Case.objects.filter(tracking_code=root.findtext("request/service_request_id")).exists()


def test_the_post_needs_no_csrf_token_because_it_never_reads_the_cookie(world: World) -> None:
    client = Client(enforce_csrf_checks=True)
    assert post(client, world.token("officer")).status_code == 201


def test_a_signed_in_browser_without_a_key_is_refused(world: World) -> None:
    before = Case.objects.count()
    for persona in ("system_admin", "officer", "resident"):
        response = post(world.web(persona), None)
        assert response.status_code == 403
        assert body(response)[0]["code"] == 403
    assert Case.objects.count() == before


def test_a_missing_wrong_expired_or_revoked_key_is_403(world: World) -> None:
    revoked, expired = world.token("officer"), world.token("officer")
    ApiToken.objects.filter(key_hash=hash_token(revoked)).update(revoked_at=now())  # type: ignore[arg-type]
    ApiToken.objects.filter(key_hash=hash_token(expired)).update(expires_at=now() - dt.timedelta(minutes=1))  # type: ignore[arg-type]
    before = Case.objects.count()
    for key in (None, "", "not-a-token", revoked, expired, "x" * 500):
        response = post(Client(), key)
        assert response.status_code == 403, key
        (error,) = body(response)
        assert error["code"] == 403
    root = xml(post(Client(), "wrong", fmt="xml"))
    assert root.findtext("error/code") == "403"
    assert Case.objects.count() == before


def test_a_read_only_or_resident_key_may_not_file_in_the_hotlines_name(world: World) -> None:
    before = Case.objects.count()
    for persona in ("sponsor", "resident"):
        response = post(Client(), world.token(persona))
        assert response.status_code == 403, persona
        assert "无权" in body(response)[0]["description"]
    assert Case.objects.count() == before


def test_a_key_in_the_query_string_is_refused(world: World) -> None:
    key = world.token("officer")
    response = Client().post(f"{BASE}/requests.json?api_key={key}", {"service_code": "housing", "description": "x"})
    assert response.status_code == 403
    assert "正文" in body(response)[0]["description"]


def test_other_unsafe_methods_are_refused(world: World) -> None:
    for method in ("put", "patch", "delete"):
        assert getattr(Client(), method)(f"{BASE}/requests.json").status_code == 403


@pytest.mark.parametrize(
    ("fields", "word"),
    [
        ({"service_code": "no-such"}, "service_code"),
        ({"service_code": ""}, "service_code"),
        ({"description": ""}, "description"),
        ({"jurisdiction_id": "", "address_string": "火星"}, "address_string"),
        ({"jurisdiction_id": "000000"}, "jurisdiction_id"),
        ({"lat": "north"}, "lat"),
        ({"description": "x\u202ey"}, "description"),
    ],
)
def test_bad_input_is_400_naming_the_field_and_writes_nothing(world: World, fields: dict[str, Any], word: str) -> None:
    before = Case.objects.count()
    response = post(Client(), world.token("officer"), **fields)
    assert response.status_code == 400
    errors = body(response)
    assert all(e["code"] == 400 for e in errors)
    assert any(word in e["description"] for e in errors), errors
    assert Case.objects.count() == before


def test_a_script_in_the_description_is_kept_as_text(world: World) -> None:
    response = post(Client(), world.token("officer"), description="<script>alert(1)</script>路灯坏了")
    assert response.status_code == 201
    case = Case.objects.get(tracking_code=body(response)[0]["service_request_id"])
    assert case.description == "<script>alert(1)</script>路灯坏了"


def test_a_retry_with_the_same_idempotency_key_returns_the_same_request(world: World) -> None:
    key = world.token("officer")
    headers = {"Idempotency-Key": "hotline-2026-0001"}
    first = post(Client(), key, headers=headers)
    again = post(Client(), key, headers=headers)
    assert (first.status_code, again.status_code) == (201, 200)
    assert body(first) == body(again)
    assert Case.objects.filter(channel=Channel.HOTLINE).count() == 1


def test_the_same_idempotency_key_with_another_body_is_400_and_writes_nothing(world: World) -> None:
    key = world.token("officer")
    headers = {"Idempotency-Key": "hotline-2026-0002"}
    assert post(Client(), key, headers=headers).status_code == 201
    response = post(Client(), key, headers=headers, description="另一件事。")
    assert response.status_code == 400
    assert "Idempotency-Key" in body(response)[0]["description"]
    assert Case.objects.filter(channel=Channel.HOTLINE).count() == 1
