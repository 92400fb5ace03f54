"""Cases in the demo [seeds 000, 001, 004]: residents' requests and suggestions at 千峰 and 义宁
in every state, made through the case services so that every timeline is real.

Each story runs its steps now and pushes what it has done so far back in time between steps
(`age_case`), so a case filed months ago carries events spread over those months. Over the
twelve months before the load, 千峰's stations and points received 37 residents (walk-in
register entries) and took 13 suggestions: the figures of seed 000 ("今年以来联络站(点)接待
群众37人次，提出建议13个").
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import F

from liaison.accounts.jurisdiction import Actor, jurisdiction_for
from liaison.accounts.models import RoleGrant, User
from liaison.cases import services
from liaison.cases.choices import STAFF_CHANNELS, CaseKind, CaseStatus, Channel, EventKind, Rating
from liaison.cases.deadlines import add_workdays
from liaison.cases.models import Case, CaseCategory, CaseEvent, CaseFollower, Referral, RoutingRule, TripartiteMeeting
from liaison.cases.selectors import track_lookup
from liaison.core.clock import now, today
from liaison.core.models import Notification, NotificationChannel, NotificationStatus
from liaison.deputies.models import Assignment, Deputy
from liaison.organization.models import Department, Region
from liaison.stations.choices import StationKind
from liaison.stations.models import Station

from . import data as d

# The seed's figures for 千峰 over the twelve months before the load [seed 000].
QIANFENG_RESIDENTS_RECEIVED = 37
QIANFENG_SUGGESTIONS = 13
# The marker of a loaded cases demo: the seed-004 story of 抚顺社区's broken windows.
MARKER_TITLE = "抚顺街281号至388号楼道窗户破损漏风"

ROUTING = (
    # (county code, category code, department name)
    (d.WANBAILIN, "housing", "万柏林区住房和城乡建设局"),
    (d.WANBAILIN, "environment", "万柏林区城市管理局"),
    (d.WANBAILIN, "roads", "万柏林区城市管理局"),
    (d.XIUSHUI, "housing", "修水县住房和城乡建设局"),
    (d.XIUSHUI, "roads", "修水县交通运输局"),
    (d.XIUSHUI, "rural", "修水县交通运输局"),
    (d.DAOLI, "housing", "道里区住房和城乡建设局"),
)

# Invented residents with clearly fake numbers (1370000xxxx): personal data all the same.
RESIDENTS = (
    ("刘桂兰", "13700000101"),
    ("张德顺", "13700000102"),
    ("孙玉梅", "13700000103"),
    ("赵长海", "13700000104"),
    ("钱淑珍", "13700000105"),
    ("周永福", "13700000106"),
    ("吴秀云", "13700000107"),
    ("郑春生", "13700000108"),
    ("冯桂芝", "13700000109"),
    ("陈福来", "13700000110"),
    ("褚玉兰", "13700000111"),
    ("卫国庆", "13700000112"),
    ("蒋凤英", "13700000113"),
    ("沈德明", "13700000114"),
    ("韩秀珍", "13700000115"),
    ("杨金水", "13700000116"),
)
ACCOUNT_PHONES = {"resident1": "13700000198", "resident2": "13700000199"}


def age_case(case_id: int, delta: dt.timedelta) -> None:
    """Move everything a case has recorded so far `delta` into the past: its own times, its
    events, referrals (deadlines recomputed in working days from the new referral date),
    followers and meetings. Only the demo does this, to give old cases their history."""
    if not delta:
        return
    Case.objects.filter(pk=case_id).update(
        created_at=F("created_at") - delta,
        updated_at=F("updated_at") - delta,
        accepted_at=F("accepted_at") - delta,
        answered_at=F("answered_at") - delta,
        closed_at=F("closed_at") - delta,
        rated_at=F("rated_at") - delta,
        published_at=F("published_at") - delta,
        consent_at=F("consent_at") - delta,
    )
    CaseEvent.objects.filter(case_id=case_id).update(at=F("at") - delta)
    CaseFollower.objects.filter(case_id=case_id).update(created_at=F("created_at") - delta)
    Referral.objects.filter(case_id=case_id).update(
        created_at=F("created_at") - delta,
        updated_at=F("updated_at") - delta,
        accepted_at=F("accepted_at") - delta,
        replied_at=F("replied_at") - delta,
    )
    workdays = {
        e.referral_id: int(e.data.get("workdays") or 10)
        for e in CaseEvent.objects.filter(case_id=case_id, kind=EventKind.REFERRED, referral__isnull=False)
    }
    for referral in Referral.objects.filter(case_id=case_id):
        due = add_workdays(_local_date(referral.created_at), workdays.get(referral.pk, 10))
        if referral.extension_status == "approved":
            due = add_workdays(due, referral.extension_workdays)
        Referral.objects.filter(pk=referral.pk).update(due_date=due)
        if referral.status in ("pending", "accepted"):
            Case.objects.filter(pk=case_id, status=CaseStatus.REFERRED).update(due_date=due)
    for meeting in TripartiteMeeting.objects.filter(case_id=case_id):
        TripartiteMeeting.objects.filter(pk=meeting.pk).update(
            held_on=meeting.held_on - dt.timedelta(days=delta.days), created_at=meeting.created_at - delta
        )


def _workdays_before(day: dt.date, workdays: int) -> dt.date:
    from liaison.receptions.holidays import WorkCalendar

    calendar = WorkCalendar.load()
    while workdays > 0:
        if calendar.is_workday(day):
            workdays -= 1
        day -= dt.timedelta(days=1)
    while not calendar.is_workday(day):
        day -= dt.timedelta(days=1)
    return day


def _local_date(moment: dt.datetime) -> dt.date:
    from django.utils import timezone

    return timezone.localtime(moment).date()


@dataclass(frozen=True)
class Story:
    """One case: how far it goes and how long ago each step happened.

    `steps` run in order; `gaps` are the days between them (pushed back after each step), and
    `last` the days since the final step. `stage` names where it stops.
    """

    stage: str
    description: str
    category: str
    gaps: tuple[int, ...] = ()
    last: int = 0
    kind: str = CaseKind.REQUEST
    title: str = ""
    address: str = ""
    person: int | None = None
    consent: bool = True
    account: str = ""  # a resident's demo login filing it
    channel: str = Channel.ONLINE
    station: int = 0  # index into the place's stations
    deputy: int | None = 0  # index into the place's deputies (None: no deputy)
    department: str = ""
    answer: str = ""
    reply: str = ""
    rating: str = Rating.SATISFIED
    comment: str = ""
    on_spot: bool = False
    extension: str = ""  # "requested" or "approved"
    returned_by: str = ""  # a department that returns it first (misrouted)
    summary: str = ""  # publish a redacted summary
    meeting: tuple[str, str] | None = None  # (residents, outcome)
    overdue: int = 0  # working days its open referral is past due when the sweep runs


@dataclass
class Place:
    """Who acts where: the office, the station staff, deputies, departments and their handlers."""

    office: Actor
    staff: Actor
    stations: list[Station]
    deputies: list[Deputy]
    deputy_actor: Actor | None
    departments: dict[str, Department]
    handlers: dict[str, Actor]
    cases: dict[str, Case] = field(default_factory=dict)
    secrets: dict[str, tuple[str, str]] = field(default_factory=dict)


def load_cases_demo(*, password: str = d.DEFAULT_PASSWORD) -> bool:
    """Add the cases demo once (False when it is already there or the network is missing)."""
    if Case.objects.filter(title=MARKER_TITLE).exists():
        return False
    qianfeng_station = Station.objects.filter(region__code=d.QIANFENG, kind=StationKind.STATION).first()
    if qianfeng_station is None or not Region.objects.filter(code=d.YINING).exists():
        return False
    first_notification = Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    _ensure_departments_and_accounts(password)
    _routing_rules()
    qianfeng = _qianfeng_place(qianfeng_station)
    yining = _yining_place()
    _walk_ins(qianfeng_station)
    for key, story in QIANFENG_STORIES.items():
        _tell(qianfeng, key, story)
    _merge_and_follow(qianfeng, target="followed", duplicate="duplicate", gaps=(3,), last=2)
    for key, story in YINING_STORIES.items():
        _tell(yining, key, story)
    _merge_and_follow(yining, target="followed", duplicate="duplicate", gaps=(2,), last=1)
    _fushun_windows()
    # The daily jobs, as if they had been running: overdue referrals climb the ladder, and
    # answers nobody rated within the allowed days close as unrated.
    services.sweep_deadlines()
    services.close_unrated()
    # Messages of the past were delivered long ago: the outbox does not text invented numbers now.
    Notification.objects.filter(pk__gt=first_notification, status=NotificationStatus.PENDING).exclude(
        channel=NotificationChannel.IN_APP
    ).update(status=NotificationStatus.SENT, sent_at=now())
    return True


# ---- setup ------------------------------------------------------------------------------------


def _ensure_departments_and_accounts(password: str) -> None:
    """Departments and handler accounts a demo loaded by an older version may lack."""
    for code, departments in d.DEPARTMENTS.items():
        region = Region.objects.filter(code=code).first()
        if region is None:
            continue
        for name, short in departments:
            Department.objects.get_or_create(region=region, name=name, defaults={"short_name": short})
    for account in d.ACCOUNTS:
        if account.role != "department_handler" or User.objects.filter(username=account.username).exists():
            continue
        user = User(username=account.username, display_name=account.display_name)
        user.set_password(password)
        user.save()
        department = Department.objects.get(name=account.scope.removeprefix("department:"))
        RoleGrant.objects.create(user=user, role=account.role, department=department, is_lead=account.is_lead)


def _routing_rules() -> None:
    office = User.objects.filter(username="admin").first()
    for code, category, name in ROUTING:
        region = Region.objects.filter(code=code).first()
        department = Department.objects.filter(name=name).first()
        found = CaseCategory.objects.filter(code=category).first()
        if region is None or department is None or found is None:
            continue
        RoutingRule.objects.get_or_create(
            category=found, region=region, defaults={"department": department, "created_by": office}
        )


def _actor(username: str) -> Actor:
    user = User.objects.get(username=username)
    return jurisdiction_for(user)


def _qianfeng_place(station: Station) -> Place:
    deputy1 = Deputy.objects.filter(user__username="deputy1").first()
    others = list(
        Deputy.objects.filter(assignments__station=station, assignments__end__isnull=True)
        .exclude(pk__in=[deputy1.pk] if deputy1 else [])
        .order_by("pk")[:3]
    )
    return Place(
        office=_actor("qianfeng"),
        staff=_actor("station1"),
        stations=[station, *station.points.order_by("pk")],
        deputies=[*([deputy1] if deputy1 else []), *others],
        deputy_actor=_actor("deputy1") if deputy1 else None,
        departments={
            "housing": Department.objects.get(name="万柏林区住房和城乡建设局"),
            "urban": Department.objects.get(name="万柏林区城市管理局"),
        },
        handlers={"housing": _actor("dept1"), "urban": _actor("dept2")},
    )


def _yining_place() -> Place:
    stations = list(Station.objects.filter(region__parent__code=d.YINING, kind=StationKind.STATION).order_by("pk"))
    deputies = list(
        Deputy.objects.filter(
            assignments__station=stations[0], assignments__end__isnull=True, level="township"
        ).order_by("pk")[:3]
    )
    office = _actor("yining")
    return Place(
        office=office,
        staff=office,
        stations=stations,
        deputies=deputies,
        deputy_actor=None,
        departments={
            "housing": Department.objects.get(name="修水县住房和城乡建设局"),
            "roads": Department.objects.get(name="修水县交通运输局"),
        },
        handlers={"housing": _actor("dept3"), "roads": _actor("dept4")},
    )


# ---- one story --------------------------------------------------------------------------------


class _Clock:
    """Pushes a case's past back by the story's gaps, one after each step."""

    def __init__(self, gaps: tuple[int, ...]) -> None:
        self.gaps = list(gaps)

    def tick(self, case: Case) -> Case:
        days = self.gaps.pop(0) if self.gaps else 0
        if days:
            age_case(case.pk, dt.timedelta(days=days, hours=3 * (days % 5)))
        case.refresh_from_db()
        return case


def _tell(p: Place, key: str, s: Story) -> Case:
    """File the story's case and take it as far as `s.stage` through the services."""
    name, phone = RESIDENTS[s.person] if s.person is not None else ("", "")
    if s.account:
        # A resident signed in with a demo login files under his own name.
        user = User.objects.get(username=s.account)
        name, phone = user.display_name, ACCOUNT_PHONES.get(s.account, "")
    data = services.CaseInput(
        description=s.description,
        category=s.category,
        kind=s.kind,
        title=s.title,
        address=s.address,
        name=name,
        phone=phone,
        consent=s.consent and bool(name or phone),
        station_id=p.stations[s.station].pk,
    )
    if s.channel in STAFF_CHANNELS:
        filed = services.case_file_for_resident(actor=p.staff, data=data, channel=s.channel)
    else:
        resident = jurisdiction_for(User.objects.get(username=s.account) if s.account else None)
        filed = services.case_submit(actor=resident, data=data, channel=s.channel)
    p.secrets[key] = (filed.tracking_code, filed.secret)
    clock = _Clock(s.gaps)
    case = clock.tick(filed.case)
    case = _advance(p, key, s, case, clock)
    if s.last:
        age_case(case.pk, dt.timedelta(days=s.last, hours=2))
    if s.overdue:
        # Past its deadline by exactly this many working days, whatever the load date.
        due = _workdays_before(today(), s.overdue)
        Referral.objects.filter(case=case, status__in=("pending", "accepted")).update(due_date=due)
        Case.objects.filter(pk=case.pk).update(due_date=due)
    case.refresh_from_db()
    p.cases[key] = case
    return case


