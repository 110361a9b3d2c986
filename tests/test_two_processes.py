"""Two processes under one framework: a role in one gives nothing in the other.

Written out by hand from DESIGN.md (principle 2): for someone with no role in a process, the
process and everything in it answer 404, exactly like what does not exist, and none of it is in
any list they get; someone who holds roles in both sees in each exactly what that role gives
there. The first process is the usual world; the second is ``world.other`` (people named
``other_*``), where the first process's head_a is also an observer.
"""

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.utils import timezone

from goodoffices.accounts.models import User
from goodoffices.accounts.services import api_token_create
from goodoffices.caucus import services as caucus_services
from goodoffices.caucus.models import CaucusDocument, CaucusMessage
from goodoffices.events.models import Event, EventKind
from goodoffices.events.services import event_record
from goodoffices.lib import audience
from goodoffices.meetings import services as meeting_services
from goodoffices.meetings.models import Meeting, Proposal
from goodoffices.processes.models import Party, Process

from .meetings.helpers import proposal_body
from .world import World

AUDIENCES = ("public", "process", "plenary", "mediators", "caucus:A", "caucus:B", "party:A", "party:B")
SIDES = ("first", "other")


@dataclass
class Records:
    """What one process holds, each record carrying text unique to its process (``tag``)."""

    tag: str
    process: Process
    party_a: Party
    party_b: Party
    proposal: Proposal
    meeting: Meeting
    message: CaucusMessage
    document: CaucusDocument
    markers: dict[str, str]

    def secrets(self) -> list[str]:
        """Texts of this process that no one without a role in it may ever read."""
        return [
            f"{self.tag} proposal title",
            f"{self.tag} meeting title",
            f"{self.tag}-caucus-secret",
            f"{self.tag}-document",
            *(f"{self.tag}-marker-{name}" for name in AUDIENCES),
        ]

    def api_reads(self) -> list[str]:
        p = self.process.pk
        return [
            f"/api/v1/processes/{p}",
            f"/api/v1/processes/{p}/events",
            *(f"/api/v1/processes/{p}/events/{event_id}" for event_id in self.markers.values()),
            f"/api/v1/processes/{p}/proposals",
            f"/api/v1/proposals/{self.proposal.pk}",
            f"/api/v1/processes/{p}/meetings",
            f"/api/v1/meetings/{self.meeting.pk}",
            f"/api/v1/processes/{p}/caucus/{self.party_a.pk}/messages",
            f"/api/v1/processes/{p}/caucus/{self.party_a.pk}/documents",
            f"/api/v1/caucus/documents/{self.document.pk}",
        ]

    def web_reads(self) -> list[str]:
        p = self.process.pk
        return [
            f"/processes/{p}/",
            f"/processes/{p}/mandate/",
            f"/processes/{p}/activity/",
            f"/processes/{p}/parties/{self.party_a.pk}/",
            f"/processes/{p}/meetings/",
            f"/processes/{p}/meetings/propose/",
            f"/proposals/{self.proposal.pk}/",
            f"/meetings/{self.meeting.pk}/",
            f"/processes/{p}/caucus/{self.party_a.pk}/",
            f"/caucus/documents/{self.document.pk}/",
        ]


def _people(world: World, side: str) -> Any:
    return world if side == "first" else world.other


def person(world: World, name: str) -> User:
    """``first.head_a`` or ``other.mediator``."""
    side, _, persona = name.partition(".")
    user: User = getattr(_people(world, side), persona)
    return user


def api(user: User) -> Client:
    _, token = api_token_create(user=user, name="tests")
    return Client(HTTP_HOST="localhost", HTTP_AUTHORIZATION=f"Bearer {token}")


def web(user: User) -> Client:
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    return client


