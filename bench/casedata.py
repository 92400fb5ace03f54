"""The benchmark's cases: 2,000,000 at BENCH_SCALE=1, with ~3.3 events each and their referrals.

Set-based: Python computes only what needs the project's keys (tracking code, secret HMAC, phone
HMAC) into a temporary table, written with COPY (PostgreSQL) or executemany in big batches
(SQLite); every other column, the events and the referrals come from INSERT … SELECT over that
table and small mapping tables (stations with their region and a deputy, categories, departments).

Every bench case has the secret BENCH_SECRET, and the tracking code `code_of(n)`: the real
format (codes._ALPHABET, "XXXX-XXXX-XX") spelt from a permutation of n, so codes look random
(lookups hit the whole unique index, not one end of it) yet are reproducible without the DB.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.db import connection, transaction

from liaison.cases import codes
from liaison.cases.choices import CaseStatus, EventKind
from liaison.cases.models import Case, CaseCategory, CaseEvent, Referral
from liaison.cases.privacy import NOTICE_VERSION
from liaison.organization.choices import RegionTier
from liaison.organization.models import Department, Region, subtree_q

CASES = 2_000_000
BENCH_SECRET = "314159"  # noqa: S105 -- the known secret of every bench case (bench/track.lua sends it)
BATCH = 50_000
ALPHABET = codes._ALPHABET
SPACE = len(ALPHABET) ** codes.CODE_LENGTH  # 31**10
# Coprime with 31: n -> n * MULTIPLIER + OFFSET mod 31**10 is a bijection, so codes never repeat.
MULTIPLIER = 2_654_435_761
OFFSET = 123_456_789_012
DEPARTMENT_NAMES = ("住房和城乡建设局", "城市管理局", "交通运输局", "民政局")

# Status by bucket (n * 37) % 100, cumulative upper bounds: a year's realistic mix.
STATUS_MIX = (
    (50, CaseStatus.CLOSED),
    (60, CaseStatus.ANSWERED),
    (70, CaseStatus.REFERRED),
    (74, CaseStatus.DEPARTMENT_REPLIED),
    (80, CaseStatus.ASSIGNED),
    (87, CaseStatus.ACCEPTED),
    (93, CaseStatus.SUBMITTED),
    (95, CaseStatus.REOPENED),
    (98, CaseStatus.DECLINED),
    (100, CaseStatus.WITHDRAWN),
)
S, E = CaseStatus, EventKind
# The timeline of a case in each status: (event kind, from status, to status), one hour apart.
EVENT_SCRIPTS: dict[str, tuple[tuple[str, str, str], ...]] = {
    S.SUBMITTED: ((E.SUBMITTED, "", S.SUBMITTED),),
    S.ACCEPTED: ((E.SUBMITTED, "", S.SUBMITTED), (E.ACCEPTED, S.SUBMITTED, S.ACCEPTED)),
    S.ASSIGNED: (
        (E.SUBMITTED, "", S.SUBMITTED),
        (E.ACCEPTED, S.SUBMITTED, S.ACCEPTED),
        (E.ASSIGNED, S.ACCEPTED, S.ASSIGNED),
    ),
    S.REFERRED: (
        (E.SUBMITTED, "", S.SUBMITTED),
        (E.ACCEPTED, S.SUBMITTED, S.ACCEPTED),
        (E.REFERRED, S.ACCEPTED, S.REFERRED),
    ),
    S.DEPARTMENT_REPLIED: (
        (E.SUBMITTED, "", S.SUBMITTED),
        (E.ACCEPTED, S.SUBMITTED, S.ACCEPTED),
        (E.REFERRED, S.ACCEPTED, S.REFERRED),
        (E.DEPARTMENT_REPLIED, S.REFERRED, S.DEPARTMENT_REPLIED),
    ),
    S.ANSWERED: (
        (E.SUBMITTED, "", S.SUBMITTED),
        (E.ACCEPTED, S.SUBMITTED, S.ACCEPTED),
        (E.ANSWERED_ON_SPOT, S.ACCEPTED, S.ANSWERED),
    ),
    S.REOPENED: (
        (E.SUBMITTED, "", S.SUBMITTED),
        (E.ACCEPTED, S.SUBMITTED, S.ACCEPTED),
        (E.ANSWERED, S.ACCEPTED, S.ANSWERED),
        (E.REOPENED, S.ANSWERED, S.REOPENED),
    ),
    S.CLOSED: (
        (E.SUBMITTED, "", S.SUBMITTED),
        (E.ACCEPTED, S.SUBMITTED, S.ACCEPTED),
        (E.ANSWERED, S.ACCEPTED, S.ANSWERED),
        (E.CLOSED, S.ANSWERED, S.CLOSED),
    ),
    S.DECLINED: ((E.SUBMITTED, "", S.SUBMITTED), (E.DECLINED, S.SUBMITTED, S.DECLINED)),
    S.WITHDRAWN: ((E.SUBMITTED, "", S.SUBMITTED), (E.WITHDRAWN, S.SUBMITTED, S.WITHDRAWN)),
}
# (title, description): what residents of a county write about, cycled through.
TEMPLATES = (
    ("小区楼道灯坏了", "我们小区3号楼2单元楼道灯坏了半个月，晚上上下楼很不安全，希望尽快修好。"),
    ("老旧小区外墙脱落", "小区建于上世纪九十年代，外墙瓷砖多处脱落，下雨天更严重，担心砸到行人。"),
    ("路口红绿灯时间太短", "学校门口路口的行人绿灯只有15秒，老人和孩子过不去，建议延长。"),
    ("垃圾清运不及时", "村口垃圾点已经三天没有清运，天热有异味，请环卫部门按时清运。"),
    ("冬季供暖温度不达标", "家里暖气只有14度，多次联系供热公司没有解决，家里有老人孩子。"),
    ("希望加装电梯", "我们单元住的多是老人，爬六楼很困难，希望推动老旧小区加装电梯。"),
    ("夜间施工噪声扰民", "附近工地每天晚上十一点以后还在施工，严重影响休息。"),
    ("社区助餐点太远", "社区老年助餐点离我们楼很远，腿脚不好的老人去不了，希望增设送餐。"),
    ("电动车飞线充电隐患", "楼下有人从窗户拉线给电动车充电，存在火灾隐患，建议建设集中充电桩。"),
    ("农田灌溉渠堵塞", "村东灌溉渠淤塞，春灌放水过不去，影响几十亩麦田。"),
    ("欠薪问题求助", "在工地干了三个月的活，老板一直拖欠工资，希望帮忙讨薪。"),
    ("校园周边交通拥堵", "小学放学时校门口车辆乱停，孩子过马路很危险，建议设置接送区。"),
)
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂"


def code_of(n: int) -> str:
    """The tracking code of bench case n (0 ≤ n < 31**10): real alphabet and shape, never random."""
    value = (n * MULTIPLIER + OFFSET) % SPACE
    chars = []
    for _ in range(codes.CODE_LENGTH):
        value, digit = divmod(value, len(ALPHABET))
        chars.append(ALPHABET[digit])
    raw = "".join(chars)
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def scaled_cases(scale: float) -> int:
    return max(1_000, int(CASES * scale))


def present() -> bool:
    """Bench cases exist when case 0's tracking code does (it is written last, see generate)."""
    return Case.objects.filter(tracking_code=code_of(0)).exists()


