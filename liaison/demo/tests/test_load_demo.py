"""The demo network holds the seeds' figures, its accounts reach what their grants say, and
loading it twice changes nothing.

The read-only checks share one load (`setUpTestData`, rolled back after the class): each load
hashes twelve Argon2 passwords, so loading once per test would make this module slow.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from io import StringIO

import pytest
from django.apps import apps
from django.contrib.auth.hashers import identify_hasher
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import TestCase
from pytest_django import Settings

from liaison.accounts.choices import Role
from liaison.accounts.jurisdiction import jurisdiction_for
from liaison.accounts.models import RoleGrant, User
from liaison.core.clock import today
from liaison.core.personal_data import normalize_phone
from liaison.demo.builder import DemoBuilder
from liaison.demo.data import ACCOUNTS
from liaison.deputies.models import Assignment, Contact, Deputy, DeputyGroup, Term
from liaison.deputies.pinyin import pinyin_key
from liaison.organization.models import Constituency, Department, Grid, Office, Region
from liaison.stations.models import Partner, Sponsor, Station, StationRole, StationRule

PASSWORD = "Demo-test-2024"
QIANFENG, XINGHUA, WANBAILIN, YINING = "140109001", "140109002", "140109", "360424100"


def _subtree(code: str) -> Region:
    return Region.objects.get(code=code)


def _stations_under(code: str) -> set[str]:
    return set(Station.objects.filter(region__in=Region.objects.subtree(_subtree(code))).values_list("name", flat=True))


def _user(username: str) -> User:
    return User.objects.get(username=username)


class TestDemoNetwork(TestCase):
    output: str

    @classmethod
    def setUpTestData(cls) -> None:
        out = StringIO()
        call_command("load_demo", password=PASSWORD, stdout=out)
        cls.output = out.getvalue()

    # ---- 千峰街道 and 兴华街道 [seed 000] ---------------------------------------------------

    def test_qianfeng_has_one_station_and_four_points_over_nine_constituencies_of_95530_voters(self) -> None:
        stations = Station.objects.filter(region__in=Region.objects.subtree(_subtree(QIANFENG)))
        assert stations.filter(kind="station").count() == 1
        station = stations.get(kind="station")
        points = stations.filter(kind="point")
        assert points.count() == 4
        assert set(points.values_list("parent_id", flat=True)) == {station.pk}
        # Each point stands in its own community under 千峰.
        assert len({p.region_id for p in points}) == 4
        assert all(p.region.tier == "community" and p.region.parent.code == QIANFENG for p in points)
        constituencies = Constituency.objects.filter(region__code=QIANFENG, level="county")
        assert constituencies.count() == 9
        assert sum(c.voter_count for c in constituencies) == 95530

    def test_qianfeng_station_publishes_its_staff_rules_notice_hours_and_position(self) -> None:
        station = Station.objects.get(region__code=QIANFENG, kind="station")
        kinds = [r.kind for r in StationRole.objects.filter(station__in=[station, *station.points.all()])]
        assert sorted(kinds) == sorted(["head", "liaison_officer"] + ["point_keeper"] * 4)
        rules = list(StationRule.objects.filter(station=station).values_list("title", flat=True))
        assert len(rules) == 10
        assert {"人大代表视察制度", "人大代表接待选民制度", "人大代表活动制度"} <= set(rules)
        assert "每月双周三" in station.notice and "至少3名代表" in station.notice
        assert station.opening_hours and station.address
        assert abs(float(station.latitude) - 37.86) < 0.05 and abs(float(station.longitude) - 112.52) < 0.05
        assert Partner.objects.filter(station=station).count() >= 1
        sponsor = Sponsor.objects.get(station=station)
        assert sponsor.user == _user("leader1")

    def test_qianfeng_deputies_are_county_deputies_assigned_to_the_station_and_its_points(self) -> None:
        station = Station.objects.get(region__code=QIANFENG, kind="station")
        platforms = [station, *station.points.all()]
        deputies = Deputy.objects.filter(assignments__station__in=platforms).distinct()
        assert deputies.count() >= 12
        term = Term.objects.get(region__code=WANBAILIN, level="county")
        assert {d.term_id for d in deputies} == {term.pk}
        assert {d.constituency.region.code for d in deputies} == {QIANFENG}
        assert deputies.exclude(public_phone="").exists()
        assert not deputies.filter(work_phone="").exists()
        # Every platform has deputies, and every assignment started before the load date.
        assert {a.station_id for a in Assignment.objects.filter(station__in=platforms)} == {p.pk for p in platforms}
        assert not Assignment.objects.filter(station__in=platforms, start__gte=today()).exists()

    def test_xinghua_has_its_own_station_deputies_constituencies_and_office(self) -> None:
        station = Station.objects.get(region__code=XINGHUA, kind="station")
        deputies = Deputy.objects.filter(assignments__station=station)
        assert deputies.count() == 6
        assert all(d.constituency.region.code == XINGHUA for d in deputies)
        assert Constituency.objects.filter(region__code=XINGHUA).exists()
        assert Office.objects.get(region__code=XINGHUA).name == "兴华街道人大工委"

    # ---- 义宁镇 [seed 001] -----------------------------------------------------------------

    def test_yining_has_18_city_31_county_98_town_deputies_all_at_its_3_stations_over_88_grids(self) -> None:
        stations = Station.objects.filter(region__in=Region.objects.subtree(_subtree(YINING)))
        assert stations.count() == 3
        assert set(stations.values_list("kind", flat=True)) == {"station"}
        assert {s.region.name for s in stations} == {"良瑞社区", "濂溪社区", "姜渡社区"}
        deputies = Deputy.objects.filter(assignments__station__in=stations).distinct()
        by_level = Counter(deputies.values_list("level", flat=True))
        assert by_level == {"city": 18, "county": 31, "township": 98}
        terms = {(d.term.region.name, d.level) for d in deputies.select_related("term__region")}
        assert terms == {("九江市", "city"), ("修水县", "county"), ("义宁镇", "township")}
        assert Grid.objects.filter(community__parent__code=YINING).count() == 88
        partners = set(Partner.objects.filter(station__in=stations).values_list("kind", flat=True))
        assert partners == {"party_alliance", "youth_care", "elderly_association", "womens_federation"}

    # ---- 宽城区 [seed 002] -----------------------------------------------------------------

    def test_kuancheng_has_11_homes_38_community_stations_and_322_deputies_of_four_levels(self) -> None:
        kuancheng = _subtree("220103")
        stations = Station.objects.filter(region__in=Region.objects.subtree(kuancheng))
        homes = stations.filter(kind="home")
        assert homes.count() == 11
        assert {h.region.tier for h in homes} == {"township"}
        assert len({h.region_id for h in homes}) == 11
        community_stations = stations.filter(kind="station")
        assert community_stations.count() == 38
        assert {s.region.tier for s in community_stations} == {"community"}
        deputies = Deputy.objects.filter(assignments__station__in=stations).distinct()
        assert deputies.count() == 322
        assert set(deputies.values_list("level", flat=True)) == {"provincial", "city", "county", "township"}
        assert Sponsor.objects.filter(station__in=homes).exists()
        assert Office.objects.get(region=kuancheng).name == "宽城区人大常委会"

    def test_kuancheng_keeps_the_history_of_deputies_moved_by_the_boundary_change(self) -> None:
        ended = Assignment.objects.filter(station__region__parent__code="220103").exclude(end=None)
        assert ended.exists()
        for assignment in ended:
            assert assignment.end < today()
            assert Assignment.objects.current().filter(deputy=assignment.deputy).exists()

    # ---- 庄子乡 [seed 003] -----------------------------------------------------------------

    def test_zhuangzi_has_47_deputies_in_4_groups_one_home_and_3_stations(self) -> None:
        zhuangzi = _subtree("140702201")
        stations = Station.objects.filter(region__in=Region.objects.subtree(zhuangzi))
        assert stations.filter(kind="home").count() == 1
        assert stations.filter(kind="station").count() == 3
        groups = DeputyGroup.objects.filter(region=zhuangzi, kind="group")
        assert groups.count() == 4
        deputies = Deputy.objects.filter(term__region=zhuangzi)
        assert deputies.count() == 47
        assert set(deputies.values_list("level", flat=True)) == {"township"}
        assert not deputies.filter(group__isnull=True).exists()
        assert set(deputies.values_list("group_id", flat=True)) == set(groups.values_list("id", flat=True))

    # ---- 哈尔滨 [seed 004] -----------------------------------------------------------------

    def test_harbin_has_131_stations_across_its_9_districts_and_9_counties(self) -> None:
        harbin = _subtree("230100")
        stations = Station.objects.filter(region__in=Region.objects.subtree(harbin))
        assert stations.count() == 131
        counties = Region.objects.filter(parent=harbin)
        assert counties.count() == 18
        covered = {c.pk for c in counties if stations.filter(region__in=Region.objects.subtree(c)).exists()}
        assert covered == {c.pk for c in counties}

    def test_nanmalu_station_has_10_deputies_with_90_contacts_and_fushun_stands_in_daoli(self) -> None:
        nanmalu = Station.objects.get(name="南马路街道人大代表联络站")
        assert nanmalu.region.parent.code in ("230102", "230103")
        deputies = Deputy.objects.filter(assignments__station=nanmalu)
        assert deputies.count() == 10
        contacts = Contact.objects.filter(deputy__in=deputies)
        assert contacts.count() == 90
        assert all(c.phone.startswith("1380000") and len(c.phone) == 11 for c in contacts)
        fushun = Station.objects.get(name="抚顺社区人大代表联络站")
        assert fushun.region.path.startswith(_subtree("230102").path)

    # ---- the whole network -----------------------------------------------------------------

    def test_every_deputy_has_its_terms_level_a_pinyin_key_a_valid_phone_and_a_current_station(self) -> None:
        for deputy in Deputy.objects.select_related("term"):
            assert deputy.level == deputy.term.level
            assert deputy.name_pinyin == pinyin_key(deputy.name)
            assert normalize_phone(deputy.work_phone) == deputy.work_phone
            if deputy.public_phone:
                assert normalize_phone(deputy.public_phone) == deputy.public_phone
        assert not Deputy.objects.exclude(pk__in=Assignment.objects.current().values("deputy_id")).exists()
        for phone in Station.objects.values_list("phone", flat=True):
            normalize_phone(phone)

    def test_terms_began_two_to_three_years_ago_and_assignments_after_them(self) -> None:
        day = today()
        for term in Term.objects.all():
            assert day - dt.timedelta(days=3 * 366) <= term.start <= day - dt.timedelta(days=2 * 365)
        assert not Assignment.objects.filter(start__gte=day).exists()

    def test_regions_below_county_extend_their_parents_code_and_path(self) -> None:
        for region in Region.objects.filter(tier__in=["township", "community"]).select_related("parent"):
            assert region.code.startswith(region.parent.code)
            assert region.path == region.parent.path + str(region.pk).zfill(10)

    def test_every_station_lies_under_an_office_of_its_township_and_of_its_county(self) -> None:
        office_paths = [o.region.path for o in Office.objects.select_related("region")]
        for station in Station.objects.select_related("region"):
            owners = [p for p in office_paths if station.region.path.startswith(p)]
            assert len(owners) >= 2, station.name
        names = set(Office.objects.values_list("name", flat=True))
        expected = {
            "千峰街道人大工委",
            "兴华街道人大工委",
            "万柏林区人大常委会",
            "义宁镇人大主席团",
            "庄子乡人大主席团",
        }
        assert expected <= names
        wanbailin = set(Department.objects.filter(region__code=WANBAILIN).values_list("name", flat=True))
        assert {"万柏林区住房和城乡建设局", "万柏林区城市管理局"} <= wanbailin
        assert Department.objects.exclude(region__code=WANBAILIN).exists()

    # ---- accounts --------------------------------------------------------------------------

    def test_every_account_exists_with_its_grant_and_a_display_name(self) -> None:
        qianfeng_station = Station.objects.get(region__code=QIANFENG, kind="station")
        expected = {
            "admin": (Role.SYSTEM_ADMIN, None),
            "qianfeng": (Role.OFFICE_ADMIN, Region.objects.get(code=QIANFENG)),
            "xinghua": (Role.OFFICE_ADMIN, Region.objects.get(code=XINGHUA)),
            "wanbailin": (Role.OFFICE_ADMIN, Region.objects.get(code=WANBAILIN)),
            "yining": (Role.OFFICE_ADMIN, Region.objects.get(code=YINING)),
            "station1": (Role.STATION_STAFF, qianfeng_station),
            "deputy1": (Role.DEPUTY, None),
            "dept1": (Role.DEPARTMENT_HANDLER, Department.objects.get(name="万柏林区住房和城乡建设局")),
            "dept2": (Role.DEPARTMENT_HANDLER, Department.objects.get(name="万柏林区城市管理局")),
            "dept1lead": (Role.DEPARTMENT_HANDLER, Department.objects.get(name="万柏林区住房和城乡建设局")),
            "dept3": (Role.DEPARTMENT_HANDLER, Department.objects.get(name="修水县住房和城乡建设局")),
            "dept4": (Role.DEPARTMENT_HANDLER, Department.objects.get(name="修水县交通运输局")),
            "leader1": (Role.SPONSOR, qianfeng_station),
            "resident1": (Role.RESIDENT, None),
            "resident2": (Role.RESIDENT, None),
        }
        assert {a.username for a in ACCOUNTS} == set(expected)
        for username, (role, scope) in expected.items():
            user = _user(username)
            assert user.display_name, username
            grants = list(RoleGrant.objects.active().filter(user=user))
            assert len(grants) == 1, username
            grant = grants[0]
            assert grant.role == role, username
            assert (grant.region or grant.station or grant.department) == scope, username
        admin = _user("admin")
        assert admin.is_superuser and admin.is_staff
        assert not User.objects.filter(is_staff=True).exclude(username="admin").exists()

    def test_passwords_are_argon2_and_check(self) -> None:
        users = list(User.objects.filter(username__in=[a.username for a in ACCOUNTS]))
        assert len(users) == len(ACCOUNTS)
        for user in users:
            assert identify_hasher(user.password).algorithm == "argon2"
            assert user.check_password(PASSWORD)
        assert not users[0].check_password("demo12345")

    def test_deputy1_station1_and_leader1_are_linked_to_qianfengs_records(self) -> None:
        station = Station.objects.get(region__code=QIANFENG, kind="station")
        deputy = Deputy.objects.get(user=_user("deputy1"))
        assert Assignment.objects.current().filter(deputy=deputy, station=station).exists()
        assert _user("deputy1").display_name == deputy.name
        assert StationRole.objects.get(user=_user("station1")).station == station
        assert Sponsor.objects.get(user=_user("leader1")).station == station

    def test_the_output_lists_every_account_with_its_password(self) -> None:
        for account in ACCOUNTS:
            assert account.username in self.output
        assert PASSWORD in self.output
        assert "用户名" in self.output and "密码" in self.output

    # ---- jurisdiction on demo data ---------------------------------------------------------

    def test_the_qianfeng_officer_sees_only_qianfengs_five_stations(self) -> None:
        actor = jurisdiction_for(_user("qianfeng"))
        visible = set(Station.objects.visible_to(actor).values_list("name", flat=True))
        assert visible == _stations_under(QIANFENG)
        assert len(visible) == 5

    def test_the_qianfeng_officer_sees_qianfengs_deputies_and_not_xinghuas(self) -> None:
        actor = jurisdiction_for(_user("qianfeng"))
        visible = Deputy.objects.visible_to(actor)
        assert visible.count() == 18
        assert not visible.filter(constituency__region__code=XINGHUA).exists()
        assert not visible.filter(term__region__code__startswith="3604").exists()

    def test_the_xinghua_officer_sees_only_xinghua(self) -> None:
        actor = jurisdiction_for(_user("xinghua"))
        assert set(Station.objects.visible_to(actor).values_list("name", flat=True)) == {"兴华街道人大代表联络站"}
        assert Deputy.objects.visible_to(actor).count() == 6

    def test_the_county_officer_sees_qianfeng_and_xinghua(self) -> None:
        actor = jurisdiction_for(_user("wanbailin"))
        visible = set(Station.objects.visible_to(actor).values_list("name", flat=True))
        assert visible == _stations_under(QIANFENG) | _stations_under(XINGHUA)
        assert len(visible) == 6
        assert Deputy.objects.visible_to(actor).count() == 24

    def test_the_yining_officer_sees_yinings_three_stations_and_147_deputies(self) -> None:
        actor = jurisdiction_for(_user("yining"))
        assert Station.objects.visible_to(actor).count() == 3
        assert Deputy.objects.visible_to(actor).count() == 18 + 31 + 98

    def test_station_staff_and_the_sponsor_reach_the_station_and_its_points_read_only_for_the_sponsor(self) -> None:
        for username in ("station1", "leader1"):
            actor = jurisdiction_for(_user(username))
            assert set(Station.objects.visible_to(actor).values_list("name", flat=True)) == _stations_under(QIANFENG)
        assert Station.objects.visible_to(jurisdiction_for(_user("leader1")), "change").count() == 0
        assert Station.objects.visible_to(jurisdiction_for(_user("station1")), "change").count() == 5

    def test_the_deputy_sees_his_station_and_residents_and_handlers_see_none(self) -> None:
        actor = jurisdiction_for(_user("deputy1"))
        assert set(Station.objects.visible_to(actor).values_list("name", flat=True)) == {"千峰街道人大代表联络站"}
        assert list(Deputy.objects.visible_to(actor)) == [Deputy.objects.get(user=_user("deputy1"))]
        for username in ("dept1", "dept2", "resident1", "resident2"):
            assert not Station.objects.visible_to(jurisdiction_for(_user(username))).exists(), username

    def test_the_system_admin_sees_everything(self) -> None:
        actor = jurisdiction_for(_user("admin"))
        assert Station.objects.visible_to(actor).count() == Station.objects.count()


def _row_counts() -> dict[str, int]:
    return {m._meta.label: m._default_manager.count() for m in apps.get_models()}


# The two tests below are about rows, not hashing: MD5 keeps them quick (Argon2 is asserted above).
@pytest.mark.django_db
def test_a_second_run_creates_no_rows_and_with_a_password_only_resets_passwords(settings: Settings) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("load_demo", stdout=StringIO())
    before = _row_counts()
    assert _user("admin").check_password("demo12345")

    out = StringIO()
    call_command("load_demo", stdout=out)
    assert _row_counts() == before
    assert "未做任何改动" in out.getvalue()

    call_command("load_demo", password="Another-pass-1", stdout=StringIO())
    assert _row_counts() == before
    for account in ACCOUNTS:
        assert _user(account.username).check_password("Another-pass-1")


@pytest.mark.django_db
def test_a_failed_load_leaves_nothing_behind(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

    def fail(self: DemoBuilder) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(DemoBuilder, "_flush", fail)
    with pytest.raises(RuntimeError):
        call_command("load_demo", stdout=StringIO())
    assert not User.objects.exists()
    assert not Station.objects.exists()
    assert not Region.objects.exists()


@pytest.mark.django_db
def test_an_empty_password_is_refused() -> None:
    with pytest.raises(CommandError):
        call_command("load_demo", password=" ", stdout=StringIO())
    assert not Station.objects.exists()


@pytest.mark.django_db
def test_an_admin_created_before_the_demo_is_reused_and_reported(settings: Settings) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    User.objects.create_superuser("admin", password="Earlier-pass-1")
    err = StringIO()
    call_command("load_demo", stdout=StringIO(), stderr=err)
    assert User.objects.filter(username="admin").count() == 1
    assert _user("admin").check_password("demo12345")
    assert RoleGrant.objects.filter(user__username="admin", role=Role.SYSTEM_ADMIN).count() == 1
    assert "admin" in err.getvalue()
