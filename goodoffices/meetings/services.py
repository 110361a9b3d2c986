"""Meetings on reciprocal readiness: proposals, readiness, the meeting lifecycle, minutes
and communiqués. Each service checks policy, validates, writes and records its event in
one transaction; every "all parties agree" step goes through goodoffices.consent."""

import zoneinfo
from dataclasses import dataclass
from datetime import datetime

from django.db import models, transaction
from django.db.models import BigIntegerField
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext_noop

from goodoffices.accounts.models import User
from goodoffices.consent.models import Purpose
from goodoffices.consent.services import (
    ConsentResult,
    consent_set,
    joint_consent_cancel,
    joint_consent_for,
    joint_consent_open,
)
from goodoffices.events.models import EventKind
from goodoffices.events.services import event_record
from goodoffices.lib import audience
from goodoffices.lib.errors import Conflict, FieldError, Forbidden, Invalid
from goodoffices.policies import Permission, require, roles_for
from goodoffices.processes.models import Party, Process

from .models import Communique, Meeting, MeetingFormat, Modality, Proposal, ProposalSlot
from .notices import notify

MAX_SLOTS = 10
MAX_AGENDA = 20
MAX_TEXT = 20_000


@dataclass(frozen=True)
class SlotIn:
    starts_at: datetime
    ends_at: datetime


def _acting_party(actor: User, process: Process) -> Party:
    roles = roles_for(actor, process)
    heads = [pid for pid in roles.parties if roles.is_head_of(pid)]
    if len(heads) != 1:
        raise Forbidden("only a head of delegation acts for a party")
    return process.parties.get(pk=heads[0])


def _aware(value: datetime, zone: zoneinfo.ZoneInfo) -> datetime:
    return value if timezone.is_aware(value) else value.replace(tzinfo=zone)


