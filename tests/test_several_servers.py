"""Beyond one machine (issue 9, item 5): app servers keep nothing of their own between requests.

Sessions and failed sign-ins are in the database, and the cache is there too unless
GOODOFFICES_REDIS_URL names a Redis server (then sessions are read through it). Two
`goodoffices serve` processes on two ports against one PostgreSQL database, as behind one
proxy: a session opened on one is valid on the other and closed by a sign-out on the other,
failed sign-ins on both count together, and both serve the same ledger checkpoint. The same
again with Redis when the `redis` package and `redis-server` are at hand.
"""

import http.client
import importlib
import os
import re
import runpy
import secrets
import shutil
import subprocess
import sys
import time
import types
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from http.cookies import SimpleCookie
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

import goodoffices.settings

from .demo_server import GOODOFFICES, _free_port, clean_env

SETTINGS_FILE = goodoffices.settings.__file__
PASSWORD = "a long password for two servers"
FAILURE_LIMIT = 3


# --- The settings ------------------------------------------------------------------------------


def settings_with(monkeypatch, **env: str) -> dict[str, object]:
    """The settings module run afresh with these GOODOFFICES_* variables."""
    monkeypatch.delenv("GOODOFFICES_REDIS_URL", raising=False)
    for name, value in env.items():
        monkeypatch.setenv(f"GOODOFFICES_{name}", value)
    return runpy.run_path(SETTINGS_FILE)


def test_without_redis_the_cache_and_the_sessions_are_in_the_database(monkeypatch):
    values = settings_with(monkeypatch)
    assert values["CACHES"] == {
        "default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "goodoffices_cache"}
    }
    assert values["SESSION_ENGINE"] == "goodoffices.accounts.sessions.db"


def test_a_redis_url_puts_the_cache_in_redis_and_reads_sessions_through_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "redis", types.ModuleType("redis"))
    values = settings_with(monkeypatch, REDIS_URL="rediss://:secret@cache.internal:6380/2")
    assert values["CACHES"] == {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "rediss://:secret@cache.internal:6380/2",
            "KEY_PREFIX": "goodoffices",
        }
    }
    assert values["SESSION_ENGINE"] == "goodoffices.accounts.sessions.cached_db"


@pytest.mark.parametrize(
    ("url", "complaint"),
    [
        ("http://:secret@cache.internal:6379/0", "must be a redis://, rediss:// or unix:// URL"),
        ("cache.internal:6379", "must be a redis://, rediss:// or unix:// URL"),
        ("redis://", "must be a redis://, rediss:// or unix:// URL"),
        ("redis://:secret@cache.internal:port/0", "has a port that is not a number"),
    ],
)
def test_a_bad_redis_url_stops_the_start_without_showing_its_password(monkeypatch, url, complaint):
    monkeypatch.setitem(sys.modules, "redis", types.ModuleType("redis"))
    with pytest.raises(ImproperlyConfigured, match=complaint) as refused:
        settings_with(monkeypatch, REDIS_URL=url)
    assert "GOODOFFICES_REDIS_URL" in str(refused.value)
    assert "secret" not in str(refused.value)


def test_a_redis_url_without_the_redis_package_stops_the_start(monkeypatch):
    monkeypatch.setitem(sys.modules, "redis", None)  # import redis raises ImportError
    with pytest.raises(ImproperlyConfigured, match="the Python package 'redis' is not installed"):
        settings_with(monkeypatch, REDIS_URL="redis://127.0.0.1:6379/0")


def test_each_server_thread_keeps_its_database_connection_and_checks_it_before_reuse(monkeypatch):
    values = settings_with(monkeypatch, DATABASE_URL="postgres://u@db.internal:5432/goodoffices")
    database = values["DATABASES"]["default"]  # type: ignore[index]
    assert database["CONN_MAX_AGE"] == 300
    assert database["CONN_HEALTH_CHECKS"] is True
    values = settings_with(
        monkeypatch, DATABASE_URL="postgres://u@db.internal:5432/goodoffices", DATABASE_CONN_MAX_AGE_SECONDS="0"
    )
    assert values["DATABASES"]["default"]["CONN_MAX_AGE"] == 0  # type: ignore[index]


def test_sqlite_opens_its_file_for_each_request_unless_told_otherwise(monkeypatch, tmp_path):
    monkeypatch.delenv("GOODOFFICES_DATABASE_URL", raising=False)
    values = settings_with(monkeypatch, DATA_DIR=str(tmp_path))
    assert values["DATABASES"]["default"]["ENGINE"] == "django.db.backends.sqlite3"  # type: ignore[index]
    assert values["DATABASES"]["default"]["CONN_MAX_AGE"] == 0  # type: ignore[index]
    values = settings_with(monkeypatch, DATA_DIR=str(tmp_path), DATABASE_CONN_MAX_AGE_SECONDS="60")
    assert values["DATABASES"]["default"]["CONN_MAX_AGE"] == 60  # type: ignore[index]


