"""A read-only or broken data directory: `serve` and `demo` refuse to start with one clear line,
and a database or file store that fails while the server runs answers 503, never 500
(issue 14, item 4). The commands run for real, in subprocesses, as an operator starts them."""

import ctypes
import http.cookiejar
import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from goodoffices.caucus.models import CaucusDocument
from goodoffices.events.models import Event

from .caucus.samples import pdf
from .demo_server import GOODOFFICES, _free_port, clean_env

CAP_DAC_OVERRIDE = 1
CAP_DAC_READ_SEARCH = 2
PR_CAPBSET_DROP = 24


def _as_an_ordinary_user() -> None:
    """In the child, before exec: root keeps its uid but loses the power to ignore file
    permissions, so a read-only directory is read-only for the command, as for a service account."""
    if os.geteuid() != 0:
        return
    libc = ctypes.CDLL(None, use_errno=True)
    for cap in (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH):
        if libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


@pytest.fixture(autouse=True)
def linux_only() -> None:
    if not sys.platform.startswith("linux"):
        pytest.skip("drops capabilities with Linux's prctl")


def run(args: list[str], **env: str) -> subprocess.CompletedProcess[str]:
    """Run a command that must stop by itself; a server that started instead is killed and fails the test."""
    process = subprocess.Popen(
        args,
        env=clean_env(**env),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=_as_an_ordinary_user,
        start_new_session=True,
    )
    try:
        out, err = process.communicate(timeout=90)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        out, err = process.communicate()
        pytest.fail(f"{args[1]} did not refuse to start: it ran until killed\n{out}\n{err}")
    return subprocess.CompletedProcess(args, process.returncode, out, err)


def make_read_only(directory: Path) -> None:
    for path in [directory, *directory.rglob("*")]:
        path.chmod(0o555 if path.is_dir() else 0o444)


def restore_writable(directory: Path) -> None:
    for path in [directory, *directory.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)


def production(data_dir: Path, **extra: str) -> dict[str, str]:
    return {
        "GOODOFFICES_SECRET_KEY": "a-long-random-production-key-" + "q7Zp2" * 10,
        "GOODOFFICES_ALLOWED_HOSTS": "127.0.0.1",
        "GOODOFFICES_SSL_REDIRECT": "false",
        "GOODOFFICES_DATA_DIR": str(data_dir),
        **extra,
    }


def assert_refused_in_one_line(result: subprocess.CompletedProcess[str], *words: str) -> None:
    assert result.returncode != 0, result.stdout + result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    for word in words:
        assert word in lines[0], lines[0]


