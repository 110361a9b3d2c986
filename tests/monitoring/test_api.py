"""The monitoring API: the contract outside checks rely on (issue 12, item 6), reports and responses
as JSON and as multipart with evidence, and every refusal as problem+json naming the field."""

import base64
import hashlib
import json
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, RequestFactory

from goodoffices.api.monitoring import commitment_list
from goodoffices.monitoring.models import Evidence
from goodoffices.monitoring.selectors import commitments_page
from tests.caucus import samples

from .conftest import evidence_file, file_report, pdf, today, trace

CONTRACT_COMMITMENT = {
    "id",
    "clause",
    "obligor",
    "action",
    "category",
    "deadline",
    "status",
    "breach",
    "overdue",
    "completed_on",
}
CONTRACT_REPORT = {"id", "observed_on", "status", "breach", "summary", "sources"}


def _report_body(**overrides):
    body = {
        "observed_on": today().isoformat(),
        "status": 2,
        "breach": False,
        "summary": "Half of the convoys passed.",
        "audience": "public",
        "sources": [{"url": "https://example.org/convoys", "read_on": today().isoformat(), "title": "Convoys"}],
    }
    body.update(overrides)
    return body


def test_the_commitments_of_an_agreement_answer_the_contract(world, agreements):
    commitment = agreements.commitment("public", "1")
    file_report(world.monitor, commitment, status=3)
    request = RequestFactory().get("/")
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    body = json.loads(commitment_list(request, agreements.public.pk, None, None).model_dump_json())
    assert [set(item) for item in body["items"]] == [CONTRACT_COMMITMENT] * 3
    first = body["items"][0]
    assert first == {
        "id": commitment.pk,
        "clause": "1",
        "obligor": world.party_a.pk,
        "action": "Open the checkpoint to humanitarian convoys",
        "category": "humanitarian_access",
        "deadline": commitment.deadline.isoformat(),
        "status": 3,
        "breach": False,
        "overdue": False,
        "completed_on": today().isoformat(),
    }
    assert body["items"][2]["deadline"] is None
    page = commitments_page(user=world.mediator, agreement=agreements.public, limit=2)
    assert [c.clause for c in page.items] == ["1", "2"]
    assert page.next


def test_the_agreements_route_answers_the_contract_once_it_is_there(world, agreements):
    """``GET /api/v1/agreements/{id}/commitments`` is the agreements API's route; it answers with
    ``commitment_list``. Until that module is merged there is nothing to call."""
    pytest.importorskip("goodoffices.api.agreements")
    anonymous = Client(HTTP_HOST="localhost")
    body = anonymous.get(f"/api/v1/agreements/{agreements.public.pk}/commitments").json()
    assert {
        "id",
        "clause",
        "obligor",
        "action",
        "category",
        "deadline",
        "status",
        "breach",
        "overdue",
        "completed_on",
    } <= set(body["items"][0])
    assert anonymous.get(f"/api/v1/agreements/{agreements.plenary.pk}/commitments").status_code == 404


def test_reports_answer_the_contract_without_authentication_where_public(world, agreements):
    commitment = agreements.commitment("public", "1")
    file_report(world.monitor, commitment, status=1, observed_on=today() - timedelta(days=3))
    file_report(world.monitor, commitment, status=2, audience_name="plenary")
    anonymous = Client(HTTP_HOST="localhost")
    body = anonymous.get(f"/api/v1/commitments/{commitment.pk}/reports").json()
    assert len(body["items"]) == 1  # the plenary report is not the public's
    item = body["items"][0]
    assert set(item) >= CONTRACT_REPORT
    assert (item["observed_on"], item["status"], item["breach"]) == (
        (today() - timedelta(days=3)).isoformat(),
        1,
        False,
    )
    assert item["sources"] == [
        {"url": "https://example.org/news/1", "title": "A report", "read_on": today().isoformat()}
    ]
    assert "monitor" not in json.dumps(body).replace('"role": "monitor"', "")  # who filed it is not named
    plenary = agreements.commitment("plenary", "1")
    for url in (
        f"/api/v1/commitments/{plenary.pk}/reports",
        f"/api/v1/commitments/{plenary.pk}",
        "/api/v1/commitments/999999",
    ):
        response = anonymous.get(url)
        assert response.status_code == 404
        assert response["Content-Type"] == "application/problem+json"


