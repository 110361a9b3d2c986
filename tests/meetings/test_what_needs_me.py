"""What needs me (issue 10, item 1): the dashboard opens on what awaits the reader in each process,
then upcoming meetings, then recent activity; notices and e-mail for every step that needs an
act go to those who may see it and must act, now or in a daily digest as each chose; proposals
may carry a reply deadline, with one reminder to those who have not answered."""

import html
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from goodoffices.lib.errors import Invalid
from goodoffices.mail.models import OutboundMail
from goodoffices.mail.services import mail_preference_set
from goodoffices.meetings import services
from goodoffices.meetings.models import Notification
from goodoffices.meetings.notices import digests_send
from goodoffices.meetings.reminders import reply_reminders_send

from ..world import PERSONAS
from .conftest import begun, confirm, hold, propose, slots


@pytest.fixture
def mailed(world):
    for name in PERSONAS:
        world.users[name].email = f"{name}@example.org"
        world.users[name].save(update_fields=["email"])
    return world


def _needs(client) -> str:
    page = html.unescape(client.get("/dashboard/").content.decode())
    return str(page.split('id="needs-head"', 1)[1].split("</section>", 1)[0])


def test_the_dashboard_opens_on_what_awaits_each_reader(world, client_for):
    proposal = propose(world, title="Gas talks", slots=slots(10, 11))
    services.readiness_set(actor=world.head_a, proposal=proposal, ready=True, slots=[0])
    held = hold(world, confirm(world, propose(world, title="Road talks")))
    services.communique_draft(actor=world.mediator, meeting=held, text="Statement")
    b = _needs(client_for("head_b"))
    assert "Say whether your party is ready: Gas talks" in b
    assert f'href="/proposals/{proposal.pk}/"' in b
    assert "Consent to publish the communiqué: Road talks" in b
    a = _needs(client_for("head_a"))
    assert "Gas talks" not in a  # Alpha has answered
    assert "Consent to publish the communiqué: Road talks" in a
    for persona in ("delegate_a", "observer", "mediator"):
        assert "Nothing awaits you." in _needs(client_for(persona)), persona


def test_mediators_are_asked_to_record_a_meeting_that_has_begun(world, client_for):
    meeting = confirm(world, propose(world, title="Gas talks"))
    assert "Nothing awaits you." in _needs(client_for("mediator"))
    with begun(meeting):
        assert "Record the meeting as held: Gas talks" in _needs(client_for("mediator"))


def test_upcoming_meetings_in_my_time_and_the_venues(world, client_for):
    world.head_b.timezone = "Asia/Baku"
    world.head_b.save(update_fields=["timezone"])
    confirm(world, propose(world, title="Gas talks"))
    page = html.unescape(client_for("head_b").get("/dashboard/").content.decode())
    upcoming = page.split('id="upcoming-head"', 1)[1].split("</section>", 1)[0]
    assert "Gas talks" in upcoming
    assert "(your time)" in upcoming
    assert "Europe/Zurich, venue time" in upcoming
    assert "Gas talks" not in html.unescape(client_for("observer").get("/dashboard/").content.decode())


def test_notices_go_to_those_who_must_act_only(mailed):
    world = mailed
    proposal = propose(world, title="Gas talks")

    def told(prefix: str) -> set[str]:
        return {n.user.username for n in Notification.objects.filter(message__startswith=prefix)}

    assert told("A meeting proposal awaits") == {"head_b"}
    meeting = confirm(world, proposal)
    with begun(meeting):
        services.meeting_hold(actor=world.mediator, meeting=meeting, attendance=[world.head_a], outcomes="ok")
    assert told("Meeting recorded as held") == {"head_a", "head_b"}
    services.communique_draft(actor=world.mediator, meeting=meeting, text="Statement")
    assert told("A draft communiqué") == {"head_a", "head_b"}
    services.minutes_draft(actor=world.mediator, meeting=meeting, text="Minutes")
    assert told("Draft minutes") == {"head_a", "head_b"}
    services.declassification_request(actor=world.head_a, meeting=meeting, to="public")
    assert told("Your party's consent is asked") == {"head_b"}
    subjects = {(m.to, m.subject) for m in OutboundMail.objects.all()}
    assert ("head_b@example.org", "A meeting proposal awaits your party's answer: Gas talks") in subjects
    # Only the confirmation, which everyone invited must know of, reaches the delegates.
    told_others = {
        subject for to, subject in subjects if to.startswith(("delegate", "observer", "monitor", "outsider"))
    }
    assert told_others == {"Meeting confirmed by joint consent of Alpha and Beta: Gas talks"}


