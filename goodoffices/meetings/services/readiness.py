"""Readiness: each party says, sealed, that it is ready to meet in a slot; the meeting is
confirmed for everyone at once when every party is ready for the same slot."""

from dataclasses import dataclass
from typing import Literal

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from goodoffices.accounts.models import User
from goodoffices.consent.models import Purpose
from goodoffices.consent.services import Read
from goodoffices.events.models import EventKind
from goodoffices.events.services import event_record
from goodoffices.lib import clock
from goodoffices.lib.errors import Invalid
from goodoffices.policies import Permission, require

from ..models import Meeting, Proposal, ProposalSlot
from ..notices import notify
from .common import open_proposal, party_consent

ReadinessStatus = Literal["awaiting", "confirmed"]


@dataclass(frozen=True)
class Readiness:
    status: ReadinessStatus
    meeting: Meeting | None


@transaction.atomic
def readiness_set(*, actor: User, proposal: Proposal, ready: bool, slot: int = 0) -> Readiness:
    """Say (or withdraw) that the actor's party is ready to meet in ``slot``. The answer
    is ``awaiting`` until every invited party is ready for the same slot; it says nothing
    about any other party."""
    require(actor, Permission.PROPOSAL_RESPOND, proposal)
    # Lock the proposal before its joint consent, in the same order as withdraw, decline and
    # counter do, so that these never deadlock one another.
    proposal = open_proposal(proposal)
    slots = list(proposal.slots.all())
    if not 0 <= slot < len(slots):
        raise Invalid.one("slot", _("slot must be between 0 and %(last)d") % {"last": len(slots) - 1})
    if ready and slots[slot].starts_at <= clock.now():
        raise Invalid.one("slot", _("that slot has already begun"))
    result = party_consent(
        actor,
        proposal.process,
        proposal,
        Purpose.READINESS,
        str(slot) if ready else None,
        _("this proposal is already decided"),
        read=Read(version=1) if ready else None,
    )
    if not result.reached:
        return Readiness(status="awaiting", meeting=None)
    return Readiness(status="confirmed", meeting=_meeting_confirm(proposal, slots[int(result.outcome or 0)]))


def _meeting_confirm(proposal: Proposal, slot: ProposalSlot) -> Meeting:
    Proposal.objects.filter(pk=proposal.pk).update(status=Proposal.Status.CONFIRMED)
    meeting = Meeting.objects.create(
        process=proposal.process,
        proposal=proposal,
        title=proposal.title,
        format=proposal.format,
        modality=proposal.modality,
        venue=proposal.venue,
        timezone=proposal.timezone,
        agenda=proposal.agenda,
        starts_at=slot.starts_at,
        ends_at=slot.ends_at,
    )
    # Confirmed by the parties' joint consent, not by whoever was ready last: the event names no actor.
    event_record(
        kind=EventKind.MEETING_CONFIRMED,
        actor=None,
        subject=meeting,
        audience=meeting.audience,
        process=meeting.process,
        payload={
            "proposal": proposal.pk,
            "title": meeting.title,
            "venue": meeting.venue,
            "starts_at": meeting.starts_at.isoformat(),
            "ends_at": meeting.ends_at.isoformat(),
        },
    )
    notify(
        process=meeting.process,
        record_audience=meeting.audience,
        subject=meeting,
        actor=None,
        message=gettext_noop("Meeting confirmed: %(title)s"),
        params={"title": meeting.title},
        email=True,
    )
    return meeting
