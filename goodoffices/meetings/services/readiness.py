"""Readiness: each party marks, sealed, every slot it could attend (as in a time poll); the
meeting is confirmed for everyone at once at the earliest slot every party is ready for.

A party's readiness is one consent whose option names its slots (``"0,2"``): no other party
learns it; the mediators do only where the mandate lets them see readiness."""

from collections.abc import Sequence
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
from goodoffices.lib.errors import FieldError, Invalid
from goodoffices.policies import Permission, require

from ..joint import parties_of
from ..models import Meeting, Proposal, ProposalSlot
from ..notices import notify
from ..slots import common_slots, slots_option
from .common import open_proposal, party_consent

ReadinessStatus = Literal["awaiting", "confirmed"]


@dataclass(frozen=True)
class Readiness:
    status: ReadinessStatus
    meeting: Meeting | None


def _checked(slots: Sequence[ProposalSlot], chosen: Sequence[int], field: str) -> tuple[int, ...]:
    errors: list[FieldError] = []
    if not chosen:
        errors.append(FieldError(field, _("choose at least one slot your party is ready for")))
    now = clock.now()
    for index in sorted(set(chosen)):
        if not 0 <= index < len(slots):
            errors.append(
                FieldError(
                    field,
                    _(
                        "there is no slot at index %(index)s: this proposal has %(count)s slot(s), "
                        "at indexes 0 to %(last)s"
                    )
                    % {"index": index, "count": len(slots), "last": len(slots) - 1},
                )
            )
        elif slots[index].starts_at <= now:
            errors.append(FieldError(field, _("slot %(n)s has already begun") % {"n": index + 1}))
    if errors:
        raise Invalid(errors)
    return tuple(sorted(set(chosen)))


def party_ready(actor: User, proposal: Proposal, chosen: Sequence[int] | None, *, field: str = "slots") -> Readiness:
    """The actor's party's readiness for ``chosen`` slots (None: withdrawn), on a proposal the
    caller locked as open."""
    slots = list(proposal.slots.all())

    def earliest_common(options: list[str]) -> str | None:
        common = common_slots(options)
        if not common:
            return None
        return str(min(common, key=lambda i: (slots[i].starts_at, i)))

    option = None if chosen is None else slots_option(_checked(slots, chosen, field))
    result = party_consent(
        actor,
        proposal.process,
        proposal,
        Purpose.READINESS,
        option,
        _("this proposal is already decided"),
        read=Read(version=1) if option is not None else None,
        decide=earliest_common,
    )
    if not result.reached:
        return Readiness(status="awaiting", meeting=None)
    return Readiness(status="confirmed", meeting=_meeting_confirm(proposal, slots[int(result.outcome or 0)]))


@transaction.atomic
def readiness_set(
    *, actor: User, proposal: Proposal, ready: bool, slot: int = 0, slots: Sequence[int] | None = None
) -> Readiness:
    """Say (or withdraw) that the actor's party is ready to meet in each of ``slots`` (or in the
    one ``slot``). The answer is ``awaiting`` until every invited party is ready for a common
    slot; it says nothing about any other party. The meeting is then confirmed at the earliest
    slot every party is ready for."""
    require(actor, Permission.PROPOSAL_RESPOND, proposal)
    # Lock the proposal before its joint consent, in the same order as withdraw, decline and
    # counter do, so that these never deadlock one another.
    proposal = open_proposal(proposal)
    chosen = (list(slots) if slots is not None else [slot]) if ready else None
    return party_ready(actor, proposal, chosen, field="slots" if slots is not None else "slot")


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
        durations=proposal.durations,
        languages=proposal.languages,
        interpretation=proposal.interpretation,
        delegation_size=proposal.delegation_size,
        online_link=proposal.online_link,
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
        message=gettext_noop("Meeting confirmed by joint consent of %(parties)s: %(title)s"),
        params={"title": meeting.title, "parties": parties_of(meeting.process)},
        email=True,
    )
    return meeting