def _proposal_terms(
    *,
    process: Process,
    title: str,
    format: str,
    modality: str,
    venue: str,
    timezone_name: str,
    slots: list[SlotIn],
    agenda: list[str],
    delegation_size: int,
    languages: list[str] | None,
    interpretation: bool,
    invited: list[int] | None,
) -> dict[str, object]:
    """Check a proposal is *reasonable* under the mandate; raise Invalid naming every broken rule."""
    mandate = process.mandate_version
    errors: list[FieldError] = []
    title = (title or "").strip()
    if not title:
        errors.append(FieldError("title", "a proposal needs a title"))
    elif len(title) > 200:
        errors.append(FieldError("title", "must be at most 200 characters"))
    if format not in MeetingFormat.values:
        errors.append(FieldError("format", f"{format!r} is not one of {', '.join(MeetingFormat.values)}"))
    if modality not in Modality.values:
        errors.append(FieldError("modality", f"{modality!r} is not one of {', '.join(Modality.values)}"))
    venue = (venue or "").strip()
    if not venue:
        errors.append(FieldError("venue", "a proposal needs a venue (or 'virtual')"))
    elif len(venue) > 200:
        errors.append(FieldError("venue", "must be at most 200 characters"))
    zone: zoneinfo.ZoneInfo | None = None
    if timezone_name not in zoneinfo.available_timezones():
        errors.append(FieldError("timezone", f"{timezone_name!r} is not an IANA time zone"))
    else:
        zone = zoneinfo.ZoneInfo(timezone_name)
    parties = list(process.parties.all())
    for party in parties:
        refused = {v.casefold() for v in (mandate.refused_venues or {}).get(party.name, [])}
        if venue and venue.casefold() in refused:
            errors.append(FieldError("venue", f'venue "{venue}" is refused by {party.name}'))
    if invited is not None:
        invited_ids = set(invited)
        for party in parties:
            if party.pk not in invited_ids:
                errors.append(FieldError("invited", f"{party.name} is a party of the process and must be invited"))
        for pid in sorted(invited_ids - {p.pk for p in parties}):
            errors.append(FieldError("invited", f"{pid} is not a party of this process"))
    scope = {topic.casefold(): topic for topic in mandate.scope}
    cleaned_agenda: list[str] = []
    if not agenda:
        errors.append(FieldError("agenda", "a proposal needs at least one agenda item"))
    if len(agenda) > MAX_AGENDA:
        errors.append(FieldError("agenda", f"at most {MAX_AGENDA} agenda items"))
    for i, item in enumerate(agenda[:MAX_AGENDA]):
        topic = scope.get((item or "").strip().casefold())
        if topic is None:
            errors.append(FieldError(f"agenda[{i}]", f'agenda item "{item}" is outside the mandate\'s scope'))
        elif topic in cleaned_agenda:
            errors.append(FieldError(f"agenda[{i}]", f'agenda item "{item}" is listed twice'))
        else:
            cleaned_agenda.append(topic)
    if not 1 <= delegation_size <= 50:
        errors.append(FieldError("delegation_size", "must be between 1 and 50 people per party"))
    cleaned_languages = list(dict.fromkeys(languages or mandate.languages))
    for i, code in enumerate(cleaned_languages):
        if code not in mandate.languages:
            errors.append(FieldError(f"languages[{i}]", f'language "{code}" is not a language of the mandate'))
    cleaned_slots: list[SlotIn] = []
    if not slots:
        errors.append(FieldError("slots", "a proposal needs at least one time slot"))
    if len(slots) > MAX_SLOTS:
        errors.append(FieldError("slots", f"at most {MAX_SLOTS} time slots"))
    now = timezone.now()
    for i, slot in enumerate(slots[:MAX_SLOTS]):
        if zone is None:
            break
        try:
            starts, ends = _aware(slot.starts_at, zone), _aware(slot.ends_at, zone)
            venue_days = (starts.astimezone(zone).date(), ends.astimezone(zone).date())
        except OverflowError:
            errors.append(FieldError(f"slots[{i}]", "the slot is out of any usable range of dates"))
            continue
        if ends <= starts:
            errors.append(FieldError(f"slots[{i}]", "a slot must end after it starts"))
            continue
        if starts <= now:
            errors.append(FieldError(f"slots[{i}]", "a slot must be in the future"))
        if not mandate.in_term(venue_days[0]) or not mandate.in_term(venue_days[1]):
            errors.append(FieldError(f"slots[{i}]", "the slot falls outside the mandate's term"))
        for j, other in enumerate(cleaned_slots):
            if starts < other.ends_at and other.starts_at < ends:
                errors.append(FieldError(f"slots[{i}]", f"slot {i} overlaps slot {j}"))
        cleaned_slots.append(SlotIn(starts, ends))
    if process.status != Process.Status.ACTIVE:
        errors.append(FieldError("process", "the process is not active"))
    if errors:
        raise Invalid(errors)
    return {
        "title": title,
        "format": format,
        "modality": modality,
        "venue": venue,
        "timezone": timezone_name,
        "agenda": cleaned_agenda,
        "delegation_size": delegation_size,
        "languages": cleaned_languages,
        "interpretation": interpretation,
        "slots": cleaned_slots,
    }


def _proposal_payload(proposal: Proposal) -> dict[str, object]:
    return {
        "title": proposal.title,
        "format": proposal.format,
        "modality": proposal.modality,
        "venue": proposal.venue,
        "timezone": proposal.timezone,
        "agenda": proposal.agenda,
        "slots": [
            {"starts_at": s.starts_at.isoformat(), "ends_at": s.ends_at.isoformat()} for s in proposal.slots.all()
        ],
        "parent": proposal.parent_id,
        "reschedules": proposal.reschedules_id,
    }