def test_a_daily_digest_instead_of_each_email(mailed):
    world = mailed
    mail_preference_set(user_id=world.head_b.pk, choice="digest")
    start = timezone.now()
    propose(world, title="Gas talks")
    propose(world, title="Road talks")
    assert not OutboundMail.objects.filter(to="head_b@example.org").exists()
    assert Notification.objects.filter(user=world.head_b).count() == 2
    assert digests_send(now=start + timedelta(hours=1)) == 0  # not a day yet
    assert digests_send(now=start + timedelta(days=1, minutes=1)) == 1
    [digest] = OutboundMail.objects.filter(to="head_b@example.org")
    assert digest.subject == "Good Offices: 2 notice(s) since your last digest"
    assert "A meeting proposal awaits your party's answer: Gas talks" in digest.body
    assert "A meeting proposal awaits your party's answer: Road talks" in digest.body
    assert digests_send(now=start + timedelta(days=1, minutes=2)) == 0
    # head_a still gets each e-mail at once.
    assert not OutboundMail.objects.filter(to="head_a@example.org").exists()  # head_a proposed


def test_a_digest_leaves_out_a_process_the_reader_has_left(mailed):
    from goodoffices.processes.models import DelegationMembership
    from goodoffices.processes.services import delegation_member_remove

    world = mailed
    mail_preference_set(user_id=world.delegate_b.pk, choice="digest")
    start = timezone.now()
    hold(world, confirm(world, propose(world, title="Gas talks")))
    assert Notification.objects.filter(user=world.delegate_b).exists()
    membership = DelegationMembership.objects.get(user=world.delegate_b)
    delegation_member_remove(actor=world.head_b, membership=membership)
    assert digests_send(now=start + timedelta(days=1, minutes=1)) == 0
    assert not OutboundMail.objects.filter(to="delegate_b@example.org").exists()


def test_none_means_no_email_and_the_choice_is_a_page(world, client_for):
    client = client_for("head_b")
    response = client.post("/notifications/settings/", {"choice": "none"}, follow=True)
    assert "You will get no e-mail about notices" in html.unescape(response.content.decode())
    world.head_b.email = "b@example.org"
    world.head_b.save(update_fields=["email"])
    propose(world)
    assert not OutboundMail.objects.filter(to="b@example.org").exists()
    assert Notification.objects.filter(user=world.head_b).exists()
    refused = client.post("/notifications/settings/", {"choice": "hourly"})
    assert refused.status_code == 422


def test_a_reply_deadline_and_one_reminder_to_those_who_have_not_answered(mailed):
    world = mailed
    deadline = timezone.now() + timedelta(days=3)
    proposal = propose(world, title="Gas talks", reply_by=deadline)
    assert proposal.reply_by == deadline.replace(microsecond=deadline.microsecond)
    services.readiness_set(actor=world.head_a, proposal=proposal, ready=True, slot=0)
    assert reply_reminders_send(now=timezone.now()) == 0  # three days before
    with time_machine.travel(deadline - timedelta(hours=12)):
        assert reply_reminders_send(now=timezone.now()) == 1
        assert reply_reminders_send(now=timezone.now()) == 0  # once
    reminders = Notification.objects.filter(message__startswith="Reminder")
    assert [n.user.username for n in reminders] == ["head_b"]
    assert "answer by" in reminders[0].text()


@pytest.mark.parametrize(
    ("reply_by", "words"),
    [
        (lambda: timezone.now() - timedelta(hours=1), "the answer deadline must be in the future"),
        (lambda: timezone.now() + timedelta(days=30), "the answer deadline must come before the first slot begins"),
    ],
)
def test_an_unreasonable_deadline_is_refused(world, reply_by, words):
    with pytest.raises(Invalid, match=words):
        propose(world, reply_by=reply_by())