def test_a_bad_token_is_refused_rather_than_served_as_anonymous(world, agreements):
    commitment = agreements.commitment("public", "1")
    response = Client(HTTP_HOST="localhost", HTTP_AUTHORIZATION="Bearer go_nonsense").get(
        f"/api/v1/commitments/{commitment.pk}/reports"
    )
    assert response.status_code == 401


def test_a_monitor_files_a_report_as_json(world, agreements, api_for):
    commitment = agreements.commitment("public", "1")
    response = api_for("monitor").post(
        f"/api/v1/commitments/{commitment.pk}/reports", _report_body(), content_type="application/json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["status"], body["role"], body["audience"], body["evidence"]) == (2, "monitor", "public", [])
    detail = api_for("anonymous").get(f"/api/v1/commitments/{commitment.pk}").json()
    assert (detail["status"], detail["history"][0]["cause"], detail["history"][0]["report"]) == (
        2,
        "report",
        body["id"],
    )


def test_a_guarantor_files_a_report_with_evidence_as_multipart(world, agreements, api_for):
    commitment = agreements.commitment("public", "2")
    response = api_for("guarantor").post(
        f"/api/v1/commitments/{commitment.pk}/reports",
        {
            "report": json.dumps(_report_body(status=1, breach=True)),
            "evidence": [SimpleUploadedFile("photo.png", samples.png()), evidence_file("log.pdf")],
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert [e["name"] for e in body["evidence"]] == ["photo.png", "log.pdf"]
    assert body["evidence"][0]["sha256"] == hashlib.sha256(samples.png()).hexdigest()
    assert body["answer_due_at"] is not None
    download = api_for("anonymous").get(body["evidence"][1]["download"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == pdf()
    digest = base64.b64encode(hashlib.sha256(pdf()).digest()).decode()
    assert download["Repr-Digest"] == f"sha-256=:{digest}:"
    assert download["Content-Disposition"].startswith("attachment")


def test_a_swapped_evidence_file_is_not_served(world, agreements, api_for):
    report = file_report(world.monitor, agreements.commitment("public", "1"), evidence=[evidence_file()])
    evidence = Evidence.objects.get(report=report)
    with evidence.file.open("wb") as handle:
        handle.write(b"%PDF-1.4 another document")
    assert api_for("anonymous").get(f"/api/v1/evidence/{evidence.pk}").status_code == 404


@pytest.mark.parametrize(
    ("overrides", "field", "status"),
    [
        ({"status": 4}, "status", 422),
        ({"status": "2"}, "status", 422),
        ({"breach": "no"}, "breach", 422),
        ({"observed_on": "2020-01-01"}, "observed_on", 422),
        ({"observed_on": (today() + timedelta(days=3)).isoformat()}, "observed_on", 422),
        ({"summary": ""}, "summary", 422),
        ({"audience": "mediators"}, "audience", 422),
        ({"sources": [{"url": "ftp://example.org/x", "read_on": "2024-01-01"}]}, "sources[0].url", 422),
        ({"sources": [{"url": "https://example.org/x"}]}, "sources[0].read_on", 422),
        ({"signed": True}, "signed", 422),
    ],
)
def test_bad_reports_are_refused_naming_the_field(world, agreements, api_for, media_root, overrides, field, status):
    commitment = agreements.commitment("public", "1")
    monitor = api_for("monitor")
    before = trace(media_root)
    response = monitor.post(
        f"/api/v1/commitments/{commitment.pk}/reports", _report_body(**overrides), content_type="application/json"
    )
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    assert field in [e["field"] for e in response.json()["errors"]], response.json()
    assert trace(media_root) == before


def test_bad_evidence_and_bad_bodies_are_refused(world, agreements, api_for, media_root, settings):
    commitment = agreements.commitment("public", "1")
    url = f"/api/v1/commitments/{commitment.pk}/reports"
    monitor = api_for("monitor")
    before = trace(media_root)
    disguised = monitor.post(
        url, {"report": json.dumps(_report_body()), "evidence": [SimpleUploadedFile("a.pdf", samples.exe())]}
    )
    assert disguised.status_code == 422
    assert disguised.json()["errors"][0]["field"] == "evidence[0]"
    settings.EVIDENCE_MAX_UPLOAD_BYTES = 64
    too_big = monitor.post(
        url, {"report": json.dumps(_report_body()), "evidence": [evidence_file(content=b"%PDF-" + b"x" * 100)]}
    )
    assert too_big.status_code == 413
    assert too_big.json()["errors"][0]["field"] == "evidence[0]"
    assert monitor.post(url, {"evidence": [evidence_file()]}).json()["errors"][0]["field"] == "report"
    assert monitor.post(url, b"{not json", content_type="application/json").status_code == 400
    assert monitor.post(url, "status=2", content_type="text/plain").status_code == 415
    assert trace(media_root) == before


def test_who_may_not_report_is_refused(world, agreements, api_for, media_root):
    head_a, observer, anonymous = api_for("head_a"), api_for("observer"), api_for("anonymous")
    public, plenary = agreements.commitment("public", "1"), agreements.commitment("plenary", "1")
    before = trace(media_root)
    for client, commitment, status in ((head_a, public, 403), (observer, plenary, 404), (anonymous, public, 401)):
        response = client.post(
            f"/api/v1/commitments/{commitment.pk}/reports",
            _report_body(audience=commitment.agreement.audience),
            content_type="application/json",
        )
        assert response.status_code == status
    assert trace(media_root) == before


def test_the_obligor_responds_and_another_party_may_not(world, agreements, api_for, media_root):
    report = file_report(world.monitor, agreements.commitment("public", "1"), status=1)
    url = f"/api/v1/reports/{report.pk}/responses"
    head_b, delegate_a = api_for("head_b"), api_for("delegate_a")
    before = trace(media_root)
    refused = head_b.post(url, {"kind": "response", "body": "Not ours."}, content_type="application/json")
    assert refused.status_code == 403
    assert "only the delegation of Alpha" in refused.json()["detail"]
    assert (
        delegate_a.post(url, {"kind": "apology", "body": "x"}, content_type="application/json").json()["errors"][0][
            "field"
        ]
        == "kind"
    )
    assert trace(media_root) == before
    created = delegate_a.post(
        url,
        {
            "response": json.dumps({"kind": "contest", "body": "The convoys passed on that day."}),
            "evidence": [evidence_file("manifest.pdf")],
        },
    )
    assert created.status_code == 201, created.content
    assert created.json()["evidence"][0]["name"] == "manifest.pdf"
    detail = api_for("anonymous").get(f"/api/v1/reports/{report.pk}").json()
    assert detail["answered_at"] is not None
    assert [r["kind"] for r in detail["responses"]] == ["contest"]


def test_the_compliance_figures(world, agreements, api_for):
    file_report(world.monitor, agreements.commitment("public", "1"), status=3)
    file_report(world.monitor, agreements.commitment("public", "2"), status=1, breach=True)
    body = api_for("anonymous").get(f"/api/v1/agreements/{agreements.public.pk}/compliance").json()
    assert (body["commitments"], round(body["score"], 4)) == (3, round(4 / 9, 4))
    parties = {s["label"]: s for s in body["by_party"]}
    assert parties["Alpha"]["by_status"] == [1, 0, 0, 1]
    assert (parties["Beta"]["breach"], parties["Beta"]["score"]) == (1, pytest.approx(1 / 3))
    assert [p["score"] for p in body["series"]][-1] == pytest.approx(4 / 9)
    assert api_for("anonymous").get(f"/api/v1/agreements/{agreements.plenary.pk}/compliance").status_code == 404
    assert api_for("monitor").get(f"/api/v1/agreements/{agreements.plenary.pk}/compliance").status_code == 200


def test_the_mandate_states_its_monitoring_rules(world, api_for):
    body = api_for("observer").get(f"/api/v1/processes/{world.process.pk}").json()
    assert (body["mandate"]["response_period_days"], body["mandate"]["deadline_timezone"]) == (30, "UTC")
    operator = api_for("operator")
    url = f"/api/v1/processes/{world.process.pk}/mandate/amendments"
    bad = operator.post(url, {"note": "Faster", "response_period_days": 0}, content_type="application/json")
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "response_period_days"
    zone = operator.post(url, {"note": "Baku", "deadline_timezone": "Mars/Olympus"}, content_type="application/json")
    assert zone.json()["errors"][0]["field"] == "deadline_timezone"
    done = operator.post(
        url,
        {"note": "Faster", "response_period_days": 14, "deadline_timezone": "Asia/Baku"},
        content_type="application/json",
    )
    assert done.status_code == 201, done.content
    assert (done.json()["response_period_days"], done.json()["deadline_timezone"]) == (14, "Asia/Baku")
