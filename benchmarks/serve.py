"""Serving benchmark: the whole platform under a real load generator, on SQLite and PostgreSQL.

Run: ``make bench-serve`` (installs Debian's ``wrk`` when missing), or
``.venv/bin/python benchmarks/serve.py [--seconds 5] [--pg URL | --no-pg] [--keep]``.
Prints figures, one table per database; it is not a test and asserts nothing about speed.

For each database it loads one process (``serve_load.py``: the demo's, grown to 10^3 events with
10^2 caucus messages, then to 10^5 events with 10^4 caucus messages), starts the server as an
operator would, and measures every kind of request for ``--seconds`` with ``wrk`` at 8
connections (2 threads): requests per second, p50 and p99 latency, and each read's ratio to
``/healthz`` measured by the same server in the same run (``/healthz`` is measured before and
after the reads; the ratio is to their mean); and the peak resident memory of a worker process
under the load (``VmRSS`` from ``/proc``, sampled every 0.2 s). The targets of issue 9 are
printed beside the figures with whether each is met: every API read >= 0.5x /healthz, every
page >= 0.3x, p99 < 100 ms for reads at 10^5 events, >= 400 writes/s on PostgreSQL, and page
p50 at 10^5 events within 1.5x of 10^3.

* SQLite: ``goodoffices demo`` (1 worker, 4 threads), what a newcomer runs.
* PostgreSQL (when one answers): ``goodoffices serve`` with its defaults (2 workers, 8 threads)
  and production settings (a secret key, collected static files; only the HTTPS redirect is
  off, as behind a proxy that terminates TLS), on a scratch database that is dropped first.

Who asks: a mediator (API token and a signed-in web session, two-factor on, as the mandate
requires) reads; Stepanakert's head toggles its readiness; the mediator posts caucus messages and
proposals. E-mail goes to Django's dummy backend (sending mail is not the request's cost).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

import pyotp

HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
LUA = HERE / "serve.lua"
SIZES = [(1_000, 100), (100_000, 10_000)]
CONNECTIONS = 8
THREADS = 2
TARGETS = {"api": 0.5, "page": 0.3}
P99_LIMIT_MS = 100.0
WRITES_PER_SECOND = 400
PAGE_GROWTH = 1.5


@dataclass(frozen=True)
class Kind:
    group: str  # health, api, page or write
    label: str
    path: str
    auth: str = ""  # mediator (token), head (token), session (mediator's cookie) or nothing
    method: str = "GET"
    body: str = ""
    expect: int = 200
    toggle: tuple[str, ...] = ()


@dataclass(frozen=True)
class Figures:
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int


@dataclass
class Stage:
    """Everything measured at one size: figures per request kind, /healthz before and after
    the reads (req/s), and the workers' peak resident memory."""

    figures: dict[str, Figures]
    healthz_before: float
    healthz_after: float
    peak_rss_mib: float = 0.0


def kinds(state: dict[str, Any]) -> list[Kind]:
    p, party = state["process"], state["party"]
    starts = (datetime.now(UTC) + timedelta(days=90)).replace(hour=9, minute=0, second=0, microsecond=0)
    proposal = {
        "title": "Benchmark round",
        "format": "direct",
        "venue": "Vienna, Hofburg",
        "timezone": "Europe/Vienna",
        "slots": [{"starts_at": starts.isoformat(), "ends_at": (starts + timedelta(hours=3)).isoformat()}],
        "agenda": ["Humanitarian access"],
    }
    return [
        Kind("health", "GET /healthz", "/healthz"),
        Kind("api", "API process", f"/api/v1/processes/{p}", "mediator"),
        Kind("api", "API events", f"/api/v1/processes/{p}/events", "mediator"),
        Kind("api", "API proposals", f"/api/v1/processes/{p}/proposals", "mediator"),
        Kind("api", "API meetings", f"/api/v1/processes/{p}/meetings", "mediator"),
        Kind("api", "API caucus messages", f"/api/v1/processes/{p}/caucus/{party}/messages", "mediator"),
        Kind("api", "API register", "/api/v1/register/meetings"),
        Kind("page", "page process", f"/processes/{p}/", "session"),
        Kind("page", "page meetings", f"/processes/{p}/meetings/", "session"),
        Kind("page", "page activity", f"/processes/{p}/activity/", "session"),
        Kind("page", "page caucus", f"/processes/{p}/caucus/{party}/", "session"),
        Kind("page", "page register", "/register/", "session"),
        Kind(
            "write",
            "POST caucus message",
            f"/api/v1/processes/{p}/caucus/{party}/messages",
            "mediator",
            "POST",
            json.dumps({"body": "A note from the benchmark on the convoy schedule."}),
            201,
        ),
        Kind(
            "write",
            "PUT readiness (toggled)",
            f"/api/v1/proposals/{state['toggled'][0]}/readiness",
            "head",
            "PUT",
            json.dumps({"ready": False}),
            200,
            tuple(f"/api/v1/proposals/{pk}/readiness" for pk in state["toggled"]),
        ),
        Kind(
            "write", "POST proposal", f"/api/v1/processes/{p}/proposals", "mediator", "POST", json.dumps(proposal), 201
        ),
    ]


