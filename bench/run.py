"""`make bench`: baselines and scenarios of PERFORMANCE.md, one line each (bench/README.md).

Runs granian (WSGI, one worker, core 0) with config.settings.bench against a dedicated database,
loads wrk from core 1 and prints `name  value  target  ok|FAIL`. Exits 1 when a bar is missed.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
VENV_BIN = Path(sys.executable).parent
SETTINGS = "config.settings.bench"
SETTINGS_BARE = "config.settings.bench_bare"
HOST = "127.0.0.1"
DURATION = int(os.environ.get("BENCH_DURATION", "10"))
SCALE = float(os.environ.get("BENCH_SCALE", "1"))
# BENCH_ONLY=load or BENCH_ONLY=xlsx runs one half (for working on it); the bars need both.
# BENCH_ONLY=data only loads the data set; BENCH_ONLY=case-export runs only the case export.
ONLY = os.environ.get("BENCH_ONLY", "")
# As deployed by `make run` (GRANIAN_THREADS in the Makefile), but one worker.
GRANIAN_ARGS = ["--interface", "wsgi", "--workers", "1", "--blocking-threads", "8", "--backpressure", "8"]
LOGIN_PASSWORD = "demo12345"  # noqa: S105 -- the public demo password; bench/post_token.lua sends it
NOT_YET = "dashboards, appraisal, archive"

failures: list[str] = []


def line(name: str, value: str, target: str = "", ok: bool | None = None) -> None:
    verdict = "" if ok is None else ("ok" if ok else "FAIL")
    if ok is False:
        failures.append(name)
    print(f"{name:<34} {value:<26} {target:<16} {verdict}".rstrip(), flush=True)


# ---- the database ------------------------------------------------------------------------------


def ensure_postgres_database(url: str) -> None:
    """Create the database of BENCH_DATABASE_URL if it does not exist (psql, createdb)."""
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if not re.fullmatch(r"[A-Za-z0-9_]+", name):
        raise SystemExit(f"bench: unexpected database name {name!r}")
    admin = urlunsplit(parts._replace(path="/postgres"))
    found = subprocess.run(
        ["psql", admin, "-tAc", f"SELECT 1 FROM pg_database WHERE datname = '{name}'"],  # noqa: S608 -- name checked above
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    if found != "1":
        subprocess.run(["psql", admin, "-qc", f'CREATE DATABASE "{name}"'], check=True)
        print(f"bench: created database {name}", flush=True)


def setup_django() -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = SETTINGS
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


# ---- baselines and query counts measured in-process ----------------------------------------------


@contextmanager
def pinned(core: int) -> Iterator[None]:
    before = os.sched_getaffinity(0)
    os.sched_setaffinity(0, {core})
    try:
        yield
    finally:
        os.sched_setaffinity(0, before)


def measure_h0() -> float:
    """H0: one Argon2 password verification, median of 20, on the server's core (seconds)."""
    from django.contrib.auth.hashers import check_password, make_password

    encoded = make_password(LOGIN_PASSWORD)
    times = []
    with pinned(0):
        check_password(LOGIN_PASSWORD, encoded)
        for _ in range(20):
            started = time.perf_counter()
            check_password(LOGIN_PASSWORD, encoded)
            times.append(time.perf_counter() - started)
    return statistics.median(times)


def prepare_accounts() -> dict[str, str]:
    """The login password of `admin`, and bearer tokens (created in the DB) for two personas:
    the system admin and an office admin of the whole province."""
    from django.utils import timezone

    from bench.data import PROVINCE_CODE
    from liaison.accounts.choices import Role
    from liaison.accounts.models import ApiToken, RoleGrant, User, hash_token
    from liaison.demo.builder import demo_set_passwords
    from liaison.organization.models import Region

    demo_set_passwords(password=LOGIN_PASSWORD)
    office, created = User.objects.get_or_create(username="bench_office", defaults={"display_name": "基准管理员"})
    if created or not RoleGrant.objects.active().filter(user=office, role=Role.OFFICE_ADMIN).exists():
        RoleGrant.objects.create(user=office, role=Role.OFFICE_ADMIN, region=Region.objects.get(code=PROVINCE_CODE))
    tokens = {}
    from bench.casebench import county_office

    for persona, username in (("admin", "admin"), ("office", "bench_office"), ("county", county_office())):
        raw = secrets.token_urlsafe(32)
        ApiToken.objects.create(
            user=User.objects.get(username=username),
            key_hash=hash_token(raw),
            expires_at=timezone.now() + timedelta(hours=1),
        )
        tokens[persona] = raw
    return tokens