def _seed(world: World, side: str) -> Records:
    people = _people(world, side)
    process, party_a, party_b = people.process, people.party_a, people.party_b
    head_a, head_b = people.head_a, people.head_b
    start = timezone.now().replace(microsecond=0) + timedelta(days=10)

    def propose(title: str) -> Proposal:
        return meeting_services.proposal_create(
            actor=head_a,
            process=process,
            terms=meeting_services.ProposalTerms.of(
                title=title,
                format="direct",
                venue="Geneva",
                timezone="Europe/Zurich",
                slots=[meeting_services.SlotIn(start, start + timedelta(hours=2))],
                agenda=["Gas supply"],
            ),
        )

    proposal = propose(f"{side} proposal title")
    meeting_services.readiness_set(actor=head_a, proposal=propose(f"{side} meeting title"), ready=True)
    meeting = meeting_services.readiness_set(
        actor=head_b, proposal=Proposal.objects.get(title=f"{side} meeting title"), ready=True
    ).meeting
    assert meeting is not None
    message = caucus_services.caucus_message_post(actor=head_a, party=party_a, body=f"{side}-caucus-secret")
    document = caucus_services.caucus_document_upload(
        actor=head_a,
        party=party_a,
        upload=SimpleUploadedFile(f"{side}-document.txt", f"{side}-document content".encode()),
    )
    markers = {}
    with transaction.atomic():
        for name in AUDIENCES:
            kind, _, letter = name.partition(":")
            party = party_a if letter == "A" else party_b
            markers[name] = (
                event_record(
                    kind=EventKind.PROCESS_CREATED,
                    actor=people.mediator,
                    subject=process,
                    audience={"caucus": audience.caucus, "party": audience.party}[kind](party.pk) if letter else name,
                    process=process,
                    payload={"marker": f"{side}-marker-{name}"},
                ).public_id
                or ""
            )
    return Records(side, process, party_a, party_b, proposal, meeting, message, document, markers)


@pytest.fixture
def records(two_worlds: World, settings: Any, tmp_path: Any) -> dict[str, Records]:
    settings.MEDIA_ROOT = tmp_path / "media"
    return {side: _seed(two_worlds, side) for side in SIDES}


def trace() -> tuple[int, int, int, int]:
    """What a refused request must leave unchanged."""
    return (
        Event.objects.count(),
        Proposal.objects.count(),
        CaucusMessage.objects.count(),
        CaucusDocument.objects.count(),
    )


def _markers_seen(client: Client, records: Records) -> set[str]:
    response = client.get(f"/api/v1/processes/{records.process.pk}/events?limit=200")
    assert response.status_code == 200
    ids = [item["id"] for item in response.json()["items"]]
    # Every event listed is one of this process's.
    assert not Event.objects.filter(public_id__in=ids).exclude(process=records.process).exists()
    return {name for name, event_id in records.markers.items() if event_id in ids}


def _process_ids(client: Client) -> set[int]:
    return {item["id"] for item in client.get("/api/v1/processes").json()["items"]}


def _calendar(client: Client) -> str:
    feed_url = client.post("/calendar/", {"action": "create"}).context["new_url"]
    return client.get(feed_url.removeprefix("http://localhost")).content.decode()


# Someone with a role in one process and none in the other; each reads the other's records.
NOBODY = [
    ("first.head_b", "other"),
    ("first.delegate_a", "other"),
    ("first.mediator", "other"),
    ("other.head_a", "first"),
    ("other.head_b", "first"),
    ("other.mediator", "first"),
]


