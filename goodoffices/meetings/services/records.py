"""The record of a held meeting: minutes drafted by a mediator and approved by every party;
a communiqué drafted, amended and published on the register by every party's consent."""

from typing import Literal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from goodoffices.accounts.models import User
from goodoffices.consent.models import Purpose
from goodoffices.events.models import EventKind
from goodoffices.events.services import event_record
from goodoffices.lib import audience
from goodoffices.lib.errors import Conflict
from goodoffices.policies import Permission, require

from ..models import Communique, Meeting
from ..notices import notify
from .common import ask_every_party, clean_text, meeting_for_update, party_consent

MinutesOutcome = Literal["awaiting", "approved"]
CommuniqueOutcome = Literal["awaiting", "published"]


@transaction.atomic
def minutes_draft(*, actor: User, meeting: Meeting, text: str) -> Meeting:
    """A mediator drafts (or redrafts) the minutes; every party then approves that version."""
    require(actor, Permission.MEETING_RECORD, meeting)
    minutes = clean_text(text, "text")
    locked = meeting_for_update(meeting, Meeting.Status.HELD)
    if locked.minutes_status == Meeting.MinutesStatus.APPROVED:
        raise Conflict("the minutes are approved and can no longer change")
    locked.minutes = minutes
    locked.minutes_version += 1
    locked.minutes_status = Meeting.MinutesStatus.DRAFT
    locked.save(update_fields=["minutes", "minutes_version", "minutes_status"])
    ask_every_party(locked.process, locked, Purpose.MINUTES)
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
def minutes_approve(*, actor: User, meeting: Meeting, approve: bool) -> MinutesOutcome:
    require(actor, Permission.MEETING_APPROVE, meeting)
    result = party_consent(
        actor,
        meeting.process,
        meeting,
        Purpose.MINUTES,
        str(meeting.minutes_version) if approve else None,
        "there is no draft of the minutes awaiting approval",
    )
    if not result.reached:
        return "awaiting"
    Meeting.objects.filter(pk=meeting.pk).update(minutes_status=Meeting.MinutesStatus.APPROVED)
    event_record(
        kind=EventKind.MINUTES_APPROVED,
        actor=actor,
        subject=meeting,
        audience=audience.PLENARY,
        process=meeting.process,
        payload={"version": meeting.minutes_version},
    )
    return "approved"


@transaction.atomic
def communique_draft(*, actor: User, meeting: Meeting, text: str) -> Communique:
    require(actor, Permission.COMMUNIQUE_DRAFT, meeting)
    body = clean_text(text, "text")
    locked = meeting_for_update(meeting, Meeting.Status.HELD)
    if Communique.objects.filter(meeting=locked).exists():
        raise Conflict("this meeting already has a communiqué; amend it instead")
    communique = Communique.objects.create(meeting=locked, text=body, drafted_by=actor)
    ask_every_party(locked.process, communique, Purpose.COMMUNIQUE)
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
    """A new version of the text: consents given to the old version no longer count."""
    meeting = communique.meeting
    require(actor, Permission.COMMUNIQUE_DRAFT, meeting)
    body = clean_text(text, "text")
    locked = Communique.objects.select_for_update().get(pk=communique.pk)
    if locked.status == Communique.Status.PUBLISHED:
        raise Conflict("the communiqué is published and can no longer change")
    locked.text = body
    locked.version += 1
    locked.save(update_fields=["text", "version"])
    ask_every_party(meeting.process, locked, Purpose.COMMUNIQUE)
    event_record(
        kind=EventKind.COMMUNIQUE_AMENDED,
        actor=actor,
        subject=locked,
        audience=audience.PLENARY,
        process=meeting.process,
        payload={"meeting": meeting.pk, "version": locked.version, "text": body},
    )
    return locked


@transaction.atomic
def communique_consent(*, actor: User, communique: Communique, consent: bool) -> CommuniqueOutcome:
    """Consent (or withdraw consent) to the current version; the last consent publishes it."""
    meeting = communique.meeting
    require(actor, Permission.COMMUNIQUE_CONSENT, meeting)
    if communique.status == Communique.Status.PUBLISHED:
        raise Conflict("the communiqué is already published")
    result = party_consent(
        actor,
        meeting.process,
        communique,
        Purpose.COMMUNIQUE,
        str(communique.version) if consent else None,
        "the communiqué is not awaiting consent",
    )
    if not result.reached:
        return "awaiting"
    now = timezone.now()
    Communique.objects.filter(pk=communique.pk).update(status=Communique.Status.PUBLISHED, published_at=now)
    event_record(
        kind=EventKind.COMMUNIQUE_PUBLISHED,
        actor=actor,
        subject=communique,
        audience=audience.PUBLIC,
        process=meeting.process,
        payload={
            "meeting": meeting.title,
            "venue": meeting.venue,
            "held_on": meeting.starts_at.isoformat(),
            "text": communique.text,
            "version": communique.version,
        },
    )
    notify(
        process=meeting.process,
        record_audience=audience.PLENARY,
        subject=communique,
        actor=actor,
        message=gettext_noop("Communiqué published: %(title)s"),
        params={"title": meeting.title},
    )
    return "published"
