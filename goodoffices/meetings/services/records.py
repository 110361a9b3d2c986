"""The record of a held meeting: minutes drafted by a mediator and approved by every party;
a communiqué drafted, amended and published on the register by every party's consent.

Each consent is to the exact version its party read; each service locks and re-reads its
subject inside its own transaction and publishes exactly what it read there."""

from typing import Literal

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from goodoffices.accounts.models import User
from goodoffices.consent.models import Purpose
from goodoffices.consent.services import Question, Read
from goodoffices.events.models import EventKind
from goodoffices.events.services import event_record
from goodoffices.lib import audience, clock
from goodoffices.lib.errors import Conflict, Invalid
from goodoffices.policies import Permission, require

from ..joint import parties_of
from ..models import Communique, Meeting
from ..notices import notify
from .common import ask_every_party, clean_text, meeting_for_update, party_consent
from .declassification import open_meeting_record

MinutesOutcome = Literal["awaiting", "approved"]
CommuniqueOutcome = Literal["awaiting", "published"]

MINUTES_VOIDED = gettext_noop(
    "The minutes were redrafted: your approval of the earlier version no longer counts. Read version %(version)s."
)
MINUTES_AWAITING = gettext_noop("Draft minutes of “%(title)s” (version %(version)s) await your party's approval.")
COMMUNIQUE_AWAITING = gettext_noop(
    "A draft communiqué on “%(title)s” (version %(version)s) awaits your party's consent to publish it."
)
COMMUNIQUE_VOIDED = gettext_noop(
    "The communiqué was amended: your consent to the earlier version no longer counts. Read version %(version)s."
)


def minutes_question(meeting: Meeting) -> Question:
    return Question(
        content={"meeting": meeting.pk, "minutes": meeting.minutes, "version": meeting.minutes_version},
        version=meeting.minutes_version,
    )


def communique_question(communique: Communique) -> Question:
    return Question(
        content={
            "communique": communique.pk,
            "meeting": communique.meeting_id,
            "text": communique.text,
            "version": communique.version,
        },
        version=communique.version,
    )


def _read(version: int | None) -> Read:
    if version is None:
        raise Invalid.one("version", _("say which version you read: a consent is to exact content"))
    return Read(version=version)


@transaction.atomic
def minutes_draft(*, actor: User, meeting: Meeting, text: str) -> Meeting:
    """A mediator drafts (or redrafts) the minutes; every party then approves that version."""
    require(actor, Permission.MEETING_RECORD, meeting)
    minutes = clean_text(text, "text")
    locked = meeting_for_update(meeting, Meeting.Status.HELD)
    if locked.minutes_status == Meeting.MinutesStatus.APPROVED:
        raise Conflict(_("the minutes are approved and can no longer change"))
    locked.minutes = minutes
    locked.minutes_version += 1
    locked.minutes_status = Meeting.MinutesStatus.DRAFT
    locked.save(update_fields=["minutes", "minutes_version", "minutes_status"])
    ask_every_party(
        locked.process,
        locked,
        Purpose.MINUTES,
        minutes_question(locked),
        actor=actor,
        voided_message=MINUTES_VOIDED,
        awaiting_message=MINUTES_AWAITING,
        params={"title": locked.title},
    )
    event_record(
        kind=EventKind.MINUTES_DRAFTED,
        actor=actor,
        subject=locked,
        audience=audience.PLENARY,
        process=locked.process,
        payload={"version": locked.minutes_version, "text": minutes},
    )
    return locked


@transaction.atomic
def minutes_approve(*, actor: User, meeting: Meeting, approve: bool, version: int | None = None) -> MinutesOutcome:
    """Approve (or withdraw approval of) the minutes' ``version`` the party read; the last
    approval of the current version approves them."""
    require(actor, Permission.MEETING_APPROVE, meeting)
    locked = meeting_for_update(meeting, Meeting.Status.HELD)
    result = party_consent(
        actor,
        locked.process,
        locked,
        Purpose.MINUTES,
        str(version) if approve else None,
        _("there is no draft of the minutes awaiting approval"),
        read=_read(version) if approve else None,
    )
    if not result.reached:
        return "awaiting"
    if result.version != locked.minutes_version:
        raise Conflict(_("the minutes changed while you approved them; read them again"))
    locked.minutes_status = Meeting.MinutesStatus.APPROVED
    locked.save(update_fields=["minutes_status"])
    event_record(
        kind=EventKind.MINUTES_APPROVED,
        actor=None,
        subject=locked,
        audience=audience.PLENARY,
        process=locked.process,
        payload={"version": locked.minutes_version, "digest": result.digest, "by": "joint consent"},
    )
    notify(
        process=locked.process,
        record_audience=audience.PLENARY,
        subject=locked,
        actor=None,
        message=gettext_noop("Minutes approved by joint consent of %(parties)s: %(title)s"),
        params={"title": locked.title, "parties": parties_of(locked.process)},
        email=False,
    )
    if locked.audience == audience.PUBLIC:
        # Approved minutes go wherever the meeting goes: for a public meeting, into the open.
        open_meeting_record(locked, actor)
    return "approved"