def _advance(p: Place, key: str, s: Story, case: Case, clock: _Clock) -> Case:
    stage = s.stage
    if stage == "submitted":
        return case
    if stage == "declined":
        return services.case_decline(actor=p.office, case=case, reason=s.answer)
    if stage == "withdrawn":
        code, secret = p.secrets[key]
        return services.case_withdraw(ticket=track_lookup(tracking_code=code, secret=secret), reason=s.comment)
    if case.status == CaseStatus.SUBMITTED:
        case = clock.tick(services.case_accept(actor=p.staff, case=case))
    if stage == "accepted":
        return case
    deputy = p.deputies[s.deputy] if s.deputy is not None and p.deputies else None
    if deputy is not None:
        case = clock.tick(services.case_assign(actor=p.office, case=case, deputy_id=deputy.pk))
    if stage == "assigned":
        return case
    answerer = p.deputy_actor if deputy is not None and s.deputy == 0 and p.deputy_actor else p.staff
    if s.on_spot:
        case = clock.tick(services.case_answer_on_spot(actor=answerer, case=case, answer=s.answer))
    else:
        if s.returned_by:
            wrong = services.case_refer(actor=p.office, case=case, department_id=p.departments[s.returned_by].pk)
            case = clock.tick(case)
            services.referral_return(
                actor=p.handlers[s.returned_by],
                referral=wrong,
                reason="该事项不属于本部门职责，请转住房和城乡建设部门办理。",
            )
            case = clock.tick(case)
        referral = services.case_refer(
            actor=p.office,
            case=case,
            department_id=p.departments[s.department].pk,
            instructions="请核实情况，按期办理并答复。",
        )
        case = clock.tick(case)
        if stage == "referred":
            return case
        handler = p.handlers[s.department]
        referral = services.referral_accept(actor=handler, referral=referral)
        case = clock.tick(case)
        if s.extension:
            referral = services.referral_request_extension(
                actor=handler, referral=referral, workdays=10, reason="需协调产权单位和施工队，申请延期。"
            )
            case = clock.tick(case)
            if s.extension == "approved":
                referral = services.referral_decide_extension(actor=p.office, referral=referral, approve=True)
                case = clock.tick(case)
        if stage == "handling":
            return case
        if s.meeting:
            residents, outcome = s.meeting
            services.meeting_record(
                actor=p.office,
                case=case,
                held_on=today(),
                residents=residents,
                outcome=outcome,
                place=p.stations[s.station].name,
                deputy_ids=[deputy.pk] if deputy else [],
                department_ids=[p.departments[s.department].pk],
            )
            case = clock.tick(case)
        services.referral_reply(actor=handler, referral=referral, reply=s.reply)
        case = clock.tick(case)
        if stage == "replied":
            return case
        case = clock.tick(services.case_answer(actor=answerer, case=case, answer=s.answer))
    if stage in ("answered", "unrated"):
        return case
    code, secret = p.secrets[key]
    ticket = track_lookup(tracking_code=code, secret=secret)
    case = services.case_rate(ticket=ticket, rating=s.rating, comment=s.comment)
    if s.summary and case.status == CaseStatus.CLOSED:
        case = clock.tick(case)
        case = services.case_publish(actor=p.office, case=case, summary=s.summary)
    return case