def count_queries(path: str, token: str | None) -> tuple[int, int]:
    """(queries, items) of one in-process GET through the full stack."""
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(SERVER_NAME=HOST)
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    cache.clear()  # the cold path: a public list's total is otherwise reused (api/pagination.py)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path, headers=headers)
    if response.status_code != 200:
        raise RuntimeError(f"{path}: HTTP {response.status_code} {response.content[:200]!r}")
    return len(ctx.captured_queries), len(response.json().get("items", []))


def query_counts(tokens: dict[str, str]) -> None:
    cases: list[tuple[str, str | None]] = [
        ("/api/v1/stations", None),
        ("/api/v1/deputies", None),
        ("/api/v1/manage/stations", "admin"),
        ("/api/v1/manage/deputies", "admin"),
        ("/api/v1/manage/stations", "office"),
        ("/api/v1/manage/deputies", "office"),
        ("/api/v1/manage/cases", "county"),
    ]
    for path, persona in cases:
        token = tokens[persona] if persona else None
        auth = count_queries("/api/v1/auth/me", token)[0] if token else 0
        (q20, n20), (q100, n100) = (count_queries(f"{path}?limit={n}", token) for n in (20, 100))
        net20, net100 = q20 - auth, q100 - auth
        name = "queries " + path.removeprefix("/api/v1/") + (f" ({persona})" if persona else "")
        value = f"{net20}/{net100} (+{auth} auth)"
        short = n20 < 20 or n100 < 100
        line(name, value + (f" only {n100} items" if short else ""), "20=100, ≤6", net20 == net100 <= 6 and not short)


# ---- servers and wrk -----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    url: str
    proc: subprocess.Popen[bytes]

    def worker_rss_mib(self) -> float:
        """Resident memory of granian's worker processes (the server process's children)."""
        out = subprocess.run(
            ["ps", "--ppid", str(self.proc.pid), "-o", "rss="], check=True, capture_output=True, text=True
        ).stdout
        return sum(int(kib) for kib in out.split()) / 1024


@contextmanager
def server(settings_module: str) -> Iterator[Server]:
    """granian pinned to core 0 on a free loopback port; killed on exit, also on error."""
    port = free_port()
    cmd = ["taskset", "-c", "0", str(VENV_BIN / "granian"), *GRANIAN_ARGS]
    cmd += ["--host", HOST, "--port", str(port), "--log-level", "warning", "config.wsgi:application"]
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": settings_module}
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, start_new_session=True)
    base = f"http://{HOST}:{port}"
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback, never a proxy
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with opener.open(f"{base}/bench/hello", timeout=2) as response:
                    if response.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"granian ({settings_module}) did not start")
            time.sleep(0.2)
        yield Server(url=base, proc=proc)
    finally:
        stop(proc)


def stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is not None:
        return
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


@dataclass
class Load:
    rps: float
    p95_ms: float
    failed: int = 0  # non-2xx answers and socket errors (only with strict=False)


def wrk(
    url: str,
    *,
    connections: int = 16,
    duration: int = DURATION,
    script: str = "report.lua",
    args: tuple[str, ...] = (),
    strict: bool = True,
) -> Load:
    """taskset -c 1 wrk --latency -t1 -cN -dDs [-- args]; refuses a run with errors or non-2xx
    answers, unless strict=False, which counts them instead (Load.failed)."""
    if not url.startswith(f"http://{HOST}:"):
        raise ValueError("bench sends traffic to 127.0.0.1 only")
    cmd = ["taskset", "-c", "1", "wrk", "--latency", "-t1", f"-c{connections}", f"-d{duration}s", "--timeout", "10s"]
    cmd += ["-s", str(BENCH / script), url]
    if args:
        cmd += ["--", *args]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    failed = (int(bad.group(1)) if bad else 0) + (
        sum(int(n) for n in re.findall(r"\d+", errors.group(1))) if errors else 0
    )
    if strict and failed:
        raise RuntimeError(f"wrk {url}: failed requests\n{out}")
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p95 = int(re.search(r"P95_US (\d+)", out).group(1)) / 1000  # type: ignore[union-attr]
    return Load(rps=rps, p95_ms=p95, failed=failed)