@pytest.fixture(scope="module")
def demo_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory as `goodoffices demo` leaves it: database, ledger key, file store."""
    data_dir = tmp_path_factory.mktemp("loaded")
    loaded = subprocess.run(
        [GOODOFFICES, "demo", "--no-serve", "--data-dir", str(data_dir)],
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert loaded.returncode == 0, loaded.stderr
    (data_dir / "media").mkdir(exist_ok=True)
    return data_dir


@pytest.fixture
def copy_of(demo_data: Path, tmp_path: Path) -> Iterator[Path]:
    data_dir = tmp_path / "data"
    subprocess.run(["cp", "-a", str(demo_data), str(data_dir)], check=True)
    yield data_dir
    restore_writable(data_dir)


def test_demo_refuses_a_read_only_data_directory(copy_of):
    make_read_only(copy_of)
    result = run([GOODOFFICES, "demo", "--no-serve", "--data-dir", str(copy_of)])
    assert_refused_in_one_line(result, str(copy_of), "not writable", "GOODOFFICES_DATA_DIR")


def test_demo_refuses_a_data_directory_it_cannot_create(tmp_path):
    parent = tmp_path / "locked"
    parent.mkdir()
    make_read_only(parent)
    try:
        result = run([GOODOFFICES, "demo", "--no-serve", "--data-dir", str(parent / "var")])
    finally:
        restore_writable(parent)
    assert_refused_in_one_line(result, str(parent / "var"), "cannot be created")


def test_serve_refuses_a_read_only_data_directory(copy_of):
    make_read_only(copy_of)
    result = run([GOODOFFICES, "serve", "--port", str(_free_port())], **production(copy_of))
    assert_refused_in_one_line(result, str(copy_of), "not writable")


def test_serve_refuses_a_read_only_database_file(copy_of):
    database = copy_of / "goodoffices.sqlite3"
    database.chmod(0o444)
    result = run([GOODOFFICES, "serve", "--port", str(_free_port())], **production(copy_of))
    assert_refused_in_one_line(result, str(database), "not readable and writable")


def test_serve_refuses_a_database_file_that_is_not_one(copy_of):
    for companion in copy_of.glob("goodoffices.sqlite3*"):
        companion.unlink()
    (copy_of / "goodoffices.sqlite3").write_bytes(b"this is not a database" * 100)
    result = run([GOODOFFICES, "serve", "--port", str(_free_port())], **production(copy_of))
    assert_refused_in_one_line(result, "cannot be used", "restore it from a backup")


def test_serve_refuses_a_read_only_file_store(copy_of):
    make_read_only(copy_of / "media")
    result = run([GOODOFFICES, "serve", "--port", str(_free_port())], **production(copy_of))
    assert_refused_in_one_line(result, str(copy_of / "media"), "file store", "not writable")


def test_serve_refuses_an_unreadable_or_missing_ledger_key(copy_of):
    key = copy_of / "ledger.key"
    key.chmod(0o000)
    unreadable = run([GOODOFFICES, "serve", "--port", str(_free_port())], **production(copy_of))
    assert_refused_in_one_line(unreadable, "the ledger cannot sign", "cannot be read")
    key.unlink()
    missing = run([GOODOFFICES, "serve", "--port", str(_free_port())], **production(copy_of))
    assert_refused_in_one_line(missing, "restore", "rotate-key")


@contextmanager
def running_demo(data_dir: Path) -> Iterator[str]:
    port = _free_port()
    log = (data_dir.parent / "server.log").open("w")
    server = subprocess.Popen(
        [GOODOFFICES, "demo", "--port", str(port), "--data-dir", str(data_dir)],
        env=clean_env(),
        stdout=log,
        stderr=subprocess.STDOUT,
        preexec_fn=_as_an_ordinary_user,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(url + "/healthz", timeout=2):
                    break
            except OSError:
                assert server.poll() is None, (data_dir.parent / "server.log").read_text()
                assert time.monotonic() < deadline, "the demo did not start"
                time.sleep(0.3)
        yield url
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        log.close()


def _answer(request: urllib.request.Request | str, opener: urllib.request.OpenerDirector | None = None):
    try:
        with (opener or urllib.request.build_opener()).open(request, timeout=30) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers, exc.read().decode()


def test_a_database_that_becomes_read_only_answers_503_never_500(copy_of):
    with running_demo(copy_of) as url:
        jar = http.cookiejar.CookieJar()
        browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        assert _answer(url + "/login/", browser)[0] == 200
        make_read_only(copy_of)
        token = urllib.request.Request(
            url + "/api/v1/auth/token",
            data=json.dumps({"username": "mediator", "password": "demo-password"}).encode(),
            headers={"Content-Type": "application/json"},
        )
        status, headers, body = _answer(token)
        assert status == 503, body
        assert headers["Content-Type"] == "application/problem+json"
        assert json.loads(body)["status"] == 503
        assert headers["Retry-After"]
        csrf = next(c.value for c in jar if c.name == "csrftoken")
        sign_in = urllib.request.Request(
            url + "/login/",
            data=urllib.parse.urlencode(
                {"username": "mediator", "password": "demo-password", "csrfmiddlewaretoken": csrf}
            ).encode(),
            headers={"Referer": url + "/login/"},
        )
        status, headers, body = _answer(sign_in, browser)
        assert status == 503, body
        assert headers["Content-Type"].startswith("text/html")
        assert "Temporarily unavailable" in body
        assert str(copy_of) not in body


@pytest.fixture
def unwritable_file_store(settings, tmp_path):
    """A file store the server cannot write, for root too: its directory would have to be made
    inside a regular file."""
    blocker = tmp_path / "store"
    blocker.write_text("a file where the file store's directory should be")
    settings.MEDIA_ROOT = blocker / "media"


def test_an_upload_to_an_unwritable_file_store_answers_503_and_writes_nothing(world, unwritable_file_store):
    before = (Event.objects.count(), CaucusDocument.objects.count())
    api = Client(HTTP_HOST="localhost", raise_request_exception=False)
    api.force_login(world.head_a)
    url = f"/api/v1/processes/{world.process.pk}/caucus/{world.party_a.pk}/documents"
    response = api.post(url, {"file": SimpleUploadedFile("note.pdf", pdf())})
    assert response.status_code == 503, response.content
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["title"] == "Service unavailable"
    web = Client(HTTP_HOST="localhost", raise_request_exception=False)
    web.force_login(world.head_a)
    page = web.post(
        f"/processes/{world.process.pk}/caucus/{world.party_a.pk}/documents/",
        {"file": SimpleUploadedFile("note.pdf", pdf())},
    )
    assert page.status_code == 503, page.content
    assert b"Temporarily unavailable" in page.content
    assert (Event.objects.count(), CaucusDocument.objects.count()) == before
