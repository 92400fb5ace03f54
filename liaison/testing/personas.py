"""The standard personas and a small two-county network they live in.

千峰街道 and its neighbour 兴华街道 lie in 万柏林区 (太原); 义宁镇 lies in 修水县 (九江), far away.
Every persona test uses these names: officer (千峰), neighbour_officer (兴华), county_officer
(万柏林区， reaches both), station_staff (千峰's station), deputy (at 千峰's station), handler
and other_handler (two 万柏林区 departments), sponsor (over 千峰's station), resident,
other_resident, anonymous, and system_admin.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.hashers import make_password
from django.test import Client

from liaison.accounts.choices import Role
from liaison.accounts.models import ApiToken, RoleGrant, User, hash_token
from liaison.core.clock import now
from liaison.deputies.models import Assignment, Contact, Deputy, DeputyGroup, Term
from liaison.deputies.pinyin import pinyin_key
from liaison.organization.models import Constituency, Department, Office, Region
from liaison.stations.models import Station, StationRole, StationRule

# A resident's phone and ID number planted in the data: no response may contain them in full.
RESIDENT_PHONE = "13500001234"
RESIDENT_ID_NUMBER = "11010519491231002X"

# The password login tests give the officer (see the `officer_with_password` fixture).
OFFICER_PASSWORD = "Qianfeng-2026-安全"  # noqa: S105 (a test fixture)

PERSONAS = (
    "officer",
    "neighbour_officer",
    "county_officer",
    "station_staff",
    "deputy",
    "handler",
    "other_handler",
    "sponsor",
    "resident",
    "other_resident",
    "anonymous",
    "system_admin",
)


@dataclass
class World:
    """The test network; attribute names say whose jurisdiction each object lies in."""

    regions: dict[str, Region] = field(default_factory=dict)
    stations: dict[str, Station] = field(default_factory=dict)
    deputies: dict[str, Deputy] = field(default_factory=dict)
    departments: dict[str, Department] = field(default_factory=dict)
    terms: dict[str, Term] = field(default_factory=dict)
    constituencies: dict[str, Constituency] = field(default_factory=dict)
    users: dict[str, User | None] = field(default_factory=dict)
    assignments: dict[str, Assignment] = field(default_factory=dict)
    # Filled by liaison.testing.case_world.build_case_world (the `case_world` fixture).
    cases: dict[str, Any] = field(default_factory=dict)
    referrals: dict[str, Any] = field(default_factory=dict)
    secrets: dict[str, str] = field(default_factory=dict)

    def token(self, persona: str) -> str | None:
        """A fresh API token for the persona (None for anonymous), without a password check."""
        user = self.users[persona]
        if user is None:
            return None
        raw = secrets.token_urlsafe(32)
        ApiToken.objects.create(user=user, key_hash=hash_token(raw), expires_at=now() + dt.timedelta(hours=1))
        return raw

    def api(self, persona: str) -> Client:
        """A test client that sends the persona's bearer token on every request."""
        raw = self.token(persona)
        headers = {"Authorization": f"Bearer {raw}"} if raw else {}
        return Client(headers=headers)

    def web(self, persona: str) -> Client:
        """A test client logged in through the session (the web pages)."""
        client = Client()
        user = self.users[persona]
        if user is not None:
            client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client


def _region(code: str, name: str, tier: str, parent: Region | None) -> Region:
    return Region.objects.create(code=code, name=name, tier=tier, parent=parent)


def _user(username: str, display_name: str) -> User:
    # An unusable-for-login hash keeps fixtures fast; login tests set real Argon2 passwords.
    return User.objects.create(username=username, display_name=display_name, password=make_password(None))


def _deputy(term: Term, no: str, name: str, constituency: Constituency | None, **extra: Any) -> Deputy:
    return Deputy.objects.create(
        term=term,
        certificate_no=no,
        name=name,
        name_pinyin=pinyin_key(name),
        level=term.level,
        constituency=constituency,
        **extra,
    )


