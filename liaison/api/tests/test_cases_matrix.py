"""SECURITY.md S1–S3 for the case API: every case operation × every persona × the cases of
each jurisdiction (liaison/testing/case_world.py). Out of reach: 404; visible but not allowed:
403; 0 foreign rows in lists; no resident's full phone in any answer but the audited reveal."""

from __future__ import annotations

from typing import Any

import pytest

from liaison.api.tests.test_jurisdiction_matrix import assert_no_personal_data
from liaison.cases.models import Case, CaseEvent, Referral
from liaison.core.models import AuditEvent
from liaison.testing.personas import PERSONAS, RESIDENT_PHONE, World

JSON = "application/json"
CASES = ("qianfeng", "qianfeng_urban", "qianfeng_new", "xinghua", "yining")
QF = {"qianfeng", "qianfeng_urban", "qianfeng_new"}
OTHER_PHONE = "13600002222"  # qianfeng_urban's resident, who did not consent to sharing

# Which cases each persona sees in the back office (None: the list refuses the persona).
VIEW: dict[str, set[str] | None] = {
    "officer": QF,
    "neighbour_officer": {"xinghua"},
    "county_officer": QF | {"xinghua"},
    "station_staff": QF,
    "deputy": {"qianfeng"},
    "handler": {"qianfeng"},
    "other_handler": {"qianfeng_urban"},
    "sponsor": set(),
    "resident": None,
    "other_resident": None,
    "anonymous": None,
    "system_admin": set(CASES),
}
# Who triages (accept, route, refer, merge, transfer, publish), answers, and notes.
TRIAGE: dict[str, set[str]] = {
    "officer": QF,
    "neighbour_officer": {"xinghua"},
    "county_officer": QF | {"xinghua"},
    "station_staff": QF,
    "system_admin": set(CASES),
}
ANSWER = {**TRIAGE, "deputy": {"qianfeng"}}
NOTE = {**ANSWER, "handler": {"qianfeng"}, "other_handler": {"qianfeng_urban"}}
# Only 千峰's case carries the resident's consent; 城管局 never sees 李阿姨's phone.
REVEAL = {**ANSWER, "handler": {"qianfeng"}}

REFERRALS = ("qianfeng", "qianfeng_urban")
REFERRAL_VIEW: dict[str, set[str]] = {
    "officer": set(REFERRALS),
    "county_officer": set(REFERRALS),
    "station_staff": set(REFERRALS),
    "handler": {"qianfeng"},
    "other_handler": {"qianfeng_urban"},
    "system_admin": set(REFERRALS),
}
REFERRAL_HANDLE = {"handler": {"qianfeng"}, "other_handler": {"qianfeng_urban"}, "system_admin": set(REFERRALS)}
REFERRAL_DECIDE = {k: set(REFERRALS) for k in ("officer", "county_officer", "station_staff", "system_admin")}


def _transitions(world: World) -> list[tuple[str, dict[str, Any], dict[str, set[str]]]]:
    """(path suffix, a valid body, who may) for every case transition."""
    return [
        ("notes", {"text": "内部备注"}, NOTE),
        ("request-info", {"question": "请补充楼栋号"}, NOTE),
        ("escalate", {"reason": "群众多次反映"}, TRIAGE),
        (
            "meetings",
            {
                "held_on": "2026-01-05",
                "residents": "王大爷等 3 人",
                "deputies": [world.deputies["qianfeng"].pk],
                "outcome": "议定更换窗户",
            },
            ANSWER,
        ),
        ("accept", {"note": "受理"}, TRIAGE),
        ("answer-on-spot", {"answer": "已现场答复"}, ANSWER),
        ("publish", {"summary": "窗户已更换"}, TRIAGE),
        ("unpublish", {"reason": "摘要有误"}, TRIAGE),
        ("assign", {"deputy": world.deputies["qianfeng"].pk}, TRIAGE),
        ("refer", {"department": world.departments["housing"].pk}, TRIAGE),
        ("answer", {"answer": "已答复"}, ANSWER),
        ("transfer", {"region": world.regions["xinghua"].pk, "reason": "属兴华街道"}, TRIAGE),
        ("merge", {"into": world.cases["qianfeng"].pk}, TRIAGE),
        ("decline", {"reason": "不属于受理范围"}, TRIAGE),
    ]


