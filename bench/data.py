"""The benchmark data set: the demo network plus a province-sized network, written set-based.

Province-sized at BENCH_SCALE=1: 20,000 stations in Shanxi's counties and 150,000 county-level
deputies, each with one current assignment. Rows are built in memory and written with
bulk_create in batches of BATCH (no per-row save); one transaction. Generated once: a term
with number BENCH_TERM_NUMBER in the province marks the data as present.

Then 2,000,000 cases with their events and referrals, set-based (bench/casedata.py); generated
once, marked by the tracking code of bench case 0.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass

from django.db import transaction

from bench import casedata
from liaison.core.clock import today
from liaison.demo.builder import load_demo
from liaison.deputies.models import Assignment, Deputy, Term
from liaison.organization.choices import CongressLevel, RegionTier
from liaison.organization.models import Region, subtree_q
from liaison.stations.choices import StationKind
from liaison.stations.models import Station

PROVINCE_CODE = "140000"  # Shanxi, the demo's province
BENCH_TERM_NUMBER = 90
STATIONS = 20_000
DEPUTIES = 150_000
BATCH = 5_000
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂"


@dataclass
class DataReport:
    generated: bool
    seconds: float
    stations: int
    deputies: int
    assignments: int
    cases: int = 0
    events: int = 0


def scaled(n: int, scale: float) -> int:
    return max(100, int(n * scale))


def bench_terms() -> list[Term]:
    return list(Term.objects.filter(number=BENCH_TERM_NUMBER, level=CongressLevel.COUNTY))


def ensure_data(scale: float) -> DataReport:
    """Load the demo network and generate the province network unless already present."""
    started = time.monotonic()
    load_demo()
    generated = False
    if not bench_terms():
        generate(scale)
        analyze()
        generated = True
    if not casedata.present():
        casedata.generate_cases(scale)
        analyze()
        generated = True
    terms = bench_terms()
    cases, events = casedata.count()
    return DataReport(
        cases=cases,
        events=events,
        generated=generated,
        seconds=time.monotonic() - started,
        stations=Station.objects.filter(name__startswith="基准").count(),
        deputies=Deputy.objects.filter(term__in=terms).count(),
        assignments=Assignment.objects.filter(deputy__term__in=terms).count(),
    )


def analyze() -> None:
    """Fresh planner statistics after the bulk load, as autovacuum (PostgreSQL) or `PRAGMA
    optimize` would give a live database: without them both planners ignore the partial index
    of the public station list and sort every station."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


@transaction.atomic
def generate(scale: float) -> None:
    n_stations, n_deputies = scaled(STATIONS, scale), scaled(DEPUTIES, scale)
    province = Region.objects.get(code=PROVINCE_CODE)
    counties = list(Region.objects.filter(subtree_q("", [province.path]), tier=RegionTier.COUNTY).order_by("code"))
    start = today() - dt.timedelta(days=400)
    terms = Term.objects.bulk_create(
        [Term(region=c, level=CongressLevel.COUNTY, number=BENCH_TERM_NUMBER, start=start) for c in counties]
    )
    if any(t.pk is None for t in terms):
        terms = list(Term.objects.filter(number=BENCH_TERM_NUMBER, region__in=counties).order_by("region__code"))

    stations: list[Station] = []
    for i in range(n_stations):
        county = counties[i % len(counties)]
        kind = StationKind.STATION if i % 4 else StationKind.HOME
        stations.append(
            Station(
                kind=kind,
                name=f"基准{county.name}第{i:05d}号{kind.label}",
                region=county,
                address=f"{county.name}基准路{i % 997 + 1}号",
                latitude=county.latitude,
                longitude=county.longitude,
                phone=f"0351-6{i:06d}",
                opening_hours="周一至周五 9:00-17:00",
                is_published=i % 50 != 0,
            )
        )
    Station.objects.bulk_create(stations, batch_size=BATCH)

    deputies: list[Deputy] = []
    for i in range(n_deputies):
        name = SURNAMES[i % len(SURNAMES)] + GIVEN[(i // 20) % len(GIVEN)] + GIVEN[(i // 500) % len(GIVEN)]
        deputies.append(
            Deputy(
                term=terms[i % len(terms)],
                certificate_no=f"B{i:07d}",
                name=name,
                name_pinyin=f"bench {i:06d}",
                gender="male" if i % 2 else "female",
                level=CongressLevel.COUNTY,
                occupation="基准单位职工",
                work_phone=f"139{i:08d}",
                public_phone=f"138{i:08d}" if i % 3 == 0 else "",
            )
        )
    Deputy.objects.bulk_create(deputies, batch_size=BATCH)
    if any(d.pk is None for d in deputies) or any(s.pk is None for s in stations):
        raise RuntimeError("bulk_create did not return ids (SQLite older than 3.35?)")

    Assignment.objects.bulk_create(
        [Assignment(deputy=dep, station=stations[(i * 7) % n_stations], start=start) for i, dep in enumerate(deputies)],
        batch_size=BATCH,
    )
