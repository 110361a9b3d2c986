"""Declassification of a held meeting by joint consent: its record reaches further, and, when
it goes public, anyone can check its sealed ledger entries."""

from typing import Literal

from django.db import transaction
from django.db.models import BigIntegerField
from django.db.models.functions import Cast

from goodoffices.accounts.models import User
from goodoffices.consent.models import Purpose
from goodoffices.consent.selectors import joint_consent_for
from goodoffices.events.models import Event, EventKind
from goodoffices.events.services import event_record
from goodoffices.ledger.services import ledger_open
from goodoffices.lib import audience
from goodoffices.lib.errors import Conflict, Invalid
from goodoffices.policies import WIDER, Permission, require

from ..models import Meeting
from .common import ask_every_party, meeting_for_update, party_consent

DECLASSIFY_TO = (audience.PROCESS, audience.PUBLIC)
DeclassificationOutcome = Literal["awaiting", "declassified"]


@transaction.atomic
def declassification_request(*, actor: User, meeting: Meeting, to: str) -> None:
    """Ask every party to widen who sees a held meeting (to everyone admitted, or the public)."""
    require(actor, Permission.DECLASSIFICATION_REQUEST, meeting)
    if to not in DECLASSIFY_TO:
        raise Invalid.one("to", "a meeting can be declassified to process or public")
    locked = meeting_for_update(meeting, Meeting.Status.HELD)
    if WIDER[to] <= WIDER.get(locked.audience, 0):
        raise Invalid.one("to", f"the meeting is already visible to {locked.audience}")
    ask_every_party(locked.process, locked, Purpose.DECLASSIFICATION, question=to)
    event_record(
        kind=EventKind.MEETING_DECLASSIFICATION_REQUESTED,
        actor=actor,
        subject=locked,
        audience=audience.PLENARY,
        process=locked.process,
        payload={"to": to},
    )


@transaction.atomic
def declassification_consent(*, actor: User, meeting: Meeting, consent: bool) -> DeclassificationOutcome:
    """A party consents to the pending declassification; the last consent applies it and, for
    the public, opens the meeting's sealed ledger entries so anyone can check them."""
    require(actor, Permission.DECLASSIFICATION_CONSENT, meeting)
    nothing = "no declassification is awaiting consent"
    joint = joint_consent_for(subject=meeting, purpose=Purpose.DECLASSIFICATION)
    if joint is None:
        raise Conflict(nothing)
    target = joint.question
    result = party_consent(
        actor, meeting.process, meeting, Purpose.DECLASSIFICATION, target if consent else None, nothing
    )
    if not result.reached:
        return "awaiting"
    Meeting.objects.filter(pk=meeting.pk).update(audience=target)
    event_record(
        kind=EventKind.MEETING_DECLASSIFIED,
        actor=actor,
        subject=meeting,
        audience=target,
        process=meeting.process,
        payload={"to": target, "title": meeting.title},
    )
    if target == audience.PUBLIC:
        open_sealed_entries(meeting, actor)
    return "declassified"


def open_sealed_entries(meeting: Meeting, actor: User) -> None:
    """The meeting is public now: publish salt and content of its sealed ledger entries."""
    opened = Event.objects.filter(kind=EventKind.LEDGER_OPENED, subject_type=Event._meta.label_lower).values_list(
        Cast("subject_id", BigIntegerField()), flat=True
    )
    sealed = (
        Event.objects.filter(subject_type=meeting._meta.label_lower, subject_id=str(meeting.pk))
        .exclude(audience=audience.PUBLIC)
        .exclude(pk__in=opened)
        .order_by("seq")
    )
    for event in sealed:
        ledger_open(event=event, actor=actor)