def _no_phone(response: Any) -> None:
    assert_no_personal_data(response)
    assert OTHER_PHONE not in response.content.decode()


def _detail_status(persona: str, key: str) -> int:
    if persona == "anonymous":
        return 401
    return 200 if key in (VIEW[persona] or set()) else 404


@pytest.mark.parametrize("persona", PERSONAS)
def test_manage_case_detail(case_world: World, persona: str) -> None:
    client = case_world.api(persona)
    for key in CASES:
        response = client.get(f"/api/v1/manage/cases/{case_world.cases[key].pk}")
        assert response.status_code == _detail_status(persona, key), (persona, key, response.content[:200])
        _no_phone(response)


@pytest.mark.parametrize("persona", PERSONAS)
def test_manage_case_list(case_world: World, persona: str) -> None:
    """Exactly the reachable cases: 0 foreign rows, and the count agrees."""
    response = case_world.api(persona).get("/api/v1/manage/cases?limit=100")
    reach = VIEW[persona]
    expected = 401 if persona == "anonymous" else 403 if reach is None else 200
    assert response.status_code == expected, (persona, response.content[:200])
    _no_phone(response)
    if expected == 200:
        body = response.json()
        assert {i["id"] for i in body["items"]} == {case_world.cases[k].pk for k in reach or set()}
        assert body["count"] == len(reach or set())


@pytest.mark.parametrize("persona", PERSONAS)
def test_manage_case_list_filters_and_search_never_widen_it(case_world: World, persona: str) -> None:
    client = case_world.api(persona)
    reach = {case_world.cases[k].pk for k in VIEW[persona] or set()}
    queries = [
        "status=submitted",
        "category=roads",
        f"region={case_world.regions['yining'].pk}",
        f"station={case_world.stations['yining'].pk}",
        f"department={case_world.departments['urban'].pk}",
        f"q={case_world.cases['yining'].tracking_code}",
        "q=%27%20OR%201%3D1--",
        "overdue=false",
        "open_only=true",
        "ordering=due_date",
    ]
    for query in queries:
        response = client.get(f"/api/v1/manage/cases?{query}")
        if response.status_code != 200:
            assert response.status_code in (401, 403), (query, response.status_code)
            continue
        assert {i["id"] for i in response.json()["items"]} <= reach, query


@pytest.mark.parametrize("persona", PERSONAS)
def test_manage_case_transitions(case_world: World, persona: str) -> None:
    """Every transition on every case: out of reach 404 and nothing written; visible but not
    allowed 403; allowed: 200, or 409/422 when the case's state says no."""
    client = case_world.api(persona)
    transitions = _transitions(case_world)
    done: list[tuple[str, str]] = []
    for key in CASES:
        case = case_world.cases[key]
        for suffix, body, allowed in transitions:
            before = (Case.objects.filter(pk=case.pk).values().first(), CaseEvent.objects.filter(case=case).count())
            response = client.post(f"/api/v1/manage/cases/{case.pk}/{suffix}", body, content_type=JSON)
            status = response.status_code
            _no_phone(response)
            if persona == "anonymous":
                assert status == 401
            elif key not in (VIEW[persona] or set()):
                assert status == 404, (persona, key, suffix, status)
            elif key not in allowed.get(persona, set()):
                assert status == 403, (persona, key, suffix, status, response.content[:300])
            else:
                assert status in (200, 409, 422), (persona, key, suffix, status, response.content[:300])
            if status == 200:
                done.append((key, suffix))
            else:
                after = (Case.objects.filter(pk=case.pk).values().first(), CaseEvent.objects.filter(case=case).count())
                assert after == before, (persona, key, suffix)
    # The allowed ones really went through (not merely refused by state).
    assert bool(done) == (persona in NOTE), (persona, done)
    if persona in TRIAGE:
        assert {"notes", "escalate", "accept", "answer-on-spot", "publish", "unpublish"} <= {s for _k, s in done}, done


