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
    assert db.execute("SELECT count(*) FROM processes_process").fetchone()[0] == 1


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


def test_healthz_answers_when_the_database_does(db):
    response = Client(HTTP_HOST="localhost").get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


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