@transaction.atomic
def proposal_create(
    *,
    actor: User,
    process: Process,
    title: str,
    format: str,
    venue: str,
    timezone_name: str,
    slots: list[SlotIn],
    agenda: list[str],
    modality: str = Modality.IN_PERSON,
    delegation_size: int = 5,
    languages: list[str] | None = None,
    interpretation: bool = False,
    invited: list[int] | None = None,
    parent: Proposal | None = None,
    reschedules: Meeting | None = None,
) -> Proposal:
    require(actor, Permission.PROPOSAL_CREATE, process)
    if (
        reschedules is not None
        and not Meeting.objects.filter(pk=reschedules.pk, process=process, status=Meeting.Status.POSTPONED).exists()
    ):
        raise Invalid.one("reschedules", "only a postponed meeting of this process can be rescheduled")
    terms = _proposal_terms(
        process=process,
        title=title,
        format=format,
        modality=modality,
        venue=venue,
        timezone_name=timezone_name,
        slots=slots,
        agenda=agenda,
        delegation_size=delegation_size,
        languages=languages,
        interpretation=interpretation,
        invited=invited,
    )
    roles = roles_for(actor, process)
    proposing_party = None if roles.mediator else _acting_party(actor, process)
    slot_terms: list[SlotIn] = terms.pop("slots")  # type: ignore[assignment]
    proposal = Proposal.objects.create(
        process=process,
        parent=parent,
        reschedules=reschedules,
        proposed_by=actor,
        proposing_party=proposing_party,
        **terms,
    )
    ProposalSlot.objects.bulk_create(
        ProposalSlot(proposal=proposal, index=i, starts_at=s.starts_at, ends_at=s.ends_at)
        for i, s in enumerate(slot_terms)
    )
    _ask_every_party(process, proposal, Purpose.READINESS)
    event_record(
        kind=EventKind.PROPOSAL_COUNTERED if parent else EventKind.PROPOSAL_CREATED,
        actor=actor,
        subject=proposal,
        audience=proposal.audience,
        process=process,
        payload=_proposal_payload(proposal),
    )
    notify(
        process=process,
        record_audience=proposal.audience,
        subject=proposal,
        actor=actor,
        message=gettext_noop("New meeting proposal: %(title)s"),
        params={"title": proposal.title},
    )
    return proposal


def _ask_every_party(process: Process, subject: models.Model, purpose: str, question: str = "") -> None:
    """Open the joint consent of every party; the outcome is revealed to the plenary."""
    joint_consent_open(
        process=process,
        subject=subject,
        purpose=purpose,
        parties=list(process.parties.all()),
        reveal_to=audience.PLENARY,
        question=question,
    )


def _party_consent(actor: User, subject: models.Model, purpose: str, option: str | None, nothing: str) -> ConsentResult:
    """Pass the acting head's party's consent (or its withdrawal) to the joint consent."""
    process: Process = subject.process  # type: ignore[attr-defined]
    party = _acting_party(actor, process)
    joint = joint_consent_for(subject=subject, purpose=purpose)
    if joint is None:
        raise Conflict(nothing)
    return consent_set(actor=actor, joint=joint, party=party, option=option)


def _open_proposal(proposal: Proposal) -> Proposal:
    locked = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if locked.status != Proposal.Status.OPEN:
        raise Conflict(f"this proposal is already {locked.get_status_display()}")
    return locked


@transaction.atomic
def proposal_counter(*, actor: User, proposal: Proposal, **terms: object) -> Proposal:
    """Answer a proposal with a revision: the original is closed, its readiness cancelled."""
    require(actor, Permission.PROPOSAL_CREATE, proposal.process)
    original = _open_proposal(proposal)
    counter = proposal_create(
        actor=actor,
        process=original.process,
        parent=original,
        reschedules=original.reschedules,
        **terms,  # type: ignore[arg-type]
    )
    original.status = Proposal.Status.COUNTERED
    original.save(update_fields=["status"])
    joint_consent_cancel(subject=original, purpose=Purpose.READINESS)
    return counter


@transaction.atomic
def proposal_decline(*, actor: User, proposal: Proposal, reason: str) -> Proposal:
    require(actor, Permission.PROPOSAL_RESPOND, proposal)
    party = _acting_party(actor, proposal.process)
    reason = (reason or "").strip()
    if not reason:
        raise Invalid.one("reason", "say why the proposal is declined")
    if len(reason) > 4000:
        raise Invalid.one("reason", "must be at most 4000 characters")
    original = _open_proposal(proposal)
    if original.proposing_party_id == party.pk:
        raise Invalid.one("proposal", "withdraw your own proposal instead of declining it")
    original.status = Proposal.Status.DECLINED
    original.decline_reason = reason
    original.save(update_fields=["status", "decline_reason"])
    joint_consent_cancel(subject=original, purpose=Purpose.READINESS)
    event_record(
        kind=EventKind.PROPOSAL_DECLINED,
        actor=actor,
        subject=original,
        audience=original.audience,
        process=original.process,
        payload={"party": party.pk, "reason": reason},
    )
    notify(
        process=original.process,
        record_audience=original.audience,
        subject=original,
        actor=actor,
        message=gettext_noop("Proposal declined: %(title)s"),
        params={"title": original.title},
    )
    return original