def _merge_and_follow(p: Place, *, target: str, duplicate: str, gaps: tuple[int, ...], last: int) -> None:
    """A resident files what a neighbour already reported: staff merge it into the open case; a
    third resident joins that case ("me too") instead of filing again."""
    survivor = p.cases[target]
    case = p.cases[duplicate]
    clock = _Clock(gaps)
    case = services.case_merge(actor=p.office, case=case, into_case_id=survivor.pk)
    clock.tick(case)
    name, phone = RESIDENTS[15]
    services.case_join(actor=jurisdiction_for(None), case=survivor, name=name, phone=phone, consent=True)
    age_case(survivor.pk, dt.timedelta(days=last))
    age_case(case.pk, dt.timedelta(days=last))


def _fushun_windows() -> None:
    """Seed 004: residents of 抚顺街281号—388号 (nine buildings) report broken stairwell windows
    at 抚顺社区's station; a meeting of residents, deputies and the department follows; the
    district replaces every window with plastic-steel ones."""
    station = Station.objects.filter(name=f"{d.FUSHUN_COMMUNITY}人大代表联络站").first()
    department = Department.objects.filter(name="道里区住房和城乡建设局").first()
    admin = User.objects.filter(username="admin").first()
    if station is None or department is None or admin is None:
        return
    actor = jurisdiction_for(admin)
    deputy = Deputy.objects.filter(pk__in=Assignment.objects.filter(station=station).values("deputy_id")).first()
    filed = services.case_file_for_resident(
        actor=actor,
        channel=Channel.WALK_IN,
        data=services.CaseInput(
            category="housing",
            title=MARKER_TITLE,
            description="楼道内的窗户坏了很久，透风漏雨，我们只能靠塑料布勉强对付。9栋楼的居民都盼着能修好。",
            address="哈尔滨市道里区抚顺街281号—388号",
            name="居民代表",
            consent=False,
            station_id=station.pk,
        ),
    )
    clock = _Clock((2, 3, 1, 4, 20, 2, 3))
    case = clock.tick(filed.case)
    if deputy is not None:
        case = clock.tick(services.case_assign(actor=actor, case=case, deputy_id=deputy.pk))
    referral = services.case_refer(actor=actor, case=case, department_id=department.pk)
    referral = services.referral_accept(actor=actor, referral=referral)
    case = clock.tick(case)
    services.meeting_record(
        actor=actor,
        case=case,
        held_on=today(),
        residents="抚顺街281号—388号居民代表",
        outcome="居民代表、人大代表、区政府相关部门负责人三方协调，部门负责人承诺立即为居民更换楼道窗户。",
        place=station.name,
        deputy_ids=[deputy.pk] if deputy else [],
        department_ids=[department.pk],
    )
    case = clock.tick(case)
    services.referral_reply(actor=actor, referral=referral, reply="已为9栋楼的楼道全部更换塑钢窗。")
    case = clock.tick(case)
    case = services.case_answer(actor=actor, case=case, answer="楼道窗户已全部更换为塑钢窗，请居民查看。")
    case = clock.tick(case)
    ticket = track_lookup(tracking_code=filed.tracking_code, secret=filed.secret)
    case = services.case_rate(ticket=ticket, rating=Rating.SATISFIED, comment="人民代表就在我们身边。")
    case = clock.tick(case)
    services.case_publish(
        actor=actor,
        case=case,
        summary="抚顺社区居民反映9栋楼楼道窗户破损漏风。联络站召开居民、代表、部门三方协调会，"
        "区住建部门已为楼道全部更换塑钢窗。",
    )
    age_case(case.pk, dt.timedelta(days=30))