@pytest.mark.parametrize(("reader", "side"), NOBODY)
def test_a_role_in_one_process_makes_nobody_in_the_other(two_worlds, records, reader, side):
    user = person(two_worlds, reader)
    own = records[reader.partition(".")[0]]
    theirs = records[side]
    api_client, web_client = api(user), web(user)
    for url in theirs.api_reads():
        response = api_client.get(url)
        assert response.status_code == 404, url
        assert not any(s in response.content.decode() for s in theirs.secrets()), url
    for url in theirs.web_reads():
        response = web_client.get(url)
        assert response.status_code == 404, url
        assert not any(s in response.content.decode() for s in theirs.secrets()), url
    # The reader's own process answers, so the 404s above are about the other one.
    assert api_client.get(f"/api/v1/processes/{own.process.pk}").status_code == 200
    assert _process_ids(api_client) == {own.process.pk}
    for page in ("/dashboard/", "/notifications/"):
        body = web_client.get(page).content.decode()
        assert f"/processes/{theirs.process.pk}/" not in body
        assert not any(s in body for s in theirs.secrets()), page
    calendar = _calendar(web_client)
    assert f"{theirs.tag} meeting title" not in calendar
    assert f"{own.tag} meeting title" in calendar


@pytest.mark.parametrize(("reader", "side"), NOBODY)
def test_a_role_in_one_process_writes_nothing_in_the_other(two_worlds, records, reader, side):
    user = person(two_worlds, reader)
    theirs = records[side]
    p, party = theirs.process.pk, theirs.party_a.pk
    api_client, web_client = api(user), web(user)
    before = trace()
    writes = [
        api_client.post(f"/api/v1/processes/{p}/proposals", proposal_body(), content_type="application/json"),
        api_client.put(
            f"/api/v1/proposals/{theirs.proposal.pk}/readiness", {"ready": True}, content_type="application/json"
        ),
        api_client.post(
            f"/api/v1/processes/{p}/caucus/{party}/messages", {"body": "intrusion"}, content_type="application/json"
        ),
        api_client.post(
            f"/api/v1/meetings/{theirs.meeting.pk}/cancel", {"reason": "x"}, content_type="application/json"
        ),
        web_client.post(f"/processes/{p}/caucus/{party}/messages/", {"body": "intrusion"}),
        web_client.post(f"/proposals/{theirs.proposal.pk}/withdraw/"),
    ]
    assert [w.status_code for w in writes] == [404] * len(writes)
    assert trace() == before


@pytest.mark.parametrize(("mediator", "side"), [("first.mediator", "other"), ("other.mediator", "first")])
def test_a_mediator_of_one_process_sees_no_caucus_of_the_other(two_worlds, records, mediator, side):
    user = person(two_worlds, mediator)
    own = records[mediator.partition(".")[0]]
    theirs = records[side]
    api_client, web_client = api(user), web(user)
    # Their own caucuses are open to them, with their own process's messages only.
    for party in (own.party_a, own.party_b):
        listed = api_client.get(f"/api/v1/processes/{own.process.pk}/caucus/{party.pk}/messages")
        assert listed.status_code == 200
        assert f"{theirs.tag}-caucus-secret" not in listed.content.decode()
    assert (
        f"{own.tag}-caucus-secret"
        in web_client.get(f"/processes/{own.process.pk}/caucus/{own.party_a.pk}/").content.decode()
    )
    # The other process's caucuses do not exist for them, under either process's address.
    for process in (theirs.process, own.process):
        for party in (theirs.party_a, theirs.party_b):
            for url in (
                f"/api/v1/processes/{process.pk}/caucus/{party.pk}/messages",
                f"/api/v1/processes/{process.pk}/caucus/{party.pk}/documents",
            ):
                response = api_client.get(url)
                assert response.status_code == 404, url
                assert f"{theirs.tag}-caucus-secret" not in response.content.decode()
            response = web_client.get(f"/processes/{process.pk}/caucus/{party.pk}/")
            assert response.status_code == 404
            assert f"{theirs.tag}-caucus-secret" not in response.content.decode()
    assert api_client.get(f"/api/v1/caucus/documents/{theirs.document.pk}").status_code == 404
    assert web_client.get(f"/caucus/documents/{theirs.document.pk}/").status_code == 404
    # Nor do the other process's events, asked for through their own process.
    for name in ("caucus:A", "caucus:B", "mediators"):
        assert api_client.get(f"/api/v1/processes/{own.process.pk}/events/{theirs.markers[name]}").status_code == 404
    assert _markers_seen(api_client, own) == {"public", "process", "plenary", "mediators", "caucus:A", "caucus:B"}