@pytest.mark.parametrize("raw", ["-1", "five"])
def test_a_bad_connection_age_stops_the_start(monkeypatch, raw):
    with pytest.raises(ImproperlyConfigured, match="GOODOFFICES_DATABASE_CONN_MAX_AGE_SECONDS must be"):
        settings_with(monkeypatch, DATABASE_CONN_MAX_AGE_SECONDS=raw)


# --- Two servers, one PostgreSQL -----------------------------------------------------------------


def _postgres_base() -> tuple[str, str]:
    """The server's URL without a database, and the name to derive ours from."""
    url = os.environ.get("GOODOFFICES_DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        url = "postgres://postgres@127.0.0.1:5432/goodoffices"
    base, _, name = url.rpartition("/")
    return base, name


@pytest.fixture(scope="module")
def shared_database(tmp_path_factory) -> Iterator[dict[str, str]]:
    """A PostgreSQL database of its own, migrated, with two accounts and a signed ledger; the
    environment that every server of this module shares (one secret key, one data directory)."""
    import psycopg

    base, name = _postgres_base()
    name = f"{name}_two_servers_{os.getpid()}"
    try:
        admin = psycopg.connect(base + "/postgres", autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as exc:
        pytest.skip(
            f"PostgreSQL does not answer at {base}: two app servers need one database server they share "
            f"(SQLite is one machine's file) ({str(exc).splitlines()[0]})"
        )
    with admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    data_dir = tmp_path_factory.mktemp("shared")
    env = clean_env(
        GOODOFFICES_DATABASE_URL=f"{base}/{name}",
        GOODOFFICES_SECRET_KEY=secrets.token_urlsafe(50),
        GOODOFFICES_DATA_DIR=str(data_dir),
        GOODOFFICES_SSL_REDIRECT="false",
        GOODOFFICES_EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
        GOODOFFICES_LOGIN_FAILURE_LIMIT=str(FAILURE_LIMIT),
    )
    accounts = (
        "from goodoffices.accounts.models import User\n"
        "from goodoffices.accounts.services import api_token_create\n"
        "for name in ('alice', 'bob'):\n"
        f"    user = User.objects.create_user(username=name, password={PASSWORD!r})\n"
        "    api_token_create(user=user, name='first')\n"
    )
    try:
        for command in (
            ["migrate", "-v0"],
            ["createcachetable"],
            ["collectstatic", "--noinput", "-v0"],
            ["ledger", "keygen"],
            ["shell", "-c", accounts],
        ):
            subprocess.run([GOODOFFICES, *command], env=env, check=True, capture_output=True)
        yield env
    finally:
        with psycopg.connect(base + "/postgres", autocommit=True, connect_timeout=3) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def redis_server() -> Iterator[str]:
    """A private redis-server on a free port, for this test alone."""
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed (Debian: apt-get install redis-server)")
    try:
        redis = importlib.import_module("redis")  # optional: not a dependency of the platform
    except ImportError:
        pytest.skip("the Python package 'redis' is not installed (pip install 'redis>=5')")
    port = _free_port()
    server = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    try:
        client = redis.Redis.from_url(url)
        deadline = time.monotonic() + 20
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    pytest.fail("redis-server did not start")
                time.sleep(0.1)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


@contextmanager
def app_server(env: dict[str, str], log: Path) -> Iterator[int]:
    """`goodoffices serve` with its production settings, one worker, on a free port."""
    port = _free_port()
    with log.open("w") as out:
        server = subprocess.Popen(
            [GOODOFFICES, "serve", "--port", str(port), "--workers", "1", "--threads", "2"],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                if Client(port).get("/healthz")[0] == 200:
                    break
            except OSError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail("the server did not start:\n" + log.read_text())
            time.sleep(0.3)
        yield port
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()


class Client:
    """One browser's cookies against one server: the cookies can be carried to another."""

    def __init__(self, port: int, cookies: dict[str, str] | None = None) -> None:
        self.port = port
        self.cookies = dict(cookies or {})

    def request(self, method: str, path: str, form: dict[str, str] | None = None) -> tuple[int, str]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            body = urllib.parse.urlencode({"csrfmiddlewaretoken": self.cookies.get("csrftoken", ""), **form})
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            jar: SimpleCookie = SimpleCookie()
            for value in response.headers.get_all("Set-Cookie") or []:
                jar.load(value)
            for key, morsel in jar.items():
                if morsel.value:
                    self.cookies[key] = morsel.value
                else:
                    self.cookies.pop(key, None)
            return response.status, response.read().decode()
        finally:
            conn.close()

    def get(self, path: str) -> tuple[int, str]:
        return self.request("GET", path)

    def post(self, path: str, form: dict[str, str]) -> tuple[int, str]:
        return self.request("POST", path, form)

    def sign_in(self, username: str, password: str) -> int:
        self.get("/login/")
        return self.post("/login/", {"username": username, "password": password, "otp": ""})[0]


# The step every epoch is padded to (the serve default).
STEP = 16


def checkpoint_size(note: str) -> int:
    return int(note.splitlines()[1])


@pytest.mark.parametrize("shared_by", ["database", "redis"])
def test_two_servers_share_sessions_throttling_and_the_ledger(shared_database, shared_by, tmp_path):
    env = dict(shared_database)
    user = "alice" if shared_by == "database" else "bob"
    with contextmanager_for(shared_by) as redis_url:
        if redis_url:
            env["GOODOFFICES_REDIS_URL"] = redis_url
        with app_server(env, tmp_path / "a.log") as a, app_server(env, tmp_path / "b.log") as b:
            first = Client(a).get("/ledger/checkpoint")[1]
            assert Client(b).get("/ledger/checkpoint")[1] == first

            # Signed in on A: the same cookie is signed in on B, pages and API alike.
            browser = Client(a)
            assert browser.sign_in(user, PASSWORD) == 302
            on_b = Client(b, browser.cookies)
            status, me = on_b.get("/api/v1/me")
            assert status == 200
            assert f'"username": "{user}"' in me
            status, page = on_b.get("/account/")
            assert status == 200
            assert "Sign out" in page
            assert "first <code>go_" in page  # the account's own token, made when it was created
            if redis_url:
                keys = importlib.import_module("redis").Redis.from_url(redis_url).keys("goodoffices:*")
                assert keys, "the session is not in Redis"

            # A write on B, with the session and the CSRF token A gave; once the integrator (a
            # process of its own, beside both servers) closes the epoch, both servers sign the same
            # tree, larger by one step: the event and the cover entries that pad it.
            status, page = on_b.post("/account/tokens/", {"name": "from server B"})
            assert status == 200
            assert re.search(r"go_[A-Za-z0-9_-]{20,}", page)
            assert Client(a).get("/ledger/checkpoint")[1] == first  # nothing beyond the last epoch
            subprocess.run([GOODOFFICES, "ledger", "integrate", "--now"], env=env, check=True, capture_output=True)
            after = Client(a).get("/ledger/checkpoint")[1]
            assert Client(b).get("/ledger/checkpoint")[1] == after
            assert checkpoint_size(after) == checkpoint_size(first) + STEP

            # Signed out on B: the cookie no longer signs anyone in on A.
            assert on_b.post("/logout/", {})[0] == 302
            assert Client(a, browser.cookies).get("/api/v1/me")[0] == 401

            # Failed sign-ins count together, whichever server they reach: the third locks the
            # account out for this address on both (one server alone saw only two, or one).
            assert FAILURE_LIMIT == 3
            assert Client(a).sign_in(user, "a wrong password") == 422
            assert Client(b).sign_in(user, "a wrong password") == 422
            assert Client(a).sign_in(user, "a wrong password") == 429
            assert Client(b).sign_in(user, PASSWORD) == 429


@contextmanager
def contextmanager_for(shared_by: str) -> Iterator[str]:
    """A Redis URL for ``redis``, an empty one for ``database``."""
    if shared_by == "database":
        yield ""
        return
    with redis_server() as url:
        yield url


def test_a_server_whose_database_connections_are_cut_answers_on_fresh_ones(shared_database, tmp_path):
    """Connections are kept between requests; PostgreSQL restarting (or an operator ending every
    session) must cost the next requests nothing but a new connection, never an error page."""
    import psycopg

    env = dict(shared_database)
    database = env["GOODOFFICES_DATABASE_URL"]
    with app_server(env, tmp_path / "server.log") as port:
        reader = Client(port)
        checkpoint = reader.get("/ledger/checkpoint")[1]
        for _ in range(4):  # both threads hold a connection now
            assert reader.get("/register/")[0] == 200
        with psycopg.connect(database, autocommit=True, connect_timeout=3) as admin:
            cut = admin.execute(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            ).fetchone()
        assert cut is not None
        assert cut[0] >= 1
        answers = [reader.get(path)[0] for path in ("/register/", "/healthz") * 3]
        assert answers == [200] * 6
        assert reader.get("/ledger/checkpoint") == (200, checkpoint)