# ---- walk-ins [seed 000: 37 residents received] --------------------------------------------------

WALK_IN_MATTERS = (
    ("反映小区路灯损坏，晚上出行不便。", "代表当场联系社区，登记报修。"),
    ("咨询老年人助餐补贴怎么申请。", "代表讲解了申请条件和流程。"),
    ("楼道堆放杂物，存在消防隐患。", ""),
    ("希望社区增设健身器材。", "代表记录建议，转社区研究。"),
    ("反映小区停车位紧张，车辆乱停。", ""),
    ("咨询医保异地报销政策。", "代表现场解答，并提供经办窗口电话。"),
    ("反映楼上住户装修噪声扰民。", "代表协调物业上门沟通。"),
    ("希望解决老旧小区雨水管堵塞问题。", ""),
)


def _walk_ins(station: Station) -> None:
    """Reception days at 千峰's community points over the past year, and walk-in register entries
    at them, so that 千峰 received exactly 37 residents in the twelve months before the load."""
    from liaison.receptions.choices import CheckInMethod, DutyStatus, SchedulePreset, SessionStatus
    from liaison.receptions.models import Duty, ReceptionSchedule, ReceptionSession, WalkIn
    from liaison.receptions.schedules import rule_for
    from liaison.receptions.services_schedule import sessions_generate
    from liaison.receptions.services_walkin import walk_in_record

    from .builder import backdate_walk_in, months_before

    recorder = User.objects.filter(username="station1").first()
    if recorder is None:
        return
    platforms = [station, *station.points.all()]
    since = now() - dt.timedelta(days=360)
    received = WalkIn.objects.filter(session__station__in=platforms, session__starts_at__gte=since).count()
    wanted = max(0, QIANFENG_RESIDENTS_RECEIVED - received)
    for point in station.points.order_by("pk"):
        schedule, _new = ReceptionSchedule.objects.get_or_create(
            station=point,
            preset=SchedulePreset.SECOND_FOURTH_WEDNESDAY,
            defaults={
                "name": str(SchedulePreset.SECOND_FOURTH_WEDNESDAY.label),
                "rrule": rule_for(SchedulePreset.SECOND_FOURTH_WEDNESDAY),
                "starts_on": months_before(today(), 11),
                "start_time": dt.time(14, 30),
                "end_time": dt.time(16, 30),
                "place": point.address,
                "min_deputies": 2,
            },
        )
        sessions_generate(schedule=schedule, since=schedule.starts_on)
    past = list(
        ReceptionSession.objects.filter(
            station__in=station.points.all(), status=SessionStatus.PLANNED, starts_at__gte=since, ends_at__lt=now()
        ).order_by("starts_at", "pk")
    )
    if not past or not wanted:
        return
    duties = Duty.objects.filter(session__in=past, status=DutyStatus.ROSTERED).select_related("session")
    changed = []
    for n, duty in enumerate(duties.order_by("session__starts_at", "id")):
        duty.status = DutyStatus.CHECKED_IN
        duty.checked_in_at = duty.session.starts_at + dt.timedelta(minutes=2 + n % 9)
        duty.check_in_method = CheckInMethod.QR
        changed.append(duty)
    Duty.objects.bulk_update(changed, ["status", "checked_in_at", "check_in_method"])
    actor = jurisdiction_for(recorder)
    step = len(past) / wanted
    for n in range(wanted):
        session = past[min(len(past) - 1, int(n * step))]
        matter, action = WALK_IN_MATTERS[n % len(WALK_IN_MATTERS)]
        name, phone = RESIDENTS[n % len(RESIDENTS)] if n % 3 else ("", "")
        walk_in = walk_in_record(
            actor=actor,
            session=session,
            matter=matter,
            action_taken=action,
            name=name,
            phone=phone,
            deputy_ids=list(session.duties.values_list("deputy_id", flat=True)[:1]),
        )
        backdate_walk_in(walk_in, session.starts_at + dt.timedelta(minutes=10 + 7 * (n % 6)))


