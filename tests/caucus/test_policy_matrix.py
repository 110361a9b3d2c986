"""The caucus endpoints against every persona, for each party's caucus.

Written out by hand from DESIGN.md: a caucus is its party's delegation and the mediators.
Everyone else gets 404, exactly like a caucus that does not exist; anonymous callers are
asked to sign in (401 from the API, a redirect to the sign-in page from the web).
"""

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from goodoffices.caucus import services
from tests.world import PERSONAS, World

from . import samples
from .conftest import trace

ALL = (*PERSONAS, "anonymous")
MEMBERS = {
    "A": {"mediator", "head_a", "delegate_a"},
    "B": {"mediator", "head_b", "delegate_b"},
}


@dataclass
class Endpoint:
    name: str
    method: str
    url: Callable[[World, dict[str, int]], str]
    ok: int
    api: bool = True
    # A fresh body per request: an uploaded file can be read only once.
    body: Callable[[], dict[str, object]] | None = None
    json: bool = False
    writes: bool = False


def _party(world: World, side: str) -> int:
    return (world.party_a if side == "A" else world.party_b).pk


def _caucus(path: str) -> Callable[[World, dict[str, int]], str]:
    def url(world: World, seeded: dict[str, int]) -> str:
        return path.format(process=world.process.pk, party=seeded["party"])

    return url


def _document(prefix: str) -> Callable[[World, dict[str, int]], str]:
    def url(world: World, seeded: dict[str, int]) -> str:
        return f"{prefix}{seeded['document']}" + ("" if prefix.startswith("/api/") else "/")

    return url


def _file() -> dict[str, object]:
    return {"file": SimpleUploadedFile("position.pdf", samples.pdf(), content_type="application/pdf")}


ENDPOINTS = [
    Endpoint("api:caucus_message_list", "get", _caucus("/api/v1/processes/{process}/caucus/{party}/messages"), 200),
    Endpoint(
        "api:caucus_message_post",
        "post",
        _caucus("/api/v1/processes/{process}/caucus/{party}/messages"),
        201,
        body=lambda: {"body": "a new point"},
        json=True,
        writes=True,
    ),
    Endpoint("api:caucus_document_list", "get", _caucus("/api/v1/processes/{process}/caucus/{party}/documents"), 200),
    Endpoint(
        "api:caucus_document_upload",
        "post",
        _caucus("/api/v1/processes/{process}/caucus/{party}/documents"),
        201,
        body=_file,
        writes=True,
    ),
    Endpoint("api:caucus_document_download", "get", _document("/api/v1/caucus/documents/"), 200),
    Endpoint("web:caucus", "get", _caucus("/processes/{process}/caucus/{party}/"), 200, api=False),
    Endpoint(
        "web:caucus_message_post",
        "post",
        _caucus("/processes/{process}/caucus/{party}/messages/"),
        302,
        api=False,
        body=lambda: {"body": "a new point"},
        writes=True,
    ),
    Endpoint(
        "web:caucus_document_upload",
        "post",
        _caucus("/processes/{process}/caucus/{party}/documents/"),
        302,
        api=False,
        body=_file,
        writes=True,
    ),
    Endpoint("web:caucus_document_download", "get", _document("/caucus/documents/"), 200, api=False),
]
MATRIX_COVERS = {e.name for e in ENDPOINTS}


def expected(endpoint: Endpoint, side: str, persona: str) -> int:
    if persona == "anonymous":
        return 401 if endpoint.api else 302
    return endpoint.ok if persona in MEMBERS[side] else 404


def _seed(world: World, side: str) -> dict[str, int]:
    party = world.party_a if side == "A" else world.party_b
    head = world.head_a if side == "A" else world.head_b
    services.caucus_message_post(actor=head, party=party, body=f"secret-message-{side}")
    document = services.caucus_document_upload(
        actor=head,
        party=party,
        upload=SimpleUploadedFile(f"secret-document-{side}.txt", f"secret-content-{side}".encode()),
    )
    return {"party": party.pk, "document": document.pk}


@pytest.mark.parametrize("persona", ALL)
@pytest.mark.parametrize("side", ["A", "B"])
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: e.name)
def test_caucus_endpoint(world, api_for, client_for, media_root, persona, side, endpoint):  # noqa: C901 - one test walks every expectation of the matrix
    other = "B" if side == "A" else "A"
    seeded = _seed(world, side)
    _seed(world, other)
    client = api_for(persona) if endpoint.api else client_for(persona)
    url = endpoint.url(world, seeded)
    before = trace(media_root)
    if endpoint.body is None:
        response = getattr(client, endpoint.method)(url)
    elif endpoint.json:
        response = getattr(client, endpoint.method)(url, endpoint.body(), content_type="application/json")
    else:
        response = getattr(client, endpoint.method)(url, endpoint.body())
    want = expected(endpoint, side, persona)
    allowed = persona in MEMBERS[side]
    assert response.status_code == want, response.content[:300]
    content = b"".join(response.streaming_content) if response.streaming else response.content
    secrets = {name: f"secret-message-{name}".encode() for name in "AB"}
    assert secrets[other] not in content
    assert f"secret-document-{other}".encode() not in content
    assert f"secret-content-{other}".encode() not in content
    if not allowed:
        # Refused: not a word of the caucus, not even its document's name.
        assert secrets[side] not in content
        assert f"secret-document-{side}".encode() not in content
        assert f"secret-content-{side}".encode() not in content
    if endpoint.writes:
        after = trace(media_root)
        if allowed:
            assert after[0] == before[0] + 1, "an allowed write records exactly one event"
        else:
            assert after == before, "a refused write leaves no row, no event and no file"
    if persona == "anonymous" and not endpoint.api:
        assert response["Location"].startswith("/login/")
    if allowed and want == 200:
        if endpoint.name in ("api:caucus_message_list", "web:caucus"):
            assert secrets[side] in content
        if endpoint.name in ("api:caucus_document_list", "web:caucus"):
            assert f"secret-document-{side}".encode() in content
        if endpoint.name.endswith("download"):
            assert content == f"secret-content-{side}".encode()
