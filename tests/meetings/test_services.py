import threading
from datetime import datetime, time, timedelta

import pytest
from django.db import connection
from django.utils import timezone

from goodoffices.consent.models import Consent, JointConsent
from goodoffices.events.models import Event
from goodoffices.lib.errors import Conflict, Forbidden, Invalid, NotFound
from goodoffices.mail.services import mail_deliver
from goodoffices.meetings import services
from goodoffices.meetings.models import Meeting, Notification, Proposal
from goodoffices.processes.services import mandate_amend

from ..world import make_world, term_end
from .conftest import begun, confirm, hold, propose, slots


def _slot(start: datetime, hours: int = 2) -> services.SlotIn:
    return services.SlotIn(start, start + timedelta(hours=hours))


FUTURE = timezone.now() + timedelta(days=5)
# The day after the world's mandate ends, wherever the test runs.
AFTER_TERM = datetime.combine(term_end() + timedelta(days=1), time(10), tzinfo=FUTURE.tzinfo)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"agenda": ["status of X"]}, "the agenda item “status of X” is outside the scope of the mandate “Mandate”"),
        ({"agenda": []}, "a proposal needs at least one agenda item"),
        ({"slots": [_slot(timezone.now() - timedelta(days=1))]}, "slot 1 must be in the future"),
        ({"slots": [_slot(FUTURE), _slot(FUTURE + timedelta(hours=1))]}, "slot 2 overlaps slot 1"),
        ({"slots": [services.SlotIn(FUTURE, FUTURE - timedelta(hours=1))]}, "slot 1 must end after it starts"),
        ({"slots": [_slot(AFTER_TERM)]}, "slot 1 falls outside the term of the mandate “Mandate” (version 1)"),
        ({"slots": []}, "at least one time slot"),
        ({"timezone": "Atlantis/Capital"}, "“Atlantis/Capital” is not the time zone of a place"),
        ({"format": "duel"}, "“duel” is not a format: choose one of direct, proximity, shuttle"),
        ({"invited": []}, "Alpha is a party of the process and must be invited"),
        ({"languages": ["fr"]}, "the language “fr” is not a language of the mandate “Mandate”"),
        ({"title": ""}, "a proposal needs a title"),
    ],
)
def test_unreasonable_proposals_are_refused_and_nothing_is_written(world, overrides, message):
    before = (Proposal.objects.count(), Event.objects.count(), JointConsent.objects.count())
    with pytest.raises(Invalid) as refused:
        propose(world, **overrides)
    assert message in str(refused.value)
    assert (Proposal.objects.count(), Event.objects.count(), JointConsent.objects.count()) == before


def test_a_venue_a_party_refused_is_unreasonable(world):
    mandate_amend(
        actor=world.operator, mandate=world.mandate, note="Beta refuses Baku", refused_venues={"Beta": ["Baku"]}
    )
    world.process.refresh_from_db()
    with pytest.raises(Invalid, match=r"the venue “Baku” is refused by Beta under the mandate “Mandate” \(version 2\)"):
        propose(world, venue="Baku")


def test_every_broken_rule_is_named_at_once(world):
    with pytest.raises(Invalid) as refused:
        propose(world, agenda=["Borders"], timezone="Nowhere/Zone", format="duel")
    fields = {e.field for e in refused.value.errors}
    assert {"agenda[0]", "timezone", "format"} <= fields


def test_delegates_and_observers_cannot_propose(world):
    with pytest.raises(Forbidden):
        propose(world, actor="delegate_a")
    with pytest.raises(Forbidden):
        propose(world, actor="observer")
    with pytest.raises(NotFound):
        propose(world, actor="outsider")


def test_ready_for_different_slots_confirms_nothing(world):
    proposal = propose(world)
    assert services.readiness_set(actor=world.head_a, proposal=proposal, ready=True, slot=0).status == "awaiting"
    assert services.readiness_set(actor=world.head_b, proposal=proposal, ready=True, slot=1).status == "awaiting"
    assert not Meeting.objects.exists()
    # Moving to the same slot confirms it, for that slot.
    result = services.readiness_set(actor=world.head_a, proposal=proposal, ready=True, slot=1)
    assert result.status == "confirmed"
    assert result.meeting is not None
    assert result.meeting.starts_at == proposal.slots.get(index=1).starts_at


def test_readiness_on_a_decided_proposal_is_a_conflict(world):
    proposal = propose(world)
    confirm(world, proposal)
    proposal.refresh_from_db()
    with pytest.raises(Conflict):
        services.readiness_set(actor=world.head_a, proposal=proposal, ready=False, slot=0)


def test_readiness_for_a_slot_that_does_not_exist(world):
    with pytest.raises(Invalid, match="there is no slot at index 5: this proposal has 2 slot"):
        services.readiness_set(actor=world.head_a, proposal=propose(world), ready=True, slot=5)


def test_counter_proposal_keeps_history_and_cancels_readiness(world):
    original = propose(world)
    services.readiness_set(actor=world.head_a, proposal=original, ready=True, slot=0)
    counter = services.proposal_counter(
        actor=world.head_b,
        proposal=original,
        terms=services.ProposalTerms.of(
            title="Counter",
            format="proximity",
            venue="Vienna",
            timezone="Europe/Vienna",
            slots=slots(20),
            agenda=["Electricity line"],
        ),
    )
    original.refresh_from_db()
    assert original.status == Proposal.Status.COUNTERED
    assert counter.parent == original
    assert list(original.counters.all()) == [counter]
    assert JointConsent.objects.get(subject_id=str(original.pk)).status == "cancelled"
    # A's readiness for the original does not carry over.
    assert services.readiness_set(actor=world.head_b, proposal=counter, ready=True).status == "awaiting"


