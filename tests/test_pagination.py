"""Issue 9, item 1: every list pages with a stable order and an opaque cursor; bad limits and
cursors are 4xx problems naming the parameter; a cursor never works for another list or reader."""

from typing import Any

import pytest
from django.db import transaction

from goodoffices.caucus import services as caucus
from goodoffices.events.models import EventKind
from goodoffices.events.services import event_record
from goodoffices.lib import audience


def _events_url(world) -> str:
    return f"/api/v1/processes/{world.process.pk}/events"


def _seed(world, count: int) -> None:
    with transaction.atomic():
        for i in range(count):
            event_record(
                kind=EventKind.PROCESS_CREATED,
                actor=world.mediator,
                subject=world.process,
                audience=audience.PLENARY if i % 2 else audience.caucus(world.party_b.pk),
                process=world.process,
                payload={"marker": i},
            )


def _walk(client, url: str, limit: int) -> list[dict[str, Any]]:
    items, cursor, pages = [], None, 0
    while True:
        response = client.get(url, {"limit": limit, **({"cursor": cursor} if cursor else {})})
        assert response.status_code == 200, response.content
        body = response.json()
        assert len(body["items"]) <= limit
        items.extend(body["items"])
        pages += 1
        cursor = body["next"]
        if cursor is None:
            return items
        assert pages < 1000


def test_paging_through_the_events_gives_each_visible_event_once_newest_first(world, api_for):
    _seed(world, 120)
    everything = api_for("head_a").get(_events_url(world), {"limit": 200}).json()["items"]
    paged = _walk(api_for("head_a"), _events_url(world), limit=7)
    assert paged == everything
    times = [e["occurred_at"] for e in paged]
    assert times == sorted(times, reverse=True)
    # Ids say nothing of order or number: they are not counters.
    assert all(len(e["id"]) == 32 for e in paged)
    assert len({e["id"] for e in paged}) == len(paged)
    # Beta's caucus is not Alpha's to see, on any page.
    assert all(item["audience"] != audience.caucus(world.party_b.pk) for item in paged)


def test_prev_returns_to_the_page_before(world, api_for):
    _seed(world, 30)
    client = api_for("mediator")
    first = client.get(_events_url(world), {"limit": 10}).json()
    assert first["prev"] is None
    second = client.get(_events_url(world), {"limit": 10, "cursor": first["next"]}).json()
    back = client.get(_events_url(world), {"limit": 10, "cursor": second["prev"]}).json()
    assert back["items"] == first["items"]


@pytest.mark.parametrize("limit", ["0", "201", "-1", "ten", "1e3"])
def test_a_limit_out_of_bounds_is_a_problem_naming_it(world, api_for, limit):
    response = api_for("mediator").get(_events_url(world), {"limit": limit})
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["errors"][0]["field"] == "limit"


@pytest.mark.parametrize("cursor", ["garbage", "x" * 600, "", "eyJhIjoxfQ:1abc:def"])
def test_a_malformed_cursor_is_a_problem_naming_it(world, api_for, cursor):
    response = api_for("mediator").get(_events_url(world), {"cursor": cursor or "%"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "cursor"


def test_a_cursor_of_another_list_or_reader_is_refused(world, api_for):
    _seed(world, 60)
    for i in range(60):
        caucus.caucus_message_post(actor=world.head_a, party=world.party_a, body=f"m {i}")
    mediator = api_for("mediator")
    events_next = mediator.get(_events_url(world), {"limit": 5}).json()["next"]
    messages_url = f"/api/v1/processes/{world.process.pk}/caucus/{world.party_a.pk}/messages"
    refused = mediator.get(messages_url, {"cursor": events_next})
    assert refused.status_code == 422
    assert refused.json()["errors"][0] == {"field": "cursor", "message": "is not a cursor of this list"}
    # A cursor is its reader's: another reader cannot replay it to probe what the first saw.
    taken = api_for("head_a").get(_events_url(world), {"cursor": events_next})
    assert taken.status_code == 422
    assert taken.json()["errors"][0] == {"field": "cursor", "message": "was given to another reader"}


def test_the_caucus_thread_pages_back_to_older_messages(world, client_for):
    for i in range(60):
        caucus.caucus_message_post(actor=world.head_a, party=world.party_a, body=f"message number {i}")
    client = client_for("delegate_a")
    url = f"/processes/{world.process.pk}/caucus/{world.party_a.pk}/"
    page = client.get(url).content.decode()
    assert "message number 59" in page
    assert "message number 5<" not in page
    assert "message number 9<" not in page
    assert "Older messages" in page
    older = client.get(url + "?messages=" + page.split("?messages=")[1].split('"')[0].replace("&amp;", "&"))
    assert "message number 9" in older.content.decode()
    assert client.get(url + "?messages=forged").status_code == 404


def test_reading_notifications_writes_nothing(world, client_for):
    from goodoffices.meetings.models import Notification
    from tests.meetings.conftest import propose

    propose(world)
    unread = Notification.objects.filter(user=world.head_b, read_at__isnull=True).count()
    assert unread > 0
    client = client_for("head_b")
    client.get("/notifications/")
    assert Notification.objects.filter(user=world.head_b, read_at__isnull=True).count() == unread
    client.post("/notifications/read/")
    assert Notification.objects.filter(user=world.head_b, read_at__isnull=True).count() == 0