# ---- the stories ----------------------------------------------------------------------------

S = CaseKind.SUGGESTION

QIANFENG_STORIES: dict[str, Story] = {
    "new": Story(
        "submitted",
        "我家楼上卫生间漏水，已经渗到我家天花板，物业说管不了。",
        "housing",
        address="千峰南路12号院5号楼",
        person=0,
        account="resident1",
    ),
    "new_suggestion": Story(
        "submitted",
        "建议在千峰南路公交站增设候车座椅和遮阳棚，方便老年人等车。",
        "roads",
        kind=S,
        last=1,
        person=1,
    ),
    "accepted": Story(
        "accepted", "社区老年活动室冬天没有暖气，老人们没法活动。", "elderly", gaps=(1,), last=2, person=2
    ),
    "accepted_suggestion": Story(
        "accepted",
        "建议社区食堂增加老年助餐的品种，并为行动不便的老人送餐上门。",
        "elderly",
        kind=S,
        gaps=(2,),
        last=3,
        person=3,
        channel=Channel.VISIT,
        station=1,
    ),
    "assigned": Story(
        "assigned", "千峰北路人行道地砖松动，下雨天一踩一脚泥水。", "roads", gaps=(1, 2), last=1, person=4
    ),
    "referred": Story(
        "referred",
        "3号院单元门禁坏了一个多月，陌生人随意进出。",
        "housing",
        gaps=(1, 1),
        last=1,
        person=5,
        department="housing",
    ),
    "followed": Story(
        "handling",
        "千峰南路菜市场门口垃圾堆放，夏天气味很大。",
        "environment",
        gaps=(1, 1, 1),
        last=1,
        person=6,
        department="urban",
    ),
    "duplicate": Story(
        "accepted", "菜市场门口的垃圾好几天没人清运了。", "environment", gaps=(1,), person=7, deputy=None
    ),
    "extension": Story(
        "handling",
        "小区外墙保温层脱落，大风天有砸伤行人的危险。",
        "housing",
        gaps=(1, 1, 2, 9),
        last=2,
        person=8,
        department="housing",
        extension="requested",
    ),
    "overdue": Story(
        "handling",
        "老旧小区改造后雨水管没有接好，一下雨单元门口就积水。",
        "housing",
        gaps=(1, 1, 2, 3),
        last=21,
        person=9,
        department="housing",
        overdue=3,
    ),
    "escalated": Story(
        "handling",
        "小区旁工地夜间施工噪声扰民，多次反映无果。",
        "environment",
        gaps=(1, 1, 1, 2),
        last=28,
        person=10,
        department="urban",
        deputy=1,
        overdue=9,
    ),
    "returned": Story(
        "handling",
        "5号楼电梯经常停运，老人上下楼困难。",
        "housing",
        gaps=(1, 1, 2, 1, 1, 1),
        last=1,
        person=11,
        department="housing",
        returned_by="urban",
    ),
    "replied": Story(
        "replied",
        "小区内路面塌陷出一个坑，电动车容易摔倒。",
        "housing",
        gaps=(1, 1, 1, 3, 4),
        last=1,
        person=12,
        department="housing",
        reply="已安排施工队对塌陷路面进行了回填硬化。",
    ),
    "answered": Story(
        "answered",
        "楼道声控灯坏了，晚上上下楼看不见。",
        "housing",
        gaps=(1, 1, 1, 2, 3, 1),
        last=2,
        person=0,
        account="resident1",
        department="housing",
        reply="物业已更换全部楼层的声控灯。",
        answer="经住建局督促，物业已更换楼道声控灯，请您查看是否正常。",
    ),
    "answered_suggestion": Story(
        "answered",
        "建议在社区设置旧衣物回收箱。",
        "environment",
        kind=S,
        gaps=(1, 1),
        last=3,
        person=13,
        on_spot=True,
        answer="代表与社区商定，本月在各小区门口设置旧衣物回收箱。",
    ),
    "reopened": Story(
        "reopened",
        "单元楼下的化粪池经常外溢，气味难闻。",
        "environment",
        gaps=(1, 1, 1, 2, 6, 2, 3),
        last=2,
        person=14,
        department="urban",
        reply="已安排清掏化粪池。",
        answer="城管局已清掏化粪池。",
        rating=Rating.NOT_SATISFIED,
        comment="只清掏了一次，没过几天又外溢了，根本问题没解决。",
    ),
    "closed": Story(
        "closed",
        "12号院想加装电梯，低层住户有顾虑，希望帮忙协调。",
        "housing",
        title="12号院加装电梯协调",
        gaps=(2, 1, 2, 3, 7, 10, 3, 2, 3),
        last=20,
        person=1,
        department="housing",
        reply="经三方协调，低层住户同意加装方案，电梯已开工建设。",
        answer="加装电梯已开工，预计两个月后投入使用。",
        comment="感谢代表和住建局。",
        meeting=(
            "12号院高层和低层住户代表8人",
            "住户、代表和住建局三方商定：调整电梯位置，减少对低层采光的影响；住建局协助申请补贴。",
        ),
        summary="千峰街道某小区居民希望加装电梯，低层住户有顾虑。联络站组织居民、代表和住建局三方协商，"
        "调整方案后电梯已开工建设。",
    ),
    "closed_partly": Story(
        "closed",
        "小区门口早市占道经营，车辆进出困难。",
        "environment",
        gaps=(1, 1, 2, 2, 8, 2),
        last=70,
        person=2,
        department="urban",
        reply="已规范早市经营时间和范围。",
        answer="城管局已划定早市经营区域，7点半前收市。",
        rating=Rating.PARTLY,
        comment="好多了，但周末还是有点乱。",
    ),
    "unrated": Story(
        "unrated",
        "社区门口的路灯一直不亮。",
        "roads",
        gaps=(1, 2),
        last=25,
        person=3,
        deputy=1,
        on_spot=True,
        answer="已联系路灯管理所修复。",
    ),
    "declined": Story(
        "declined",
        "我和邻居的房屋买卖合同纠纷，法院已经判了，我不服，请人大改判。",
        "disputes",
        gaps=(2,),
        last=18,
        person=4,
        answer="该事项已进入司法程序，人大不能改变法院判决；可依法申请再审，或到司法所咨询法律援助。",
    ),
    "withdrawn": Story(
        "withdrawn",
        "小区停车收费标准突然上涨，想问问是否合规。",
        "market",
        gaps=(1,),
        last=12,
        person=5,
        comment="物业已经解释清楚了，撤回。",
    ),
}

