"""The platform as an operator meets it: settings, start-up, the demo, security headers."""

import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

ROOT = Path(__file__).resolve().parent.parent
GOODOFFICES = str(Path(sys.executable).with_name("goodoffices"))


def _clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GOODOFFICES_", "DJANGO_"))}
    env.update(extra)
    return env


def _run(args: list[str], **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=ROOT, env=_clean_env(**env), capture_output=True, text=True, timeout=120)


def _settings(**env: str) -> subprocess.CompletedProcess[str]:
    return _run(
        [
            sys.executable,
            "-c",
            "import django.conf as c, os; os.environ['DJANGO_SETTINGS_MODULE']='goodoffices.settings';"
            "from django.conf import settings; print(settings.DATABASES['default']['ENGINE'])",
        ],
        **env,
    )


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"GOODOFFICES_DEBUG": "maybe", "GOODOFFICES_SECRET_KEY": "k"}, "GOODOFFICES_DEBUG must be true or false"),
        ({"GOODOFFICES_SECRET_KEY": ""}, "GOODOFFICES_SECRET_KEY must be set"),
        ({"GOODOFFICES_DEMO": "true", "GOODOFFICES_LOGIN_FAILURE_LIMIT": "five"}, "must be an integer"),
        (
            {"GOODOFFICES_DEMO": "true", "GOODOFFICES_DATABASE_URL": "mysql://x@localhost/db"},
            "must name sqlite or postgres",
        ),
    ],
)
def test_bad_settings_fail_fast_with_a_clear_message(env, message, tmp_path):
    result = _settings(GOODOFFICES_DATA_DIR=str(tmp_path), **env)
    assert result.returncode != 0
    assert message in result.stderr


def test_production_settings_pass_the_deploy_check(tmp_path):
    result = _run(
        [sys.executable, "-m", "django", "check", "--deploy", "--fail-level", "WARNING"],
        DJANGO_SETTINGS_MODULE="goodoffices.settings",
        GOODOFFICES_SECRET_KEY="a-long-random-production-key-" + "q7Zp2" * 10,
        GOODOFFICES_ALLOWED_HOSTS="talks.example.org",
        GOODOFFICES_DATA_DIR=str(tmp_path),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_demo_loads_prints_accounts_and_uses_durable_sqlite(tmp_path):
    result = _run([GOODOFFICES, "demo", "--no-serve", "--data-dir", str(tmp_path)])
    assert result.returncode == 0, result.stderr
    for account in ("mediator", "stepanakert", "baku", "observer", "monitor", "outsider", "demo-password"):
        assert account in result.stdout
    db = sqlite3.connect(tmp_path / "goodoffices.sqlite3")
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    scope = db.execute("SELECT scope FROM processes_mandateversion").fetchone()[0]
    assert "Reopening of the Stepanakert" in scope
    assert "Humanitarian access" in scope
    # A second start keeps the data and does not load the demo twice.
    again = _run([GOODOFFICES, "demo", "--no-serve", "--data-dir", str(tmp_path)])
    assert again.returncode == 0
    assert "Loaded the demo" not in again.stdout
    # The seed's process and the 2020 statement's, once.
    assert db.execute("SELECT count(*) FROM processes_process").fetchone()[0] == 2


def test_demo_refuses_a_database_that_is_not_a_demo(tmp_path):
    env = {"GOODOFFICES_DATA_DIR": str(tmp_path), "GOODOFFICES_DEBUG": "true"}
    assert _run([GOODOFFICES, "migrate"], **env).returncode == 0
    created = _run(
        [GOODOFFICES, "createsuperuser", "--noinput", "--username", "real", "--email", "r@example.org"], **env
    )
    assert created.returncode == 0, created.stderr
    result = _run([GOODOFFICES, "demo", "--no-serve", "--data-dir", str(tmp_path)])
    assert result.returncode != 0
    assert "not a demo database" in result.stderr
    db = sqlite3.connect(tmp_path / "goodoffices.sqlite3")
    assert db.execute("SELECT count(*) FROM processes_process").fetchone()[0] == 0


def test_sqlite_connections_enforce_foreign_keys_and_full_sync(db):
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("SQLite pragmas")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA foreign_keys")
        assert cursor.fetchone()[0] == 1
        cursor.execute("PRAGMA synchronous")
        assert cursor.fetchone()[0] == 2


@pytest.fixture
def log_key(settings, tmp_path):
    from goodoffices.lib.ledger import generate_key

    settings.LEDGER_KEY_FILE = tmp_path / "ledger.key"
    skey, _vkey = generate_key(settings.LEDGER_ORIGIN)
    settings.LEDGER_KEY_FILE.write_text(skey + "\n")
    return settings.LEDGER_KEY_FILE


def test_healthz_answers_when_the_database_does(db, log_key):
    response = Client(HTTP_HOST="localhost").get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "components": {"database": "ok", "ledger": "ok"}}


