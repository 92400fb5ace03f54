"""The case scenarios of `make bench` (PERFORMANCE.md), on the cases of bench/casedata.py.

C0          SELECT count(*) over the case table, on the server's core;
tracking    POST /api/v1/cases/track with random bench codes and their secret (bench/track.lua);
submission  POST /api/v1/cases with a new Idempotency-Key per request (bench/submit.lua); the
            cases it files are deleted afterwards;
list        the query count of GET /api/v1/manage/cases at 20 and 100 items, as the office
            admin of the county with the most cases (bench/run.py query_counts);
export      liaison.cases.exports.export_cases over ~100,000 cases in a child process (its
            peak memory is its own), ÷ (X0 of the same rows + the time to query them).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
COUNTY_OFFICE = "bench_case_office"  # office admin of the busiest bench county
EXPORTER = "bench_office"  # office admin of the whole province (bench/run.py prepare_accounts)
EXPORT_ROWS = 100_000
TRACK_SAMPLE = 10_000
SUBMIT_KEY_PREFIX = "bench-submit-"


def c0_seconds() -> float:
    """C0: SELECT count(*) over the case table, median of 3 after a warm-up (seconds)."""
    from django.db import connection

    times = []
    with connection.cursor() as cursor:
        for i in range(4):
            started = time.perf_counter()
            cursor.execute("SELECT count(*) FROM cases_case")
            cursor.fetchone()
            if i:
                times.append(time.perf_counter() - started)
    return statistics.median(times)


def county_office() -> str:
    """An office admin of the bench county holding the most stations (so the most cases)."""
    from django.db.models import Count

    from liaison.accounts.choices import Role
    from liaison.accounts.models import RoleGrant, User
    from liaison.organization.models import Region
    from liaison.stations.models import Station

    busiest = (
        Station.objects.filter(name__startswith="基准")
        .values("region_id")
        .annotate(n=Count("id"))
        .order_by("-n", "region_id")
        .first()
    )
    if busiest is None:
        raise RuntimeError("no bench stations")
    county = Region.objects.get(pk=busiest["region_id"])
    user, _ = User.objects.get_or_create(username=COUNTY_OFFICE, defaults={"display_name": "基准县级诉求管理员"})
    if not RoleGrant.objects.active().filter(user=user, role=Role.OFFICE_ADMIN, region=county).exists():
        RoleGrant.objects.create(user=user, role=Role.OFFICE_ADMIN, region=county)
    return COUNTY_OFFICE


def write_track_codes(path: Path) -> int:
    """Up to TRACK_SAMPLE tracking codes of existing bench cases, one per line (bench/track.lua)."""
    import random

    from bench.casedata import code_of, scaled_cases
    from liaison.cases.models import Case

    # The data set's real size, whatever BENCH_SCALE says now: bench cases are those past case 0.
    first = Case.objects.filter(tracking_code=code_of(0)).values_list("pk", flat=True).first()
    if first is None:
        raise RuntimeError("no bench cases")
    total = Case.objects.filter(pk__gte=first).count()
    rng = random.Random(7)
    wanted = [code_of(rng.randrange(min(total, scaled_cases(1.0)))) for _ in range(TRACK_SAMPLE)]
    found: list[str] = []
    for start in range(0, len(wanted), 2_000):
        chunk = wanted[start : start + 2_000]
        found += Case.objects.filter(tracking_code__in=chunk).values_list("tracking_code", flat=True)
    if not found:
        raise RuntimeError("none of the sampled bench codes exists")
    path.write_text("\n".join(found) + "\n")
    return len(found)


def submit_station() -> int:
    """A published bench station, the `station` of every bench submission."""
    from liaison.stations.models import Station

    station = Station.objects.filter(name__startswith="基准", is_published=True).order_by("pk").first()
    if station is None:
        raise RuntimeError("no published bench station")
    return int(station.pk)


def delete_submissions() -> int:
    """Delete the cases the submission scenario filed (found through their idempotency keys)."""
    from django.db import transaction

    from liaison.cases.models import Case, IdempotencyRecord

    records = IdempotencyRecord.objects.filter(scope="case_submit", key__startswith=SUBMIT_KEY_PREFIX)
    with transaction.atomic():
        ids = list(records.exclude(case=None).values_list("case_id", flat=True))
        records.delete()
        deleted = 0
        for start in range(0, len(ids), 1_000):
            deleted += Case.objects.filter(pk__in=ids[start : start + 1_000]).delete()[1].get("cases.Case", 0)
    return deleted


# ---- the export ---------------------------------------------------------------------------------


def export_window(scale: float) -> tuple[dt.date, dt.date]:
    """The most recent days whose bench cases number about EXPORT_ROWS (scaled)."""
    from bench.casedata import scaled_cases
    from bench.data import scaled
    from liaison.core.clock import today

    per_day = scaled_cases(scale) / 365
    days = max(1, round(scaled(EXPORT_ROWS, scale) / per_day))
    end = today()
    return end - dt.timedelta(days=days - 1), end


def _filters(window: tuple[dt.date, dt.date]) -> Any:
    from liaison.cases.selectors import CaseFilters

    return CaseFilters(date_from=window[0], date_to=window[1])


def _actor() -> Any:
    from liaison.accounts.jurisdiction import jurisdiction_for
    from liaison.accounts.models import User

    return jurisdiction_for(User.objects.get(username=EXPORTER))


def export_baseline(window: tuple[dt.date, dt.date], path: Path) -> tuple[float, float, int]:
    """(query seconds, X0 seconds, rows): the export's rows fetched as exports.py fetches them,
    then written with xlsxwriter constant_memory, every cell a string (bench/xlsx.py write_rows)."""
    from bench.xlsx import write_rows
    from liaison.cases import exports

    started = time.perf_counter()
    rows = list(
        exports.case_list(actor=_actor(), filters=_filters(window))
        .values(*exports.FIELDS)
        .iterator(chunk_size=exports.CHUNK)
    )
    query = time.perf_counter() - started
    labels, yes = exports._labels(), "是"
    cells = [exports._cells(row, labels, yes) for row in rows]
    headers = tuple(str(header) for header, _width in exports.COLUMNS)
    x0 = write_rows(path, {"诉求列表": (headers, cells)})
    return query, x0, len(rows)


def run_export_child(window: tuple[dt.date, dt.date], path: Path) -> dict[str, Any]:
    """`python -m bench.casebench export FROM TO PATH` with the bench's settings; its JSON answer."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.bench"}
    out = subprocess.run(
        [sys.executable, "-m", "bench.casebench", "export", window[0].isoformat(), window[1].isoformat(), str(path)],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return dict(json.loads(out.strip().splitlines()[-1]))


def _child(argv: list[str]) -> dict[str, Any]:
    import django

    django.setup()
    from bench.xlsx import peak_rss_mib
    from liaison.cases.exports import export_cases

    if argv[0] != "export":
        raise SystemExit(f"unknown command {argv[0]}")
    window = (dt.date.fromisoformat(argv[1]), dt.date.fromisoformat(argv[2]))
    actor, filters = _actor(), _filters(window)
    started = time.perf_counter()
    rows = export_cases(actor=actor, filters=filters, path=Path(argv[3]))
    seconds = time.perf_counter() - started
    return {"rows": rows, "seconds": seconds, "peak_mib": peak_rss_mib()}


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    print(json.dumps(_child(sys.argv[1:])))