# Ten more suggestions of the past year: with the three above, 千峰's thirteen [seed 000].
_SUGGESTIONS = (
    ("建议在千峰南路与兴华街交叉口增设红绿灯，早晚高峰太拥堵。", "roads", "urban", 25, Rating.SATISFIED),
    ("建议为老旧小区加装楼道扶手，方便老年人上下楼。", "housing", "housing", 45, Rating.SATISFIED),
    ("建议社区开设四点半课堂，解决双职工家庭接孩子难。", "education", "", 70, ""),
    ("建议在小区增设电动车集中充电桩，杜绝飞线充电。", "safety", "housing", 100, Rating.PARTLY),
    ("建议千峰公园增加公共厕所。", "environment", "urban", 130, Rating.SATISFIED),
    ("建议社区卫生服务站延长周末开放时间。", "health", "", 160, Rating.SATISFIED),
    ("建议对背街小巷的破损路面进行集中整修。", "roads", "urban", 200, Rating.SATISFIED),
    ("建议在社区设置垃圾分类督导员。", "environment", "urban", 240, ""),
    ("建议为独居老人安装紧急呼叫装置。", "elderly", "", 280, Rating.SATISFIED),
    ("建议在学校周边设置护学岗，保障上下学安全。", "education", "", 320, Rating.SATISFIED),
)
for _n, (_text, _category, _dept, _age, _rating) in enumerate(_SUGGESTIONS):
    QIANFENG_STORIES[f"suggestion_{_n}"] = Story(
        "closed" if _rating else "unrated",
        _text,
        _category,
        kind=S,
        gaps=(1, 2, 3, 5, 6, 3) if _dept else (1, 3),
        last=_age,
        person=(_n + 3) % 15,
        channel=(Channel.ONLINE, Channel.LETTER, Channel.VISIT, Channel.PHONE)[_n % 4],
        station=_n % 5,
        deputy=_n % 3,
        department=_dept,
        on_spot=not _dept,
        reply="已采纳建议，列入本年度工作计划并组织实施。",
        answer="您的建议已被采纳并落实，感谢您的关心和支持。",
        rating=_rating or Rating.SATISFIED,
        summary="居民建议已被采纳并落实。" if _n == 1 else "",
    )

