"""API documentation (issue 10, item 13): every operation documents its error responses as
application/problem+json in the OpenAPI; each problem's ``type`` is a page the platform serves
that explains it, reachable by anyone."""

import html
import json

import pytest
from django.test import Client

from .meetings.helpers import proposal_body

# Served publicly, for anyone reading an error: not a role's business.
MATRIX_COVERS = {"web:problems", "web:problem"}


@pytest.fixture
def spec(world):
    return Client(HTTP_HOST="localhost").get("/api/v1/openapi.json").json()


def _operations(spec):
    for path, methods in spec["paths"].items():
        for method, operation in methods.items():
            yield path, method, operation


def test_every_operation_documents_its_problems(spec):
    problem = spec["components"]["schemas"]["Problem"]
    assert set(problem["required"]) == {"type", "title", "status", "detail", "instance"}
    count = 0
    for path, method, operation in _operations(spec):
        count += 1
        codes = {code for code in operation["responses"] if code.startswith(("4", "5"))}
        expected = {"400", "404", "405", "422", "429", "500", "503"}
        if operation.get("security"):
            expected.add("401")
        if method != "get":
            expected |= {"403", "409", "413"}
        assert expected <= codes, (method, path, sorted(codes))
        for code in codes:
            content = operation["responses"][code]["content"]
            assert list(content) == ["application/problem+json"], (method, path, code)
            assert content["application/problem+json"]["schema"] == {"$ref": "#/components/schemas/Problem"}
    assert count > 40


def test_the_type_of_a_problem_is_a_page_that_explains_it(world, api_for):
    anonymous = Client(HTTP_HOST="localhost")
    answers = {
        401: api_for("anonymous").get(f"/api/v1/processes/{world.process.pk}"),
        404: api_for("head_a").get("/api/v1/proposals/999999"),
        422: api_for("head_a").post(
            f"/api/v1/processes/{world.process.pk}/proposals",
            proposal_body(agenda=["Borders"]),
            content_type="application/json",
        ),
        405: api_for("head_a").delete("/api/v1/processes"),
    }
    for status, response in answers.items():
        assert response.status_code == status
        problem = response.json()
        assert problem["type"].startswith("http://localhost/problems/"), problem
        page = anonymous.get(problem["type"].removeprefix("http://localhost"))
        assert page.status_code == 200, problem["type"]
        text = html.unescape(page.content.decode())
        assert f"<h1>{status} {problem['title']}</h1>" in text
        assert "What to do" in text


def test_every_problem_is_listed_and_an_unknown_one_is_not_found(world):
    client = Client(HTTP_HOST="localhost")
    listing = html.unescape(client.get("/problems/").content.decode())
    for words in ("400 Bad request", "409 Conflict", "422 Invalid request", "503 Service unavailable"):
        assert words in listing
    assert client.get("/problems/no-such-problem/").status_code == 404


def test_the_openapi_document_names_each_answer_of_an_operation_once_and_errors_as_problems():
    """Swagger UI refuses a document with a key twice: ninja's own error answers (integer keys)
    and the problems added to every operation (text keys) must merge into one per code."""
    body = Client(HTTP_HOST="localhost").get("/api/v1/openapi.json").content

    def unique(pairs):
        keys = [key for key, _ in pairs]
        assert len(keys) == len(set(keys)), sorted(key for key in keys if keys.count(key) > 1)
        return dict(pairs)

    document = json.loads(body, object_pairs_hook=unique)
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            for code, answer in operation["responses"].items():
                if int(code) >= 400:
                    assert list(answer["content"]) == ["application/problem+json"], (method, path, code)