@pytest.mark.parametrize("damage", ["missing", "corrupt"])
def test_healthz_reports_a_ledger_that_cannot_sign_as_degraded_without_its_path(db, log_key, damage):
    """Issue 8, item 20: still 200 (the database answers, everything but checkpoints works), the
    ledger degraded, and no server path in the answer."""
    if damage == "missing":
        log_key.unlink()
    else:
        log_key.write_text("PRIVATE+KEY+nonsense\n")
    response = Client(HTTP_HOST="localhost").get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "degraded", "components": {"database": "ok", "ledger": "degraded"}}
    assert str(log_key.parent) not in response.content.decode()


PAGES = [
    "/dashboard/",
    "/account/",
    "/account/two-factor/",
    "/processes/{p}/",
    "/processes/{p}/mandate/",
    "/processes/{p}/activity/",
    "/processes/{p}/parties/{a}/",
]


@pytest.mark.parametrize(("persona", "page"), [("anonymous", "/login/"), *(("head_a", p) for p in PAGES)])
def test_pages_carry_a_strict_csp_and_no_inline_script(world, client_for, persona, page):
    response = client_for(persona).get(page.format(p=world.process.pk, a=world.party_a.pk))
    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp.split("script-src", 1)[1].split(";", 1)[0]
    html = response.content.decode()
    scripts = re.findall(r"<script\b([^>]*)>", html)
    assert scripts, "htmx is loaded"
    assert all("src=" in attrs for attrs in scripts), scripts
    assert "/static/django_htmx/" in html
    assert re.search(r"\son[a-z]+=", html) is None, "no inline event handlers"


# --- headers (issue 8, item 18) ----------------------------------------------------------

CONFIDENTIAL_PAGES = [*PAGES, "/calendar/", "/notifications/", "/processes/{p}/meetings/"]
CONFIDENTIAL_API = ["/api/v1/me", "/api/v1/processes", "/api/v1/processes/{p}", "/api/v1/processes/{p}/events"]


@pytest.mark.parametrize("page", CONFIDENTIAL_PAGES)
def test_confidential_pages_are_never_stored(world, client_for, page):
    response = client_for("head_a").get(page.format(p=world.process.pk, a=world.party_a.pk))
    assert response.status_code == 200
    assert set(response["Cache-Control"].replace(" ", "").split(",")) == {"private", "no-store"}


@pytest.mark.parametrize("path", CONFIDENTIAL_API)
def test_confidential_api_answers_are_never_stored(world, api_for, client_for, path):
    for client in (api_for("head_a"), client_for("head_a")):
        response = client.get(path.format(p=world.process.pk))
        assert response.status_code == 200
        assert set(response["Cache-Control"].replace(" ", "").split(",")) == {"private", "no-store"}


def test_public_answers_keep_their_own_caching(world, log_key):
    anonymous = Client(HTTP_HOST="localhost")
    assert anonymous.get("/ledger/checkpoint")["Cache-Control"] == "no-cache"
    assert anonymous.get("/ledger/key")["Cache-Control"] == "public, max-age=3600"
    for path in ("/register/", "/register/feed.atom"):
        response = anonymous.get(path)
        assert response.status_code == 200, path
        assert "no-store" not in response.get("Cache-Control", ""), path


@pytest.mark.parametrize(
    ("persona", "path"),
    [
        ("anonymous", "/login/"),
        ("anonymous", "/static/web/site.css"),
        ("anonymous", "/ledger/checkpoint"),
        ("anonymous", "/register/"),
        ("anonymous", "/no-such-page/"),
        ("anonymous", "/api/v1/me"),
        ("anonymous", "/healthz"),
        ("head_a", "/dashboard/"),
        ("head_a", "/api/v1/me"),
    ],
)
def test_every_answer_carries_a_permissions_policy(world, client_for, log_key, persona, path):
    response = client_for(persona).get(path)
    response.close()
    policy = response["Permissions-Policy"]
    features = dict(item.strip().split("=", 1) for item in policy.split(","))
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert features[feature] == "()", feature


def test_the_language_cookie_is_secure_in_production(tmp_path):
    result = _run(
        [
            sys.executable,
            "-c",
            "import os; os.environ['DJANGO_SETTINGS_MODULE']='goodoffices.settings';"
            "from django.conf import settings as s;"
            "print(s.LANGUAGE_COOKIE_SECURE, s.LANGUAGE_COOKIE_HTTPONLY, s.LANGUAGE_COOKIE_SAMESITE)",
        ],
        GOODOFFICES_SECRET_KEY="a-long-random-production-key-" + "q7Zp2" * 10,
        GOODOFFICES_DATA_DIR=str(tmp_path),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "True", "Lax"]


@pytest.mark.parametrize("way", ["account", "language switch"])
def test_every_language_cookie_follows_the_settings(world, client_for, settings, way):
    settings.LANGUAGE_COOKIE_SECURE = True
    client = client_for("head_a")
    if way == "account":
        client.post("/account/", {"timezone": "UTC", "language": "ru"})
    else:
        client.post("/language/", {"language": "ru", "next": "/dashboard/"})
    cookie = client.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "ru"
    assert cookie["secure"] is True
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