def best_of_two(measure: Callable[[], Load], *, by_latency: bool = False) -> Load:
    runs = [measure(), measure()]
    return min(runs, key=lambda r: r.p95_ms) if by_latency else max(runs, key=lambda r: r.rps)


def warm(url: str, **kwargs: Any) -> None:
    wrk(url, duration=1, **kwargs)


MIXED_REQUESTS = 10_000
# Allocator noise between two rounds of the same requests; a leak grows with every request.
GROWTH_TOLERANCE = 0.05


def public_paths() -> list[str]:
    """The requests of the worker-memory mix: public pages and API reads of real objects."""
    from liaison.deputies.selectors import deputy_list_public
    from liaison.stations.selectors import station_list_public

    station = station_list_public(region_code=None, kind=None).first()
    deputy = deputy_list_public(region_code=None, station_id=None, level=None).first()
    if station is None or deputy is None:
        raise RuntimeError("bench data has no published station or deputy")
    return [
        "/",
        f"/stations/{station.pk}/",
        f"/deputies/{deputy.pk}/",
        "/api/v1/stations?limit=20",
        "/api/v1/deputies?limit=20",
        f"/api/v1/stations/{station.pk}",
        f"/api/v1/deputies/{deputy.pk}",
        "/api/v1/regions?parent_code=140000",
        "/bench/hello",
    ]


def mixed_requests(base: str, paths: list[str], count: int) -> None:
    """`count` GETs cycling through `paths` on one keep-alive connection, from core 1.

    Python rather than wrk: wrk always runs for its whole duration, and the count is what matters.
    """
    import http.client

    host, port = urlsplit(base).hostname, urlsplit(base).port
    if host != HOST:
        raise ValueError("bench sends traffic to 127.0.0.1 only")
    with pinned(1):
        connection = http.client.HTTPConnection(host, port, timeout=30)
        try:
            for i in range(count):
                connection.request("GET", paths[i % len(paths)])
                response = connection.getresponse()
                response.read()
                if response.status != 200:
                    raise RuntimeError(f"{paths[i % len(paths)]}: HTTP {response.status}")
        finally:
            connection.close()


def worker_memory(deployed: Server, bare_mib: float, paths: list[str]) -> None:
    """Worker RSS after 10,000 mixed requests ÷ a bare Django worker, then growth over 10,000 more."""
    mixed_requests(deployed.url, paths, MIXED_REQUESTS)
    first = deployed.worker_rss_mib()
    mixed_requests(deployed.url, paths, MIXED_REQUESTS)
    second = deployed.worker_rss_mib()
    ratio, growth = first / bare_mib, (second - first) / first
    line(
        "worker memory ÷ bare worker",
        f"{ratio:.2f} ({first:.0f} MiB ÷ {bare_mib:.0f})",
        "≤ 2",
        ratio <= 2,
    )
    line(
        "worker growth, next 10,000",
        f"{growth * 100:+.1f}% ({second:.0f} MiB)",
        f"≤ +{GROWTH_TOLERANCE * 100:.0f}%",
        growth <= GROWTH_TOLERANCE,
    )