def count() -> tuple[int, int]:
    """(bench cases, all case events): for the report."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM cases_case")
        cases = int(cursor.fetchone()[0])
        cursor.execute("SELECT count(*) FROM cases_caseevent")
        events = int(cursor.fetchone()[0])
    return cases, events


# ---- SQL fragments that differ between the two databases --------------------------------------


def _pg() -> bool:
    return connection.vendor == "postgresql"


def _ts(days: str, hours: str = "0", seconds: str = "0") -> str:
    """A timestamp `days` days before the generation, plus hours and seconds (UTC)."""
    if _pg():
        return f"(TIMESTAMPTZ '{_ANCHOR}+00' - ({days}) * INTERVAL '1 day' + ({hours}) * INTERVAL '1 hour' + ({seconds}) * INTERVAL '1 second')"
    return (
        f"strftime('%Y-%m-%d %H:%M:%f', '{_ANCHOR}', '-' || ({days}) || ' days', "
        f"'+' || ({hours}) || ' hours', '+' || ({seconds}) || ' seconds')"
    )


def _date(days: str) -> str:
    """The date `days` days after the generation day (negative: before)."""
    if _pg():
        return f"(DATE '{_ANCHOR[:10]}' + CAST({days} AS integer))"
    return f"date('{_ANCHOR[:10]}', ({days}) || ' days')"


_ANCHOR = ""  # the generation time, 'YYYY-MM-DD HH:MM:SS' UTC; set by generate()


def _copy(table: str, columns: tuple[str, ...], rows: Iterator[tuple[Any, ...]]) -> None:
    with connection.cursor() as cursor:
        if _pg():
            with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        marks = ", ".join(["%s"] * len(columns))
        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"  # noqa: S608 -- our own names
        batch: list[tuple[Any, ...]] = []
        for row in rows:
            batch.append(row)
            if len(batch) >= BATCH:
                cursor.executemany(sql, batch)
                batch.clear()
        if batch:
            cursor.executemany(sql, batch)


def _execute(sql: str) -> int:
    """Run our own SQL without parameters (so `%` stays the modulo operator); the row count."""
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return int(cursor.rowcount)


@contextmanager
def _indexes_rebuilt(*tables: str) -> Iterator[None]:
    """Drop the tables' secondary indexes, and build them again afterwards (in the caller's
    transaction): one sorted build per index is many times faster than 2 million insertions
    into a dozen B-trees and a trigram index. Indexes behind constraints (primary and unique
    keys) stay: the load checks them."""
    names = ", ".join(f"'{t}'" for t in tables)
    with connection.cursor() as cursor:
        if _pg():
            cursor.execute(
                "SELECT i.indexname, i.indexdef FROM pg_indexes i "  # noqa: S608 -- our own table names
                f"WHERE i.schemaname = current_schema() AND i.tablename IN ({names}) AND NOT EXISTS "
                "(SELECT 1 FROM pg_constraint c WHERE c.conindid = (quote_ident(i.indexname))::regclass)"
            )
        else:
            cursor.execute(
                "SELECT name, sql FROM sqlite_master "  # noqa: S608 -- our own table names
                f"WHERE type = 'index' AND tbl_name IN ({names}) AND sql IS NOT NULL"
            )
        indexes = list(cursor.fetchall())
        for name, _sql in indexes:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    yield
    started = time.monotonic()
    with connection.cursor() as cursor:
        if _pg():
            # The deferred foreign-key checks of the load now, so that the tables can be indexed.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for _name, sql in indexes:
            cursor.execute(sql)
    print(
        f"  bench cases: keys checked, {len(indexes)} indexes rebuilt in {time.monotonic() - started:.1f} s", flush=True
    )


def _keyed(purpose: str) -> Any:
    """codes._keyed with the key computed once (2 million calls)."""
    key = hashlib.sha256(f"liaison.cases.{purpose}:{settings.SECRET_KEY}".encode()).digest()
    base = hmac.new(key, digestmod=hashlib.sha256)

    def keyed(value: str) -> str:
        h = base.copy()
        h.update(value.encode())
        return h.hexdigest()

    return keyed


def _source_rows(n_cases: int) -> Iterator[tuple[Any, ...]]:
    secret_of, phone_of = _keyed("secret"), _keyed("phone")
    sample = code_of(1)
    if secret_of(f"{sample}:{BENCH_SECRET}") != codes.secret_hash(sample, BENCH_SECRET):
        raise RuntimeError("bench secret hashing drifted from liaison.cases.codes.secret_hash")
    if phone_of("13900000001") != codes.phone_hash("13900000001"):
        raise RuntimeError("bench phone hashing drifted from liaison.cases.codes.phone_hash")
    # Case 0 last: its code marks the data set as complete (present()).
    for n in [*range(1, n_cases), 0]:
        code = code_of(n)
        # 30 % anonymous; a mobile number normalises to itself, so its HMAC is taken directly.
        phone = "" if n % 10 < 3 else f"139{n:08d}"
        yield (n, code, secret_of(f"{code}:{BENCH_SECRET}"), phone, phone_of(phone) if phone else "")


def _check_columns(model: Any, columns: dict[str, str], skip: tuple[str, ...] = ()) -> None:
    """Every column of the model is written: a new NOT NULL column must not go unnoticed."""
    wanted = {f.column for f in model._meta.concrete_fields} - set(skip)
    if wanted != set(columns):
        raise RuntimeError(
            f"bench/casedata.py is out of date for {model._meta.db_table}: "
            f"missing {sorted(wanted - set(columns))}, unknown {sorted(set(columns) - wanted)}"
        )


def _insert_select(model: Any, columns: dict[str, str], source: str, skip: tuple[str, ...] = ()) -> int:
    _check_columns(model, columns, skip)
    table = model._meta.db_table
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    return _execute(f"INSERT INTO {table} ({names}) SELECT {', '.join(columns.values())} {source}")


def _mapping_tables(counties: list[Region]) -> int:
    """bench_st (k → station, region, path, deputy, department) and bench_cat (k → category)."""
    departments = []
    for county in counties:
        for name in DEPARTMENT_NAMES:
            departments.append(Department(region=county, name=f"基准{county.name}{name}", short_name=name))
    Department.objects.bulk_create(departments, batch_size=5_000, ignore_conflicts=True)
    _execute(
        "CREATE TEMP TABLE bench_dep (region_id bigint, j integer, department_id bigint, PRIMARY KEY (region_id, j))"
    )
    rows = Department.objects.filter(region__in=counties, name__startswith="基准").values_list(
        "region_id", "pk", "name"
    )
    _copy(
        "bench_dep",
        ("region_id", "j", "department_id"),
        (
            (region_id, next(j for j, n in enumerate(DEPARTMENT_NAMES) if name.endswith(n)), pk)
            for region_id, pk, name in rows
        ),
    )
    _execute(
        "CREATE TEMP TABLE bench_st (k integer PRIMARY KEY, station_id bigint, region_id bigint, "
        "region_path varchar(50), deputy_id bigint, department_id bigint)"
    )
    n_stations = _execute(
        """
        INSERT INTO bench_st (k, station_id, region_id, region_path, deputy_id, department_id)
        SELECT ROW_NUMBER() OVER (ORDER BY s.id) - 1, s.id, s.region_id, r.path,
               (SELECT min(a.deputy_id) FROM deputies_assignment a WHERE a.station_id = s.id),
               d.department_id
        FROM stations_station s
        JOIN organization_region r ON r.id = s.region_id
        JOIN bench_dep d ON d.region_id = s.region_id AND d.j = s.id % 4
        WHERE s.name LIKE '基准%' AND s.is_published
        """
    )
    if n_stations <= 0:
        raise RuntimeError("no bench stations: generate the station network first")
    cats = list(CaseCategory.objects.filter(is_active=True).order_by("sort_order", "code").values_list("pk", "name"))
    _execute("CREATE TEMP TABLE bench_cat (k integer PRIMARY KEY, category_id bigint)")
    _copy("bench_cat", ("k", "category_id"), ((k, pk) for k, (pk, _name) in enumerate(cats)))
    _execute("CREATE TEMP TABLE bench_tpl (k integer PRIMARY KEY, title varchar(100), description text)")
    _copy("bench_tpl", ("k", "title", "description"), ((k, t, d) for k, (t, d) in enumerate(TEMPLATES)))
    _execute(
        "CREATE TEMP TABLE bench_ev (status varchar(24), step integer, kind varchar(24), "
        "from_status varchar(24), to_status varchar(24), PRIMARY KEY (status, step))"
    )
    _copy(
        "bench_ev",
        ("status", "step", "kind", "from_status", "to_status"),
        (
            (str(status), step, str(kind), str(old), str(new))
            for status, script in EVENT_SCRIPTS.items()
            for step, (kind, old, new) in enumerate(script)
        ),
    )
    return len(cats)


def _status_case() -> str:
    parts = " ".join(f"WHEN b < {bound} THEN '{status}'" for bound, status in STATUS_MIX[:-1])
    return f"CASE {parts} ELSE '{STATUS_MIX[-1][1]}' END"


def _in(statuses: tuple[str, ...]) -> str:
    return "(" + ", ".join(f"'{s}'" for s in statuses) + ")"


def generate_cases(scale: float) -> int:
    """Write the bench cases, their events and referrals (one transaction); the number of cases."""
    global _ANCHOR
    from liaison.core.clock import now

    _ANCHOR = now().astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S")
    n_cases = scaled_cases(scale)
    province = Region.objects.get(code="140000")
    counties = list(Region.objects.filter(subtree_q("", [province.path]), tier=RegionTier.COUNTY).order_by("code"))
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT coalesce(max(id), 0) FROM cases_case")
            base = int(cursor.fetchone()[0]) + 1_000
            cursor.execute("SELECT coalesce(max(id), 0) FROM cases_referral")
            # Referral ids follow the case ids: the referral of case base + n is rbase + n.
            rbase = int(cursor.fetchone()[0]) + 1_000
        n_cats = _mapping_tables(counties)
        _execute(
            "CREATE TEMP TABLE bench_src (n bigint PRIMARY KEY, code varchar(16), secret_hash varchar(64), "
            "phone varchar(20), phone_hash varchar(64))"
        )
        started = time.monotonic()
        _copy("bench_src", ("n", "code", "secret_hash", "phone", "phone_hash"), _source_rows(n_cases))
        print(f"  bench cases: {n_cases:,} codes and HMACs in {time.monotonic() - started:.1f} s", flush=True)
        with _indexes_rebuilt("cases_case", "cases_caseevent", "cases_referral"):
            started = time.monotonic()
            cases = _insert_cases(base, n_cats)
            print(f"  bench cases: {cases:,} cases in {time.monotonic() - started:.1f} s", flush=True)
            started = time.monotonic()
            referrals = _insert_referrals(base, rbase)
            events = _insert_events(base, rbase)
            print(
                f"  bench cases: {referrals:,} referrals, {events:,} events in {time.monotonic() - started:.1f} s",
                flush=True,
            )
        if _pg():
            for table in ("cases_case", "cases_referral"):
                _execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")  # noqa: S608
        for table in ("bench_src", "bench_st", "bench_dep", "bench_cat", "bench_tpl", "bench_ev"):
            _execute(f"DROP TABLE {table}")
    return cases


OPEN_DEADLINE = _in((S.ACCEPTED, S.ASSIGNED, S.REFERRED, S.DEPARTMENT_REPLIED, S.REOPENED))
ANSWERED = _in((S.ANSWERED, S.REOPENED, S.CLOSED))
WITH_REFERRAL = _in((S.REFERRED, S.DEPARTMENT_REPLIED))


def _insert_cases(base: int, n_cats: int) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM bench_st")
        n_stations = int(cursor.fetchone()[0])
    # x: one row per case with its derived numbers (d: days ago, b: status bucket).
    source = f"""
    FROM (
        SELECT src.*, (src.n * 7919) % 365 AS d, (src.n * 13) % 86400 AS sec, {_status_case()} AS status
        FROM (SELECT s.*, (s.n * 37) % 100 AS b FROM bench_src s) src
    ) x
    JOIN bench_st st ON st.k = (x.n * 7) % {n_stations}
    JOIN bench_cat cat ON cat.k = x.n % {n_cats}
    JOIN bench_tpl tpl ON tpl.k = x.n % {len(TEMPLATES)}
    """  # noqa: S608 -- our own SQL, no input
    name = " || ".join(
        [
            f"substr('{SURNAMES}', CAST(1 + x.n % {len(SURNAMES)} AS integer), 1)",
            f"substr('{GIVEN}', CAST(1 + (x.n / 20) % {len(GIVEN)} AS integer), 1)",
        ]
    )
    not_started = _in((S.SUBMITTED, S.DECLINED, S.WITHDRAWN))
    columns = {
        "id": f"{base} + x.n",
        "created_at": _ts("x.d", "0", "x.sec"),
        "updated_at": _ts("x.d", "4", "x.sec"),
        "version": "1",
        "tracking_code": "x.code",
        "secret_hash": "x.secret_hash",
        "kind": "CASE WHEN x.n % 20 = 0 THEN 'suggestion' ELSE 'request' END",
        "channel": "CASE WHEN x.n % 20 < 10 THEN 'online' WHEN x.n % 20 < 14 THEN 'app' "
        "WHEN x.n % 20 < 17 THEN 'walk_in' WHEN x.n % 20 < 19 THEN 'phone' ELSE 'letter' END",
        "category_id": "cat.category_id",
        "title": "tpl.title",
        "description": "tpl.description",
        "address": "'基准路' || CAST(x.n % 997 + 1 AS varchar(8)) || '号'",
        "latitude": "NULL",
        "longitude": "NULL",
        "region_id": "st.region_id",
        "region_path": "st.region_path",
        "grid_id": "NULL",
        "station_id": "st.station_id",
        "deputy_id": f"CASE WHEN x.status NOT IN {_in((S.SUBMITTED, S.ACCEPTED, S.DECLINED, S.WITHDRAWN))} "
        "AND x.n % 3 = 0 THEN st.deputy_id END",
        "department_id": f"CASE WHEN x.status IN {WITH_REFERRAL} THEN st.department_id END",
        "status": "x.status",
        "due_date": f"CASE WHEN x.status IN {OPEN_DEADLINE} THEN {_date('15 - x.d')} END",
        "is_overdue": f"(x.status IN {OPEN_DEADLINE} AND x.d > 15)",
        "is_escalated": f"(x.status = '{S.REOPENED}' OR (x.status IN {OPEN_DEADLINE} AND x.d > 60))",
        "info_requested": "false",
        "answer": f"CASE WHEN x.status IN {ANSWERED} THEN '经联系有关部门，问题已安排处理，感谢您的反映。' ELSE '' END",
        "accepted_at": f"CASE WHEN x.status NOT IN {not_started} THEN {_ts('x.d', '1', 'x.sec')} END",
        "answered_at": f"CASE WHEN x.status IN {ANSWERED} THEN {_ts('x.d', '2', 'x.sec')} END",
        "closed_at": f"CASE WHEN x.status = '{S.CLOSED}' THEN {_ts('x.d', '3', 'x.sec')} END",
        "rating": f"CASE WHEN x.status = '{S.REOPENED}' THEN 'not_satisfied' WHEN x.status = '{S.CLOSED}' THEN "
        "(CASE WHEN x.n % 10 < 7 THEN 'satisfied' WHEN x.n % 10 < 9 THEN 'partly' ELSE 'unrated' END) ELSE '' END",
        "rating_comment": "''",
        "rated_at": f"CASE WHEN x.status IN {_in((S.REOPENED, S.CLOSED))} THEN {_ts('x.d', '3', 'x.sec')} END",
        "merged_into_id": "NULL",
        "resident_name": f"CASE WHEN x.phone = '' THEN '' ELSE {name} END",
        "resident_phone": "x.phone",
        "resident_phone_hash": "x.phone_hash",
        "resident_user_id": "NULL",
        "consent": "(x.phone <> '' AND x.n % 2 = 0)",
        "consent_at": f"CASE WHEN x.phone <> '' AND x.n % 2 = 0 THEN {_ts('x.d', '0', 'x.sec')} END",
        "notice_version": f"'{NOTICE_VERSION}'",
        "anonymised_at": "NULL",
        "is_published": "false",
        "public_summary": "''",
        "published_at": "NULL",
        "created_by_id": "NULL",
    }
    return _insert_select(Case, columns, source)


def _insert_referrals(base: int, rbase: int) -> int:
    """A referral for every case at a department, and for a third of the closed ones (replied)."""
    columns = {
        "id": f"c.id - {base} + {rbase}",
        "created_at": "c.accepted_at",
        "updated_at": "c.updated_at",
        "version": "1",
        "case_id": "c.id",
        "department_id": "st.department_id",
        "status": f"CASE c.status WHEN '{S.REFERRED}' THEN "
        "(CASE WHEN c.id % 2 = 0 THEN 'accepted' ELSE 'pending' END) ELSE 'replied' END",
        "instructions": "'请核实情况并按期答复。'",
        "due_date": f"coalesce(c.due_date, {_date('-30')})",
        "shares_personal_data": "c.consent",
        "referred_by_id": "NULL",
        "accepted_at": f"CASE WHEN c.status = '{S.REFERRED}' AND c.id % 2 = 1 THEN NULL ELSE c.updated_at END",
        "handled_by_id": "NULL",
        "replied_at": f"CASE WHEN c.status = '{S.REFERRED}' THEN NULL ELSE c.updated_at END",
        "reply": f"CASE WHEN c.status = '{S.REFERRED}' THEN '' ELSE '已现场核实并完成整改。' END",
        "return_reason": "''",
        "extension_status": "''",
        "extension_workdays": "0",
        "extension_reason": "''",
        "escalation_level": "CASE WHEN c.is_overdue THEN 1 ELSE 0 END",
    }
    source = f"""FROM cases_case c JOIN bench_st st ON st.station_id = c.station_id
    WHERE c.id >= {base} AND (c.status IN {WITH_REFERRAL} OR (c.status = '{S.CLOSED}' AND c.id % 3 = 0))"""
    return _insert_select(Referral, columns, source)


def _insert_events(base: int, rbase: int) -> int:
    """One event per step of the status's script, one hour apart after the case was filed."""
    columns = {
        "case_id": "c.id",
        "at": "c.created_at + ev.step * INTERVAL '1 hour'"
        if _pg()
        else "strftime('%Y-%m-%d %H:%M:%f', c.created_at, '+' || ev.step || ' hours')",
        "kind": "ev.kind",
        "actor_id": "NULL",
        "actor_label": "CASE WHEN ev.step = 0 THEN '群众' ELSE '基准联络站' END",
        "from_status": "ev.from_status",
        "to_status": "ev.to_status",
        "note": "''",
        "is_public": f"(ev.kind <> '{E.NOTE}')",
        # Only the scripts of referred and department_replied cases refer, and those all have one.
        "referral_id": f"CASE WHEN ev.kind IN {_in((E.REFERRED, E.DEPARTMENT_REPLIED))} "
        f"THEN c.id - {base} + {rbase} END",
        "data": "'{}'",
    }
    source = f"FROM cases_case c JOIN bench_ev ev ON ev.status = c.status WHERE c.id >= {base}"
    return _insert_select(CaseEvent, columns, source, skip=("id",))
