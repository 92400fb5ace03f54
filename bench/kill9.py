"""S21 kill -9 drill (SECURITY.md): public submissions under SIGKILL lose nothing and duplicate nothing.

    make kill9            (or: .venv/bin/python -m bench.kill9 [--submissions 1000] [--clients 8])

1. A throwaway PostgreSQL cluster: initdb in a temporary directory (as the `postgres` OS user
   when run as root, since initdb refuses root), its own free loopback port; the postmaster runs
   as this script's child.
2. Migrates the project against it and adds one published station (the submissions' station).
3. granian as `make bench` runs it (WSGI, config.settings.bench, so the rate limits are off),
   with --respawn-failed-workers.
4. SUBMISSIONS POSTs to /api/v1/cases, each with its own Idempotency-Key, from CLIENTS threads;
   a client retries the same key with the same body on connection errors, timeouts and 5xx
   until it gets 200 or 201 (any other answer is a failure).
5. Meanwhile a killer thread SIGKILLs, in turn, the granian worker (granian respawns it), one
   PostgreSQL backend (the postmaster then resets every session and recovers), and the whole
   cluster (postmaster and children; restarted with pg_ctl, crash recovery).
6. Then it checks: every acknowledged tracking code exists exactly once; the number of cases
   equals the number of distinct keys acknowledged; every key's idempotency record names the
   acknowledged case; every case has exactly one "submitted" event; and replaying a sample of
   keys answers 200 with the same tracking code. One verdict line; exit status 1 on failure.
The cluster, the server and the temporary directory are always removed, also on error.
Loopback only; not part of `make test`.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import pwd
import queue
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
HOST = "127.0.0.1"
DB_NAME = "liaison_kill9"
SETTINGS = "config.settings.bench"
GRANIAN_ARGS = ["--interface", "wsgi", "--workers", "1", "--blocking-threads", "8", "--backpressure", "8"]
CATEGORY = "housing"
REPLAY_SAMPLE = 200


def log(message: str) -> None:
    print(f"kill9: {message}", flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def pg_bin(name: str) -> str:
    """A PostgreSQL server program: on PATH, else Debian's /usr/lib/postgresql/<version>/bin."""
    found = shutil.which(name)
    if found:
        return found
    for candidate in sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), reverse=True):
        return str(candidate)
    raise SystemExit(f"kill9 needs PostgreSQL's {name} (apt-get install postgresql)")


# ---- the throwaway cluster -----------------------------------------------------------------------