def xlsx_scenarios() -> None:
    """R0, W0, X0, then the 100,000-deputy import and the export as real jobs (bench/xlsx.py)."""
    from django.db import connections

    from bench import xlsx
    from liaison.core.jobs import job_file
    from liaison.core.models import Job
    from liaison.exchange import formats

    setup = xlsx.prepare(SCALE)
    work = ROOT / "var" / "bench"
    work.mkdir(parents=True, exist_ok=True)
    source = work / "import-deputies.xlsx"
    try:
        rows = xlsx.deputy_rows(setup)
        x0 = xlsx.write_rows(source, {formats.DEPUTIES: (formats.COLUMNS[formats.DEPUTIES], rows)})
        r0 = xlsx.read_pass(source)
        w0 = xlsx.raw_insert(setup, rows)
        n = f"{len(rows):,}"
        line(f"R0 openpyxl read, {n} rows", f"{r0:.2f} s")
        line(f"W0 raw insert, {n} deputies", f"{w0:.2f} s ({len(rows) / w0:,.0f} rows/s)")
        line(f"X0 xlsxwriter write, {n} rows", f"{x0:.2f} s")
        connections.close_all()

        check = xlsx.run_child("check", str(source))
        if check["status"] != "succeeded" or check["issues"]:
            raise RuntimeError(f"the bench import file did not pass its check: {check}")
        commit = xlsx.run_child("commit", str(check["job"]))
        if commit["status"] != "succeeded":
            raise RuntimeError(f"the bench import failed: {commit}")
        ratio = commit["seconds"] / (r0 + w0)
        line(f"import {n} deputies ÷ (R0+W0)", f"{ratio:.2f} ({commit['seconds']:.1f} s)", "≤ 4", ratio <= 4)
        line("import peak memory", f"{commit['peak_mib']:.0f} MiB", "≤ 500 MB", commit["peak_mib"] <= 500)

        query, x0_export, exported = xlsx.export_baseline(work / "export-baseline.xlsx")
        connections.close_all()
        export = xlsx.run_child("export")
        if export["status"] != "succeeded":
            raise RuntimeError(f"the bench export failed: {export}")
        ratio = export["seconds"] / (x0_export + query)
        line(
            f"export {exported:,} rows ÷ (X0+query)",
            f"{ratio:.2f} ({export['seconds']:.1f} s; X0 {x0_export:.1f} s, query {query:.1f} s)",
            "≤ 1.5",
            ratio <= 1.5,
        )
        line("export peak memory", f"{export['peak_mib']:.0f} MiB", "≤ 300 MB", export["peak_mib"] <= 300)
    finally:
        xlsx.cleanup(setup)
        for job in Job.objects.filter(owner__username=xlsx.IMPORTER):
            for name in (job.input_name, job.result_name):
                if name:
                    job_file(name).unlink(missing_ok=True)
        Job.objects.filter(owner__username=xlsx.IMPORTER).delete()
        for leftover in ("import-deputies.xlsx", "export-baseline.xlsx"):
            (work / leftover).unlink(missing_ok=True)


# ---- cases (bench/casebench.py) -------------------------------------------------------------------


@dataclass
class TrackSetup:
    codes: Path  # existing tracking codes, one per line (bench/track.lua)
    station: int  # the station of every submission (bench/submit.lua)
    vendor: str


# PERFORMANCE.md: (req/s ÷ B0 at least, p95 ÷ L0 at most or None) per database.
TRACK_BARS = {"postgresql": (0.15, 6.0), "sqlite": (0.20, None)}
SUBMIT_BARS = {"postgresql": (0.08, 10.0), "sqlite": (0.10, None)}


def _rate_line(name: str, load: Load, b0: Load, bars: tuple[float, float | None]) -> None:
    floor, ceiling = bars
    ratio, latency = load.rps / b0.rps, load.p95_ms / b0.p95_ms
    line(name + " ÷ B0", f"{ratio:.2f} ({load.rps:.0f} req/s)", f"≥ {floor:.2f}", ratio >= floor)
    if ceiling is None:
        print(f"  ({name} p95 {load.p95_ms:.1f} ms = {latency:.1f} × L0)")
    else:
        line(name + " p95 ÷ L0", f"{latency:.1f} ({load.p95_ms:.1f} ms)", f"≤ {ceiling:g}", latency <= ceiling)