@transaction.atomic
def proposal_withdraw(*, actor: User, proposal: Proposal) -> Proposal:
    if proposal.proposed_by_id != actor.pk:
        require(actor, Permission.MEETING_RECORD, proposal)
    original = _open_proposal(proposal)
    original.status = Proposal.Status.WITHDRAWN
    original.save(update_fields=["status"])
    joint_consent_cancel(subject=original, purpose=Purpose.READINESS)
    event_record(
        kind=EventKind.PROPOSAL_WITHDRAWN,
        actor=actor,
        subject=original,
        audience=original.audience,
        process=original.process,
        payload={},
    )
    return original


@dataclass(frozen=True)
class Readiness:
    status: str
    meeting: Meeting | None


@transaction.atomic
def readiness_set(*, actor: User, proposal: Proposal, ready: bool, slot: int = 0) -> Readiness:
    """Say (or withdraw) that the actor's party is ready to meet in ``slot``. The answer
    is ``awaiting`` until every invited party is ready for the same slot; it says nothing
    about any other party."""
    require(actor, Permission.PROPOSAL_RESPOND, proposal)
    # Lock the proposal before its joint consent, in the same order as withdraw, decline and
    # counter do, so that these never deadlock one another.
    proposal = _open_proposal(proposal)
    slots = list(proposal.slots.all())
    if not 0 <= slot < len(slots):
        raise Invalid.one("slot", f"slot must be between 0 and {len(slots) - 1}")
    if ready and slots[slot].starts_at <= timezone.now():
        raise Invalid.one("slot", "that slot has already begun")
    result = _party_consent(
        actor, proposal, Purpose.READINESS, str(slot) if ready else None, "this proposal is already decided"
    )
    if not result.reached:
        return Readiness(status="awaiting", meeting=None)
    return Readiness(status="confirmed", meeting=_meeting_confirm(actor, proposal, slots[int(result.outcome or 0)]))


