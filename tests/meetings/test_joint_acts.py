"""Joint acts read as joint (issue 10, item 4): a confirmation, an approval, a publication or a
declassification by joint consent reads "by joint consent of Alpha and Beta" in the activity,
on the meeting, on the register, in the feed and in the notices and e-mails; never as the act
of whichever head consented last. Activity items link to what they are about."""

import re

import pytest

from goodoffices.consent.models import JointConsent
from goodoffices.events.models import Event, EventKind
from goodoffices.mail.models import OutboundMail
from goodoffices.meetings import services
from goodoffices.meetings.models import Notification

from .conftest import confirm, hold, propose

JOINT = "by joint consent of Alpha and Beta"


@pytest.fixture
def published(world):
    for name in ("head_a", "head_b", "mediator", "delegate_a"):
        world.users[name].email = f"{name}@example.org"
        world.users[name].save(update_fields=["email"])
    meeting = hold(world, confirm(world, propose(world, title="Talks on the gas supply")))
    services.minutes_draft(actor=world.mediator, meeting=meeting, text="Minutes")
    for head in (world.head_a, world.head_b):
        services.minutes_approve(actor=head, meeting=meeting, approve=True, version=1)
    communique = services.communique_draft(actor=world.mediator, meeting=meeting, text="Joint statement")
    for head in (world.head_a, world.head_b):
        services.communique_consent(actor=head, communique=communique, consent=True, version=1)
    return meeting


def _lines(html: str) -> list[str]:
    return [
        re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", li)).strip() for li in re.findall(r"<li>(.*?)</li>", html, re.S)
    ]


def test_the_activity_shows_joint_acts_as_every_partys(world, client_for, published):
    page = client_for("head_a").get(f"/processes/{world.process.pk}/activity/").content.decode()
    lines = _lines(page.split('<ol class="events">', 1)[1].split("</ol>", 1)[0])
    for what in ("Meeting confirmed", "Minutes approved", "Communiqué published on the register", "Agreed"):
        joint = [line for line in lines if line.split(" seen by:")[0].find(what) >= 0]
        assert joint, (what, lines)
        for line in joint:
            assert JOINT in line, line
            assert "Head_B" not in line, line
            assert "Head_A" not in line, line
    # The events themselves name no actor.
    joint_kinds = [
        EventKind.CONSENT_REACHED,
        EventKind.MEETING_CONFIRMED,
        EventKind.MINUTES_APPROVED,
        EventKind.COMMUNIQUE_PUBLISHED,
    ]
    assert not Event.objects.filter(kind__in=joint_kinds, actor__isnull=False).exists()


def test_activity_items_link_to_their_subject(world, client_for, published):
    page = client_for("head_a").get(f"/processes/{world.process.pk}/activity/").content.decode()
    meeting_url = f"/meetings/{published.pk}/"
    proposal_url = f"/proposals/{published.proposal_id}/"
    assert f'<a href="{meeting_url}">Meeting confirmed: Talks on the gas supply</a>' in page
    assert f'<a href="{meeting_url}">Communiqué published on the register: Talks on the gas supply</a>' in page
    assert f'<a href="{proposal_url}">Meeting proposed: Talks on the gas supply</a>' in page
    # A joint consent reached on the proposal (readiness) links to the proposal it was about.
    assert f'<a href="{proposal_url}">Agreed</a>' in page


def test_the_meeting_and_the_register_say_by_joint_consent(world, client_for, published):
    meeting_page = client_for("head_b").get(f"/meetings/{published.pk}/").content.decode()
    assert f"Confirmed {JOINT}." in meeting_page
    assert f"Approved {JOINT}." in meeting_page
    assert f"Published on the public register {JOINT}." in meeting_page
    register = client_for("anonymous").get(f"/register/meetings/{published.pk}/").content.decode()
    assert JOINT in register


def test_notices_and_emails_name_every_party(world, published):
    confirmed = Notification.objects.filter(user=world.head_b, message__startswith="Meeting confirmed")
    assert [n.text() for n in confirmed] == [f"Meeting confirmed {JOINT}: Talks on the gas supply"]
    # The last head to consent is told too: the act is not theirs alone.
    published_notices = Notification.objects.filter(message__startswith="Communiqué published")
    assert {n.user.username for n in published_notices} >= {"head_a", "head_b", "mediator"}
    assert {n.text() for n in published_notices} == {
        f"Communiqué published on the register {JOINT}: Talks on the gas supply"
    }
    subjects = set(OutboundMail.objects.filter(to="head_b@example.org").values_list("subject", flat=True))
    assert f"Meeting confirmed {JOINT}: Talks on the gas supply" in subjects
    assert f"Communiqué published on the register {JOINT}: Talks on the gas supply" in subjects
    assert not any("Head_B" in s for s in subjects)


def test_a_reached_consent_names_no_actor_in_the_api(world, api_for, published):
    events = api_for("head_a").get(f"/api/v1/processes/{world.process.pk}/events?limit=200").json()["items"]
    reached = [e for e in events if e["kind"] == "consent.reached"]
    assert reached
    assert all(e["actor"] is None for e in reached)
    assert JointConsent.objects.filter(status="reached").count() == len(reached)
