"""调休安排: system admins and provincial offices keep the national working-day calendar; a
make-up working day changes where sessions fall; everything audited; others read only."""

from __future__ import annotations

import datetime as dt

import pytest

from liaison.accounts.choices import Role
from liaison.accounts.models import RoleGrant
from liaison.core.models import AuditEvent
from liaison.receptions.holidays import WorkCalendar
from liaison.receptions.models import AnnouncedYear, WorkdayOverride
from liaison.testing.personas import PERSONAS, World

URL = "/manage/receptions/workdays/"
SATURDAY = dt.date(2030, 6, 8)


@pytest.mark.parametrize("persona", PERSONAS)
def test_who_reads_and_who_changes_the_calendar(world: World, persona: str) -> None:
    client = world.web(persona)
    response = client.get(URL)
    data = {"action": "set", "day": SATURDAY.isoformat(), "is_workday": "1", "note": "调休"}
    posted = client.post(URL, data)
    if persona == "anonymous":
        assert response.status_code == 302 and posted.status_code == 302
    elif persona in ("resident", "other_resident"):
        assert response.status_code == 403
    elif persona == "system_admin":
        assert response.status_code == 200 and posted.status_code == 302
    else:
        # Staff read it; a township or county office may not change a national calendar.
        assert response.status_code == 200, persona
        assert posted.status_code == 403, persona
    assert WorkdayOverride.objects.filter(date=SATURDAY).exists() == (persona == "system_admin")


def test_a_provincial_office_sets_a_make_up_day_and_the_calendar_follows(world: World) -> None:
    officer = world.users["officer"]
    RoleGrant.objects.create(user=officer, role=Role.OFFICE_ADMIN, region=world.regions["shanxi"])
    client = world.web("officer")
    assert not WorkCalendar.load().is_workday(SATURDAY)
    response = client.post(URL, {"action": "set", "day": SATURDAY.isoformat(), "is_workday": "1", "note": "端午调休"})
    assert response.status_code == 302
    assert WorkCalendar.load().is_workday(SATURDAY)
    assert AuditEvent.objects.filter(action="workday.set", actor=officer).exists()
    override = WorkdayOverride.objects.get(date=SATURDAY)
    assert client.post(URL, {"action": "remove", "override": override.pk}).status_code == 302
    assert not WorkdayOverride.objects.filter(date=SATURDAY).exists()
    assert client.post(URL, {"action": "announce", "year": "2030"}).status_code == 302
    assert AnnouncedYear.objects.filter(year=2030).exists()


@pytest.mark.parametrize(
    ("data", "field_message"),
    [
        ({"action": "set", "day": "2030-02-30", "is_workday": "1"}, "日期"),
        ({"action": "set", "day": "2030-06-08", "is_workday": "1", "note": "a\u202eb"}, "控制"),
        ({"action": "announce", "year": "1800"}, "2000"),
    ],
)
def test_bad_input_is_refused_and_nothing_changes(world: World, data: dict[str, str], field_message: str) -> None:
    client = world.web("system_admin")
    before = (WorkdayOverride.objects.count(), AnnouncedYear.objects.count())
    response = client.post(URL, data)
    assert response.status_code == 422
    assert (WorkdayOverride.objects.count(), AnnouncedYear.objects.count()) == before
