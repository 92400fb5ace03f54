"""Builds the demo network of `data.py` in one transaction, set-based.

Every row is first built in memory (foreign keys point at unsaved objects), then written with
one bulk insert per model in dependency order; Django fills each foreign key from the saved
object at insert time. Regions are written tier by tier and get their materialized paths the
way `regions_load_gbt2260` sets them.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from itertools import cycle
from typing import TYPE_CHECKING

from django.db import models, transaction

from liaison.accounts.choices import Role
from liaison.accounts.models import RoleGrant, User
from liaison.core.clock import today
from liaison.deputies.choices import GroupKind
from liaison.deputies.models import Assignment, Contact, Deputy, DeputyGroup, Term
from liaison.deputies.pinyin import pinyin_key
from liaison.organization.choices import CongressLevel, RegionTier
from liaison.organization.models import PATH_SEGMENT, Constituency, Department, Grid, Office, Region
from liaison.organization.services import regions_load_gbt2260
from liaison.stations.choices import PartnerKind, StationKind, StationRoleKind
from liaison.stations.models import Partner, Sponsor, Station, StationRole, StationRule

from . import data as d

if TYPE_CHECKING:
    from liaison.receptions.models import WalkIn as WalkInModel

# Bulk inserts run in this order so that every row's foreign keys already have ids.
FLUSH_ORDER = (
    "offices",
    "departments",
    "terms",
    "groups",
    "constituencies",
    "stations",
    "points",
    "roles",
    "rules",
    "partners",
    "sponsors",
    "grids",
    "deputies",
    "assignments",
    "contacts",
    "grants",
)
BATCH = 500


def months_before(day: dt.date, months: int) -> dt.date:
    """The first day of the month `months` months before `day`."""
    index = day.year * 12 + day.month - 1 - months
    return dt.date(index // 12, index % 12 + 1, 1)


def demo_is_loaded() -> bool:
    """Whether the demo network is in the database (its marker: 千峰's liaison station)."""
    return Station.objects.filter(region__code=d.QIANFENG, kind=StationKind.STATION).exists()


@dataclass
class LoadResult:
    """What `load_demo` did: created the network, or found it and maybe reset passwords."""

    created: bool
    password_changed: bool
    reused_usernames: tuple[str, ...] = ()


def load_demo(*, password: str | None = None) -> LoadResult:
    """Load the demo network once; on later calls only reset the demo passwords if asked.

    One transaction: a failure leaves nothing behind, so a half-loaded demo cannot exist.
    """
    with transaction.atomic():
        regions_load_gbt2260()
        if demo_is_loaded():
            if password:
                demo_set_passwords(password=password)
            result = LoadResult(created=False, password_changed=bool(password))
        else:
            builder = DemoBuilder(day=today(), password=password or d.DEFAULT_PASSWORD)
            builder.build()
            result = LoadResult(created=True, password_changed=True, reused_usernames=tuple(builder.reused_usernames))
        load_receptions_demo()
        from .cases_demo import load_cases_demo

        load_cases_demo(password=password or d.DEFAULT_PASSWORD)
        return result


def load_receptions_demo() -> None:
    """Reception days [seeds 000, 003]: 千峰's station on 双周三 with at least three deputies, 庄子乡's
    stations on the first Friday, from three months ago to a year ahead; past sessions of 千峰
    have check-ins, one missed duty and two walk-ins with their cases. Idempotent."""
    from liaison.core.clock import now
    from liaison.receptions.choices import CheckInMethod, DutyStatus, SchedulePreset, SessionStatus
    from liaison.receptions.holidays import seed_workday_overrides
    from liaison.receptions.models import Duty, ReceptionSchedule, ReceptionSession, WalkIn
    from liaison.receptions.schedules import rule_for
    from liaison.receptions.services_schedule import sessions_generate

    seed_workday_overrides()
    day = today()
    since = months_before(day, 3)
    qianfeng = Station.objects.filter(region__code=d.QIANFENG, kind=StationKind.STATION).first()
    zhuangzi = Region.objects.filter(code=d.ZHUANGZI).first()
    if qianfeng is None or zhuangzi is None:
        return
    plans = [(qianfeng, SchedulePreset.SECOND_FOURTH_WEDNESDAY, "", dt.time(9), dt.time(11, 30))]
    for station in Station.objects.filter(region__in=Region.objects.subtree(zhuangzi), kind=StationKind.STATION):
        plans.append((station, SchedulePreset.FIRST_FRIDAY, "", dt.time(14, 30), dt.time(17)))
    for station, preset, theme, start, end in plans:
        schedule, _new = ReceptionSchedule.objects.get_or_create(
            station=station,
            preset=preset,
            defaults={
                "name": str(SchedulePreset(preset).label),
                "rrule": rule_for(preset),
                "starts_on": since,
                "start_time": start,
                "end_time": end,
                "place": station.address,
                "theme": theme,
                "min_deputies": 3,
            },
        )
        sessions_generate(schedule=schedule, since=since)

    past = list(
        ReceptionSession.objects.filter(station=qianfeng, status=SessionStatus.PLANNED, ends_at__lt=now()).order_by(
            "starts_at"
        )
    )
    rostered = Duty.objects.filter(session__in=past, status=DutyStatus.ROSTERED).select_related("session")
    changed = []
    for n, duty in enumerate(rostered.order_by("session__starts_at", "id")):
        if n % 7 == 6:
            duty.status = DutyStatus.MISSED
        else:
            duty.status = DutyStatus.CHECKED_IN
            duty.checked_in_at = duty.session.starts_at + dt.timedelta(minutes=3 + n % 11)
            duty.check_in_method = CheckInMethod.MANUAL if n % 5 == 4 else CheckInMethod.QR
        changed.append(duty)
    Duty.objects.bulk_update(changed, ["status", "checked_in_at", "check_in_method"])

    recorder = User.objects.filter(username="station1").first()
    if past and recorder is not None and not WalkIn.objects.filter(session__station=qianfeng).exists():
        visits = (
            ("王大爷", "13800000101", "小区加装电梯的补贴怎么申请？", "代表当场讲解了申请流程，并留下联系方式跟进。"),
            ("", "", "千峰南路路口早晚高峰拥堵，建议增设信号灯。", "登记转交街道城管科，答复后告知群众。"),
        )
        from liaison.accounts.jurisdiction import jurisdiction_for
        from liaison.receptions.services_walkin import walk_in_record

        actor = jurisdiction_for(recorder)
        for session, (name, phone, matter, action) in zip(past[-2:], visits, strict=False):
            # Through the register's service, so each visitor gets a case with a real timeline.
            walk_in = walk_in_record(
                actor=actor,
                session=session,
                matter=matter,
                action_taken=action,
                name=name,
                phone=phone,
                deputy_ids=list(session.duties.values_list("deputy_id", flat=True)[:2]),
            )
            backdate_walk_in(walk_in, session.starts_at + dt.timedelta(minutes=20))


def backdate_walk_in(walk_in: WalkInModel, at: dt.datetime) -> None:
    """Move a walk-in recorded now (and its new case's timeline) back to the session it belongs to."""
    from liaison.demo.cases_demo import age_case
    from liaison.receptions.models import WalkIn

    delta = walk_in.created_at - at
    WalkIn.objects.filter(pk=walk_in.pk).update(created_at=at, updated_at=at)
    if walk_in.case_id is not None:
        age_case(walk_in.case_id, delta)


def demo_set_passwords(*, password: str) -> int:
    """Give every existing demo account `password` (Argon2); returns how many were changed."""
    users = list(User.objects.filter(username__in=[a.username for a in d.ACCOUNTS]))
    for user in users:
        user.set_password(password)
    User.objects.bulk_update(users, ["password"])
    return len(users)


def demo_account_rows() -> list[tuple[str, str, str]]:
    """(username, role, scope) of every demo account, read back from its active grants."""
    users = {u.username: u for u in User.objects.filter(username__in=[a.username for a in d.ACCOUNTS])}
    grants: defaultdict[int, list[RoleGrant]] = defaultdict(list)
    for grant in (
        RoleGrant.objects.active().filter(user__in=users.values()).select_related("region", "station", "department")
    ):
        grants[grant.user_id].append(grant)
    deputies = {dep.user_id: dep for dep in Deputy.objects.filter(user__in=users.values())}
    rows: list[tuple[str, str, str]] = []
    for account in d.ACCOUNTS:
        user = users.get(account.username)
        if user is None:
            continue
        if not grants[user.pk]:
            rows.append((user.username, "—", "—"))
        for grant in grants[user.pk]:
            scope = grant.region or grant.station or grant.department
            if scope is not None:
                label = str(scope)
            elif grant.role == Role.SYSTEM_ADMIN:
                label = "全部"
            elif grant.role == Role.DEPUTY and user.pk in deputies:
                label = f"本人：{deputies[user.pk].name}"
            else:
                label = "本人"
            rows.append((user.username, grant.get_role_display(), label))
    return rows


@dataclass
class Congress:
    """A term being built and the next certificate number issued within it."""

    term: Term
    prefix: str
    issued: int = 0

    def next_certificate(self) -> str:
        self.issued += 1
        return f"{self.prefix}-{self.issued:04d}"


class People:
    """Invented names and phone numbers: unique across the demo and the same on every load."""

    def __init__(self, rng: random.Random, reserved: set[str]) -> None:
        self.rng = rng
        self.names = set(reserved)
        self.phones: set[str] = set()

    def person(self) -> tuple[str, str]:
        """A new (name, gender) never handed out before."""
        while True:
            gender = self.rng.choice(("male", "female"))
            chars = d.MALE_CHARS if gender == "male" else d.FEMALE_CHARS
            given = self.rng.choice(chars)
            if self.rng.random() < 0.8:
                given += self.rng.choice(chars)
            name = self.rng.choice(d.SURNAMES) + given
            if len(set(given)) == len(given) and name not in self.names:
                self.names.add(name)
                return name, gender

    def name(self) -> str:
        return self.person()[0]

    def mobile(self) -> str:
        """A valid mainland mobile number; never in the 1380000xxxx range the contacts use."""
        while True:
            number = self.rng.choice(d.MOBILE_PREFIXES) + f"{self.rng.randrange(10_000_000, 100_000_000)}"
            if number not in self.phones:
                self.phones.add(number)
                return number

    def landline(self, city_code: str) -> str:
        area, digits = d.AREA_CODES[city_code]
        first = "6" if digits == 7 else "8"
        return f"{area}-{first}{self.rng.randrange(10 ** (digits - 2), 10 ** (digits - 1)):0{digits - 1}d}"


def _office_name(township: str) -> str:
    # A street (街道) has a working committee of the district congress; a town or
    # township (镇， 乡) has its own congress, run between sessions by its presidium.
    return f"{township}人大工委" if township.endswith("街道") else f"{township}人大主席团"


class DemoBuilder:
    """Builds the demo network in memory, then writes it in bulk (`build`)."""

    def __init__(self, *, day: dt.date, password: str) -> None:
        self.today = day
        self.password = password
        self.rng = random.Random(d.RANDOM_SEED)
        self.people = People(self.rng, reserved=set(d.SEED_NAMES) | {a.display_name for a in d.ACCOUNTS})
        self.regions: dict[str, Region] = {r.code: r for r in Region.objects.all()}
        self.new_regions: list[Region] = []
        self.office_codes: set[str] = set(Office.objects.values_list("region__code", flat=True))
        self.rows: dict[str, list[models.Model]] = defaultdict(list)
        self.congresses: dict[str, Congress] = {}
        self.stations: dict[str, Station] = {}
        self.departments: dict[str, Department] = {}
        self.users: dict[str, User] = {}
        self.reused_usernames: list[str] = []
        self.deputy1_person: tuple[str, str] = ("", "")

    # ---- the whole network -----------------------------------------------------------------

    def build(self) -> None:
        """Create every demo row (the caller holds the transaction)."""
        self._users()
        for code, name in d.COUNTY_OFFICES.items():
            self.office(self.regions[code], name)
        self._wanbailin()
        self._yining()
        self._kuancheng()
        self._zhuangzi()
        self._harbin()
        self._departments()
        self._grants()
        self._flush()

    # ---- building blocks -------------------------------------------------------------------

    def near(self, region: Region, spread: float) -> tuple[Decimal, Decimal]:
        """A position within `spread` degrees of the region's (for the map), 6 decimals."""
        lat = float(region.latitude or 0) + self.rng.uniform(-spread, spread)
        lng = float(region.longitude or 0) + self.rng.uniform(-spread, spread)
        return Decimal(f"{lat:.6f}"), Decimal(f"{lng:.6f}")

    def region(self, code: str, name: str, *, position: tuple[Decimal, Decimal] | None = None) -> Region:
        """The township (9 digits) or community (12 digits) `code`, reused if it exists."""
        if code in self.regions:
            return self.regions[code]
        parent = self.regions[code[:6] if len(code) == 9 else code[:9]]
        tier = RegionTier.TOWNSHIP if len(code) == 9 else RegionTier.COMMUNITY
        lat, lng = position or self.near(parent, 0.03 if tier == RegionTier.TOWNSHIP else 0.008)
        region = Region(code=code, name=name, tier=tier, parent=parent, latitude=lat, longitude=lng)
        self.regions[code] = region
        self.new_regions.append(region)
        return region

    def office(self, region: Region, name: str) -> None:
        if region.code not in self.office_codes:
            self.office_codes.add(region.code)
            self.rows["offices"].append(Office(region=region, name=name))

    def congress(self, key: str) -> Congress:
        """The term `key` of `data.TERMS`, created on first use."""
        if key not in self.congresses:
            code, level, number, months, prefix = d.TERMS[key]
            region = self.regions[code]
            start = months_before(self.today, months)
            term = None
            if region.pk is not None:
                term = Term.objects.filter(region=region, level=level, number=number).first()
            if term is None:
                term = Term(
                    region=region, level=level, number=number, start=start, end=start.replace(year=start.year + 5)
                )
                self.rows["terms"].append(term)
            self.congresses[key] = Congress(term=term, prefix=prefix)
        return self.congresses[key]

    def constituency(self, region: Region, level: str, name: str, voters: int) -> Constituency:
        con = Constituency(region=region, level=level, name=name, voter_count=voters)
        self.rows["constituencies"].append(con)
        return con

    def group(self, congress: Congress, region: Region, name: str, kind: str = GroupKind.GROUP) -> DeputyGroup:
        group = DeputyGroup(term=congress.term, region=region, kind=kind, name=name)
        self.rows["groups"].append(group)
        return group

    def station(
        self,
        kind: str,
        name: str,
        region: Region,
        *,
        parent: Station | None = None,
        address: str = "",
        phone: str = "",
        notice: str = "",
        hours: str = d.STANDARD_HOURS,
        position: tuple[Decimal, Decimal] | None = None,
    ) -> Station:
        lat, lng = position or self.near(region, 0.004)
        station = Station(
            kind=kind,
            name=name,
            region=region,
            parent=parent,
            address=address,
            phone=phone,
            opening_hours=hours,
            notice=notice,
            latitude=lat,
            longitude=lng,
        )
        self.rows["points" if parent is not None else "stations"].append(station)
        return station

    def role(self, station: Station, kind: str, name: str, since: dt.date, user: User | None = None) -> None:
        self.rows["roles"].append(
            StationRole(station=station, kind=kind, name=name, work_phone=self.people.mobile(), user=user, start=since)
        )

    def rules(self, station: Station, rules: tuple[tuple[str, str], ...]) -> None:
        for position, (title, body) in enumerate(rules, 1):
            self.rows["rules"].append(StationRule(station=station, title=title, body=body, position=position))

    def partner(self, station: Station, kind: str, name: str) -> None:
        self.rows["partners"].append(Partner(station=station, kind=kind, name=name))

    def sponsor(self, station: Station, name: str, title: str, user: User | None = None) -> None:
        self.rows["sponsors"].append(Sponsor(station=station, name=name, title=title, user=user))

    def deputy(
        self,
        congress: Congress,
        *,
        constituency: Constituency | None = None,
        place: str = "",
        county: str = "",
        village: bool = False,
        public: bool = False,
        person: tuple[str, str] | None = None,
        user: User | None = None,
    ) -> Deputy:
        """A deputy of `congress` living in `place` (a community or village, if known); `public`
        means the deputy chose to publish the work phone."""
        name, gender = person or self.people.person()
        phone = self.people.mobile()
        templates: tuple[str, ...] = d.VILLAGE_OCCUPATIONS if village else d.OCCUPATIONS
        if not place:
            templates = tuple(t for t in templates if "{place}" not in t)
        occupation = self.rng.choice(templates)
        deputy = Deputy(
            term=congress.term,
            certificate_no=congress.next_certificate(),
            name=name,
            name_pinyin=pinyin_key(name),
            gender=gender,
            level=congress.term.level,
            constituency=constituency,
            occupation=occupation.format(place=place, county=county),
            work_phone=phone,
            public_phone=phone if public else "",
            user=user,
        )
        self.rows["deputies"].append(deputy)
        return deputy

    def assign(
        self, deputy: Deputy, station: Station, start: dt.date, end: dt.date | None = None, reason: str = ""
    ) -> None:
        self.rows["assignments"].append(
            Assignment(deputy=deputy, station=station, start=start, end=end, end_reason=reason)
        )

    # ---- accounts --------------------------------------------------------------------------

    def _users(self) -> None:
        """The demo logins, saved first so that staff roles, sponsors and a deputy can link them."""
        existing = {u.username: u for u in User.objects.filter(username__in=[a.username for a in d.ACCOUNTS])}
        self.deputy1_person = self.people.person()
        new = []
        for account in d.ACCOUNTS:
            user = existing.get(account.username)
            if user is None:
                user = User(username=account.username)
                new.append(user)
            else:
                # An account of that name predates the demo (e.g. createsuperuser admin): it
                # takes the demo's role and password, which `load_demo` reports.
                self.reused_usernames.append(account.username)
            user.display_name = account.display_name or self.deputy1_person[0]
            if account.role == Role.SYSTEM_ADMIN:
                user.is_superuser = user.is_staff = True  # the Django admin, too
            user.set_password(self.password)
            self.users[account.username] = user
        User.objects.bulk_create(new)
        _require_ids(new)
        for username in self.reused_usernames:
            self.users[username].save()

    def _grants(self) -> None:
        existing = set(
            RoleGrant.objects.active()
            .filter(user__in=self.users.values())
            .values_list("user__username", "role", "region__code", "station__name", "department__name")
        )
        for account in d.ACCOUNTS:
            grant = RoleGrant(user=self.users[account.username], role=account.role, is_lead=account.is_lead)
            if account.scope.startswith("station:"):
                grant.station = self.stations[account.scope.removeprefix("station:")]
            elif account.scope.startswith("department:"):
                grant.department = self.departments[account.scope.removeprefix("department:")]
            elif account.scope:
                grant.region = self.regions[account.scope]
            key = (
                account.username,
                account.role,
                grant.region.code if grant.region else None,
                grant.station.name if grant.station else None,
                grant.department.name if grant.department else None,
            )
            if key not in existing:
                self.rows["grants"].append(grant)

    # ---- 千峰街道 and 兴华街道 [seed 000] ----------------------------------------------------

    def _wanbailin(self) -> None:
        wanbailin = self.regions[d.WANBAILIN]
        congress = self.congress("wanbailin")
        since = months_before(self.today, 10)
        position = (Decimal(d.QIANFENG_POSITION[0]), Decimal(d.QIANFENG_POSITION[1]))
        qianfeng = self.region(d.QIANFENG, "千峰街道", position=position)
        self.office(qianfeng, "千峰街道人大工委")
        communities = [self.region(f"{d.QIANFENG}{i:03d}", n) for i, n in enumerate(d.QIANFENG_COMMUNITIES, 1)]

        station = self.station(
            StationKind.STATION,
            d.QIANFENG_STATION,
            qianfeng,
            address="太原市万柏林区千峰南路18号千峰街道办事处一层",
            phone=self.people.landline("140100"),
            notice=d.QIANFENG_NOTICE,
            position=position,
        )
        self.stations["qianfeng"] = station
        points = [
            self.station(
                StationKind.POINT,
                f"{c.name}人大代表联络点",
                c,
                parent=station,
                address=f"太原市万柏林区千峰街道{c.name}居委会一层",
                phone=self.people.landline("140100"),
                notice="每月双周三代表进点接待群众，群众意见建议由联络站统一登记交办。",
                position=self.near(qianfeng, 0.008),
            )
            for c in communities
        ]
        self.role(station, StationRoleKind.HEAD, self.people.name(), since)
        self.role(
            station, StationRoleKind.LIAISON_OFFICER, self.users["station1"].display_name, since, self.users["station1"]
        )
        for point in points:
            self.role(point, StationRoleKind.POINT_KEEPER, self.people.name(), since)
        self.rules(station, d.QIANFENG_RULES)
        for point in points:
            self.rules(point, d.QIANFENG_RULES[:3])
        self.partner(station, PartnerKind.PARTY_ALLIANCE, "千峰街道党建联合体")
        self.partner(station, PartnerKind.WOMENS_FEDERATION, "千峰街道妇女联合会")
        self.sponsor(station, self.users["leader1"].display_name, d.LEADER_TITLE, self.users["leader1"])

        constituencies = [
            self.constituency(qianfeng, CongressLevel.COUNTY, f"千峰街道第{d.CHINESE_NUMBERS[i]}选区", voters)
            for i, voters in enumerate(d.QIANFENG_VOTERS)
        ]
        # Two deputies per constituency: the first six sit at the station, three at each point.
        platforms = [station] * 6 + [p for p in points for _ in range(3)]
        for i, platform in enumerate(platforms):
            first = i == 0
            deputy = self.deputy(
                congress,
                constituency=constituencies[i // 2],
                place=communities[i % len(communities)].name,
                county="万柏林区",
                public=i % 3 == 0,
                person=self.deputy1_person if first else None,
                user=self.users["deputy1"] if first else None,
            )
            self.assign(deputy, platform, since + dt.timedelta(days=i % 5))

        xinghua = self.region(d.XINGHUA, "兴华街道", position=self.near(wanbailin, 0.02))
        self.office(xinghua, "兴华街道人大工委")
        xh_communities = [self.region(f"{d.XINGHUA}{i:03d}", n) for i, n in enumerate(d.XINGHUA_COMMUNITIES, 1)]
        xh_station = self.station(
            StationKind.STATION,
            d.XINGHUA_STATION,
            xinghua,
            address="太原市万柏林区兴华南街66号兴华街道便民服务中心二层",
            phone=self.people.landline("140100"),
            notice="每月第一周周五代表进站接待选民。",
        )
        self.stations["xinghua"] = xh_station
        self.role(xh_station, StationRoleKind.HEAD, self.people.name(), since)
        self.role(xh_station, StationRoleKind.LIAISON_OFFICER, self.people.name(), since)
        self.rules(xh_station, d.QIANFENG_RULES[:3])
        xh_constituencies = [
            self.constituency(xinghua, CongressLevel.COUNTY, f"兴华街道第{d.CHINESE_NUMBERS[i]}选区", voters)
            for i, voters in enumerate(d.XINGHUA_VOTERS)
        ]
        for i in range(6):
            deputy = self.deputy(
                congress,
                constituency=xh_constituencies[i % 2],
                place=xh_communities[i % 2].name,
                county="万柏林区",
                public=i % 2 == 0,
            )
            self.assign(deputy, xh_station, since)

    # ---- 义宁镇 [seed 001] -----------------------------------------------------------------

    def _yining(self) -> None:
        yining = self.region(d.YINING, "义宁镇")
        self.office(yining, "义宁镇人大主席团")
        city, county, town = self.congress("jiujiang"), self.congress("xiushui"), self.congress("yining")
        since = months_before(self.today, 12)

        served: dict[str, Station] = {}  # community code → the station serving it
        communities: list[Region] = []
        stations: list[Station] = []
        for home, neighbours in d.YINING_STATIONS:
            own = self.region(f"{d.YINING}{len(communities) + 1:03d}", home)
            communities.append(own)
            station = self.station(
                StationKind.STATION,
                f"义宁镇{home}人大代表联络工作站",
                own,
                address=f"修水县义宁镇{home}党群服务中心",
                phone=self.people.landline("360400"),
                notice="每月开展接待选民活动。有事找代表，服务在网格。",
            )
            stations.append(station)
            served[own.code] = station
            for name in neighbours:
                neighbour = self.region(f"{d.YINING}{len(communities) + 1:03d}", name)
                communities.append(neighbour)
                served[neighbour.code] = station
            self.rules(station, tuple((f"人大代表{t}", "") for t in d.YINING_RULES))
            for kind, label in d.YINING_PARTNERS:
                self.partner(station, kind, f"{home}{label}")

        # 88 grids over the nine communities, as evenly as they go.
        base, extra = divmod(d.YINING_GRIDS, len(communities))
        for i, community in enumerate(communities):
            for k in range(1, base + (1 if i < extra else 0) + 1):
                self.rows["grids"].append(Grid(community=community, code=f"{k:02d}", name=f"{community.name}第{k}网格"))

        county_cons = [
            self.constituency(c, CongressLevel.COUNTY, f"义宁镇{c.name}选区", self.rng.randrange(4000, 6500))
            for c in communities
        ]
        town_cons = [
            self.constituency(
                c, CongressLevel.TOWNSHIP, f"{c.name}第{d.CHINESE_NUMBERS[j]}选区", self.rng.randrange(1200, 2600)
            )
            for c in communities
            for j in range(2)
        ]
        at_station: dict[int, list[Deputy]] = defaultdict(list)
        for i in range(d.YINING_TOWN_DEPUTIES):
            con = town_cons[i % len(town_cons)]
            deputy = self.deputy(town, constituency=con, place=con.region.name, county="修水县")
            station = served[con.region.code]
            at_station[id(station)].append(deputy)
            self.assign(deputy, station, since)
        for i in range(d.YINING_COUNTY_DEPUTIES):
            con = county_cons[i % len(county_cons)]
            deputy = self.deputy(county, constituency=con, place=con.region.name, county="修水县")
            self.assign(deputy, served[con.region.code], since)
        # City deputies are elected by the county congress, not in a constituency.
        for i in range(d.YINING_CITY_DEPUTIES):
            deputy = self.deputy(city, county="修水县", public=True)
            self.assign(deputy, stations[i % len(stations)], since)
        # Each station head is one of its deputies; one or two liaison officers.
        for n, station in enumerate(stations):
            self.role(station, StationRoleKind.HEAD, at_station[id(station)][0].name, since)
            for _ in range(2 if n < 2 else 1):
                self.role(station, StationRoleKind.LIAISON_OFFICER, self.people.name(), since)

    # ---- 宽城区 [seed 002] -----------------------------------------------------------------

    def _kuancheng(self) -> None:
        kuancheng = self.regions[d.KUANCHENG]
        since = months_before(self.today, 9)
        provincial, city = self.congress("jilin"), self.congress("changchun")
        county = self.congress("kuancheng")
        titles = cycle(d.KUANCHENG_SPONSOR_TITLES)
        homes: dict[str, Station] = {}
        community_stations: dict[str, list[Station]] = {}
        townships: dict[str, Region] = {}
        for i, (name, community_names) in enumerate(d.KUANCHENG_TOWNSHIPS, 1):
            code = d.LANJIA if name == d.KUANCHENG_TOWN else f"{d.KUANCHENG}{i:03d}"
            township = self.region(code, name, position=self.near(kuancheng, 0.04))
            townships[name] = township
            self.office(township, _office_name(name))
            home = self.station(
                StationKind.HOME,
                f"{name}人大代表之家",
                township,
                address=f"长春市宽城区{name}党群服务中心",
                phone=self.people.landline("220100"),
                notice="民有所呼、我有所应。代表接待日：每月15日上午。",
            )
            homes[name] = home
            self.role(home, StationRoleKind.HEAD, self.people.name(), since)
            self.rules(home, tuple((t, "") for t in d.KUANCHENG_RULES))
            # 区人大常委会班子领导和机关各委办负责人包保联系： one sponsor per home.
            self.sponsor(home, self.people.name(), next(titles))
            community_stations[name] = []
            for j, community_name in enumerate(community_names, 1):
                community = self.region(f"{code}{j:03d}", community_name)
                station = self.station(
                    StationKind.STATION,
                    f"{community_name}人大代表联络站",
                    community,
                    address=f"长春市宽城区{name}{community_name}党群服务中心",
                    phone=self.people.landline("220100"),
                )
                community_stations[name].append(station)
                self.role(station, StationRoleKind.LIAISON_OFFICER, self.people.name(), since)

        # Provincial and city deputies go down (下沉) into the homes.
        home_list = list(homes.values())
        for i in range(d.KUANCHENG_PROVINCIAL):
            self.assign(self.deputy(provincial, county="宽城区", public=True), home_list[i], since)
        for i in range(d.KUANCHENG_CITY):
            self.assign(self.deputy(city, county="宽城区"), home_list[i % len(home_list)], since)

        # District deputies: 20 per township in its delegation, half at the home, half at its stations.
        per_township = d.KUANCHENG_COUNTY // len(townships)
        old_home, new_home, moved = d.KUANCHENG_REDISTRICTED
        moved_on = months_before(self.today, 5)
        for name, township in townships.items():
            delegation = self.group(county, township, f"{name}代表团", GroupKind.DELEGATION)
            cons = [
                self.constituency(
                    township,
                    CongressLevel.COUNTY,
                    f"{name}第{d.CHINESE_NUMBERS[k]}选区",
                    self.rng.randrange(9000, 15000),
                )
                for k in range(4)
            ]
            stations = cycle(community_stations[name])
            for k in range(per_township):
                deputy = self.deputy(
                    county,
                    constituency=cons[k % len(cons)],
                    place=community_stations[name][k % len(community_stations[name])].region.name,
                    county="宽城区",
                    village=name == d.KUANCHENG_TOWN,
                    public=k % 4 == 0,
                )
                deputy.delegation = delegation
                if k < per_township // 2:
                    if name == new_home and k < moved:
                        # The boundary change: the deputy's earlier home assignment ends, the history stays.
                        self.assign(
                            deputy,
                            homes[old_home],
                            months_before(self.today, 20),
                            moved_on - dt.timedelta(days=1),
                            f"街道区划调整，转入{new_home}人大代表之家",
                        )
                        self.assign(deputy, homes[name], moved_on)
                    else:
                        self.assign(deputy, homes[name], since)
                else:
                    self.assign(deputy, next(stations), since)

        # 兰家镇 has its own congress: its deputies sit at its home and village stations.
        town = self.congress("lanjia")
        lanjia = townships[d.KUANCHENG_TOWN]
        town_cons = [
            self.constituency(
                lanjia, CongressLevel.TOWNSHIP, f"兰家镇第{d.CHINESE_NUMBERS[k]}选区", self.rng.randrange(1500, 3000)
            )
            for k in range(4)
        ]
        platforms = cycle([homes[d.KUANCHENG_TOWN], *community_stations[d.KUANCHENG_TOWN]])
        for k in range(d.KUANCHENG_TOWNSHIP):
            village = community_stations[d.KUANCHENG_TOWN][k % 3].region.name
            deputy = self.deputy(town, constituency=town_cons[k % 4], place=village, county="宽城区", village=True)
            self.assign(deputy, next(platforms), since)

    # ---- 庄子乡 [seed 003] -----------------------------------------------------------------

    def _zhuangzi(self) -> None:
        zhuangzi = self.region(d.ZHUANGZI, "庄子乡")
        self.office(zhuangzi, "庄子乡人大主席团")
        congress = self.congress("zhuangzi")
        since = months_before(self.today, 11)
        villages = {n: self.region(f"{d.ZHUANGZI}{200 + i:03d}", n) for i, n in enumerate(d.ZHUANGZI_VILLAGES, 1)}
        home = self.station(
            StationKind.HOME,
            "庄子乡人大代表活动室",
            zhuangzi,
            address="晋中市榆次区庄子乡人民政府院内",
            phone=self.people.landline("140700"),
            notice="代表集中培训学习、交流履职经验的活动场所。",
        )
        platforms = [home]
        for name in d.ZHUANGZI_STATION_VILLAGES:
            platforms.append(
                self.station(
                    StationKind.STATION,
                    f"{name}人大代表联络站",
                    villages[name],
                    address=f"晋中市榆次区庄子乡{name}村委会",
                    phone=self.people.landline("140700"),
                    notice="代表轮流接待选民，有事找代表。",
                )
            )
        for platform in platforms:
            self.rules(platform, (("人大代表接待选民制度", "代表轮流进站接待选民，接待情况登记在册。"),))
            self.role(platform, StationRoleKind.HEAD, self.people.name(), since)
        cons = [
            self.constituency(v, CongressLevel.TOWNSHIP, f"庄子乡{v.name}选区", self.rng.randrange(900, 2400))
            for v in villages.values()
        ]
        # Each of the four groups meets at one platform: the first at the home.
        n = 0
        for g, size in enumerate(d.ZHUANGZI_GROUP_SIZES):
            group = self.group(congress, zhuangzi, f"第{d.CHINESE_NUMBERS[g]}代表小组")
            for _ in range(size):
                con = cons[n % len(cons)]
                deputy = self.deputy(congress, constituency=con, place=con.region.name, county="榆次区", village=True)
                deputy.group = group
                self.assign(deputy, platforms[g], since)
                n += 1

    # ---- 哈尔滨 [seed 004] -----------------------------------------------------------------

    def _harbin(self) -> None:
        since = months_before(self.today, 14)
        rules = tuple((t, "") for t in d.HARBIN_RULES)
        for county_code, townships in d.HARBIN_TOWNSHIPS.items():
            county = self.regions[county_code]
            self.office(county, f"{county.name}人大常委会")
            # Statistical codes: streets 0xx, towns 1xx, townships 2xx.
            next_code = {"街道": 1, "镇": 100, "乡": 200}
            for name in townships:
                suffix = "街道" if name.endswith("街道") else name[-1]
                code = f"{county_code}{next_code[suffix]:03d}"
                next_code[suffix] += 1
                township = self.region(code, name)
                self.office(township, _office_name(name))
                if name == d.FUSHUN_TOWNSHIP:
                    community = self.region(f"{code}001", d.FUSHUN_COMMUNITY)
                    station = self.station(
                        StationKind.STATION,
                        f"{d.FUSHUN_COMMUNITY}人大代表联络站",
                        community,
                        address=f"哈尔滨市{county.name}抚顺街{self.rng.randrange(200, 400)}号",
                        phone=self.people.landline("230100"),
                        notice=d.HARBIN_NOTICE,
                    )
                    self.stations["fushun"] = station
                else:
                    address = f"哈尔滨市{county.name}{name}"
                    if name == d.NANMALU:
                        self.region(f"{code}001", d.NANMALU_COMMUNITY)
                        address += f"{d.NANMALU_COMMUNITY}居委会"
                    station = self.station(
                        StationKind.STATION,
                        f"{name}人大代表联络站",
                        township,
                        address=address,
                        phone=self.people.landline("230100"),
                        notice=d.HARBIN_NOTICE,
                    )
                    if name == d.NANMALU:
                        self.stations["nanmalu"] = station
                self.rules(station, rules)
                self.role(station, StationRoleKind.HEAD, self.people.name(), since)
        self._nanmalu(since)
        self._fushun(since)

    def _nanmalu(self, since: dt.date) -> None:
        """10 deputies keep 90 standing contacts [seed 004]."""
        station = self.stations["nanmalu"]
        city, county = self.congress("harbin"), self.congress("daoli")
        township = station.region
        cons = [
            self.constituency(
                township,
                CongressLevel.COUNTY,
                f"南马路街道第{d.CHINESE_NUMBERS[k]}选区",
                self.rng.randrange(8000, 12000),
            )
            for k in range(3)
        ]
        deputies = [self.deputy(city, county="道里区", public=True) for _ in range(d.NANMALU_CITY_DEPUTIES)]
        deputies += [
            self.deputy(county, constituency=cons[k % 3], place=d.NANMALU_COMMUNITY, county="道里区", public=k % 2 == 0)
            for k in range(d.NANMALU_COUNTY_DEPUTIES)
        ]
        for deputy in deputies:
            self.assign(deputy, station, since)
        self.role(station, StationRoleKind.LIAISON_OFFICER, self.people.name(), since)
        # Clearly fake numbers (1380000xxxx): contacts are residents' personal data.
        for n in range(d.NANMALU_CONTACTS):
            building = self.rng.randrange(1, 40)
            self.rows["contacts"].append(
                Contact(
                    deputy=deputies[n % len(deputies)],
                    name=self.people.name(),
                    phone=f"1380000{n + 1:04d}",
                    address=f"道里区南马路街道{d.NANMALU_COMMUNITY}{building}号楼{self.rng.randrange(1, 7)}单元",
                    note=self.rng.choice(d.CONTACT_NOTES),
                )
            )

    def _fushun(self, since: dt.date) -> None:
        station = self.stations["fushun"]
        county = self.congress("daoli")
        township = self.regions[station.region.code[:9]]
        cons = [
            self.constituency(
                township,
                CongressLevel.COUNTY,
                f"新阳路街道第{d.CHINESE_NUMBERS[k]}选区",
                self.rng.randrange(8000, 12000),
            )
            for k in range(2)
        ]
        for k in range(d.FUSHUN_DEPUTIES):
            deputy = self.deputy(county, constituency=cons[k % 2], place=d.FUSHUN_COMMUNITY, county="道里区")
            self.assign(deputy, station, since)
        self.role(station, StationRoleKind.LIAISON_OFFICER, self.people.name(), since)

    # ---- departments -----------------------------------------------------------------------

    def _departments(self) -> None:
        codes = list(d.DEPARTMENTS)
        self.departments = {dep.name: dep for dep in Department.objects.filter(region__code__in=codes)}
        for code, departments in d.DEPARTMENTS.items():
            for name, short in departments:
                if name not in self.departments:
                    department = Department(region=self.regions[code], name=name, short_name=short)
                    self.departments[name] = department
                    self.rows["departments"].append(department)

    # ---- writing ---------------------------------------------------------------------------

    def _flush(self) -> None:
        """Write everything: regions tier by tier with their paths, then one bulk insert per model."""
        for tier in (RegionTier.TOWNSHIP, RegionTier.COMMUNITY):
            batch = [r for r in self.new_regions if r.tier == tier]
            Region.objects.bulk_create(batch, batch_size=BATCH)
            _require_ids(batch)
            for region in batch:
                assert region.parent is not None
                region.path = region.parent.path + str(region.pk).zfill(PATH_SEGMENT)
            Region.objects.bulk_update(batch, ["path"], batch_size=BATCH)
        for key in FLUSH_ORDER:
            rows = self.rows[key]
            if rows:
                type(rows[0])._default_manager.bulk_create(rows, batch_size=BATCH)
                _require_ids(rows)


def _require_ids(rows: Sequence[models.Model]) -> None:
    # Later rows point at these through in-memory objects, so their ids must come back from
    # the insert: PostgreSQL and SQLite ≥ 3.35 return them (RETURNING).
    if any(row.pk is None for row in rows):
        raise RuntimeError("load_demo needs a database that returns ids from bulk inserts (RETURNING)")