def _meeting_confirm(actor: User, proposal: Proposal, slot: ProposalSlot) -> Meeting:
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
    event_record(
        kind=EventKind.MEETING_CONFIRMED,
        actor=actor,
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


def _meeting_for_update(meeting: Meeting, *allowed: str) -> Meeting:
    locked = Meeting.objects.select_for_update().select_related("process__mandate_version").get(pk=meeting.pk)
    if locked.status not in allowed:
        raise Conflict(f"the meeting is {locked.get_status_display()}")
    return locked


# A published communiqué or declassified minutes enter the public ledger in full, and a ledger
# entry holds at most 65,535 bytes: refuse at drafting what could never be published.
MAX_TEXT_BYTES = 60_000


def _text(value: str, field: str, limit: int = MAX_TEXT) -> str:
    value = (value or "").strip()
    if not value:
        raise Invalid.one(field, "must not be empty")
    if len(value) > limit:
        raise Invalid.one(field, f"must be at most {limit} characters")
    if len(value.encode("utf-8")) > MAX_TEXT_BYTES:
        raise Invalid.one(field, f"must be at most {MAX_TEXT_BYTES} bytes in UTF-8")
    return value


@transaction.atomic
def meeting_hold(*, actor: User, meeting: Meeting, attendance: list[User], outcomes: str) -> Meeting:
    """Record that the meeting took place; from now on the mandate's rule decides who sees it."""
    require(actor, Permission.MEETING_RECORD, meeting)
    outcomes = (outcomes or "").strip()
    if len(outcomes) > MAX_TEXT:
        raise Invalid.one("outcomes", f"must be at most {MAX_TEXT} characters")
    process = meeting.process
    admitted = set(process.appointments.filter(role="mediator").values_list("user_id", flat=True)) | set(
        process.parties.values_list("memberships__user_id", flat=True)
    )
    strangers = [u.username for u in attendance if u.pk not in admitted]
    if strangers:
        raise Invalid.one("attendance", f"not a mediator or delegation member: {', '.join(strangers)}")
    locked = _meeting_for_update(meeting, Meeting.Status.CONFIRMED)
    locked.status = Meeting.Status.HELD
    locked.outcomes = outcomes
    locked.held_at = timezone.now()
    locked.audience = locked.process.mandate_version.held_meetings_audience
    locked.save(update_fields=["status", "outcomes", "held_at", "audience"])
    locked.attendance.set(attendance)
    event_record(
        kind=EventKind.MEETING_HELD,
        actor=actor,
        subject=locked,
        audience=locked.audience,
        process=process,
        payload={"title": locked.title, "attendance": sorted(u.pk for u in attendance), "outcomes": outcomes},
    )
    if locked.audience == audience.PUBLIC:
        _open_sealed_entries(locked, actor)
    return locked


def _meeting_stop(actor: User, meeting: Meeting, reason: str, status: str, kind: str, message: str) -> Meeting:
    require(actor, Permission.MEETING_RECORD, meeting)
    reason = _text(reason, "reason", 4000)
    locked = _meeting_for_update(meeting, Meeting.Status.CONFIRMED)
    locked.status = status
    locked.status_reason = reason
    locked.save(update_fields=["status", "status_reason"])
    event_record(
        kind=kind,
        actor=actor,
        subject=locked,
        audience=locked.audience,
        process=locked.process,
        payload={"reason": reason},
    )
    notify(
        process=locked.process,
        record_audience=locked.audience,
        subject=locked,
        actor=actor,
        message=message,
        params={"title": locked.title},
        email=True,
    )
    return locked


@transaction.atomic
def meeting_postpone(*, actor: User, meeting: Meeting, reason: str) -> Meeting:
    return _meeting_stop(
        actor,
        meeting,
        reason,
        Meeting.Status.POSTPONED,
        EventKind.MEETING_POSTPONED,
        gettext_noop("Meeting postponed: %(title)s"),
    )


@transaction.atomic
def meeting_cancel(*, actor: User, meeting: Meeting, reason: str) -> Meeting:
    return _meeting_stop(
        actor,
        meeting,
        reason,
        Meeting.Status.CANCELLED,
        EventKind.MEETING_CANCELLED,
        gettext_noop("Meeting cancelled: %(title)s"),
    )


@transaction.atomic
def minutes_draft(*, actor: User, meeting: Meeting, text: str) -> Meeting:
    """A mediator drafts (or redrafts) the minutes; every party then approves that version."""
    require(actor, Permission.MEETING_RECORD, meeting)
    text = _text(text, "text")
    locked = _meeting_for_update(meeting, Meeting.Status.HELD)
    if locked.minutes_status == Meeting.MinutesStatus.APPROVED:
        raise Conflict("the minutes are approved and can no longer change")
    locked.minutes = text
    locked.minutes_version += 1
    locked.minutes_status = Meeting.MinutesStatus.DRAFT
    locked.save(update_fields=["minutes", "minutes_version", "minutes_status"])
    _ask_every_party(locked.process, locked, Purpose.MINUTES)
    event_record(
        kind=EventKind.MINUTES_DRAFTED,
        actor=actor,
        subject=locked,
        audience=audience.PLENARY,
        process=locked.process,
        payload={"version": locked.minutes_version, "text": text},
    )
    return locked


@transaction.atomic
def minutes_approve(*, actor: User, meeting: Meeting, approve: bool) -> str:
    require(actor, Permission.MEETING_APPROVE, meeting)
    result = _party_consent(
        actor,
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
    text = _text(text, "text")
    locked = _meeting_for_update(meeting, Meeting.Status.HELD)
    if Communique.objects.filter(meeting=locked).exists():
        raise Conflict("this meeting already has a communiqué; amend it instead")
    communique = Communique.objects.create(meeting=locked, text=text, drafted_by=actor)
    _ask_every_party(locked.process, communique, Purpose.COMMUNIQUE)
    event_record(
        kind=EventKind.COMMUNIQUE_DRAFTED,
        actor=actor,
        subject=communique,
        audience=audience.PLENARY,
        process=locked.process,
        payload={"meeting": locked.pk, "version": 1, "text": text},
    )
    return communique


@transaction.atomic
def communique_amend(*, actor: User, communique: Communique, text: str) -> Communique:
    """A new version of the text: consents given to the old version no longer count."""
    meeting = communique.meeting
    require(actor, Permission.COMMUNIQUE_DRAFT, meeting)
    text = _text(text, "text")
    locked = Communique.objects.select_for_update().get(pk=communique.pk)
    if locked.status == Communique.Status.PUBLISHED:
        raise Conflict("the communiqué is published and can no longer change")
    locked.text = text
    locked.version += 1
    locked.save(update_fields=["text", "version"])
    _ask_every_party(meeting.process, locked, Purpose.COMMUNIQUE)
    event_record(
        kind=EventKind.COMMUNIQUE_AMENDED,
        actor=actor,
        subject=locked,
        audience=audience.PLENARY,
        process=meeting.process,
        payload={"meeting": meeting.pk, "version": locked.version, "text": text},
    )
    return locked


@transaction.atomic
def communique_consent(*, actor: User, communique: Communique, consent: bool) -> str:
    """Consent (or withdraw consent) to the current version; the last consent publishes it."""
    meeting = communique.meeting
    require(actor, Permission.COMMUNIQUE_CONSENT, meeting)
    if communique.status == Communique.Status.PUBLISHED:
        raise Conflict("the communiqué is already published")
    result = _party_consent(
        actor,
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


WIDER = {audience.PLENARY: 0, audience.PROCESS: 1, audience.PUBLIC: 2}


@transaction.atomic
def declassification_request(*, actor: User, meeting: Meeting, to: str) -> None:
    """Ask every party to widen who sees a held meeting (to everyone admitted, or the public)."""
    require(actor, Permission.COMMUNIQUE_DRAFT, meeting)
    if to not in (audience.PROCESS, audience.PUBLIC):
        raise Invalid.one("to", "a meeting can be declassified to process or public")
    locked = _meeting_for_update(meeting, Meeting.Status.HELD)
    if WIDER[to] <= WIDER.get(locked.audience, 0):
        raise Invalid.one("to", f"the meeting is already visible to {locked.audience}")
    _ask_every_party(locked.process, locked, Purpose.DECLASSIFICATION, question=to)
    event_record(
        kind=EventKind.MEETING_DECLASSIFICATION_REQUESTED,
        actor=actor,
        subject=locked,
        audience=audience.PLENARY,
        process=locked.process,
        payload={"to": to},
    )


@transaction.atomic
def declassification_consent(*, actor: User, meeting: Meeting, consent: bool) -> str:
    """A party consents to the pending declassification; the last consent applies it and, for
    the public, opens the meeting's sealed ledger entries so anyone can check them."""
    require(actor, Permission.COMMUNIQUE_CONSENT, meeting)
    nothing = "no declassification is awaiting consent"
    joint = joint_consent_for(subject=meeting, purpose=Purpose.DECLASSIFICATION)
    if joint is None:
        raise Conflict(nothing)
    target = joint.question
    result = _party_consent(actor, meeting, Purpose.DECLASSIFICATION, target if consent else None, nothing)
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
        _open_sealed_entries(meeting, actor)
    return "declassified"


def _open_sealed_entries(meeting: Meeting, actor: User) -> None:
    """The meeting is public now: publish salt and content of its sealed ledger entries."""
    from goodoffices.events.models import Event
    from goodoffices.ledger.services import ledger_open

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


@transaction.atomic
def calendar_feed_replace(*, user: User, create: bool) -> str | None:
    """Revoke the user's calendar link and, with ``create``, make a new one. Returns the new
    secret, which is shown once: only its SHA-256 is stored."""
    import hashlib
    import secrets

    from .models import CalendarFeed

    revoked = CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
    secret = None
    if create:
        secret = secrets.token_urlsafe(32)
        feed = CalendarFeed.objects.create(user=user, digest=hashlib.sha256(secret.encode()).hexdigest())
        event_record(
            kind=EventKind.CALENDAR_FEED_CREATED, actor=user, subject=feed, audience=audience.MEDIATORS, payload={}
        )
    elif revoked:
        event_record(
            kind=EventKind.CALENDAR_FEED_REVOKED, actor=user, subject=user, audience=audience.MEDIATORS, payload={}
        )
    return secret