def build_world() -> World:
    """Create the persona network (a few dozen rows) and return it."""
    w = World()
    today = dt.date.today()
    sx = _region("140000", "山西省", "province", None)
    ty = _region("140100", "太原市", "city", sx)
    wbl = _region("140109", "万柏林区", "county", ty)
    qf = _region("140109001", "千峰街道", "township", wbl)
    xh = _region("140109002", "兴华街道", "township", wbl)
    qf_c = _region("140109001001", "千峰南社区", "community", qf)
    jx = _region("360000", "江西省", "province", None)
    jj = _region("360400", "九江市", "city", jx)
    xs = _region("360424", "修水县", "county", jj)
    yn = _region("360424100", "义宁镇", "township", xs)
    w.regions = {
        "shanxi": sx,
        "taiyuan": ty,
        "wanbailin": wbl,
        "qianfeng": qf,
        "xinghua": xh,
        "qianfeng_community": qf_c,
        "xiushui": xs,
        "yining": yn,
    }
    for region, name in (
        (qf, "千峰街道人大工委"),
        (xh, "兴华街道人大工委"),
        (wbl, "万柏林区人大常委会"),
        (yn, "义宁镇人大主席团"),
    ):
        Office.objects.create(region=region, name=name)

    qf_station = Station.objects.create(
        kind="station",
        name="千峰街道人大代表联络站",
        region=qf,
        address="千峰南路1号",
        opening_hours="工作日 9:00-17:00",
        notice="每月双周三代表进站接待",
    )
    qf_point = Station.objects.create(kind="point", name="千峰南社区联络点", region=qf_c, parent=qf_station)
    xh_station = Station.objects.create(kind="station", name="兴华街道人大代表联络站", region=xh)
    yn_station = Station.objects.create(kind="station", name="义宁镇良瑞社区人大代表联络站", region=yn)
    hidden = Station.objects.create(kind="home", name="千峰街道人大代表之家(筹)", region=qf, is_published=False)
    StationRule.objects.create(station=qf_station, title="人大代表接待选民制度", body="每月双周三接待")
    StationRole.objects.create(station=qf_station, kind="head", name="王站长", work_phone="0351-6012345")
    StationRole.objects.create(station=xh_station, kind="head", name="赵站长", work_phone="0351-6054321")
    w.stations = {
        "qianfeng": qf_station,
        "qianfeng_point": qf_point,
        "xinghua": xh_station,
        "yining": yn_station,
        "qianfeng_unpublished": hidden,
    }

    county_term = Term.objects.create(region=wbl, level="county", number=17, start=today.replace(year=today.year - 2))
    town_term = Term.objects.create(region=yn, level="township", number=19, start=today.replace(year=today.year - 2))
    w.terms = {"wanbailin": county_term, "yining": town_term}
    qf_con = Constituency.objects.create(region=qf, level="county", name="千峰第1选区", voter_count=10615)
    xh_con = Constituency.objects.create(region=xh, level="county", name="兴华第1选区", voter_count=9800)
    yn_con = Constituency.objects.create(region=yn, level="township", name="义宁第1选区", voter_count=3000)
    w.constituencies = {"qianfeng": qf_con, "xinghua": xh_con, "yining": yn_con}
    DeputyGroup.objects.create(term=county_term, region=qf, name="千峰代表小组")

    wj = Department.objects.create(region=wbl, name="万柏林区住房和城乡建设局", short_name="住建局")
    cg = Department.objects.create(region=wbl, name="万柏林区城市管理局", short_name="城管局")
    w.departments = {"housing": wj, "urban": cg}

    users = {
        "officer": _user("p_officer", "千峰工委干部"),
        "neighbour_officer": _user("p_neighbour", "兴华工委干部"),
        "county_officer": _user("p_county", "万柏林区人大干部"),
        "station_staff": _user("p_staff", "千峰联络员"),
        "deputy": _user("p_deputy", "千峰代表"),
        "handler": _user("p_handler", "住建局经办人"),
        "other_handler": _user("p_other_handler", "城管局经办人"),
        "sponsor": _user("p_sponsor", "包保领导"),
        "resident": _user("p_resident", "群众甲"),
        "other_resident": _user("p_other_resident", "群众乙"),
        "system_admin": _user("p_admin", "系统管理员"),
    }
    grants = [
        RoleGrant(user=users["officer"], role=Role.OFFICE_ADMIN, region=qf),
        RoleGrant(user=users["neighbour_officer"], role=Role.OFFICE_ADMIN, region=xh),
        RoleGrant(user=users["county_officer"], role=Role.OFFICE_ADMIN, region=wbl),
        RoleGrant(user=users["station_staff"], role=Role.STATION_STAFF, station=qf_station),
        RoleGrant(user=users["deputy"], role=Role.DEPUTY),
        RoleGrant(user=users["handler"], role=Role.DEPARTMENT_HANDLER, department=wj),
        RoleGrant(user=users["other_handler"], role=Role.DEPARTMENT_HANDLER, department=cg),
        RoleGrant(user=users["sponsor"], role=Role.SPONSOR, station=qf_station),
        RoleGrant(user=users["resident"], role=Role.RESIDENT),
        RoleGrant(user=users["other_resident"], role=Role.RESIDENT),
        RoleGrant(user=users["system_admin"], role=Role.SYSTEM_ADMIN),
    ]
    RoleGrant.objects.bulk_create(grants)
    w.users = {**users, "anonymous": None}

    qf_dep = _deputy(
        county_term,
        "WBL17-001",
        "张海生",
        qf_con,
        user=users["deputy"],
        work_phone="13912345678",
        public_phone="0351-6011111",
        occupation="千峰社区居委会主任",
    )
    qf_dep2 = _deputy(county_term, "WBL17-002", "李秀英", qf_con, work_phone="13812345678")
    xh_dep = _deputy(county_term, "WBL17-101", "赵建国", xh_con, work_phone="13712345678", public_phone="13700001111")
    yn_dep = _deputy(town_term, "YN19-001", "黄一魏", yn_con, work_phone="13612345678")
    start = today - dt.timedelta(days=365)
    w.assignments = {
        "qianfeng": Assignment.objects.create(deputy=qf_dep, station=qf_station, start=start),
        "qianfeng2": Assignment.objects.create(deputy=qf_dep2, station=qf_point, start=start),
        "xinghua": Assignment.objects.create(deputy=xh_dep, station=xh_station, start=start),
        "yining": Assignment.objects.create(deputy=yn_dep, station=yn_station, start=start),
    }
    w.deputies = {"qianfeng": qf_dep, "qianfeng2": qf_dep2, "xinghua": xh_dep, "yining": yn_dep}
    # Residents' personal data that must never leave unmasked (SECURITY.md S3).
    Contact.objects.create(deputy=qf_dep, name="王大爷", phone=RESIDENT_PHONE, address="千峰南路3号楼2单元")
    return w
