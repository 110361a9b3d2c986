"""A request body sent chunked, with no Content-Length, is read like any other (issue 14, item 5):
through the WSGI application on its own, and through a real `goodoffices demo` server (granian)
with http.client, as a client library that streams its body would send it."""

import http.client
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.core.handlers.wsgi import WSGIRequest

from goodoffices.processes.demo import DEMO_PASSWORD
from goodoffices.web.chunked import ChunkedBodies, body_limit

from .demo_server import demo_server


def _environ(body: bytes, **extra: Any) -> dict[str, Any]:
    return {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": "/api/v1/auth/token",
        "SERVER_NAME": "localhost",
        "SERVER_PORT": "80",
        "wsgi.url_scheme": "http",
        "CONTENT_TYPE": "application/json",
        "HTTP_TRANSFER_ENCODING": "chunked",
        "wsgi.input": io.BytesIO(body),
        **extra,
    }


def _read_by_django(environ: dict[str, Any]) -> tuple[str, bytes]:
    """What Django reads as the body behind the middleware, and the status answered."""
    seen: dict[str, bytes] = {}
    statuses: list[str] = []

    def django(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        seen["body"] = WSGIRequest(environ).body
        start_response("200 OK", [])
        return [b""]

    answered = ChunkedBodies(django)(environ, lambda status, headers: statuses.append(status))
    try:
        answer = b"".join(answered)
    finally:
        getattr(answered, "close", lambda: None)()
    return statuses[0], seen.get("body", answer)


def test_django_alone_reads_nothing_of_a_chunked_body(db):
    # Why the middleware exists: without a Content-Length Django takes the body as empty.
    assert WSGIRequest(_environ(b'{"body": "x"}')).body == b""


def test_a_chunked_body_reaches_django_whole(db):
    body = json.dumps({"body": "x" * 100_000}).encode()
    status, read = _read_by_django(_environ(body))
    assert (status, read) == ("200 OK", body)


def test_a_request_with_a_length_is_left_as_it_is(db):
    status, read = _read_by_django(_environ(b"abcdef", CONTENT_LENGTH="3", HTTP_TRANSFER_ENCODING=""))
    assert (status, read) == ("200 OK", b"abc")


def test_a_chunked_body_over_every_limit_is_refused_before_django(db):
    status, answer = _read_by_django(_environ(b"x" * (body_limit() + 1)))
    assert status == "413 Content Too Large"
    problem = json.loads(answer)
    assert (problem["status"], problem["instance"]) == (413, "/api/v1/auth/token")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with demo_server(Path(tmp_path_factory.mktemp("chunked"))) as url:
        yield url


def _chunked(url: str, method: str, path: str, parts: list[bytes], **headers: str) -> tuple[int, str, bytes]:
    where = urlsplit(url)
    connection = http.client.HTTPConnection(where.hostname or "127.0.0.1", where.port, timeout=60)
    try:
        connection.request(
            method,
            path,
            body=iter(parts),
            headers={"Content-Type": "application/json", **headers},
            encode_chunked=True,
        )
        response = connection.getresponse()
        return response.status, response.getheader("Content-Type", ""), response.read()
    finally:
        connection.close()


def test_a_chunked_request_to_a_real_server_is_read(server):
    credentials = json.dumps({"username": "observer", "password": DEMO_PASSWORD}).encode()
    status, _, body = _chunked(server, "POST", "/api/v1/auth/token", [credentials[:10], credentials[10:]])
    assert status == 200, body
    token = json.loads(body)["token"]
    where = urlsplit(server)
    connection = http.client.HTTPConnection(where.hostname or "127.0.0.1", where.port, timeout=60)
    connection.request("GET", "/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert json.loads(connection.getresponse().read())["username"] == "observer"
    connection.close()


def test_a_chunked_body_too_large_for_django_is_a_413_problem_from_a_real_server(server):
    # Over DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB), under the upload limit: Django refuses it.
    big = json.dumps({"username": "observer", "password": "x" * 3_000_000}).encode()
    status, content_type, body = _chunked(
        server, "POST", "/api/v1/auth/token", [big[i : i + 65536] for i in range(0, len(big), 65536)]
    )
    assert (status, content_type) == (413, "application/problem+json"), body[:300]
