"""Whether a held meeting has draft minutes, and how many drafts there were, is the plenary's
business until the minutes are approved (issue 8, item 13): a reader who may not see drafts is
told "none" and 0, on the API and on the page."""

import pytest

from goodoffices.meetings import services

from .conftest import confirm, hold, propose


@pytest.fixture
def drafted(world):
    meeting = hold(world, confirm(world, propose(world)))
    services.minutes_draft(actor=world.mediator, meeting=meeting, text="First draft")
    services.minutes_draft(actor=world.mediator, meeting=meeting, text="Second draft")
    return meeting


def _minutes(api, meeting) -> tuple[str, int]:
    detail = api.get(f"/api/v1/meetings/{meeting.pk}").json()
    [listed] = api.get(f"/api/v1/processes/{meeting.process_id}/meetings").json()["items"]
    seen = (detail["minutes_status"], detail["minutes_version"])
    assert (listed["minutes_status"], listed["minutes_version"]) == seen
    return seen


@pytest.mark.parametrize(
    ("persona", "seen"),
    [
        ("mediator", ("draft", 2)),
        ("head_a", ("draft", 2)),
        ("delegate_b", ("draft", 2)),
        ("observer", ("none", 0)),
        ("monitor", ("none", 0)),
    ],
)
def test_the_api_shows_the_state_of_draft_minutes_to_the_plenary_only(world, api_for, drafted, persona, seen):
    assert _minutes(api_for(persona), drafted) == seen


def test_approved_minutes_show_their_state_and_version_to_every_reader(world, api_for, drafted):
    drafted.refresh_from_db()
    services.minutes_approve(actor=world.head_a, meeting=drafted, approve=True, version=drafted.minutes_version)
    drafted.refresh_from_db()
    services.minutes_approve(actor=world.head_b, meeting=drafted, approve=True, version=drafted.minutes_version)
    assert _minutes(api_for("observer"), drafted) == ("approved", 2)
    assert api_for("observer").get(f"/api/v1/meetings/{drafted.pk}").json()["minutes"] == "Second draft"


def test_the_page_shows_an_observer_no_draft(world, client_for, drafted):
    page = client_for("observer").get(f"/meetings/{drafted.pk}/").content.decode()
    assert "Second draft" not in page
    assert "draft awaiting approval" not in page
    plenary = client_for("head_b").get(f"/meetings/{drafted.pk}/").content.decode()
    assert "draft awaiting approval" in plenary