@dataclass
class Cluster:
    root: Path
    port: int
    as_postgres: bool  # run the server programs as the postgres OS user (we are root)
    proc: subprocess.Popen[bytes] | None = None
    kills: int = 0
    backend_kills: int = 0

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def url(self) -> str:
        return f"postgres://postgres@{HOST}:{self.port}/{DB_NAME}"

    def as_user(self) -> dict[str, Any]:
        """Popen's arguments that run a program as the postgres OS user when we are root: our
        direct child (no runuser in between, which would stop itself with a stopped child)."""
        if not self.as_postgres:
            return {}
        account = pwd.getpwnam("postgres")
        return {"user": account.pw_uid, "group": account.pw_gid, "extra_groups": [], "env": {"PATH": os.defpath}}

    def run(self, *cmd: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return subprocess.run(list(cmd), check=check, capture_output=True, text=True, cwd=self.root, **self.as_user())

    def init(self) -> None:
        self.run(pg_bin("initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-locale")

    def start(self) -> None:
        """The postmaster as our own child, so that we reap it after a SIGKILL: a zombie keeps its
        pid, and PostgreSQL refuses to start while the pid in postmaster.pid looks alive (and a
        container's pid 1 need not reap orphans)."""
        cmd = [pg_bin("postgres"), "-D", str(self.data), "-p", str(self.port), "-k", str(self.root)]
        for setting in (
            f"listen_addresses={HOST}",
            "max_connections=60",
            "shared_buffers=64MB",
            "fsync=on",
            "synchronous_commit=on",
            "restart_after_crash=on",
        ):
            cmd += ["-c", setting]
        with (self.root / "server.log").open("ab") as out:
            self.proc = subprocess.Popen(cmd, cwd=self.root, stdout=out, stderr=subprocess.STDOUT, **self.as_user())
        self.wait_ready()

    def wait_ready(self) -> None:
        """Until PostgreSQL accepts connections (after a start, or a reset after a backend's death)."""
        assert self.proc is not None
        deadline = time.monotonic() + 120  # crash recovery included
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                tail = (self.root / "server.log").read_text(errors="replace").splitlines()[-6:]
                raise RuntimeError("PostgreSQL did not start: " + " | ".join(tail))
            ready = subprocess.run(
                [pg_bin("pg_isready"), "-q", "-h", HOST, "-p", str(self.port), "-U", "postgres"], check=False
            )
            if ready.returncode == 0:
                return
            time.sleep(0.1)
        raise RuntimeError("PostgreSQL did not become ready")

    def stop(self) -> None:
        """Immediate shutdown (SIGQUIT), then SIGKILL whatever is left."""
        main = self.postmaster_pid()
        if main is not None and alive(main):
            signal_pid(main, signal.SIGQUIT)
        if self.proc is not None:
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                if main is not None:
                    for pid in [*children(main), main]:
                        signal_pid(pid, signal.SIGKILL)
                self.proc.wait(timeout=30)

    def postmaster_pid(self) -> int | None:
        try:
            return int((self.data / "postmaster.pid").read_text().split()[0])
        except (FileNotFoundError, ValueError, IndexError):
            return None

    def kill_all(self) -> None:
        """SIGKILL the postmaster and every child, then start again (crash recovery). The
        postmaster is stopped first, so that no backend forked meanwhile outlives it."""
        main = self.postmaster_pid()
        if main is None or self.proc is None:
            return
        signal_pid(main, signal.SIGSTOP)
        pids = [*children(main), main]
        for pid in pids:
            signal_pid(pid, signal.SIGKILL)
        self.proc.wait(timeout=30)  # reaps the postmaster
        deadline = time.monotonic() + 30
        while any(alive(pid) for pid in pids) and time.monotonic() < deadline:
            time.sleep(0.05)
        self.kills += 1
        self.start()

    def kill_backend(self) -> bool:
        """SIGKILL one client backend: the postmaster resets all sessions and recovers by itself."""
        main = self.postmaster_pid()
        backends = [pid for pid in children(main) if f" {DB_NAME} " in cmdline(pid)] if main else []
        if not backends:
            return False
        signal_pid(random.choice(backends), signal.SIGKILL)
        self.backend_kills += 1
        return True


def children(pid: int) -> list[int]:
    out = subprocess.run(["ps", "--ppid", str(pid), "-o", "pid="], capture_output=True, text=True).stdout
    return [int(p) for p in out.split()]


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie is dead for our purpose.
    try:
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except OSError:
        return False


def signal_pid(pid: int, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, sig)


# ---- the project against it ----------------------------------------------------------------------


def project_env(cluster: Cluster) -> dict[str, str]:
    return {**os.environ, "DJANGO_SETTINGS_MODULE": SETTINGS, "BENCH_DATABASE_URL": cluster.url}


def prepare_database(cluster: Cluster) -> int:
    """Create and migrate the database; add a published station. Its id."""
    cluster.run(pg_bin("createdb"), "-h", HOST, "-p", str(cluster.port), "-U", "postgres", DB_NAME)
    env = project_env(cluster)
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)
    script = (
        "from liaison.organization.models import Region\n"
        "from liaison.stations.models import Station\n"
        "p = Region.objects.create(code='140000', name='山西省', tier='province')\n"
        "c = Region.objects.create(code='140100', name='太原市', tier='city', parent=p)\n"
        "d = Region.objects.create(code='140109', name='万柏林区', tier='county', parent=c)\n"
        "t = Region.objects.create(code='140109001', name='千峰街道', tier='township', parent=d)\n"
        "s = Station.objects.create(kind='station', name='千峰街道人大代表联络站', region=t, is_published=True)\n"
        "print(s.pk)\n"
    )
    out = subprocess.run(
        [*manage, "shell", "-c", script], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    )
    return int(out.stdout.strip().splitlines()[-1])


@dataclass
class Server:
    port: int
    env: dict[str, str]
    log: Path
    proc: subprocess.Popen[bytes] | None = None
    worker_kills: int = 0
    restarts: int = 0

    def start(self) -> None:
        cmd = ["taskset", "-c", "0", str(VENV_BIN / "granian"), *GRANIAN_ARGS, "--respawn-failed-workers"]
        cmd += ["--respawn-interval", "0.5", "--host", HOST, "--port", str(self.port), "--log-level", "error"]
        cmd += ["config.wsgi:application"]
        with self.log.open("ab") as out:  # the server's tracebacks during the storm: there, not here
            self.proc = subprocess.Popen(
                cmd, cwd=ROOT, env=self.env, start_new_session=True, stdout=out, stderr=subprocess.STDOUT
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("granian exited at start")
            try:
                status, _body = post(self.port, "/api/v1/cases/track", {"tracking_code": "x", "secret": "x"}, timeout=2)
                if status in (404, 422):
                    return
            except (OSError, http.client.HTTPException):
                pass
            time.sleep(0.2)
        raise RuntimeError("granian did not start")

    def kill_worker(self) -> None:
        """SIGKILL granian's worker; granian respawns it."""
        assert self.proc is not None
        for pid in children(self.proc.pid):
            signal_pid(pid, signal.SIGKILL)
            self.worker_kills += 1

    def supervise(self) -> None:
        """Start granian again when it gave up (it exits on a worker "crash loop"), as systemd
        would in production."""
        if self.proc is not None and self.proc.poll() is not None:
            self.restarts += 1
            self.start()

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()


# ---- the load ------------------------------------------------------------------------------------


def post(
    port: int, path: str, body: dict[str, Any], *, key: str = "", timeout: float = 15
) -> tuple[int, dict[str, Any]]:
    connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        headers = {"Content-Type": "application/json"}
        if key:
            headers["Idempotency-Key"] = key
        connection.request("POST", path, json.dumps(body, ensure_ascii=False).encode(), headers)
        response = connection.getresponse()
        raw = response.read()
        try:
            data = json.loads(raw) if raw else {}
        except ValueError:
            data = {}
        return response.status, data if isinstance(data, dict) else {}
    finally:
        connection.close()


def body_of(key: str, station: int) -> dict[str, Any]:
    """The same body for every try of a key (a different body under the same key is a 422)."""
    return {
        "category": CATEGORY,
        "description": f"S21 演练：楼道灯坏了，请尽快修好（{key}）",
        "station": station,
        "name": "张三",
        "phone": "13912345678",
        "consent": True,
    }


@dataclass
class Results:
    acked: dict[str, str] = field(default_factory=dict)  # key -> tracking code
    status: dict[str, int] = field(default_factory=dict)  # key -> the acknowledging status
    failures: list[str] = field(default_factory=list)
    retries: Counter[str] = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)


def client(
    port: int, station: int, keys: queue.Queue[str], results: Results, deadline: float, abort: threading.Event
) -> None:
    while not abort.is_set():
        try:
            key = keys.get_nowait()
        except queue.Empty:
            return
        body = body_of(key, station)
        while not abort.is_set():
            if time.monotonic() > deadline:
                with results.lock:
                    results.failures.append(f"{key}: no answer before the deadline")
                break
            try:
                status, data = post(port, "/api/v1/cases", body, key=key)
            except (OSError, http.client.HTTPException) as exc:
                with results.lock:
                    results.retries[type(exc).__name__] += 1
                time.sleep(0.2)
                continue
            if status >= 500:
                with results.lock:
                    results.retries[f"HTTP {status}"] += 1
                time.sleep(0.2)
                continue
            with results.lock:
                if status in (200, 201) and data.get("tracking_code"):
                    results.acked[key] = str(data["tracking_code"])
                    results.status[key] = status
                else:
                    results.failures.append(f"{key}: HTTP {status} {data}")
            break


def killer(cluster: Cluster, server: Server, stop: threading.Event, abort: threading.Event, errors: list[str]) -> None:
    """Every 0.5–1.5 s, in turn: one PostgreSQL backend, the granian worker, one backend, the
    whole cluster (granian, when it gave up after a "crash loop", is started again)."""
    actions = ("backend", "worker", "backend", "cluster")
    i = 0
    while not stop.wait(random.uniform(0.5, 1.5)):
        action = actions[i % len(actions)]
        i += 1
        try:
            server.supervise()
            if action == "worker":
                server.kill_worker()
            elif action == "backend":
                cluster.kill_backend()
            else:
                cluster.kill_all()
        except Exception as exc:
            errors.append(f"{action}: {exc!r}")
            log(f"the {action} kill failed, stopping the drill: {exc!r}")
            abort.set()
            return


# ---- the checks ----------------------------------------------------------------------------------


def check(cluster: Cluster, server: Server, station: int, results: Results, submissions: int) -> list[str]:
    import psycopg

    problems: list[str] = list(results.failures)
    with psycopg.connect(f"host={HOST} port={cluster.port} user=postgres dbname={DB_NAME}") as conn:
        rows = conn.execute("SELECT tracking_code, id FROM cases_case").fetchall()
        codes = Counter(code for code, _id in rows)
        records: dict[str, str | None] = dict(
            conn.execute(
                "SELECT r.key, c.tracking_code FROM cases_idempotencyrecord r "
                "LEFT JOIN cases_case c ON c.id = r.case_id WHERE r.scope = 'case_submit'"
            ).fetchall()
        )
        submitted = Counter(
            case_id
            for (case_id,) in conn.execute("SELECT case_id FROM cases_caseevent WHERE kind = 'submitted'").fetchall()
        )
    acked_codes = Counter(results.acked.values())
    lost = [key for key, code in results.acked.items() if codes[code] == 0]
    shared = [code for code, n in acked_codes.items() if n > 1]  # two keys answered with one case
    unacknowledged = [code for code in codes if code not in acked_codes]  # a case nobody was told of
    if len(results.acked) != submissions:
        problems.append(f"{submissions - len(results.acked)} keys never acknowledged")
    if lost:
        problems.append(f"{len(lost)} acknowledged cases missing, e.g. {lost[:3]}")
    if shared or unacknowledged:
        problems.append(f"duplicates: {len(shared)} shared codes, {len(unacknowledged)} unacknowledged cases")
    if len(rows) != len(results.acked):
        problems.append(f"{len(rows)} cases for {len(results.acked)} acknowledged keys")
    wrong_records = [key for key, code in results.acked.items() if records.get(key) != code]
    if wrong_records:
        problems.append(f"{len(wrong_records)} idempotency records missing or naming another case")
    events = [case_id for _code, case_id in rows if submitted[case_id] != 1]
    if events:
        problems.append(f"{len(events)} cases without exactly one 'submitted' event")
    # A retry after the storm answers the first case, not a new one.
    sample = random.sample(sorted(results.acked), min(REPLAY_SAMPLE, len(results.acked)))
    for key in sample:
        status, data = post(server.port, "/api/v1/cases", body_of(key, station), key=key)
        if status != 200 or data.get("tracking_code") != results.acked[key]:
            problems.append(f"replay of {key}: HTTP {status} {data.get('tracking_code')} != {results.acked[key]}")
            break
    return problems


# ---- the drill -----------------------------------------------------------------------------------


def drill(submissions: int, clients: int, limit: float) -> int:
    as_postgres = os.geteuid() == 0
    root = Path(tempfile.mkdtemp(prefix="liaison-kill9-"))
    cluster = Cluster(root=root, port=free_port(), as_postgres=as_postgres)
    server: Server | None = None
    started = time.monotonic()
    try:
        if as_postgres:
            shutil.chown(root, user="postgres")
        cluster.init()
        cluster.start()
        station = prepare_database(cluster)
        log(f"cluster on {HOST}:{cluster.port} ({root}), migrated in {time.monotonic() - started:.0f} s")
        server = Server(port=free_port(), env=project_env(cluster), log=root / "granian.log")
        server.start()

        results = Results()
        keys: queue.Queue[str] = queue.Queue()
        run = f"kill9-{int(time.time())}"
        for i in range(submissions):
            keys.put(f"{run}-{i:05d}")
        stop, abort = threading.Event(), threading.Event()
        errors: list[str] = []
        deadline = time.monotonic() + limit
        threads = [
            threading.Thread(target=client, args=(server.port, station, keys, results, deadline, abort), daemon=True)
            for _ in range(clients)
        ]
        kill_thread = threading.Thread(target=killer, args=(cluster, server, stop, abort, errors), daemon=True)
        load_started = time.monotonic()
        for thread in threads:
            thread.start()
        kill_thread.start()
        for thread in threads:
            thread.join()
        stop.set()
        kill_thread.join()
        load_seconds = time.monotonic() - load_started
        # Settle: the cluster up, the worker answering, before the checks.
        if cluster.proc is None or cluster.proc.poll() is not None:
            cluster.start()
        cluster.wait_ready()
        server.supervise()
        wait_ready(server)

        if abort.is_set():
            for problem in errors:
                log(f"problem: {problem}")
            print("S21 kill -9 drill: FAIL (the drill itself broke)", flush=True)
            return 1
        problems = errors + check(cluster, server, station, results, submissions)
        retries = sum(results.retries.values())
        replays = sum(1 for s in results.status.values() if s == 200)
        summary = (
            f"{submissions} submissions from {clients} clients in {load_seconds:.0f} s: "
            f"{len(results.acked)} acknowledged ({replays} as replays), "
            f"killed the worker {server.worker_kills}× (granian restarted {server.restarts}×), "
            f"a PostgreSQL backend {cluster.backend_kills}×, the whole cluster {cluster.kills}×; "
            f"{retries} retries ({dict(results.retries)})"
        )
        log(summary)
        if problems:
            for problem in problems[:20]:
                log(f"problem: {problem}")
            print("S21 kill -9 drill: FAIL", flush=True)
            return 1
        print(
            f"S21 kill -9 drill: ok — {len(results.acked)} acknowledged, {len(results.acked)} cases, "
            "0 lost, 0 duplicated",
            flush=True,
        )
        return 0
    finally:
        if server is not None:
            server.stop()
        cluster.stop()
        shutil.rmtree(root, ignore_errors=True)
        log(f"cleaned up ({time.monotonic() - started:.0f} s in all)")


def wait_ready(server: Server) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            status, _ = post(server.port, "/api/v1/cases/track", {"tracking_code": "x", "secret": "x"}, timeout=5)
            if status in (404, 422):
                return
        except (OSError, http.client.HTTPException):
            pass
        time.sleep(0.3)
    raise RuntimeError("the server did not come back after the drill")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submissions", type=int, default=1000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--limit", type=float, default=600, help="seconds before unanswered keys count as lost")
    args = parser.parse_args()
    return drill(args.submissions, args.clients, args.limit)


if __name__ == "__main__":
    sys.exit(main())
