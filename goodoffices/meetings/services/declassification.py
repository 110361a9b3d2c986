"""Declassification of a held meeting by joint consent: its record reaches further, and, when
it goes public, anyone can check the meeting's record and its approved minutes in the ledger.

A declassification opens exactly these sealed entries of the meeting (docs/verification.md):
the ``meeting.held`` record, and for approved minutes the ``minutes.drafted`` event of the
approved version and the ``minutes.approved`` event. Never earlier drafts, the proposals or
anyone's readiness or consent."""

from typing import Literal

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from goodoffices.accounts.models import User
from goodoffices.consent.models import Purpose
from goodoffices.consent.selectors import joint_consent_for
from goodoffices.consent.services import Question, Read
from goodoffices.events.models import Event, EventKind
from goodoffices.events.services import event_record
from goodoffices.ledger.services import ledger_open, opening_subject
from goodoffices.lib import audience
from goodoffices.lib.errors import Conflict, Invalid
from goodoffices.policies import WIDER, Permission, require

from ..joint import parties_of
from ..models import Meeting
from ..notices import notify
from .common import ask_every_party, meeting_for_update, party_consent

DECLASSIFY_TO = (audience.PROCESS, audience.PUBLIC)
DeclassificationOutcome = Literal["awaiting", "declassified"]

DECLASSIFICATION_AWAITING = {
    audience.PROCESS: gettext_noop(
        "Your party's consent is asked to make the meeting “%(title)s” visible to everyone admitted to the process."
    ),
    audience.PUBLIC: gettext_noop("Your party's consent is asked to make the meeting “%(title)s” public."),
}
DECLASSIFICATION_VOIDED = gettext_noop(
    "A new declassification was asked: your consent to the earlier request no longer counts."
)


@transaction.atomic
def declassification_request(*, actor: User, meeting: Meeting, to: str) -> None:
    """Ask every party to widen who sees a held meeting (to everyone admitted, or the public)."""
    require(actor, Permission.DECLASSIFICATION_REQUEST, meeting)
    if to not in DECLASSIFY_TO:
        raise Invalid.one("to", _("a meeting can be declassified to process or public"))
    locked = meeting_for_update(meeting, Meeting.Status.HELD)
    if WIDER[to] <= WIDER.get(locked.audience, 0):
        raise Invalid.one("to", _("the meeting is already visible to %(audience)s") % {"audience": locked.audience})
    ask_every_party(
        locked.process,
        locked,
        Purpose.DECLASSIFICATION,
        Question(content={"meeting": locked.pk, "to": to}, label=to),
        actor=actor,
        voided_message=DECLASSIFICATION_VOIDED,
        awaiting_message=DECLASSIFICATION_AWAITING[to],
        params={"title": locked.title},
    )
    event_record(
        kind=EventKind.MEETING_DECLASSIFICATION_REQUESTED,
        actor=actor,
        subject=locked,
        audience=audience.PLENARY,
        process=locked.process,
        payload={"to": to},
    )


@transaction.atomic
def declassification_consent(
    *, actor: User, meeting: Meeting, consent: bool, to: str | None = None
) -> DeclassificationOutcome:
    """A party consents to the pending declassification to ``to`` (the audience it was asked
    for and read); the last consent applies it and, for the public, opens the meeting's record."""
    require(actor, Permission.DECLASSIFICATION_CONSENT, meeting)
    locked = meeting_for_update(meeting, Meeting.Status.HELD)
    nothing = _("no declassification is awaiting consent")
    joint = joint_consent_for(subject=locked, purpose=Purpose.DECLASSIFICATION)
    if joint is None:
        raise Conflict(nothing)
    if consent and not to:
        raise Invalid.one("to", _("say which audience you consent to: a consent is to exact content"))
    target = joint.question
    result = party_consent(
        actor,
        locked.process,
        locked,
        Purpose.DECLASSIFICATION,
        to if consent else None,
        nothing,
        read=Read(version=1, label=to or "") if consent else None,
    )
    if not result.reached:
        return "awaiting"
    locked.audience = target
    locked.save(update_fields=["audience"])
    event_record(
        kind=EventKind.MEETING_DECLASSIFIED,
        actor=None,
        subject=locked,
        audience=target,
        process=locked.process,
        payload={"to": target, "title": locked.title, "by": "joint consent"},
    )
    notify(
        process=locked.process,
        record_audience=audience.PLENARY,
        subject=locked,
        actor=None,
        message=gettext_noop("Meeting declassified by joint consent of %(parties)s: %(title)s"),
        params={"title": locked.title, "parties": parties_of(locked.process)},
        email=False,
    )
    if target == audience.PUBLIC:
        open_meeting_record(locked, actor)
    return "declassified"


def open_meeting_record(meeting: Meeting, actor: User) -> None:
    """The meeting is public now: publish salt and content of its record's sealed ledger
    entries, and nothing else of it (see the module docstring)."""
    events = list(
        Event.objects.filter(subject_type=meeting._meta.label_lower, subject_id=str(meeting.pk))
        .exclude(audience=audience.PUBLIC)
        .order_by("seq")
    )
    opened = set(
        Event.objects.filter(
            kind=EventKind.LEDGER_OPENED,
            subject_type=Event._meta.label_lower,
            subject_id__in=[opening_subject(event) for event in events],
        ).values_list("subject_id", flat=True)
    )
    approved = meeting.minutes_status == Meeting.MinutesStatus.APPROVED
    for event in (e for e in events if opening_subject(e) not in opened):
        if event.kind == EventKind.MEETING_HELD or (
            approved
            and (
                event.kind == EventKind.MINUTES_APPROVED
                or (event.kind == EventKind.MINUTES_DRAFTED and event.payload.get("version") == meeting.minutes_version)
            )
        ):
            ledger_open(event=event, actor=actor)
