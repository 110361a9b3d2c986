"""Query budgets: every list endpoint and page costs a fixed number of queries, whatever the
size of the process. Each is measured with 1 record of every kind and again with 50; an N+1
shows as a count that grows, and a page that costs more than its budget fails too."""

import os
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from goodoffices.caucus import services as caucus_services
from goodoffices.meetings import services as meeting_services

from .meetings.conftest import confirm, hold, propose

# Issue 9: any API read at most 8 queries, any page at most 12, whatever the size of the process;
# lowering them is welcome, raising them needs a reason in the commit that does it.
API_BUDGET = 8
PAGE_BUDGET = 12


@dataclass(frozen=True)
class Endpoint:
    name: str
    persona: str
    url: Callable[..., str]
    api: bool
    budget: int


def _endpoints() -> list[Endpoint]:
    def api(name: str, persona: str, url: Callable[..., str], budget: int = API_BUDGET) -> Endpoint:
        return Endpoint(name, persona, url, True, budget)

    def page(name: str, persona: str, url: Callable[..., str], budget: int = PAGE_BUDGET) -> Endpoint:
        return Endpoint(name, persona, url, False, budget)

    return [
        api("api processes", "mediator", lambda w, s: "/api/v1/processes"),
        api("api process", "mediator", lambda w, s: f"/api/v1/processes/{w.process.pk}"),
        api("api events", "mediator", lambda w, s: f"/api/v1/processes/{w.process.pk}/events"),
        api("api proposals", "head_a", lambda w, s: f"/api/v1/processes/{w.process.pk}/proposals"),
        api("api proposals (mediator)", "mediator", lambda w, s: f"/api/v1/processes/{w.process.pk}/proposals"),
        api("api meetings", "head_a", lambda w, s: f"/api/v1/processes/{w.process.pk}/meetings"),
        api("api meetings (observer)", "observer", lambda w, s: f"/api/v1/processes/{w.process.pk}/meetings"),
        api(
            "api caucus messages",
            "mediator",
            lambda w, s: f"/api/v1/processes/{w.process.pk}/caucus/{w.party_a.pk}/messages",
        ),
        api(
            "api caucus documents",
            "delegate_a",
            lambda w, s: f"/api/v1/processes/{w.process.pk}/caucus/{w.party_a.pk}/documents",
        ),
        api("api register", "anonymous", lambda w, s: "/api/v1/register/meetings"),
        api("api frameworks", "operator", lambda w, s: "/api/v1/frameworks"),
        page("dashboard", "head_a", lambda w, s: "/dashboard/"),
        page("process", "mediator", lambda w, s: f"/processes/{w.process.pk}/"),
        page("activity", "mediator", lambda w, s: f"/processes/{w.process.pk}/activity/"),
        page("meetings", "head_a", lambda w, s: f"/processes/{w.process.pk}/meetings/"),
        page("proposal", "mediator", lambda w, s: f"/proposals/{s['proposal']}/"),
        page("meeting", "head_a", lambda w, s: f"/meetings/{s['meeting']}/"),
        page("caucus", "delegate_a", lambda w, s: f"/processes/{w.process.pk}/caucus/{w.party_a.pk}/"),
        page("register", "anonymous", lambda w, s: "/register/"),
        page("register feed", "anonymous", lambda w, s: "/register/feed.atom"),
        page("register print", "anonymous", lambda w, s: "/register/print/"),
        page("register search", "anonymous", lambda w, s: f"/register/?q=Held&year=2026&process={w.process.pk}"),
        page("notifications", "head_b", lambda w, s: "/notifications/"),
        page("delegation", "head_a", lambda w, s: f"/processes/{w.process.pk}/parties/{w.party_a.pk}/"),
        page("appointments", "operator", lambda w, s: f"/processes/{w.process.pk}/appointments/"),
        page("mandate", "observer", lambda w, s: f"/processes/{w.process.pk}/mandate/"),
    ]


def _grow(world, count: int) -> dict[str, int]:
    """``count`` records of every kind a list shows: proposals, held meetings with published
    communiqués (each with a language version), caucus messages and documents (and their events and notices)."""
    subjects: dict[str, int] = {}
    for i in range(count):
        proposal = propose(world, title=f"Talks {i}")
        meeting = hold(world, confirm(world, propose(world, title=f"Held {i}")))
        communique = meeting_services.communique_draft(actor=world.mediator, meeting=meeting, text=f"Text {i}")
        # In both languages of the mandate: the register, its feed and the meeting pages show each.
        communique = meeting_services.communique_language_set(
            actor=world.mediator, communique=communique, language="ru", text=f"Текст {i}", authentic=i % 2 == 0
        )
        meeting_services.minutes_draft(actor=world.mediator, meeting=meeting, text=f"Minutes {i}")
        for head in (world.head_a, world.head_b):
            meeting_services.communique_consent(actor=head, communique=communique, consent=True, version=2)
        caucus_services.caucus_message_post(actor=world.delegate_a, party=world.party_a, body=f"Message {i}")
        caucus_services.caucus_document_upload(
            actor=world.delegate_a,
            party=world.party_a,
            upload=SimpleUploadedFile(f"note-{i}.txt", f"note {i}".encode(), content_type="text/plain"),
        )
        subjects = {"proposal": proposal.pk, "meeting": meeting.pk}
    return subjects


def _count(client: Client, url: str) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
    if os.environ.get("GOODOFFICES_SHOW_QUERIES") == url:
        print(*(q["sql"][:200] for q in queries.captured_queries), sep="\n")
    return response.status_code, len(queries)


@pytest.fixture(autouse=True)
def media_root(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_no_list_or_page_grows_with_the_process(world, client_for, api_for):
    endpoints = _endpoints()
    clients = {(e.persona, e.api): (api_for(e.persona) if e.api else client_for(e.persona)) for e in endpoints}
    subjects = _grow(world, 1)
    for e in endpoints:  # once each first: a token's first use of the minute is recorded
        clients[e.persona, e.api].get(e.url(world, subjects))
    small = {}
    for e in endpoints:
        status, small[e.name] = _count(clients[e.persona, e.api], e.url(world, subjects))
        assert status == 200, e.name
    subjects = _grow(world, 49)
    for e in endpoints:  # growing may take over a minute on a loaded machine: record last use again
        clients[e.persona, e.api].get(e.url(world, subjects))
    problems = {}
    for e in endpoints:
        status, large = _count(clients[e.persona, e.api], e.url(world, subjects))
        assert status == 200, e.name
        if large != small[e.name]:
            problems[e.name] = f"{small[e.name]} queries with 1 record, {large} with 50"
        elif large > e.budget:
            problems[e.name] = f"{large} queries, over its budget of {e.budget}"
    print("queries at 50 records:", {e.name: small[e.name] for e in endpoints})
    assert not problems, problems
