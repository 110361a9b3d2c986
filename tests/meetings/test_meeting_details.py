"""The meeting carries what people need on the day (issue 10, item 6): the link to join a virtual
or hybrid meeting (the plenary's only), languages and interpretation, delegation size, the agenda
with durations, the venue with its zone; one private .ics per meeting besides the feed; cancelled
meetings stay in the feed as STATUS:CANCELLED with SEQUENCE raised on every change; UIDs unique
across installations. Calendars are read back with ``icalendar``."""

import html
from typing import Any

import pytest
from icalendar import Calendar

from goodoffices.lib.errors import Invalid
from goodoffices.meetings import services
from goodoffices.meetings.calendar import meeting_uid

from .conftest import begun, confirm, propose, slots
from .test_feeds import _feed_url

LINK = "https://meet.example.org/gas-talks"


def _events(body: bytes) -> list[Any]:
    return list(Calendar.from_ical(body).walk("VEVENT"))


@pytest.fixture
def online(world):
    return confirm(
        world,
        propose(
            world,
            title="Gas talks",
            modality="hybrid",
            online_link=LINK,
            agenda=["Gas supply", "Electricity line"],
            durations={"Gas supply": 90},
            languages=["en", "ru"],
            interpretation=True,
            delegation_size=4,
        ),
    )


def test_the_meeting_page_says_what_people_need_on_the_day(world, client_for, online):
    page = html.unescape(client_for("delegate_b").get(f"/meetings/{online.pk}/").content.decode())
    assert f'href="{LINK}"' in page
    assert "Geneva <small>(Europe/Zurich)</small>" in page
    assert "English, Russian; interpretation provided" in page
    assert "<dd>4</dd>" in page
    assert "<li>Gas supply <small>(90 min)</small></li>" in page
    assert "<li>Electricity line</li>" in page
    assert f'href="/meetings/{online.pk}/calendar.ics"' in page


def test_the_link_to_join_stays_with_the_plenary(world, client_for, api_for, online):
    with begun(online):
        services.meeting_hold(actor=world.mediator, meeting=online, attendance=[world.head_a], outcomes="Met")
    # Held, the meeting is seen by everyone admitted (the mandate's rule); its link is not.
    assert LINK in client_for("head_a").get(f"/meetings/{online.pk}/").content.decode()
    assert api_for("head_a").get(f"/api/v1/meetings/{online.pk}").json()["online_link"] == LINK
    observer_page = client_for("observer").get(f"/meetings/{online.pk}/")
    assert observer_page.status_code == 200
    assert LINK not in observer_page.content.decode()
    assert api_for("observer").get(f"/api/v1/meetings/{online.pk}").json()["online_link"] == ""
    ics = client_for("observer").get(f"/meetings/{online.pk}/calendar.ics")
    assert LINK not in ics.content.decode()
    observer = client_for("observer")
    feed = client_for("anonymous").get(_feed_url(observer))
    [event] = _events(feed.content)
    assert LINK not in str(event["description"])
    [own] = _events(client_for("head_a").get(f"/meetings/{online.pk}/calendar.ics").content)
    assert LINK in str(own["description"])


def test_one_private_ics_per_meeting(world, client_for, online):
    response = client_for("head_a").get(f"/meetings/{online.pk}/calendar.ics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert response["Cache-Control"] == "private, no-store"
    [event] = _events(response.content)
    assert str(event["summary"]) == "Gas talks"
    assert event.decoded("dtstart") == online.starts_at
    assert str(event["location"]) == "Geneva (Europe/Zurich)"
    assert "- Gas supply (90 min)" in str(event["description"])
    assert "Interpretation provided" in str(event["description"])
    assert [str(tz["tzid"]) for tz in Calendar.from_ical(response.content).walk("VTIMEZONE")] == ["Europe/Zurich"]
    for persona in ("observer", "outsider"):
        assert client_for(persona).get(f"/meetings/{online.pk}/calendar.ics").status_code == 404
    assert client_for("anonymous").get(f"/meetings/{online.pk}/calendar.ics").status_code == 302


def test_a_cancelled_meeting_stays_in_the_feed_as_cancelled_with_its_sequence_raised(world, client_for):
    kept = confirm(world, propose(world, title="Kept talks"))
    dropped = confirm(world, propose(world, title="Dropped talks", slots=slots(20)))
    client = client_for("head_b")
    url = _feed_url(client)
    before = {str(e["summary"]): e for e in _events(client_for("anonymous").get(url).content)}
    assert {name: int(e["sequence"]) for name, e in before.items()} == {"Kept talks": 0, "Dropped talks": 0}
    services.meeting_cancel(actor=world.mediator, meeting=dropped, reason="Roads closed")
    after = {str(e["summary"]): e for e in _events(client_for("anonymous").get(url).content)}
    assert str(after["Dropped talks"]["status"]) == "CANCELLED"
    assert int(after["Dropped talks"]["sequence"]) == 1
    assert str(after["Kept talks"]["status"]) == "CONFIRMED"
    assert int(after["Kept talks"]["sequence"]) == 0
    assert str(after["Dropped talks"]["uid"]) == str(before["Dropped talks"]["uid"])
    assert kept.pk != dropped.pk


def test_uids_are_unique_across_installations(world, client_for, online, settings):
    [here] = _events(client_for("head_a").get(f"/meetings/{online.pk}/calendar.ics").content)
    assert str(here["uid"]) == meeting_uid(online)
    assert str(here["uid"]).startswith(f"meeting-{online.pk}-")
    # Another installation (another secret key), even at the same address, names it otherwise.
    settings.SECRET_KEY = "another installation's secret key, long enough to be one"
    there = meeting_uid(online)
    assert there != str(here["uid"])
    assert there.startswith(f"meeting-{online.pk}-")
    assert settings.SECRET_KEY not in there


@pytest.mark.parametrize(
    ("overrides", "field", "words"),
    [
        ({"online_link": LINK}, "online_link", "a meeting in person has no link to join online"),
        ({"modality": "virtual", "online_link": "http://x"}, "online_link", "give the link as one https:// address"),
        ({"durations": {"Borders": 30}}, "durations[Borders]", "“Borders” is not an item of this agenda"),
        ({"durations": {"Gas supply": 2}}, "durations[Gas supply]", "between 5 and 480 minutes"),
    ],
)
def test_unreasonable_details_are_refused(world, overrides, field, words):
    with pytest.raises(Invalid) as refused:
        propose(world, **overrides)
    assert [(e.field, words in e.message) for e in refused.value.errors] == [(field, True)]