# --- HTTP without a client library: one request, no redirects followed -----------------------


def request(
    port: int, method: str, path: str, headers: dict[str, str], body: bytes | None = None
) -> tuple[int, http.client.HTTPMessage, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        return response.status, response.headers, response.read()
    finally:
        conn.close()


def cookies(headers: http.client.HTTPMessage) -> dict[str, str]:
    jar: SimpleCookie = SimpleCookie()
    for value in headers.get_all("Set-Cookie") or []:
        jar.load(value)
    return {name: morsel.value for name, morsel in jar.items()}


def sign_in(port: int, username: str, password: str, totp_secret: str) -> str:
    """The mediator's session, through the sign-in form with password and one-time code; the
    ``Cookie`` header that carries it."""
    status, headers, body = request(port, "GET", "/login/", {})
    csrf = cookies(headers)["csrftoken"]
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
    if status != 200 or token is None:
        raise SystemExit(f"no sign-in form at /login/ (HTTP {status})")
    # The next step's code: the one that turned two-factor on may have been this step's.
    code = pyotp.TOTP(totp_secret).at(time.time() + 30)
    form = {"csrfmiddlewaretoken": token.group(1).decode(), "username": username, "password": password, "otp": code}
    status, headers, body = request(
        port,
        "POST",
        "/login/",
        {"Cookie": f"csrftoken={csrf}", "Content-Type": "application/x-www-form-urlencoded"},
        urllib.parse.urlencode(form).encode(),
    )
    session = cookies(headers).get("sessionid")
    if status != 302 or not session:
        raise SystemExit(f"signing in as {username} failed (HTTP {status}): {body[:300]!r}")
    return f"sessionid={session}; csrftoken={csrf}"


def auth_headers(kind: Kind, state: dict[str, Any], session: str) -> dict[str, str]:
    if kind.auth == "mediator":
        return {"Authorization": f"Bearer {state['mediator_token']}"}
    if kind.auth == "head":
        return {"Authorization": f"Bearer {state['head_token']}"}
    if kind.auth == "session":
        return {"Cookie": session}
    return {}


# --- The server -------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        found += [int(c) for c in task.read_text().split()]
    return found


def worker_rss_mib(pid: int) -> float:
    """The largest resident set (VmRSS) among the server's worker processes now."""
    largest = 0.0
    for child in children(pid) or [pid]:
        try:
            status = Path(f"/proc/{child}/status").read_text()
        except FileNotFoundError:
            continue
        match = re.search(r"^VmRSS:\s+(\d+) kB", status, re.MULTILINE)
        if match:
            largest = max(largest, int(match.group(1)) / 1024)
    return largest


class MemorySampler(threading.Thread):
    """Samples the workers' resident memory while the load runs (not VmHWM: the sign-in before
    it hashes a password with Argon2, which takes 100 MiB for a moment, and is not the load)."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.peak = 0.0
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(0.2):
            self.peak = max(self.peak, worker_rss_mib(self.pid))


class Server:
    def __init__(self, command: list[str], env: dict[str, str], port: int, log: Path) -> None:
        self.command, self.env, self.port, self.log = command, env, port, log

    def __enter__(self) -> Server:
        with self.log.open("ab") as out:
            self.proc = subprocess.Popen(  # noqa: S603 - our own console script
                self.command, env=self.env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"the server stopped at start (see {self.log}):\n{self.log.read_text()[-2000:]}")
            try:
                if request(self.port, "GET", "/healthz", {})[0] == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.5)
        self.stop()
        raise SystemExit(f"the server did not answer /healthz within 180 s (see {self.log})")

    def stop(self) -> None:
        # Our own process group (start_new_session): the server and its workers, nothing else.
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(timeout=30)
        except ProcessLookupError:
            return
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()

    def __exit__(self, *exc: object) -> None:
        self.stop()


# --- Measuring ------------------------------------------------------------------------------------


def run_wrk(port: int, kind: Kind, headers: dict[str, str], seconds: int) -> Figures:
    env = {
        **os.environ,
        "BENCH_METHOD": kind.method,
        "BENCH_AUTHORIZATION": headers.get("Authorization", ""),
        "BENCH_COOKIE": headers.get("Cookie", ""),
        "BENCH_BODY": kind.body,
        "BENCH_TOGGLE": ",".join(kind.toggle),
        "BENCH_THREADS": str(THREADS),
    }
    if not kind.toggle:
        env.pop("BENCH_TOGGLE")
    command = ["wrk", f"-t{THREADS}", f"-c{CONNECTIONS}", f"-d{seconds}s", "--timeout", "30s", "-s", str(LUA)]
    result = subprocess.run(  # noqa: S603 - wrk, found on PATH by the make target
        [*command, f"http://127.0.0.1:{port}{kind.path}"], env=env, capture_output=True, text=True, check=False
    )
    line = next((ln for ln in result.stdout.splitlines() if ln.startswith("BENCH ")), None)
    if result.returncode != 0 or line is None:
        raise SystemExit(f"wrk failed for {kind.label}: {result.stderr or result.stdout}")
    data = json.loads(line[len("BENCH ") :])
    return Figures(
        rps=data["requests"] / (data["duration_us"] / 1e6),
        p50_ms=data["p50_us"] / 1000,
        p99_ms=data["p99_us"] / 1000,
        errors=data["status_errors"] + data["socket_errors"],
    )


def preflight(port: int, kind: Kind, headers: dict[str, str]) -> None:
    """One request first: it must answer what a user would get (not a sign-in redirect, not an
    error), and it warms the worker's caches for the measured run."""
    send = dict(headers)
    if kind.body:
        send["Content-Type"] = "application/json"
    status, _, body = request(port, kind.method, kind.path, send, kind.body.encode() or None)
    if status != kind.expect:
        answer = f"answered {status}, not {kind.expect}: {body[:300]!r}"
        raise SystemExit(f"{kind.label}: {kind.method} {kind.path} {answer}")


def measure(port: int, state: dict[str, Any], session: str, seconds: int) -> Stage:
    results: dict[str, Figures] = {}
    all_kinds = kinds(state)
    health = all_kinds[0]
    for kind in all_kinds:
        preflight(port, kind, auth_headers(kind, state, session))
    # /healthz before and after the reads: the machine's load drifts; the ratio is to the mean.
    before = run_wrk(port, health, {}, seconds)
    for kind in all_kinds[1:]:
        if kind.group == "write":
            continue
        results[kind.label] = run_wrk(port, kind, auth_headers(kind, state, session), seconds)
        print(f"    {kind.label:<28} {results[kind.label].rps:8.1f} req/s", flush=True)
    after = run_wrk(port, health, {}, seconds)
    results[health.label] = Figures(
        rps=(before.rps + after.rps) / 2,
        p50_ms=(before.p50_ms + after.p50_ms) / 2,
        p99_ms=max(before.p99_ms, after.p99_ms),
        errors=before.errors + after.errors,
    )
    for kind in all_kinds:
        if kind.group == "write":
            results[kind.label] = run_wrk(port, kind, auth_headers(kind, state, session), seconds)
            print(f"    {kind.label:<28} {results[kind.label].rps:8.1f} req/s", flush=True)
    return Stage(results, before.rps, after.rps)


# --- The databases -------------------------------------------------------------------------------


@dataclass
class Database:
    name: str
    server: str
    env: dict[str, str]
    data_dir: Path
    postgres: bool

    def command(self, port: int) -> list[str]:
        if self.postgres:
            return [str(BIN / "goodoffices"), "serve", "--port", str(port)]
        return [str(BIN / "goodoffices"), "demo", "--port", str(port), "--data-dir", str(self.data_dir)]


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GOODOFFICES_") and k != "DJANGO_SETTINGS_MODULE"}
    env["GOODOFFICES_EMAIL_BACKEND"] = "django.core.mail.backends.dummy.EmailBackend"
    env.update({f"GOODOFFICES_{k}": v for k, v in extra.items()})
    return env


def sqlite_database(data_dir: Path) -> Database:
    env = clean_env(DEMO="true", DATA_DIR=str(data_dir))
    return Database("SQLite", "`goodoffices demo` (1 worker, 4 threads)", env, data_dir, postgres=False)


def postgres_database(url: str, data_dir: Path) -> Database | None:
    """A fresh scratch database, or None (with the reason printed) when PostgreSQL does not answer."""
    base, _, name = url.rpartition("/")
    if "bench" not in name:
        raise SystemExit(f"--pg must name a scratch database (with 'bench' in its name): it is dropped; not {name!r}")
    try:
        import psycopg

        with psycopg.connect(base + "/postgres", autocommit=True, connect_timeout=3) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{name}"')
    except Exception as exc:  # noqa: BLE001 - any failure means "no PostgreSQL here"
        print(f"PostgreSQL: skipped ({exc.__class__.__name__}: {exc})".splitlines()[0])
        return None
    env = clean_env(
        DATABASE_URL=url, DATA_DIR=str(data_dir), SECRET_KEY=secrets.token_urlsafe(50), SSL_REDIRECT="false"
    )
    return Database("PostgreSQL", "`goodoffices serve` defaults (2 workers, 8 threads)", env, data_dir, postgres=True)


def load(db: Database, events: int, messages: int, state_file: Path) -> dict[str, Any]:
    command = [sys.executable, str(HERE / "serve_load.py"), "--events", str(events), "--messages", str(messages)]
    subprocess.run([*command, "--state", str(state_file)], env=db.env, check=True)  # noqa: S603 - our own script
    state: dict[str, Any] = json.loads(state_file.read_text())
    return state


def bench_database(db: Database, seconds: int) -> dict[int, Stage]:
    state_file = db.data_dir / "bench-state.json"
    stages: dict[int, Stage] = {}
    session = ""
    for events, messages in SIZES:
        print(f"{db.name}: loading {events:,} events, {messages:,} caucus messages", flush=True)
        state = load(db, events, messages, state_file)
        if db.postgres and not (db.data_dir / "static").exists():
            subprocess.run(  # noqa: S603 - our own console script
                [str(BIN / "goodoffices"), "collectstatic", "--noinput", "-v0"], env=db.env, check=True
            )
        port = free_port()
        with Server(db.command(port), db.env, port, db.data_dir / "server.log") as server:
            session = session or sign_in(port, "mediator", state["password"], state["mediator_totp"])
            print(f"{db.name}: measuring at {events:,} events ({seconds:g} s per request kind)", flush=True)
            sampler = MemorySampler(server.proc.pid)
            sampler.start()
            stages[events] = measure(port, state, session, seconds)
            sampler.stopped.set()
            sampler.join()
            stages[events].peak_rss_mib = sampler.peak
    return stages


# --- The table -----------------------------------------------------------------------------------


def size_label(n: int) -> str:
    digits = len(str(n)) - 1
    return f"10^{digits}" if n == 10**digits else f"{n:,}"


def verdict(kind: Kind, small: Figures, large: Figures, health: Figures, postgres: bool) -> tuple[str, str]:
    """The issue's target for this kind of request, and whether it is met at the larger size."""
    small_n = size_label(SIZES[0][0])
    misses = []
    if large.errors or small.errors:
        misses.append(f"{small.errors + large.errors} failed requests")
    if kind.group in TARGETS:
        want = TARGETS[kind.group]
        target = f">= {want}x healthz, p99 < {P99_LIMIT_MS:.0f} ms"
        if large.rps / health.rps < want:
            misses.append(f"{large.rps / health.rps:.2f}x")
        if large.p99_ms >= P99_LIMIT_MS:
            misses.append(f"p99 {large.p99_ms:.0f} ms")
        if kind.group == "page":
            target += f", p50 <= {PAGE_GROWTH}x {small_n}"
            if large.p50_ms > PAGE_GROWTH * small.p50_ms:
                misses.append(f"p50 {large.p50_ms / small.p50_ms:.1f}x {small_n}")
    elif kind.group == "write" and postgres:
        target = f">= {WRITES_PER_SECOND}/s"
        if large.rps < WRITES_PER_SECOND:
            misses.append(f"{large.rps:.0f}/s")
    else:
        return "", ""
    return target, "yes" if not misses else "no: " + ", ".join(misses)


def print_table(db: Database, stages: dict[int, Stage], seconds: int) -> None:
    small_n, large_n = (events for events, _ in SIZES)
    small, large = stages[small_n].figures, stages[large_n].figures
    few, many = size_label(small_n), size_label(large_n)
    print()
    print(f"### {db.name}: {db.server}; wrk {THREADS} threads, {CONNECTIONS} connections, {seconds} s per row")
    print()
    columns = [f"req/s {few}", "x healthz", "p50 ms", "p99 ms", f"req/s {many}", "x healthz", "p50 ms", "p99 ms"]
    print("| " + " | ".join(["request", *columns, f"target (at {many} events)", "met"]) + " |")
    print("| --- |" + " ---: |" * len(columns) + " --- | --- |")
    all_kinds = kinds({"process": 0, "party": 0, "toggled": [0]})
    health = all_kinds[0].label
    for kind in all_kinds:
        cells = [kind.label]
        for figures in (small, large):
            f = figures[kind.label]
            ratio = "" if kind.group == "write" else f"{f.rps / figures[health].rps:.2f}"
            errors = f" ({f.errors} failed)" if f.errors else ""
            cells += [f"{f.rps:.1f}{errors}", ratio, f"{f.p50_ms:.1f}", f"{f.p99_ms:.1f}"]
        target, met = verdict(kind, small[kind.label], large[kind.label], large[health], db.postgres)
        print("| " + " | ".join([*cells, target, met]) + " |")
    a, b = stages[small_n], stages[large_n]
    print()
    print(
        f"/healthz before and after the reads: {a.healthz_before:.0f} and {a.healthz_after:.0f} req/s at {few} "
        f"events, {b.healthz_before:.0f} and {b.healthz_after:.0f} at {many} (the ratios are to the mean)."
    )
    print(f"Peak resident memory of a worker under the load: {a.peak_rss_mib:.0f} MiB at {few} events, ", end="")
    print(f"{b.peak_rss_mib:.0f} MiB at {many}.")
    print(flush=True)


def sizes(text: str) -> list[tuple[int, int]]:
    """``EVENTS:MESSAGES,EVENTS:MESSAGES`` (two sizes, the smaller first)."""
    pairs = [tuple(int(n) for n in part.split(":")) for part in text.split(",")]
    if len(pairs) != 2 or any(len(p) != 2 for p in pairs) or pairs[0][0] >= pairs[1][0]:
        raise argparse.ArgumentTypeError("give two sizes, the smaller first, like 1000:100,100000:10000")
    return [(p[0], p[1]) for p in pairs]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=5, help="measuring window per request kind")
    parser.add_argument("--sizes", type=sizes, default=SIZES, help="EVENTS:MESSAGES,EVENTS:MESSAGES")
    parser.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432/goodoffices_bench_serve", help="scratch DB")
    parser.add_argument("--no-pg", action="store_true")
    parser.add_argument("--no-sqlite", action="store_true")
    parser.add_argument("--keep", action="store_true", help="keep the data directories (their server.log)")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: `make bench-serve` installs it (apt-get install wrk)")
    SIZES[:] = args.sizes
    started = time.monotonic()
    tmp = Path(tempfile.mkdtemp(prefix="goodoffices-bench-serve-"))
    databases: list[Database] = []
    if not args.no_sqlite:
        databases.append(sqlite_database(tmp / "sqlite"))
    if not args.no_pg:
        pg = postgres_database(args.pg, tmp / "postgres")
        if pg is not None:
            databases.append(pg)
    tables = []
    try:
        for db in databases:
            db.data_dir.mkdir(parents=True)
            tables.append((db, bench_database(db, args.seconds)))
    finally:
        if args.keep:
            print(f"Data directories kept in {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    for db, stages in tables:
        print_table(db, stages, args.seconds)
    load = os.getloadavg()[0]
    elapsed = time.monotonic() - started
    print(f"Whole run: {elapsed:.0f} s; load average {load:.1f} on {os.cpu_count()} cores at the end.")


if __name__ == "__main__":
    main()