def test_a_head_in_one_process_and_observer_in_the_other_sees_what_each_role_gives(two_worlds, records):
    first, other = records["first"], records["other"]
    api_client, web_client = api(two_worlds.head_a), web(two_worlds.head_a)
    assert _process_ids(api_client) == {first.process.pk, other.process.pk}
    assert api_client.get(f"/api/v1/processes/{first.process.pk}").json()["my_roles"] == ["head"]
    assert api_client.get(f"/api/v1/processes/{other.process.pk}").json()["my_roles"] == ["observer"]

    # In the first process, a head: the plenary, their party's caucus and its own records.
    assert _markers_seen(api_client, first) == {"public", "process", "plenary", "caucus:A", "party:A"}
    proposals = api_client.get(f"/api/v1/processes/{first.process.pk}/proposals").json()["items"]
    assert {p["title"] for p in proposals} == {"first meeting title", "first proposal title"}
    assert api_client.get(f"/api/v1/meetings/{first.meeting.pk}").status_code == 200
    messages = api_client.get(f"/api/v1/processes/{first.process.pk}/caucus/{first.party_a.pk}/messages").json()
    assert [m["body"] for m in messages["items"]] == ["first-caucus-secret"]
    assert web_client.get(f"/proposals/{first.proposal.pk}/").status_code == 200

    # In the other process, an observer: what is shared with the whole process, nothing more.
    assert _markers_seen(api_client, other) == {"public", "process"}
    assert api_client.get(f"/api/v1/processes/{other.process.pk}/proposals").json()["items"] == []
    assert api_client.get(f"/api/v1/processes/{other.process.pk}/meetings").json()["items"] == []
    for url in (
        f"/api/v1/proposals/{other.proposal.pk}",
        f"/api/v1/meetings/{other.meeting.pk}",
        f"/api/v1/processes/{other.process.pk}/caucus/{other.party_a.pk}/messages",
        f"/api/v1/processes/{other.process.pk}/caucus/{other.party_b.pk}/messages",
        f"/api/v1/caucus/documents/{other.document.pk}",
        f"/proposals/{other.proposal.pk}/",
        f"/meetings/{other.meeting.pk}/",
        f"/processes/{other.process.pk}/caucus/{other.party_a.pk}/",
        f"/caucus/documents/{other.document.pk}/",
    ):
        response = (api_client if url.startswith("/api/") else web_client).get(url)
        assert response.status_code == 404, url
        assert not any(s in response.content.decode() for s in other.secrets() if "marker" not in s), url
    for url in (f"/processes/{other.process.pk}/", f"/processes/{other.process.pk}/activity/"):
        assert web_client.get(url).status_code == 200, url
    # Being a head in the first process gives no party's acts in the other.
    before = trace()
    proposed = api_client.post(
        f"/api/v1/processes/{other.process.pk}/proposals", proposal_body(), content_type="application/json"
    )
    assert proposed.status_code == 403
    assert web_client.get(f"/processes/{other.process.pk}/meetings/propose/").status_code == 403
    assert trace() == before

    # The calendar holds the meeting of the first process only.
    calendar = _calendar(web_client)
    assert "first meeting title" in calendar
    assert "other meeting title" not in calendar


def test_the_framework_operator_is_admitted_to_both_and_reads_no_caucus(two_worlds, records):
    api_client = api(two_worlds.operator)
    assert _process_ids(api_client) == {records["first"].process.pk, records["other"].process.pk}
    for side in SIDES:
        r = records[side]
        assert api_client.get(f"/api/v1/processes/{r.process.pk}").json()["my_roles"] == ["operator"]
        assert _markers_seen(api_client, r) == {"public", "process"}
        for party in (r.party_a, r.party_b):
            assert api_client.get(f"/api/v1/processes/{r.process.pk}/caucus/{party.pk}/messages").status_code == 404