YINING_STORIES: dict[str, Story] = {
    "new": Story("submitted", "良瑞社区后面的村道坑洼不平，雨天积水。", "roads", person=0, account="resident2"),
    "accepted": Story(
        "accepted", "濂溪社区自来水水压低，高层用水困难。", "utilities", gaps=(1,), last=2, person=1, station=1
    ),
    "assigned": Story(
        "assigned", "姜渡社区河边护栏损坏，孩子玩耍不安全。", "safety", gaps=(1, 1), last=1, person=2, station=2
    ),
    "referred": Story(
        "referred", "良瑞社区路口缺少减速带，车速太快。", "roads", gaps=(1, 1), last=1, person=3, department="roads"
    ),
    "followed": Story(
        "handling",
        "义宁镇老街房屋年久失修，墙体开裂。",
        "housing",
        gaps=(1, 1, 1),
        last=2,
        person=4,
        department="housing",
    ),
    "duplicate": Story("accepted", "老街有房子墙裂了，担心倒塌。", "housing", gaps=(1,), person=5, deputy=None),
    "extension": Story(
        "handling",
        "通往濂溪社区的桥面破损，需要维修。",
        "roads",
        gaps=(1, 1, 2, 4, 2),
        last=3,
        person=6,
        station=1,
        department="roads",
        extension="approved",
    ),
    "escalated": Story(
        "handling",
        "村道塌方一个多月没人修，绕路要多走半小时。",
        "rural",
        gaps=(1, 1, 1, 2),
        last=35,
        person=7,
        department="roads",
        overdue=11,
    ),
    "overdue": Story(
        "referred",
        "镇卫生院门口的道路破损，救护车进出颠簸。",
        "roads",
        gaps=(1, 1, 2),
        last=14,
        person=15,
        department="roads",
        overdue=1,
    ),
    "replied": Story(
        "replied",
        "安置小区屋顶漏雨。",
        "housing",
        gaps=(1, 1, 1, 3, 5),
        last=1,
        person=8,
        department="housing",
        reply="已对屋面防水层进行了修补。",
    ),
    "answered": Story(
        "answered",
        "学校门口的斑马线模糊不清。",
        "roads",
        gaps=(1, 1, 1, 2, 3, 1),
        last=2,
        person=9,
        department="roads",
        reply="已重新施划斑马线。",
        answer="交通运输局已重新施划斑马线，并增设了提示牌。",
    ),
    "reopened": Story(
        "reopened",
        "集镇排水沟堵塞，下雨就漫到路上。",
        "rural",
        gaps=(1, 1, 1, 2, 5, 2, 2),
        last=2,
        person=10,
        department="roads",
        reply="已清理排水沟。",
        answer="排水沟已清理。",
        rating=Rating.NOT_SATISFIED,
        comment="只清了一段，下游还是堵的。",
    ),
    "closed": Story(
        "closed",
        "姜渡社区到集镇的路灯不亮。",
        "roads",
        gaps=(1, 1, 1, 2, 6, 2, 2),
        last=40,
        person=11,
        station=2,
        department="roads",
        reply="已修复路灯12盏。",
        answer="路灯已全部修复。",
        comment="晚上走路亮堂了。",
        summary="姜渡社区居民反映路灯不亮，县交通运输局已修复路灯12盏。",
    ),
    "unrated": Story(
        "unrated",
        "希望社区增设老年人休息座椅。",
        "elderly",
        kind=S,
        gaps=(1, 2),
        last=30,
        person=12,
        on_spot=True,
        answer="社区已在广场增设休息座椅10张。",
    ),
    "declined": Story(
        "declined",
        "请帮我追讨朋友欠我的钱。",
        "disputes",
        gaps=(1,),
        last=10,
        person=13,
        answer="个人借贷属于民事纠纷，请通过人民调解或诉讼解决，可到镇司法所咨询。",
    ),
    "withdrawn": Story(
        "withdrawn", "反映邻居占用公共楼道。", "disputes", gaps=(1,), last=8, person=14, comment="已经协商解决了。"
    ),
}


__all__ = ["QIANFENG_RESIDENTS_RECEIVED", "QIANFENG_SUGGESTIONS", "age_case", "load_cases_demo"]
