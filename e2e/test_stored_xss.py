"""SECURITY.md S14: script payloads stored in every free-text field never run, on public or staff pages.

The payloads call `xss()`, which an init script defines to count calls; the strict CSP would stop
inline script anyway, so each page is also checked to show the payload as text (escaped), which
fails if a template ever marks a field safe.

Cases: a 千峰 request carries payloads in its title, description, address and resident name, an
internal note, the department's reply, the answer, a tripartite meeting's outcome, a resident's
comment and its published summary; the tracked page (after a lookup), the staff list and detail,
the department's referral page, the deputy's case page and Open311's requests.json/.xml show
them as text and run none.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from xml.etree import ElementTree

import pytest
from django.test import Client
from playwright.sync_api import BrowserContext, Dialog, Page, expect
from pytest_django.live_server_helper import LiveServer

from e2e.helpers import DESKTOP, PHONE, shot
from liaison.accounts.jurisdiction import jurisdiction_for
from liaison.cases import services
from liaison.cases.models import Case, Referral
from liaison.cases.selectors import track_lookup
from liaison.stations.models import StationRole, StationRule
from liaison.testing.personas import RESIDENT_PHONE, World

PAYLOADS = (
    "<script>xss()</script>",
    '"><img src=x onerror=xss()>',
    "<svg onload=xss()>",
    "'-xss()-'",
)
COUNTER = "window.__xss = 0; window.xss = () => { window.__xss += 1; }; window.alert = window.xss;"


def plant(world: World) -> None:
    """Every free-text field that reaches a page gets a payload (names keep a readable prefix)."""
    station = world.stations["qianfeng"]
    station.name = f"千峰站{PAYLOADS[0]}"
    station.address = PAYLOADS[1]
    station.opening_hours = PAYLOADS[2]
    station.notice = PAYLOADS[3]
    station.save()
    StationRule.objects.filter(station=station).update(title=f"制度{PAYLOADS[1]}", body=PAYLOADS[0])
    StationRole.objects.filter(station=station).update(name=f"站长{PAYLOADS[2]}")
    deputy = world.deputies["qianfeng"]
    deputy.name = f"代表{PAYLOADS[1]}"
    deputy.occupation = PAYLOADS[0]
    deputy.save()
    admin = world.users["system_admin"]
    assert admin is not None
    admin.display_name = f"管理员{PAYLOADS[2]}"
    admin.save()


def sign_in(context: BrowserContext, live_server: LiveServer, world: World, persona: str = "system_admin") -> None:
    client = Client()
    client.force_login(world.users[persona])  # type: ignore[arg-type]
    cookie = client.cookies["sessionid"]
    context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": live_server.url}])


def visit(page: Page, path: str, name: str) -> str:
    """Open the page, check that no payload ran, shoot it; returns the body as served."""
    dialogs: list[str] = []

    def on_dialog(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    try:
        response = page.goto(path)
        assert response is not None and response.status == 200, path
        page.wait_for_load_state("networkidle")
        assert page.evaluate("window.__xss") == 0, f"a payload ran on {path}"
    finally:
        page.remove_listener("dialog", on_dialog)
    assert dialogs == [], path
    shot(page, name)
    return response.text()


@pytest.mark.e2e
def test_payloads_in_free_text_never_run(desktop_page: Page, world: World, live_server: LiveServer) -> None:
    plant(world)
    page = desktop_page
    page.context.add_init_script(COUNTER)
    station, deputy = world.stations["qianfeng"], world.deputies["qianfeng"]

    public = {
        "home": "/?region=140109001",
        "station": f"/stations/{station.pk}/",
        "deputy": f"/deputies/{deputy.pk}/",
    }
    for name, path in public.items():
        visit(page, path, f"public-{name}")
    expect(page.get_by_text(PAYLOADS[0]).first).to_be_visible()  # the deputy's occupation, as text

    page.goto(public["station"])
    expect(page.get_by_text(PAYLOADS[1]).first).to_be_visible()  # the address, escaped

    sign_in(page.context, live_server, world)
    staff = {
        "deputies": "/manage/deputies/",
        "deputy": f"/manage/deputies/{deputy.pk}/",
        "stations": "/manage/stations/",
        "station": f"/manage/stations/{station.pk}/",
        "users": "/manage/users/",
        "user": f"/manage/users/{world.users['system_admin'].pk}/",  # type: ignore[union-attr]
        "audit": "/manage/audit/",
    }
    for name, path in staff.items():
        visit(page, path, f"staff-{name}")
    expect(page.get_by_text(PAYLOADS[2]).first).to_be_visible()  # the opening hours, escaped


# One payload per free-text field of a case (each with a readable prefix, where the field shows it).
CASE_TEXT = {
    "title": f"窗户{PAYLOADS[0]}",
    "description": f"楼道窗户破了{PAYLOADS[1]}",
    "address": f"千峰南路{PAYLOADS[2]}",
    "name": f"王{PAYLOADS[1]}",
    "note": f"备注{PAYLOADS[2]}",
    "reply": f"部门答复{PAYLOADS[0]}",
    "answer": f"答复群众{PAYLOADS[1]}",
    "outcome": f"会商结果{PAYLOADS[2]}",
    "residents": f"王大爷{PAYLOADS[3]}",
    "comment": f"群众留言{PAYLOADS[0]}",
    "summary": f"公开摘要{PAYLOADS[1]}{PAYLOADS[2]}",
}


def plant_case(world: World) -> tuple[Case, Referral, str]:
    """A 千峰 request worked through the services, a payload in every free-text field on the
    way; answered, commented on and published. Returns the case, its referral and the secret."""
    from liaison.testing.case_world import ensure_categories

    ensure_categories()
    officer = jurisdiction_for(world.users["officer"])
    handler = jurisdiction_for(world.users["handler"])
    deputy = jurisdiction_for(world.users["deputy"])
    done = services.case_submit(
        actor=jurisdiction_for(None),
        data=services.CaseInput(
            category="housing",
            station_id=world.stations["qianfeng"].pk,
            title=CASE_TEXT["title"],
            description=CASE_TEXT["description"],
            address=CASE_TEXT["address"],
            name=CASE_TEXT["name"],
            phone=RESIDENT_PHONE,
            consent=True,
        ),
    )
    case = services.case_accept(actor=officer, case=done.case)
    case = services.case_assign(actor=officer, case=case, deputy_id=world.deputies["qianfeng"].pk)
    services.case_note(actor=officer, case=case, text=CASE_TEXT["note"])
    referral = services.case_refer(actor=officer, case=case, department_id=world.departments["housing"].pk)
    referral = services.referral_accept(actor=handler, referral=referral)
    referral = services.referral_reply(actor=handler, referral=referral, reply=CASE_TEXT["reply"])
    case.refresh_from_db()
    services.meeting_record(
        actor=officer,
        case=case,
        held_on=dt.date.today(),
        residents=CASE_TEXT["residents"],
        outcome=CASE_TEXT["outcome"],
        deputy_ids=[world.deputies["qianfeng"].pk],
        department_ids=[world.departments["housing"].pk],
    )
    case = services.case_answer(actor=deputy, case=case, answer=CASE_TEXT["answer"])
    ticket = track_lookup(tracking_code=done.tracking_code, secret=done.secret)
    case = services.case_comment(ticket=ticket, text=CASE_TEXT["comment"])
    case = services.case_publish(actor=officer, case=case, summary=CASE_TEXT["summary"])
    referral.refresh_from_db()
    return case, referral, done.secret


def _counting_page(new_context: Callable[..., BrowserContext], **options: object) -> Page:
    context = new_context(**options)
    context.add_init_script(COUNTER)
    return context.new_page()


@pytest.mark.e2e
def test_payloads_in_a_cases_free_text_never_run_on_case_pages(
    new_context: Callable[..., BrowserContext], world: World, live_server: LiveServer
) -> None:
    case, referral, secret = plant_case(world)

    # The resident proves the code and secret, then sees the tracked page with every public field.
    resident = _counting_page(new_context, **PHONE)
    visit(resident, "/track/", "case-track-form")
    resident.get_by_label("查询码").fill(case.tracking_code)
    resident.get_by_label("查询密码").fill(secret)
    resident.get_by_role("button", name="查询").click()
    resident.wait_for_url(f"**/track/{case.pk}/")
    visit(resident, f"/track/{case.pk}/", "case-tracked")
    main = resident.locator("main")
    for field in ("title", "description", "address", "answer", "comment"):
        expect(main).to_contain_text(CASE_TEXT[field])
    expect(main).not_to_contain_text(CASE_TEXT["note"])  # internal, never shown to the resident

    # Open311: the published summary, as JSON and as XML, in the browser.
    for fmt in ("json", "xml"):
        for path in (f"/open311/v2/requests.{fmt}", f"/open311/v2/requests/{case.tracking_code}.{fmt}"):
            body = visit(resident, path, f"case-open311-{path.rsplit('/', 1)[1]}")
            # The summary survives the round trip whole: escaped, never cut into markup.
            if fmt == "json":
                rows = json.loads(body)
                descriptions = [row.get("description") for row in rows]
            else:
                descriptions = [el.text for el in ElementTree.fromstring(body).iter("description")]  # noqa: S314 (our own answer)
            assert CASE_TEXT["summary"] in descriptions, path

    # The office: the list and the detail with the note, the reply, the meeting and the comment.
    officer = _counting_page(new_context, **DESKTOP)
    sign_in(officer.context, live_server, world, "officer")
    visit(officer, "/manage/cases/", "case-staff-list")
    expect(officer.locator("main")).to_contain_text(CASE_TEXT["title"])
    visit(officer, f"/manage/cases/{case.pk}/", "case-staff-detail")
    main = officer.locator("main")
    for field in ("title", "description", "note", "reply", "answer", "outcome", "comment", "summary"):
        expect(main).to_contain_text(CASE_TEXT[field])
    officer.locator("summary", has_text="查看完整联系方式").click()
    officer.get_by_label("查看理由").fill("核实地址")
    officer.get_by_role("button", name="查看", exact=True).click()
    officer.wait_for_load_state("networkidle")
    assert officer.evaluate("window.__xss") == 0, "a payload ran on the revealed contact"
    expect(officer.locator("#revealed")).to_contain_text(CASE_TEXT["name"])
    expect(officer.locator("#revealed")).to_contain_text(CASE_TEXT["address"])
    shot(officer, "case-staff-revealed")

    # 住建局's handler: the queue and the referral page (the resident consented: name shown).
    handler = _counting_page(new_context, **DESKTOP)
    sign_in(handler.context, live_server, world, "handler")
    visit(handler, "/manage/referrals/?status=all", "case-department-queue")
    visit(handler, f"/manage/referrals/{referral.pk}/", "case-department-referral")
    main = handler.locator("main")
    for field in ("title", "description", "reply"):
        expect(main).to_contain_text(CASE_TEXT[field])
    expect(main).not_to_contain_text(CASE_TEXT["note"])

    # The deputy, on his phone: the list and the case page.
    deputy = _counting_page(new_context, **PHONE)
    sign_in(deputy.context, live_server, world, "deputy")
    visit(deputy, "/my/cases/", "case-deputy-list")
    visit(deputy, f"/my/cases/{case.pk}/", "case-deputy-case")
    main = deputy.locator("main")
    for field in ("title", "description", "reply", "answer", "outcome", "residents", "comment"):
        expect(main).to_contain_text(CASE_TEXT[field])
