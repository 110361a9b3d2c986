from icalendar import Calendar

from goodoffices.meetings import services

from .conftest import confirm, hold, propose


def _feed_url(client) -> str:
    response = client.post("/calendar/", {"action": "create"})
    return str(response.context["new_url"]).split("testserver", 1)[-1].replace("http://localhost", "")


def test_calendar_feed_lists_visible_meetings_with_timezones(world, client_for):
    meeting = confirm(world, propose(world))
    client = client_for("head_b")
    url = _feed_url(client)
    body = client_for("anonymous").get(url)
    assert body.status_code == 200
    assert body["Content-Type"].startswith("text/calendar")
    cal = Calendar.from_ical(body.content)
    events = [c for c in cal.walk("VEVENT")]
    assert [str(e["summary"]) for e in events] == [meeting.title]
    assert [str(tz["tzid"]) for tz in cal.walk("VTIMEZONE")] == ["Europe/Zurich"]
    assert events[0].decoded("dtstart") == meeting.starts_at


def test_observer_calendar_holds_no_pending_meeting_and_a_revoked_link_dies(world, client_for):
    confirm(world, propose(world))
    client = client_for("observer")
    url = _feed_url(client)
    assert Calendar.from_ical(client_for("anonymous").get(url).content).walk("VEVENT") == []
    client.post("/calendar/", {"action": "revoke"})
    assert client_for("anonymous").get(url).status_code == 404
    assert client_for("anonymous").get("/calendar/not-a-secret.ics").status_code == 404


def test_register_and_atom_feed_show_published_communiques_only(world, client_for):
    meeting = hold(world, confirm(world, propose(world)))
    communique = services.communique_draft(actor=world.mediator, meeting=meeting, text="Joint statement text")
    anonymous = client_for("anonymous")
    assert "Joint statement text" not in anonymous.get("/register/feed.atom").content.decode()
    services.communique_consent(actor=world.head_a, communique=communique, consent=True, version=1)
    communique.refresh_from_db()
    services.communique_consent(actor=world.head_b, communique=communique, consent=True, version=1)
    feed = anonymous.get("/register/feed.atom")
    assert feed["Content-Type"].startswith("application/atom+xml")
    assert "Joint statement text" in feed.content.decode()
    page = anonymous.get(f"/register/meetings/{meeting.pk}/").content.decode()
    assert "Joint statement text" in page
    assert "Published" in page
