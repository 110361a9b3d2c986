from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
import time_machine

from goodoffices.meetings import services
from goodoffices.meetings.models import Communique, Meeting, Proposal

from .helpers import slot


def slots(*days: int) -> list[services.SlotIn]:
    from datetime import datetime

    return [
        services.SlotIn(datetime.fromisoformat(slot(d)["starts_at"]), datetime.fromisoformat(slot(d)["ends_at"]))
        for d in days
    ]


def propose(world, actor="head_a", **overrides) -> Proposal:
    terms: dict[str, Any] = {
        "title": "Talks on the gas supply",
        "format": "direct",
        "venue": "Geneva",
        "timezone": "Europe/Zurich",
        "slots": slots(10, 11),
        "agenda": ["Gas supply"],
    }
    reschedules = overrides.pop("reschedules", None)
    terms.update(overrides)
    return services.proposal_create(
        actor=world.users[actor],
        process=world.process,
        terms=services.ProposalTerms.of(**terms),
        reschedules=reschedules,
    )


def confirm(world, proposal: Proposal) -> Meeting:
    services.readiness_set(actor=world.head_a, proposal=proposal, ready=True, slot=0)
    result = services.readiness_set(actor=world.head_b, proposal=proposal, ready=True, slot=0)
    assert result.meeting is not None
    return result.meeting


def begun(meeting: Meeting):
    """Travel to a minute after the meeting began (a meeting is recorded as held only then)."""
    return time_machine.travel(meeting.starts_at + timedelta(minutes=1), tick=True)


def hold(world, meeting: Meeting) -> Meeting:
    with begun(meeting):
        return services.meeting_hold(actor=world.mediator, meeting=meeting, attendance=[world.head_a], outcomes="ok")


@dataclass
class Stages:
    proposal: Proposal
    confirmed: Meeting
    held: Meeting
    communique: Communique


@pytest.fixture
def stages(world) -> Stages:
    confirmed = confirm(world, propose(world, title="Confirmed meeting"))
    held = hold(world, confirm(world, propose(world, title="Held meeting")))
    communique = services.communique_draft(actor=world.mediator, meeting=held, text="Draft text")
    services.minutes_draft(actor=world.mediator, meeting=held, text="Draft minutes")
    services.declassification_request(actor=world.mediator, meeting=held, to="public")
    return Stages(propose(world, title="Open proposal"), confirmed, held, communique)
