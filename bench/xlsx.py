"""The .xlsx scenarios of `make bench`: the 100,000-deputy import and export, and their baselines.

Baselines, measured on the same rows:
    R0  one openpyxl read-only pass over the import file (values only);
    W0  a raw insert of the same deputies (COPY on PostgreSQL, executemany on SQLite), rolled back;
    X0  an xlsxwriter `constant_memory` write of the same rows (this writes the import file).
Scenarios, each a real job (`liaison.exchange.services.run_job`) in a child process, so that its
peak memory is its own (VmHWM):
    import  the commit job of a checked file: read, validate, write 100,000 deputies, all or nothing;
    export  the full-data export of the county office that owns them, ÷ (X0 of the export's rows +
            the time to query those rows).
The imported deputies belong to a term of their own (BENCH_IMPORT_TERM) and are deleted afterwards.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
IMPORT_TERM_NUMBER = 91
IMPORTER = "bench_county"
IMPORT_ROWS = 100_000
WORKBOOK_OPTIONS = {"constant_memory": True, "strings_to_formulas": False, "strings_to_numbers": False}


@dataclass
class Setup:
    county_code: str
    term_id: int
    rows: int


def prepare(scale: float) -> Setup:
    """The county, its office admin and an empty term for the imported deputies."""
    from django.db import transaction

    from bench.data import PROVINCE_CODE, scaled
    from liaison.accounts.choices import Role
    from liaison.accounts.models import RoleGrant, User
    from liaison.core.clock import today
    from liaison.deputies.models import Assignment, Deputy, Term
    from liaison.organization.choices import CongressLevel, RegionTier
    from liaison.organization.models import Region, subtree_q

    province = Region.objects.get(code=PROVINCE_CODE)
    county = Region.objects.filter(subtree_q("", [province.path]), tier=RegionTier.COUNTY).order_by("code").first()
    assert county is not None
    with transaction.atomic():
        user, _ = User.objects.get_or_create(username=IMPORTER, defaults={"display_name": "基准县级管理员"})
        if not RoleGrant.objects.active().filter(user=user, role=Role.OFFICE_ADMIN, region=county).exists():
            RoleGrant.objects.create(user=user, role=Role.OFFICE_ADMIN, region=county)
        term, _ = Term.objects.get_or_create(
            region=county, level=CongressLevel.COUNTY, number=IMPORT_TERM_NUMBER, defaults={"start": today()}
        )
        Assignment.objects.filter(deputy__term=term).delete()
        Deputy.objects.filter(term=term).delete()
    return Setup(county_code=county.code, term_id=term.pk, rows=scaled(IMPORT_ROWS, scale))


def cleanup(setup: Setup) -> None:
    from django.db import transaction

    from liaison.deputies.models import Assignment, Deputy

    with transaction.atomic():
        Assignment.objects.filter(deputy__term_id=setup.term_id).delete()
        Deputy.objects.filter(term_id=setup.term_id).delete()


def deputy_rows(setup: Setup) -> list[list[str]]:
    """The import file's deputy rows, as the exporter writes them (every cell text)."""
    from bench.data import GIVEN, SURNAMES
    from liaison.exchange import formats as f
    from liaison.organization.choices import CongressLevel

    level = f.label_of(CongressLevel.choices, CongressLevel.COUNTY)
    values = {
        f.TERM_REGION: setup.county_code,
        f.TERM_LEVEL: level,
        f.TERM_NUMBER: str(IMPORT_TERM_NUMBER),
        "在任": f.YES,
    }
    columns = f.COLUMNS[f.DEPUTIES]
    rows = []
    for i in range(setup.rows):
        values[f.CERTIFICATE] = f"I{i:07d}"
        values["姓名"] = SURNAMES[i % len(SURNAMES)] + GIVEN[(i // 20) % len(GIVEN)] + GIVEN[(i // 500) % len(GIVEN)]
        values["性别"] = "男" if i % 2 else "女"
        values["职业与单位"] = "基准导入单位职工"
        values["工作电话"] = f"137{i:08d}"
        values["公开联系电话"] = f"0351-7{i % 1_000_000:06d}" if i % 3 == 0 else ""
        rows.append([values.get(column, "") for column in columns])
    return rows


def write_rows(path: Path, sheets: dict[str, tuple[tuple[str, ...], list[list[str]]]]) -> float:
    """X0: xlsxwriter constant_memory, every cell a string; seconds."""
    import xlsxwriter

    started = time.perf_counter()
    workbook = xlsxwriter.Workbook(str(path), WORKBOOK_OPTIONS)
    for name, (headers, rows) in sheets.items():
        ws = workbook.add_worksheet(name)
        for col, header in enumerate(headers):
            ws.write_string(0, col, header)
        for r, row in enumerate(rows, start=1):
            for col, value in enumerate(row):
                if value:
                    ws.write_string(r, col, value)
    workbook.close()
    return time.perf_counter() - started


def read_pass(path: Path) -> float:
    """R0: one openpyxl read-only pass over every row's values; seconds."""
    from openpyxl import load_workbook

    started = time.perf_counter()
    wb = load_workbook(path, read_only=True)
    for ws in wb.worksheets:
        for _row in ws.iter_rows(values_only=True):
            pass
    wb.close()
    return time.perf_counter() - started


def raw_insert(setup: Setup, rows: list[list[str]]) -> float:
    """W0: the same deputies inserted raw (COPY / executemany) in a transaction rolled back; seconds."""
    from django.db import connection, transaction
    from django.utils import timezone

    from liaison.deputies.models import Deputy

    fields = [f for f in Deputy._meta.concrete_fields if not f.primary_key]
    now = timezone.now()
    records = []
    for i, row in enumerate(rows):
        deputy = Deputy(
            term_id=setup.term_id,
            certificate_no=f"I{i:07d}",
            name=row[4],
            name_pinyin="",
            gender="male" if i % 2 else "female",
            level="county",
            occupation=row[10],
            work_phone=row[11],
            public_phone=row[12],
            created_at=now,
            updated_at=now,
        )
        records.append(tuple(f.get_db_prep_save(getattr(deputy, f.attname), connection) for f in fields))
    table = connection.ops.quote_name(Deputy._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    with transaction.atomic():
        with connection.cursor() as cursor:
            started = time.perf_counter()
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for record in records:
                        copy.write_row(record)
            else:
                marks = ", ".join(["%s"] * len(fields))
                cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", records)  # noqa: S608
            seconds = time.perf_counter() - started
        transaction.set_rollback(True)
    return seconds


def export_baseline(path: Path) -> tuple[float, float, int]:
    """(query seconds, X0 seconds, rows) for the export of IMPORTER's jurisdiction."""
    from liaison.accounts.jurisdiction import jurisdiction_for
    from liaison.accounts.models import User
    from liaison.exchange import exporters
    from liaison.exchange import formats as f

    actor = jurisdiction_for(User.objects.get(username=IMPORTER))
    started = time.perf_counter()
    fetched = [
        (name, list(qs.iterator(chunk_size=exporters.CHUNK)), to_row)
        for name, qs, to_row in exporters.export_sources(actor)
    ]
    query_seconds = time.perf_counter() - started
    sheets = {name: (f.COLUMNS[name], [to_row(obj) for obj in objs]) for name, objs, to_row in fetched}
    x0 = write_rows(path, sheets)
    return query_seconds, x0, sum(len(rows) for _h, rows in sheets.values())


# ---- the jobs, run in a child process --------------------------------------------------------


def peak_rss_mib() -> float:
    """This process's peak resident memory (VmHWM). Not ru_maxrss: Linux carries the parent's
    high-water mark across fork and exec, so a child would report the bench's own peak."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc/self/status")


def run_child(*args: str) -> dict[str, Any]:
    """`python -m bench.xlsx <args>` with the bench's settings; its JSON answer."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.bench"}
    out = subprocess.run(
        [sys.executable, "-m", "bench.xlsx", *args], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    ).stdout
    return dict(json.loads(out.strip().splitlines()[-1]))


def _child(argv: list[str]) -> dict[str, Any]:
    import django

    django.setup()
    from liaison.accounts.jurisdiction import jurisdiction_for
    from liaison.accounts.models import User
    from liaison.core.models import Job
    from liaison.exchange import services

    services._enqueue = lambda job: None  # the bench runs the job itself, now, in this process
    actor = jurisdiction_for(User.objects.get(username=IMPORTER))
    command = argv[0]
    if command == "check":
        path = Path(argv[1])
        with path.open("rb") as fh:
            job = services.import_start(actor=actor, chunks=iter(lambda: fh.read(1 << 20), b""), filename=path.name)
        services.run_job(job.pk)
        job.refresh_from_db()
        return {"job": job.pk, "status": job.status, "issues": job.report.get("issue_count", 0)}
    if command == "commit":
        job = services.import_commit(actor=actor, job=Job.objects.get(pk=int(argv[1])))
    elif command == "export":
        job = services.export_start(actor=actor)
    else:
        raise SystemExit(f"unknown command {command}")
    started = time.perf_counter()
    services.run_job(job.pk)
    seconds = time.perf_counter() - started
    job.refresh_from_db()
    peak_mib = peak_rss_mib()
    return {"job": job.pk, "status": job.status, "seconds": seconds, "peak_mib": peak_mib, "report": job.report}


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    print(json.dumps(_child(sys.argv[1:]), ensure_ascii=False, default=str))