@pytest.mark.parametrize("persona", PERSONAS)
def test_manage_case_reveal(case_world: World, persona: str) -> None:
    """The full phone only to those handling the case, with a reason; every reveal audited."""
    client = case_world.api(persona)
    for key in ("qianfeng", "qianfeng_urban", "xinghua"):
        case = case_world.cases[key]
        audits = AuditEvent.objects.filter(action="case.reveal").count()
        response = client.post(f"/api/v1/manage/cases/{case.pk}/reveal", {"reason": "电话回访"}, content_type=JSON)
        if persona == "anonymous":
            expected = 401
        elif key not in (VIEW[persona] or set()):
            expected = 404
        else:
            expected = 200 if key in REVEAL.get(persona, set()) else 403
        assert response.status_code == expected, (persona, key, response.content[:200])
        revealed = AuditEvent.objects.filter(action="case.reveal").count() - audits
        assert revealed == (1 if expected == 200 else 0)
        if expected == 200:
            assert response.json()["phone"] == case.resident_phone
        else:
            _no_phone(response)


@pytest.mark.parametrize("persona", PERSONAS)
def test_manage_case_bulk_assign(case_world: World, persona: str) -> None:
    case = case_world.cases["qianfeng_new"]
    response = case_world.api(persona).post(
        "/api/v1/manage/cases/bulk-assign",
        {"cases": [case.pk], "deputy": case_world.deputies["qianfeng"].pk},
        content_type=JSON,
    )
    expected = {
        "anonymous": 401,
        "officer": 200,
        "county_officer": 200,
        "station_staff": 200,
        "system_admin": 200,
        "neighbour_officer": 422,
    }.get(persona, 403)
    assert response.status_code == expected, (persona, response.content[:200])
    case.refresh_from_db()
    assert (case.deputy_id is not None) == (expected == 200)
    if expected == 200:
        assert response.json() == {"assigned": 1}


@pytest.mark.parametrize("persona", PERSONAS)
def test_manage_referral_list(case_world: World, persona: str) -> None:
    """A department sees only its own referrals: dept2 never sees dept1's."""
    response = case_world.api(persona).get("/api/v1/manage/referrals?limit=100")
    if persona == "anonymous":
        assert response.status_code == 401
        return
    if VIEW[persona] is None:
        assert response.status_code == 403
        return
    assert response.status_code == 200
    _no_phone(response)
    ids = {r["id"] for r in response.json()["items"]}
    assert ids == {case_world.referrals[k].pk for k in REFERRAL_HANDLE.get(persona, set())}


@pytest.mark.parametrize("persona", PERSONAS)
def test_manage_referral_detail(case_world: World, persona: str) -> None:
    client = case_world.api(persona)
    for key in REFERRALS:
        response = client.get(f"/api/v1/manage/referrals/{case_world.referrals[key].pk}")
        expected = 401 if persona == "anonymous" else 200 if key in REFERRAL_VIEW.get(persona, set()) else 404
        assert response.status_code == expected, (persona, key)
        _no_phone(response)
        if expected == 200 and persona.endswith("handler"):
            body = response.json()
            # 住建局 gets the consenting resident's masked contact; 城管局 gets none at all.
            assert body["resident_phone"] == ("135****1234" if key == "qianfeng" else "")


def _referral_actions() -> list[tuple[str, dict[str, Any], dict[str, set[str]]]]:
    return [
        ("extension", {"workdays": 3, "reason": "需要协调物业"}, REFERRAL_HANDLE),
        ("extension-decision", {"approve": True}, REFERRAL_DECIDE),
        ("accept", {}, REFERRAL_HANDLE),
        ("reply", {"reply": "已处理"}, REFERRAL_HANDLE),
        ("return", {"reason": "不属本部门职责"}, REFERRAL_HANDLE),
        ("cancel", {"reason": "交办有误"}, REFERRAL_DECIDE),
    ]


@pytest.mark.parametrize("persona", PERSONAS)
def test_manage_referral_actions(case_world: World, persona: str) -> None:
    client = case_world.api(persona)
    for key in REFERRALS:
        referral = case_world.referrals[key]
        for suffix, body, allowed in _referral_actions():
            before = Referral.objects.filter(pk=referral.pk).values().first()
            response = client.post(f"/api/v1/manage/referrals/{referral.pk}/{suffix}", body, content_type=JSON)
            status = response.status_code
            _no_phone(response)
            if persona == "anonymous":
                assert status == 401
            elif key not in REFERRAL_VIEW.get(persona, set()):
                assert status == 404, (persona, key, suffix, status)
            elif key not in allowed.get(persona, set()):
                assert status == 403, (persona, key, suffix, status, response.content[:300])
            else:
                assert status in (200, 409), (persona, key, suffix, status, response.content[:300])
            if status != 200:
                assert Referral.objects.filter(pk=referral.pk).values().first() == before