def test_withdrawn_consent_is_deleted(world):
    proposal = propose(world)
    services.readiness_set(actor=world.head_b, proposal=proposal, ready=True)
    assert Consent.objects.count() == 1
    services.readiness_set(actor=world.head_b, proposal=proposal, ready=False)
    assert Consent.objects.count() == 0


def test_notices_reach_only_those_who_may_see(world, mailoutbox):
    for user in world.users.values():
        user.email = f"{user.username}@example.org"
        user.save()
    proposal = propose(world)
    confirm(world, proposal)
    notified = set(
        Notification.objects.filter(message__startswith="Meeting confirmed").values_list("user__username", flat=True)
    )
    assert notified == {"mediator", "head_a", "delegate_a", "head_b", "delegate_b"}
    # The worker sends what the services queued (goodoffices/mail).
    mail_deliver()
    confirmed = [m for m in mailoutbox if m.subject.startswith("Meeting confirmed")]
    assert {m.to[0].split("@")[0] for m in confirmed} == notified
    assert all(
        m.subject == "Meeting confirmed by joint consent of Alpha and Beta: Talks on the gas supply" for m in confirmed
    )


def test_postponed_meeting_can_be_rescheduled_by_a_new_linked_proposal(world):
    meeting = confirm(world, propose(world))
    services.meeting_postpone(actor=world.mediator, meeting=meeting, reason="Roads closed")
    new = propose(world, actor="mediator", reschedules=meeting)
    assert new.reschedules == meeting
    with pytest.raises(Conflict), begun(meeting):
        services.meeting_hold(actor=world.mediator, meeting=meeting, attendance=[], outcomes="")


def test_minutes_need_every_party_on_the_same_version(world):
    meeting = hold(world, confirm(world, propose(world)))
    services.minutes_draft(actor=world.mediator, meeting=meeting, text="v1")
    assert services.minutes_approve(actor=world.head_a, meeting=meeting, approve=True, version=1) == "awaiting"
    meeting.refresh_from_db()
    services.minutes_draft(actor=world.mediator, meeting=meeting, text="v2")
    meeting.refresh_from_db()
    assert services.minutes_approve(actor=world.head_b, meeting=meeting, approve=True, version=2) == "awaiting"
    assert services.minutes_approve(actor=world.head_a, meeting=meeting, approve=True, version=2) == "approved"
    meeting.refresh_from_db()
    assert meeting.minutes_status == "approved"
    with pytest.raises(Conflict):
        services.minutes_draft(actor=world.mediator, meeting=meeting, text="v3")


def test_oversized_texts_are_refused(world):
    meeting = hold(world, confirm(world, propose(world)))
    with pytest.raises(Invalid, match="at most 20000"):
        services.communique_draft(actor=world.mediator, meeting=meeting, text="x" * 20001)


@pytest.mark.django_db(transaction=True)
def test_two_parties_ready_at_the_same_instant_make_exactly_one_meeting():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL's row locks across connections; SQLite serialises all writers anyway")
    world = make_world(prefix="race-")
    for attempt in range(5):
        proposal = propose(world, title=f"Race {attempt}")
        barrier = threading.Barrier(2)
        results: dict[str, str] = {}

        def ready(
            persona: str,
            proposal: Proposal = proposal,
            barrier: threading.Barrier = barrier,
            results: dict[str, str] = results,
        ) -> None:
            try:
                barrier.wait()
                results[persona] = services.readiness_set(
                    actor=world.users[persona], proposal=proposal, ready=True
                ).status
            except Conflict:
                results[persona] = "conflict"
            finally:
                connection.close()

        threads = [threading.Thread(target=ready, args=(p,)) for p in ("head_a", "head_b")]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sorted(results.values()) == ["awaiting", "confirmed"]
        assert Meeting.objects.filter(proposal=proposal).count() == 1
        assert (
            Event.objects.filter(
                kind="meeting.confirmed", subject_id=str(Meeting.objects.get(proposal=proposal).pk)
            ).count()
            == 1
        )
    seqs = list(Event.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(len(seqs)))


def test_declassification_by_joint_consent_opens_the_sealed_entries(world, api_for):
    from goodoffices.events.entries import event_entry
    from goodoffices.lib.ledger import verify_opening  # the Django-free check anyone can run

    meeting = hold(world, confirm(world, propose(world)))
    assert api_for("anonymous").get("/api/v1/register/meetings").json()["items"] == []
    services.declassification_request(actor=world.head_a, meeting=meeting, to="public")
    assert (
        services.declassification_consent(actor=world.head_a, meeting=meeting, consent=True, to="public") == "awaiting"
    )
    assert (
        services.declassification_consent(actor=world.head_b, meeting=meeting, consent=True, to="public")
        == "declassified"
    )
    meeting.refresh_from_db()
    assert meeting.audience == "public"
    assert [m["title"] for m in api_for("anonymous").get("/api/v1/register/meetings").json()["items"]] == [
        meeting.title
    ]
    openings = Event.objects.filter(kind="ledger.opened")
    held = Event.objects.get(kind="meeting.held", subject_id=str(meeting.pk))
    opening = openings.get(subject_id=held.public_id)
    assert verify_opening(event_entry(held), opening.payload)


def test_declassification_must_widen(world):
    meeting = hold(world, confirm(world, propose(world)))
    with pytest.raises(Invalid, match="already visible to process"):
        services.declassification_request(actor=world.mediator, meeting=meeting, to="process")