def _communique_for_update(communique: Communique) -> Communique:
    return (
        Communique.objects.select_for_update(of=("self",), no_key=True)
        .select_related("meeting__process__mandate_version")
        .get(pk=communique.pk)
    )


@transaction.atomic
def communique_draft(*, actor: User, meeting: Meeting, text: str) -> Communique:
    require(actor, Permission.COMMUNIQUE_DRAFT, meeting)
    body = clean_text(text, "text")
    locked = meeting_for_update(meeting, Meeting.Status.HELD)
    if Communique.objects.filter(meeting=locked).exists():
        raise Conflict(_("this meeting already has a communiqué; amend it instead"))
    communique = Communique.objects.create(meeting=locked, text=body, drafted_by=actor)
    ask_every_party(
        locked.process,
        communique,
        Purpose.COMMUNIQUE,
        communique_question(communique),
        actor=actor,
        awaiting_message=COMMUNIQUE_AWAITING,
        params={"title": locked.title},
    )
    event_record(
        kind=EventKind.COMMUNIQUE_DRAFTED,
        actor=actor,
        subject=communique,
        audience=audience.PLENARY,
        process=locked.process,
        payload={"meeting": locked.pk, "version": 1, "text": body},
    )
    return communique


@transaction.atomic
def communique_amend(*, actor: User, communique: Communique, text: str) -> Communique:
    """A new version of the text: consents given to the old version no longer count, and the
    parties that gave them are told."""
    require(actor, Permission.COMMUNIQUE_DRAFT, communique.meeting)
    body = clean_text(text, "text")
    locked = _communique_for_update(communique)
    if locked.status == Communique.Status.PUBLISHED:
        raise Conflict(_("the communiqué is published and can no longer change"))
    locked.text = body
    locked.version += 1
    locked.save(update_fields=["text", "version"])
    process = locked.meeting.process
    ask_every_party(
        process,
        locked,
        Purpose.COMMUNIQUE,
        communique_question(locked),
        actor=actor,
        voided_message=COMMUNIQUE_VOIDED,
        awaiting_message=COMMUNIQUE_AWAITING,
        params={"title": locked.meeting.title},
    )
    event_record(
        kind=EventKind.COMMUNIQUE_AMENDED,
        actor=actor,
        subject=locked,
        audience=audience.PLENARY,
        process=process,
        payload={"meeting": locked.meeting_id, "version": locked.version, "text": body},
    )
    return locked


@transaction.atomic
def communique_consent(
    *, actor: User, communique: Communique, consent: bool, version: int | None = None
) -> CommuniqueOutcome:
    """Consent (or withdraw consent) to the ``version`` the party read; the last consent to the
    current version publishes exactly that text."""
    require(actor, Permission.COMMUNIQUE_CONSENT, communique.meeting)
    locked = _communique_for_update(communique)
    if locked.status == Communique.Status.PUBLISHED:
        raise Conflict(_("the communiqué is already published"))
    meeting = locked.meeting
    result = party_consent(
        actor,
        meeting.process,
        locked,
        Purpose.COMMUNIQUE,
        str(version) if consent else None,
        _("the communiqué is not awaiting consent"),
        read=_read(version) if consent else None,
    )
    if not result.reached:
        return "awaiting"
    if result.version != locked.version:
        raise Conflict(_("the communiqué changed while you consented; read it again"))
    locked.status = Communique.Status.PUBLISHED
    locked.published_at = clock.now()
    locked.save(update_fields=["status", "published_at"])
    # The published record and its public event are the same words: both come from the row
    # read under lock, whose version every party consented to.
    event_record(
        kind=EventKind.COMMUNIQUE_PUBLISHED,
        actor=None,
        subject=locked,
        audience=audience.PUBLIC,
        process=meeting.process,
        payload={
            "meeting": meeting.title,
            "venue": meeting.venue,
            "held_on": meeting.starts_at.isoformat(),
            "text": locked.text,
            "version": locked.version,
            "digest": result.digest,
            "by": "joint consent",
        },
    )
    notify(
        process=meeting.process,
        record_audience=audience.PLENARY,
        subject=locked,
        actor=None,
        message=gettext_noop("Communiqué published on the register by joint consent of %(parties)s: %(title)s"),
        params={"title": meeting.title, "parties": parties_of(meeting.process)},
    )
    return "published"