def case_load_scenarios(base: str, b0: Load, setup: TrackSetup) -> None:
    """The public case tracking lookup and the public case submission under wrk."""
    from django.db import connections

    from bench import casebench
    from bench.casedata import BENCH_SECRET

    track_url = f"{base}/api/v1/cases/track"
    track_args = (str(setup.codes), BENCH_SECRET)
    warm(track_url, script="track.lua", args=track_args)
    tracked = best_of_two(lambda: wrk(track_url, script="track.lua", args=track_args))
    _rate_line("case tracking lookup", tracked, b0, TRACK_BARS[setup.vendor])

    submit_url = f"{base}/api/v1/cases"

    def submit() -> Load:
        # A fresh key prefix per run: every request files a new case, never a replay.
        prefix = casebench.SUBMIT_KEY_PREFIX + secrets.token_hex(4)
        return wrk(submit_url, script="submit.lua", args=(str(setup.station), prefix), strict=False)

    try:
        submit()  # warm-up
        runs = [submit(), submit()]
    finally:
        connections.close_all()
        deleted = casebench.delete_submissions()
    submitted = max(runs, key=lambda r: r.rps)
    _rate_line("case submission", submitted, b0, SUBMIT_BARS[setup.vendor])
    failed = sum(r.failed for r in runs)
    line("case submission failures", f"{failed} non-2xx/errors", "0", failed == 0)
    print(f"  ({deleted:,} bench submissions deleted)")


def case_export_scenario() -> None:
    """The export of ~100,000 cases ÷ (X0 + the time to query them), and its peak memory."""
    from django.db import connections

    from bench import casebench

    work = ROOT / "var" / "bench"
    work.mkdir(parents=True, exist_ok=True)
    window = casebench.export_window(SCALE)
    baseline, exported = work / "case-export-baseline.xlsx", work / "case-export.xlsx"
    try:
        query, x0, rows = casebench.export_baseline(window, baseline)
        connections.close_all()
        line(f"X0 xlsxwriter write, {rows:,} cases", f"{x0:.2f} s (query {query:.2f} s)")
        result = casebench.run_export_child(window, exported)
        if result["rows"] != rows:
            raise RuntimeError(f"the case export wrote {result['rows']} rows, the baseline {rows}")
        ratio = result["seconds"] / (x0 + query)
        line(
            f"case export {rows:,} rows ÷ (X0+query)",
            f"{ratio:.2f} ({result['seconds']:.1f} s)",
            "≤ 1.5",
            ratio <= 1.5,
        )
        line("case export peak memory", f"{result['peak_mib']:.0f} MiB", "≤ 300 MB", result["peak_mib"] <= 300)
    finally:
        baseline.unlink(missing_ok=True)
        exported.unlink(missing_ok=True)


# ---- the run -------------------------------------------------------------------------------------


