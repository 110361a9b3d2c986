"""The caucus API: uploads, downloads and the specific refusals a client can act on."""

import base64
import hashlib

from django.core.files.uploadedfile import SimpleUploadedFile

from . import samples
from .conftest import trace


def _documents(world) -> str:
    return f"/api/v1/processes/{world.process.pk}/caucus/{world.party_a.pk}/documents"


def _messages(world) -> str:
    return f"/api/v1/processes/{world.process.pk}/caucus/{world.party_a.pk}/messages"


def test_upload_then_download_returns_the_same_bytes_as_an_attachment(world, api_for):
    content = samples.png()
    client = api_for("delegate_a")
    response = client.post(
        _documents(world), {"file": SimpleUploadedFile("Карта района.png", content, content_type="text/html")}
    )
    assert response.status_code == 201, response.content
    body = response.json()
    digest = hashlib.sha256(content).hexdigest()
    assert body["sha256"] == digest
    assert body["content_type"] == "image/png"
    assert body["size"] == len(content)
    assert body["name"] == "Карта района.png"
    assert body["uploaded_by"] == world.delegate_a.username

    download = api_for("mediator").get(body["download"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == content
    assert download["Content-Type"] == "image/png"
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''%D0%9A%D0%B0%D1%80%D1%82%D0%B0" in download["Content-Disposition"]
    assert download["Cache-Control"] == "private, no-store"
    assert download["Repr-Digest"] == f"sha-256=:{base64.b64encode(bytes.fromhex(digest)).decode()}:"

    listed = client.get(_documents(world)).json()
    assert len(listed["items"]) == 1
    assert listed["next"] is None
    assert listed["items"][0]["sha256"] == digest


def test_oversized_upload_is_413_problem_and_writes_nothing(world, api_for, media_root, settings):
    settings.CAUCUS_MAX_UPLOAD_BYTES = 2048
    client = api_for("head_a")
    before = trace(media_root)
    response = client.post(_documents(world), {"file": SimpleUploadedFile("big.txt", b"a" * 4096)})
    assert response.status_code == 413
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["title"] == "Content too large"
    assert problem["errors"][0]["field"] == "file"
    assert "larger than the limit" in problem["detail"]
    assert trace(media_root) == before


def test_disguised_upload_is_422_problem_and_writes_nothing(world, api_for, media_root):
    client = api_for("head_a")
    before = trace(media_root)
    response = client.post(
        _documents(world), {"file": SimpleUploadedFile("report.pdf", samples.exe(), content_type="application/pdf")}
    )
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert "disguised" in response.json()["errors"][0]["message"]
    assert trace(media_root) == before


def test_unsupported_and_missing_files_are_422(world, api_for, media_root):
    client = api_for("head_a")
    before = trace(media_root)
    unsupported = client.post(_documents(world), {"file": SimpleUploadedFile("bundle.zip", samples.plain_zip())})
    assert unsupported.status_code == 422
    assert "not accepted" in unsupported.json()["detail"]
    empty = client.post(_documents(world), {"file": SimpleUploadedFile("empty.txt", b"")})
    assert empty.status_code == 422
    assert "empty" in empty.json()["detail"]
    missing = client.post(_documents(world), {})
    assert missing.status_code == 422
    assert missing["Content-Type"] == "application/problem+json"
    assert trace(media_root) == before


def test_messages_round_trip_and_bad_ones_are_422(world, api_for, media_root):
    client = api_for("head_a")
    posted = client.post(_messages(world), {"body": "Our position"}, content_type="application/json")
    assert posted.status_code == 201
    assert posted.json()["body"] == "Our position"
    listed = api_for("mediator").get(_messages(world)).json()
    assert [m["body"] for m in listed["items"]] == ["Our position"]
    before = trace(media_root)
    for body, words in (("", "must not be empty"), ("x" * 10_001, "at most 10000")):
        refused = client.post(_messages(world), {"body": body}, content_type="application/json")
        assert refused.status_code == 422
        assert [e["field"] for e in refused.json()["errors"]] == ["body"]
        assert words in refused.json()["detail"]
    unknown = client.post(_messages(world), {"body": "x", "party": 2}, content_type="application/json")
    assert unknown.status_code == 422
    assert trace(media_root) == before


def test_another_partys_caucus_answers_like_a_missing_one(world, api_for):
    other = api_for("head_a").get(f"/api/v1/processes/{world.process.pk}/caucus/{world.party_b.pk}/messages")
    missing = api_for("head_a").get(f"/api/v1/processes/{world.process.pk}/caucus/999999/messages")
    assert other.status_code == missing.status_code == 404
    assert other.json()["title"] == missing.json()["title"]


def test_the_openapi_document_describes_the_caucus(world, api_for):
    paths = api_for("head_a").get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/processes/{process_id}/caucus/{party_id}/documents" in paths
    assert "/api/v1/caucus/documents/{document_id}" in paths