def test_a_handler_walks_his_referral_through_accept_extension_and_reply(case_world: World) -> None:
    referral = case_world.referrals["qianfeng"]
    handler, officer = case_world.api("handler"), case_world.api("officer")
    url = f"/api/v1/manage/referrals/{referral.pk}"
    assert handler.post(f"{url}/accept", {}, content_type=JSON).json()["status"] == "accepted"
    asked = handler.post(f"{url}/extension", {"workdays": 3, "reason": "需要协调物业"}, content_type=JSON).json()
    assert asked["extension_status"] == "requested"
    due = asked["due_date"]
    decided = officer.post(f"{url}/extension-decision", {"approve": True}, content_type=JSON).json()
    assert decided["extension_status"] == "approved" and decided["due_date"] > due
    refused = handler.post(f"{url}/extension-decision", {"approve": True}, content_type=JSON)
    assert refused.status_code == 403
    replied = handler.post(f"{url}/reply", {"reply": "已更换"}, content_type=JSON).json()
    assert replied["status"] == "replied"


@pytest.mark.parametrize("method", ["post", "patch", "put", "delete"])
def test_the_sponsor_is_refused_every_unsafe_method_on_cases(case_world: World, method: str) -> None:
    """S2: the read-only sponsor changes nothing (403 or 404: he does not even see cases)."""
    client = case_world.api("sponsor")
    case, referral = case_world.cases["qianfeng"], case_world.referrals["qianfeng"]
    routes = [f"/api/v1/manage/cases/{case.pk}/{suffix}" for suffix, _b, _a in _transitions(case_world)]
    routes += [f"/api/v1/manage/cases/{case.pk}/reveal", "/api/v1/manage/cases/bulk-assign"]
    routes += [f"/api/v1/manage/referrals/{referral.pk}/{suffix}" for suffix, _b, _a in _referral_actions()]
    before = (list(Case.objects.order_by("pk").values()), CaseEvent.objects.count(), AuditEvent.objects.count())
    for route in routes:
        body = {"reason": "x", "text": "x", "cases": [case.pk], "deputy": case_world.deputies["qianfeng"].pk}
        response = getattr(client, method)(route, body, content_type=JSON)
        assert response.status_code in (403, 404, 405, 422), (method, route, response.status_code)
        assert RESIDENT_PHONE not in response.content.decode()
    after = (list(Case.objects.order_by("pk").values()), CaseEvent.objects.count(), AuditEvent.objects.count())
    assert after == before


@pytest.mark.parametrize("persona", PERSONAS)
def test_public_case_endpoints_answer_everyone_alike(case_world: World, persona: str) -> None:
    """Tracking ignores who asks: the code and secret decide, and a wrong pair is a 404."""
    client, anonymous = case_world.api(persona), case_world.api("anonymous")
    case = case_world.cases["qianfeng"]
    body = {"tracking_code": case.tracking_code, "secret": case_world.secrets["qianfeng"]}
    response = client.post("/api/v1/cases/track", body, content_type=JSON)
    assert response.status_code == 200
    assert response.json() == anonymous.post("/api/v1/cases/track", body, content_type=JSON).json()
    _no_phone(response)
    wrong = {**body, "secret": case_world.secrets["xinghua"]}
    for suffix, extra in (("track", {}), ("comment", {"text": "x"}), ("withdraw", {}), ("rate", {"rating": "partly"})):
        response = client.post(f"/api/v1/cases/{suffix}", {**wrong, **extra}, content_type=JSON)
        assert response.status_code == 404, (suffix, response.content[:200])
        _no_phone(response)


@pytest.mark.parametrize("persona", PERSONAS)
def test_public_case_submission(world: World, persona: str) -> None:
    """Anyone may file; a resident's token links the case to his account, a staff token not."""
    response = world.api(persona).post(
        "/api/v1/cases",
        {"category": "housing", "description": "楼道灯坏了", "station": world.stations["qianfeng"].pk},
        content_type=JSON,
    )
    assert response.status_code == 201, response.content
    case = Case.objects.get(tracking_code=response.json()["tracking_code"])
    linked = persona in ("resident", "other_resident")
    assert (
        (case.resident_user_id == getattr(world.users[persona], "pk", None)) if linked else case.resident_user is None
    )
