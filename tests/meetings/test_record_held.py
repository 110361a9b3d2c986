"""Recording a meeting as held is deliberate (issue 10, item 5): it is offered only once the
meeting has begun, asks who attended and what came of it, and shows who will see the record
before it is kept; nothing is written until that is confirmed."""

import html

from goodoffices.events.models import Event
from goodoffices.meetings.models import Meeting

from .conftest import begun, confirm, propose


def _page(response) -> str:
    return html.unescape(str(response.content.decode()))


def test_not_offered_before_the_meeting_begins(world, client_for):
    meeting = confirm(world, propose(world))
    page = _page(client_for("mediator").get(f"/meetings/{meeting.pk}/"))
    assert "The meeting can be recorded as held once it has begun." in page
    assert "Review the record" not in page
    with begun(meeting):
        page = _page(client_for("mediator").get(f"/meetings/{meeting.pk}/"))
    assert "Review the record" in page
    assert "Who attended" in page
    assert "Outcomes" in page


def test_the_record_is_shown_with_who_will_see_it_before_it_is_kept(world, client_for):
    meeting = confirm(world, propose(world))
    client = client_for("mediator")
    before = Event.objects.count()
    with begun(meeting):
        review = client.post(
            f"/meetings/{meeting.pk}/held/", {"attendance": ["head_a", "head_b"], "outcomes": "Agreed to meet again."}
        )
        assert review.status_code == 200
        page = _page(review)
        assert "Check the record before you keep it" in page
        assert "Head_A, Head_B" in page
        assert "Agreed to meet again." in page
        assert (
            "Once recorded, the meeting, who attended and its outcomes are visible to everyone admitted to the "
            "process, as the mandate says for held meetings." in page
        )
        assert "enters the ledger sealed" in page
        assert Event.objects.count() == before
        meeting.refresh_from_db()
        assert meeting.status == Meeting.Status.CONFIRMED

        kept = client.post(
            f"/meetings/{meeting.pk}/held/",
            {"attendance": ["head_a", "head_b"], "outcomes": "Agreed to meet again.\nTwice.", "confirm": "1"},
            follow=True,
        )
    assert "The meeting is recorded as held. From now on it is visible to everyone admitted to the process." in _page(
        kept
    )
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.HELD
    assert meeting.outcomes == "Agreed to meet again.\nTwice."
    assert {u.username for u in meeting.attendance.all()} == {"head_a", "head_b"}
    assert Event.objects.count() == before + 1


def test_attendance_and_outcomes_are_asked_for(world, client_for, api_for):
    meeting = confirm(world, propose(world))
    client, api = client_for("mediator"), api_for("mediator")
    before = Event.objects.count()
    with begun(meeting):
        refused = client.post(f"/meetings/{meeting.pk}/held/", {"outcomes": "", "confirm": "1"})
        api_refused = api.post(
            f"/api/v1/meetings/{meeting.pk}/held", {"attendance": [], "outcomes": "x"}, content_type="application/json"
        )
    assert refused.status_code == 422
    page = _page(refused)
    assert "Nothing is recorded yet" in page
    assert "say who attended: at least one person" in page
    assert "say what came of the meeting: its outcomes are part of its record" in page
    assert api_refused.status_code == 422
    assert api_refused.json()["errors"] == [{"field": "attendance", "message": "say who attended: at least one person"}]
    assert Event.objects.count() == before
