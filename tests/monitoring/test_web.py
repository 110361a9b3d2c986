"""The compliance register as a reader sees it: the page (chart with its text alternative,
summaries, each commitment with its last report and sources), its CSV and JSON exports, the Atom
feeds linked from /register/, and the commitment page where reports are filed and answered."""

import csv
import io
import json
import re
from datetime import UTC, datetime, time, timedelta
from xml.etree import ElementTree

from goodoffices.monitoring.escalation import escalation_pass

from .conftest import evidence_file, file_report, today

ATOM = "{http://www.w3.org/2005/Atom}"


def _text(response) -> str:
    return (b"".join(response.streaming_content) if response.streaming else response.content).decode()


def test_the_register_page_shows_status_reports_sources_and_the_score(world, agreements, client_for):
    file_report(world.monitor, agreements.commitment("public", "1"), status=3, observed_on=today() - timedelta(days=1))
    file_report(world.monitor, agreements.commitment("public", "2"), status=1, breach=True)
    page = client_for("anonymous").get(f"/register/agreements/{agreements.public.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="score">44 %<' in html  # (3 + 1 + 0) / 9
    svg = re.search(r"<svg .*?</svg>", html, re.S)
    assert svg is not None
    assert 'role="img"' in svg.group(0)
    assert "<title" in svg.group(0)
    assert "<desc" in svg.group(0)
    assert 'id="score-table"' in html  # the chart's text alternative
    assert "44 %" in html.split('id="score-table"')[1]
    assert "full (3/3)" in html
    assert "minimal (1/3)" in html
    assert 'class="tag flag-breach"' in html
    assert 'href="https://example.org/news/1"' in html
    assert "Alpha" in html
    assert "Beta" in html
    assert 'type="application/atom+xml"' in html


def test_the_register_of_a_plenary_agreement_is_not_the_publics(world, agreements, client_for):
    url = f"/register/agreements/{agreements.plenary.pk}/"
    assert client_for("anonymous").get(url).status_code == 404
    assert client_for("observer").get(url).status_code == 404
    page = client_for("guarantor").get(url).content.decode()
    assert "Confidential arrangement" in page
    assert "feed.atom" not in page  # no public feed for it


def test_the_exports_hold_every_commitment(world, agreements, client_for):
    file_report(world.monitor, agreements.commitment("public", "2"), status=1, breach=True, summary="=HYPERLINK(x)")
    client = client_for("anonymous")
    rows = list(
        csv.DictReader(io.StringIO(_text(client.get(f"/register/agreements/{agreements.public.pk}/commitments.csv"))))
    )
    assert [r["clause"] for r in rows] == ["1", "2", "3"]
    assert (rows[1]["status"], rows[1]["breach"], rows[1]["obligor"]) == ("1", "yes", "Beta")
    assert rows[1]["last_report_summary"] == "'=HYPERLINK(x)"  # never a formula
    assert rows[1]["last_report_sources"] == "https://example.org/news/1"
    body = json.loads(_text(client.get(f"/register/agreements/{agreements.public.pk}/commitments.json")))
    assert body["agreement"]["title"] == "Agreement on humanitarian access"
    assert [i["status"] for i in body["items"]] == [0, 1, 0]
    assert body["items"][1]["last_report"]["sources"][0]["url"] == "https://example.org/news/1"
    assert body["items"][2]["schedule"].startswith("monthly from")


def test_the_public_register_links_the_feed_of_status_changes(world, agreements, client_for):
    html = client_for("anonymous").get("/register/").content.decode()
    assert '<link rel="alternate" type="application/atom+xml"' in html
    assert 'href="/register/commitments/feed.atom"' in html
    assert f'href="/register/agreements/{agreements.public.pk}/"' in html
    assert "Confidential arrangement" not in html


def test_the_feed_shows_status_changes_and_escalations_of_public_commitments(world, agreements, client_for):
    commitment = agreements.commitment("public", "1")
    file_report(world.monitor, commitment, status=1)
    file_report(
        world.monitor,
        agreements.commitment("plenary", "1"),
        status=2,
        summary="secret finding",
        audience_name="plenary",
    )
    file_report(
        world.monitor, agreements.commitment("public", "2"), status=2, summary="hidden finding", audience_name="plenary"
    )
    escalation_pass(now=datetime.combine(commitment.deadline + timedelta(days=2), time(12), tzinfo=UTC))
    response = client_for("anonymous").get("/register/commitments/feed.atom")
    assert response.status_code == 200
    feed = ElementTree.fromstring(response.content)  # noqa: S314 - our own feed
    entries = feed.findall(f"{ATOM}entry")
    titles = [e.findtext(f"{ATOM}title") or "" for e in entries]
    assert any("clause 1: minimal, overdue" in t for t in titles), titles
    assert any("clause 1: minimal" in t and "overdue" not in t for t in titles), titles
    assert any("clause 2: intermediate" in t for t in titles)  # its status is public, its report is not
    text = response.content.decode()
    assert "secret finding" not in text
    assert "hidden finding" not in text
    assert "Confidential arrangement" not in text
    one = client_for("anonymous").get(f"/register/agreements/{agreements.public.pk}/feed.atom")
    assert len(ElementTree.fromstring(one.content).findall(f"{ATOM}entry")) == len(entries)  # noqa: S314
    assert client_for("anonymous").get(f"/register/agreements/{agreements.plenary.pk}/feed.atom").status_code == 404


def test_a_monitor_files_a_report_from_the_commitment_page(world, agreements, client_for):
    commitment = agreements.commitment("public", "1")
    client = client_for("monitor")
    page = client.get(f"/commitments/{commitment.pk}/").content.decode()
    assert "File a report" in page
    response = client.post(
        f"/commitments/{commitment.pk}/reports/",
        {
            "observed_on": today().isoformat(),
            "status": "2",
            "summary": "Half of the convoys passed.",
            "audience": "public",
            "sources": f"https://example.org/convoys {today().isoformat()} Convoy report",
            "evidence": [evidence_file("convoys.pdf")],
        },
    )
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Your report was filed." in page
    assert "intermediate (2/3)" in page
    assert "convoys.pdf" in page
    assert "Convoy report" in page


def test_a_bad_report_form_names_the_field(world, agreements, client_for):
    commitment = agreements.commitment("public", "1")
    response = client_for("monitor").post(
        f"/commitments/{commitment.pk}/reports/",
        {
            "observed_on": (today() + timedelta(days=5)).isoformat(),
            "status": "1",
            "summary": "x",
            "audience": "public",
            "sources": "https://example.org/ yesterday",
        },
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "Line 1: give the address, then the date read" in html
    response = client_for("monitor").post(
        f"/commitments/{commitment.pk}/reports/",
        {"observed_on": (today() + timedelta(days=5)).isoformat(), "status": "1", "summary": "x", "audience": "public"},
    )
    assert response.status_code == 422
    assert "cannot be in the future" in response.content.decode()


def test_the_obligor_answers_from_the_commitment_page(world, agreements, client_for):
    commitment = agreements.commitment("public", "2")
    report = file_report(world.monitor, commitment, status=1, breach=True)
    client = client_for("head_b")
    page = client.get(f"/commitments/{commitment.pk}/").content.decode()
    assert "Answer for Beta" in page
    assert "File a report" not in page
    response = client.post(f"/reports/{report.pk}/responses/", {"kind": "contest", "body": "The road was open."})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Beta contests this report" in page
    assert "The road was open." in page
    assert "Answer for Beta" not in client_for("head_a").get(f"/commitments/{commitment.pk}/").content.decode()


def test_the_mandate_page_states_the_response_period(world, client_for):
    page = client_for("observer").get(f"/processes/{world.process.pk}/mandate/").content.decode()
    assert "within 30 days; deadlines fall in UTC" in page


def test_the_operator_sets_the_response_period_on_the_web(world, client_for):
    client = client_for("operator")
    url = f"/processes/{world.process.pk}/mandate/amend/"
    terms = {
        "scope": "Gas supply",
        "languages": ["en"],
        "held_meetings_audience": "process",
        "note": "Monitoring rules",
    }
    refused = client.post(url, {**terms, "response_period_days": "0", "deadline_timezone": "Mars/Olympus"})
    assert refused.status_code == 422
    assert "must be a whole number of days from 1 to 365" in refused.content.decode()
    assert (
        client.post(url, {**terms, "response_period_days": "14", "deadline_timezone": "Asia/Baku"}).status_code == 302
    )
    page = client.get(f"/processes/{world.process.pk}/mandate/").content.decode()
    assert "within 14 days; deadlines fall in Asia/Baku" in page