def load_scenarios() -> None:
    """Query counts in-process, then the baselines and scenarios under load (wrk), and worker memory."""
    from django.db import connections

    from bench import casebench

    tokens = prepare_accounts()
    mixed_paths = public_paths()
    h0 = measure_h0()
    with pinned(0):
        c0 = casebench.c0_seconds()
    track = TrackSetup(
        codes=ROOT / "var" / "bench" / "track-codes.txt",
        station=casebench.submit_station(),
        vendor=connections["default"].vendor,
    )
    track.codes.parent.mkdir(parents=True, exist_ok=True)
    sampled = casebench.write_track_codes(track.codes)
    print("-- query counts (in-process, test Client + CaptureQueriesContext; auth = GET /auth/me)")
    query_counts(tokens)
    connections.close_all()

    print(f"-- load: wrk -t1 -c16 -d{DURATION}s on core 1, granian 1 worker on core 0, best of two")
    load = os.getloadavg()[0]
    if load > 1.0:
        print(f"warning: load average {load:.1f} before the run: other processes share the cores, ratios are noisy")
    with server(SETTINGS_BARE) as bare_server, server(SETTINGS) as deployed:
        bare, base = bare_server.url, deployed.url
        # B0 and B0-bare alternate, so that both see the same machine.
        warm(f"{bare}/bench/hello")
        warm(f"{base}/bench/hello")
        runs = [wrk(f"{url}/bench/hello") for url in (bare, base, bare, base)]
        b0_bare, b0 = max(runs[0::2], key=lambda r: r.rps), max(runs[1::2], key=lambda r: r.rps)
        line("B0 hello, full middleware", f"{b0.rps:.0f} req/s")
        line("B0-bare hello, no middleware", f"{b0_bare.rps:.0f} req/s")
        line("L0 p95 of B0 at 16 connections", f"{b0.p95_ms:.2f} ms")
        line("H0 one Argon2 verification", f"{h0 * 1000:.1f} ms")
        line("C0 count(*) over cases", f"{c0 * 1000:.1f} ms")
        print(f"  ({sampled:,} tracking codes sampled for the lookup scenario)")
        line("middleware tax B0/B0-bare", f"{b0.rps / b0_bare.rps:.2f}", "≥ 0.45", b0.rps / b0_bare.rps >= 0.45)

        warm(f"{base}/bench/api/static")
        api = best_of_two(lambda: wrk(f"{base}/bench/api/static"))
        line(
            "API static object (ninja) ÷ B0",
            f"{api.rps / b0.rps:.2f} ({api.rps:.0f} req/s)",
            "≥ 0.60",
            api.rps / b0.rps >= 0.60,
        )

        stations_url = f"{base}/api/v1/stations?limit=20"
        warm(stations_url)
        st = best_of_two(lambda: wrk(stations_url))
        line(
            "station list, 20 items ÷ B0",
            f"{st.rps / b0.rps:.2f} ({st.rps:.0f} req/s)",
            "≥ 0.30",
            st.rps / b0.rps >= 0.30,
        )
        print(f"  (station list p95 {st.p95_ms:.1f} ms = {st.p95_ms / b0.p95_ms:.1f} × L0)")

        case_load_scenarios(base, b0, track)

        warm(f"{base}/api/v1/auth/token", connections=1, script="post_token.lua")
        login = best_of_two(
            lambda: wrk(f"{base}/api/v1/auth/token", connections=1, script="post_token.lua"), by_latency=True
        )
        ratio = login.p95_ms / (h0 * 1000)
        line("login p95 ÷ H0, 1 connection", f"{ratio:.2f} ({login.p95_ms:.1f} ms)", "≤ 1.5", ratio <= 1.5)

        worker_memory(deployed, bare_server.worker_rss_mib(), mixed_paths)


def main() -> int:
    if shutil.which("wrk") is None:
        raise SystemExit("bench needs Debian's wrk: apt-get install wrk (make bench installs it)")
    started = time.monotonic()
    pg_url = os.environ.get("BENCH_DATABASE_URL", "")
    if pg_url:
        ensure_postgres_database(pg_url)
    setup_django()
    from django.core.management import call_command
    from django.db import connection

    from bench.data import DEPUTIES, STATIONS, ensure_data, scaled

    call_command("migrate", "--noinput", verbosity=0)
    data = ensure_data(SCALE)
    database = f"{connection.vendor} {connection.settings_dict['NAME']}".replace(str(ROOT) + "/", "")
    print(f"database: {database}; BENCH_SCALE={SCALE:g} (full size: {STATIONS} stations, {DEPUTIES} deputies)")
    wanted = (scaled(STATIONS, SCALE), scaled(DEPUTIES, SCALE))
    if (data.stations, data.deputies) != wanted:
        print(f"note: existing data has another size than BENCH_SCALE asks for {wanted}; delete it to regenerate")
    verb = "generated" if data.generated else "present, reused"
    line(
        "data set",
        f"{data.seconds:.1f} s",
        verb,
    )
    print(f"  {data.stations} stations, {data.deputies} deputies, {data.assignments} assignments (+ demo network)")
    print(f"  {data.cases} cases, {data.events} case events")

    if ONLY in ("", "load"):
        load_scenarios()
    if ONLY in ("", "xlsx"):
        print("-- .xlsx import and export: jobs in a child process (bench/xlsx.py)")
        xlsx_scenarios()
    if ONLY in ("", "xlsx", "case-export"):
        print("-- case export: export_cases in a child process (bench/casebench.py)")
        case_export_scenario()

    print(f"not yet measurable: {NOT_YET}")
    print(f"bench finished in {time.monotonic() - started:.0f} s (data set: {data.seconds:.1f} s)")
    if failures:
        print(f"bars missed: {', '.join(failures)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
