"""Every error the API answers is RFC 9457 problem+json (issue 8, item 16): not only what the
operations raise, but a method not allowed, a route that does not exist, a body too large or
malformed, a lock-out and a server error."""

import json
import re
from typing import Any

import pytest
from django.http import HttpRequest
from django.test import Client
from ninja.errors import HttpError, Throttled

from goodoffices.api.api import api

from .world import PASSWORD

MEMBERS = "/api/v1/processes/{p}/parties/{a}/members"


def _is_problem(response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"] == "application/problem+json"
    problem: dict[str, Any] = json.loads(response.content)
    assert {"type", "title", "status", "detail", "instance"} <= set(problem)
    assert problem["status"] == status
    # The page that explains the problem, on this platform (issue 10, item 13).
    assert re.fullmatch(r"https?://[^/]+/problems/[a-z-]+/", problem["type"]), problem["type"]
    assert problem["title"]
    assert problem["detail"]
    return problem


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("put", "/api/v1/processes/{p}", 405),
        ("delete", "/api/v1/me", 405),
        ("get", "/api/v1/no-such-thing", 404),
        ("post", "/api/v1/processes/{p}/no-such-thing", 404),
        ("get", "/api/v1/processes/{p}/events/1/more", 404),
    ],
)
def test_what_no_operation_answers_is_a_problem_too(world, api_for, method, path, status):
    response = getattr(api_for("head_a"), method)(path.format(p=world.process.pk))
    problem = _is_problem(response, status)
    assert problem["instance"] == path.format(p=world.process.pk)


def test_a_method_not_allowed_still_says_which_are(world, api_for):
    response = api_for("head_a").put(f"/api/v1/processes/{world.process.pk}")
    assert response["Allow"] == "GET"
    assert "GET" in _is_problem(response, 405)["detail"]


@pytest.mark.parametrize("path", ["/api/v1/nothing/here", "/api/v1/"])
def test_an_unknown_route_is_a_problem_for_anonymous_callers_too(db, path):
    _is_problem(Client(HTTP_HOST="localhost").get(path), 404)


def test_a_body_too_large_is_a_413_problem_and_writes_nothing(world, api_for, settings):
    from goodoffices.events.models import Event

    api = api_for("head_a")
    before = Event.objects.count()
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = api.post(
        f"/api/v1/processes/{world.process.pk}/caucus/{world.party_a.pk}/messages",
        {"body": "x" * 2000},
        content_type="application/json",
    )
    _is_problem(response, 413)
    assert Event.objects.count() == before


def test_malformed_json_is_a_400_problem(world, api_for):
    response = api_for("head_a").post(
        MEMBERS.format(p=world.process.pk, a=world.party_a.pk), "{not json", content_type="application/json"
    )
    _is_problem(response, 400)


def test_a_locked_out_account_gets_a_429_problem_from_the_api(world):
    for _ in range(5):
        Client(HTTP_HOST="localhost").post(
            "/api/v1/auth/token",
            {"username": world.head_a.username, "password": "wrong"},
            content_type="application/json",
        )
    response = Client(HTTP_HOST="localhost").post(
        "/api/v1/auth/token",
        {"username": world.head_a.username, "password": PASSWORD},
        content_type="application/json",
    )
    _is_problem(response, 429)


@pytest.mark.parametrize("error", [HttpError(429, "slow down"), Throttled(wait=30)], ids=["HttpError", "Throttled"])
def test_any_429_an_operation_raises_is_a_problem(error):
    request = HttpRequest()
    request.path = "/api/v1/auth/token"
    response = api.on_exception(request, error)
    problem = _is_problem(response, 429)
    assert problem["title"] == "Too many requests"


def test_a_server_error_is_a_problem_that_tells_nothing_of_the_server(world, api_for, monkeypatch):
    from goodoffices.processes import selectors

    def broken(**kwargs):
        raise RuntimeError("secret path /srv/goodoffices/keys")

    monkeypatch.setattr(selectors, "process_list", broken)
    api = api_for("head_a")
    api.raise_request_exception = False
    response = api.get("/api/v1/processes")
    problem = _is_problem(response, 500)
    assert "/srv" not in response.content.decode()
    assert problem["title"] == "Server error"


def test_web_pages_keep_their_html_errors(world, client_for):
    response = client_for("head_a").get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
