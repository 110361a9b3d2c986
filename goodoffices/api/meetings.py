from datetime import datetime
from typing import Annotated

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router
from ninja.responses import Status
from pydantic import StringConstraints

from goodoffices.accounts.models import User, signed_in
from goodoffices.lib.errors import Invalid
from goodoffices.meetings import selectors, services, terms
from goodoffices.meetings.models import Communique, MeetingFormat, Modality, Proposal
from goodoffices.meetings.services.common import MAX_REASON, MAX_TEXT
from goodoffices.meetings.services.declassification import DECLASSIFY_TO
from goodoffices.meetings.terms import ProposalTerms, SlotIn
from goodoffices.pagination import paginate
from goodoffices.processes import selectors as process_selectors

from .schemas import (
    LANGUAGE,
    TOPIC,
    Cursor,
    Input,
    Limit,
    Out,
    PageOut,
    json_date,
    line,
    lines_of_text,
    one_of,
    optional,
)

router = Router(tags=["meetings"])


class SlotBody(Input):
    """A time given without an offset is wall-clock time at the venue; it must not fall in a
    daylight-saving gap or fold there."""

    starts_at: datetime = json_date()
    ends_at: datetime = json_date()


class ProposalIn(Input):
    title: Annotated[str, line(terms.MAX_TITLE)]
    format: Annotated[str, one_of(MeetingFormat.values)]
    venue: Annotated[str, line(terms.MAX_VENUE)]
    # The IANA zone of a place (``venue_zones``): not Factory, localtime or a POSIX rule.
    timezone: Annotated[str, one_of(terms.venue_zones())]
    slots: list[SlotBody] = Field(max_length=terms.MAX_SLOTS, json_schema_extra={"minItems": 1})
    # Topics of the mandate's scope.
    agenda: list[Annotated[str, TOPIC]] = Field(
        max_length=terms.MAX_AGENDA, json_schema_extra={"minItems": 1, "uniqueItems": True}
    )
    modality: Annotated[str, one_of(Modality.values)] = Modality.IN_PERSON.value
    delegation_size: int = Field(default=5, ge=terms.MIN_DELEGATION, le=terms.MAX_DELEGATION)
    # Languages of the mandate; null or left out: all of them.
    languages: list[Annotated[str, LANGUAGE]] | None = Field(default=None, max_length=20)
    interpretation: bool = False
    # The parties are asked to answer by then: in the future, inside the mandate's term, before the
    # first slot; without an offset, venue time. Left out: no deadline.
    reply_by: datetime = optional(strict=False)
    # Minutes per agenda item (an item of ``agenda`` -> 5 to 480).
    durations: dict[Annotated[str, TOPIC], int] = optional(max_length=terms.MAX_AGENDA)
    # For virtual and hybrid meetings: the https:// link to join, shown to the plenary only.
    online_link: Annotated[str, line(terms.MAX_LINK, required=False)] = optional()
    # Every party of the process; null or left out: every party.
    invited: list[int] | None = Field(default=None, max_length=50)


class SlotOut(Out):
    index: int
    starts_at: datetime
    ends_at: datetime


class ProposalOut(Out):
    id: int
    process: int
    title: str
    format: str
    modality: str
    venue: str
    timezone: str
    agenda: list[str]
    slots: list[SlotOut]
    status: str
    parent: int | None
    counters: list[int]
    proposed_by: str
    proposing_party: int | None
    decline_reason: str
    meeting: int | None
    reply_by: datetime | None
    durations: dict[str, int]
    languages: list[str]
    interpretation: bool
    delegation_size: int
    online_link: str
    # Party id -> the lowest slot index of each readiness you may see (kept from when a party
    # named one slot); ``readiness_slots`` has every slot.
    my_readiness: dict[str, int]
    # Party id -> every slot index that party is ready for, of the readiness you may see: your own
    # party's, and every party's for mediators where the mandate lets them see readiness.
    readiness_slots: dict[str, list[int]]


class ProposalList(PageOut):
    items: list[ProposalOut]


class ReadinessIn(Input):
    """``{"ready": true, "slots": [0, 2]}``: every slot your party could attend (indexes from 0);
    ``{"ready": true, "slot": 0}`` names one; ``{"ready": false}`` withdraws."""

    ready: bool
    slot: int = optional(ge=0, le=terms.MAX_SLOTS - 1)
    slots: list[Annotated[int, Field(ge=0, le=terms.MAX_SLOTS - 1)]] = optional(
        max_length=terms.MAX_SLOTS, declared={"minItems": 1, "uniqueItems": True}
    )


class ReadinessOut(Out):
    status: str
    meeting: int | None


class ReasonIn(Input):
    reason: Annotated[str, lines_of_text(MAX_REASON)]


class TextIn(Input):
    """At most 20,000 characters, and 60,000 bytes in UTF-8 (what a ledger entry can publish)."""

    text: Annotated[str, lines_of_text(MAX_TEXT)]


class CommuniqueIn(TextIn):
    # The original language: a language of the mandate; left out, the mandate's first.
    language: Annotated[str, LANGUAGE] = optional()


class LanguageVersionIn(Input):
    """The communiqué in another language of the mandate. Its texts together (the original and
    every language version) must fit in 60,000 bytes of UTF-8: published, they are one ledger entry."""

    text: Annotated[str, lines_of_text(MAX_TEXT)]
    # True: equally authentic with the original; false: not authentic, for information only.
    authentic: bool


class HeldIn(Input):
    # User names of those who attended: at least one.
    attendance: list[Annotated[str, StringConstraints(max_length=150)]] = Field(
        max_length=200, json_schema_extra={"minItems": 1}
    )
    # What came of the meeting.
    outcomes: Annotated[str, lines_of_text(MAX_TEXT)]


class ApprovalIn(Input):
    approve: bool
    version: int | None = Field(
        default=None, ge=1, description="The version of the minutes you read; required to approve."
    )


class ConsentIn(Input):
    consent: bool
    version: int | None = Field(
        default=None, ge=1, description="The version of the communiqué you read; required to consent."
    )


class DeclassificationConsentIn(Input):
    consent: bool
    to: str | None = Field(default=None, max_length=16, description="The audience you were asked about and consent to.")


class StateOut(Out):
    status: str


class LanguageVersionOut(Out):
    language: str
    text: str
    # Equally authentic with the original, or (false) for information only.
    authentic: bool


class CommuniqueOut(Out):
    # In the original language, ``language``.
    text: str
    language: str
    # Its versions in the other languages of the mandate, by language code.
    language_versions: list[LanguageVersionOut]
    version: int
    status: str
    published_at: datetime | None
    my_consent: bool


class MeetingOut(Out):
    id: int
    process: int
    proposal: int | None
    title: str
    format: str
    modality: str
    venue: str
    timezone: str
    agenda: list[str]
    durations: dict[str, int]
    languages: list[str]
    interpretation: bool
    delegation_size: int
    # For the plenary only: empty for anyone else.
    online_link: str
    starts_at: datetime
    ends_at: datetime
    status: str
    status_reason: str
    outcomes: str
    minutes: str
    minutes_version: int
    minutes_status: str
    communique: CommuniqueOut | None


class MeetingList(PageOut):
    items: list[MeetingOut]


class RegisterEntry(Out):
    id: int
    title: str
    venue: str
    starts_at: datetime
    ends_at: datetime
    communique: str | None
    # The communiqué's original language, and its versions in other languages as published.
    communique_language: str | None
    language_versions: list[LanguageVersionOut]
    published_at: datetime | None


class RegisterList(PageOut):
    items: list[RegisterEntry]


def proposal_out(view: selectors.ProposalView) -> ProposalOut:
    proposal = view.proposal
    return ProposalOut(
        id=proposal.pk,
        process=proposal.process_id,
        title=proposal.title,
        format=proposal.format,
        modality=proposal.modality,
        venue=proposal.venue,
        timezone=proposal.timezone,
        agenda=proposal.agenda,
        slots=[SlotOut(index=s.index, starts_at=s.starts_at, ends_at=s.ends_at) for s in proposal.slots.all()],
        status=proposal.status,
        parent=proposal.parent_id,
        counters=[c.pk for c in proposal.counters.all()],
        proposed_by=proposal.proposed_by.username,
        proposing_party=proposal.proposing_party_id,
        decline_reason=proposal.decline_reason,
        meeting=view.meeting_id,
        reply_by=proposal.reply_by,
        durations=proposal.durations,
        languages=proposal.languages,
        interpretation=proposal.interpretation,
        delegation_size=proposal.delegation_size,
        online_link=proposal.online_link,
        my_readiness={str(party): min(slots) for party, slots in view.readiness.items() if slots},
        readiness_slots={str(party): list(slots) for party, slots in view.readiness.items()},
    )


def _proposal(request: HttpRequest, proposal: Proposal) -> ProposalOut:
    return proposal_out(selectors.proposal_view(user=request.user, proposal=proposal))


def _language_versions(communique: Communique) -> list[LanguageVersionOut]:
    return [
        LanguageVersionOut(language=t.language, text=t.text, authentic=t.authentic)
        for t in communique.texts()
        if not t.original
    ]


def meeting_out(view: selectors.MeetingView) -> MeetingOut:
    meeting = view.meeting
    communique = None
    if view.communique is not None:
        c = view.communique.communique
        communique = CommuniqueOut(
            text=c.text,
            language=c.language,
            language_versions=_language_versions(c),
            version=c.version,
            status=c.status,
            published_at=c.published_at,
            my_consent=view.communique.my_consent,
        )
    return MeetingOut(
        id=meeting.pk,
        process=meeting.process_id,
        proposal=view.proposal_id,
        title=meeting.title,
        format=meeting.format,
        modality=meeting.modality,
        venue=meeting.venue,
        timezone=meeting.timezone,
        agenda=meeting.agenda,
        durations=meeting.durations,
        languages=meeting.languages,
        interpretation=meeting.interpretation,
        delegation_size=meeting.delegation_size,
        online_link=view.online_link,
        starts_at=meeting.starts_at,
        ends_at=meeting.ends_at,
        status=meeting.status,
        status_reason=meeting.status_reason,
        outcomes=meeting.outcomes,
        minutes=view.minutes,
        minutes_version=view.minutes_version,
        minutes_status=view.minutes_status,
        communique=communique,
    )


def _meeting(request: HttpRequest, meeting_id: int) -> MeetingOut:
    """The meeting as the reader may see it now (after a write, read again)."""
    meeting = selectors.meeting_get(user=request.user, meeting_id=meeting_id)
    return meeting_out(selectors.meeting_view(user=request.user, meeting=meeting))


def _terms(payload: ProposalIn) -> ProposalTerms:
    return ProposalTerms.of(
        # Left out (None): the terms' own defaults.
        **payload.model_dump(exclude={"slots"}, exclude_none=True),
        slots=[SlotIn(s.starts_at, s.ends_at) for s in payload.slots],
    )


@router.post("/processes/{process_id}/proposals", response={201: ProposalOut}, summary="Propose a meeting")
def proposal_create(request: HttpRequest, process_id: int, payload: ProposalIn) -> Status[ProposalOut]:
    process = process_selectors.process_get(user=request.user, process_id=process_id)
    proposal = services.proposal_create(actor=signed_in(request), process=process, terms=_terms(payload))
    return Status(201, _proposal(request, proposal))


@router.get("/processes/{process_id}/proposals", response=ProposalList, summary="Proposals you may see")
def proposal_list(request: HttpRequest, process_id: int, limit: Limit = None, cursor: Cursor = None) -> ProposalList:
    process = process_selectors.process_get(user=request.user, process_id=process_id)
    page = paginate(
        selectors.proposal_list(user=request.user, process=process),
        order=("-created_at", "-id"),
        scope=f"proposals:{process.pk}",
        user=request.user,
        cursor=cursor,
        limit=limit,
    )
    views = selectors.proposal_views(user=request.user, proposals=page.items, process=process)
    return ProposalList(items=[proposal_out(v) for v in views], next=page.next, prev=page.prev)


@router.get("/proposals/{proposal_id}", response=ProposalOut, summary="One proposal")
def proposal_detail(request: HttpRequest, proposal_id: int) -> ProposalOut:
    return _proposal(request, selectors.proposal_get(user=request.user, proposal_id=proposal_id))


@router.post("/proposals/{proposal_id}/counter", response={201: ProposalOut}, summary="Counter-propose")
def proposal_counter(request: HttpRequest, proposal_id: int, payload: ProposalIn) -> Status[ProposalOut]:
    proposal = selectors.proposal_get(user=request.user, proposal_id=proposal_id)
    counter = services.proposal_counter(actor=signed_in(request), proposal=proposal, terms=_terms(payload))
    return Status(201, _proposal(request, counter))


@router.post("/proposals/{proposal_id}/decline", response=ProposalOut, summary="Decline with a reason")
def proposal_decline(request: HttpRequest, proposal_id: int, payload: ReasonIn) -> ProposalOut:
    proposal = selectors.proposal_get(user=request.user, proposal_id=proposal_id)
    services.proposal_decline(actor=signed_in(request), proposal=proposal, reason=payload.reason)
    return _proposal(request, selectors.proposal_get(user=request.user, proposal_id=proposal_id))


@router.post("/proposals/{proposal_id}/withdraw", response=ProposalOut, summary="Withdraw your proposal")
def proposal_withdraw(request: HttpRequest, proposal_id: int) -> ProposalOut:
    proposal = selectors.proposal_get(user=request.user, proposal_id=proposal_id)
    services.proposal_withdraw(actor=signed_in(request), proposal=proposal)
    return _proposal(request, selectors.proposal_get(user=request.user, proposal_id=proposal_id))


@router.put(
    "/proposals/{proposal_id}/readiness", response=ReadinessOut, summary="Say which slots your party is ready for"
)
def readiness_set(request: HttpRequest, proposal_id: int, payload: ReadinessIn) -> ReadinessOut:
    proposal = selectors.proposal_get(user=request.user, proposal_id=proposal_id)
    if payload.slots is not None and payload.slot is not None:
        raise Invalid.one("slots", _("give either slots or slot, not both"))
    result = services.readiness_set(
        actor=signed_in(request),
        proposal=proposal,
        ready=payload.ready,
        slot=payload.slot or 0,
        slots=payload.slots,
    )
    return ReadinessOut(status=result.status, meeting=result.meeting.pk if result.meeting else None)


@router.get("/processes/{process_id}/meetings", response=MeetingList, summary="Meetings you may see")
def meeting_list(request: HttpRequest, process_id: int, limit: Limit = None, cursor: Cursor = None) -> MeetingList:
    process = process_selectors.process_get(user=request.user, process_id=process_id)
    page = paginate(
        # Each communiqué comes with its language versions (the web's list shows no communiqué).
        selectors.meeting_list(user=request.user, process=process).prefetch_related("communique__language_versions"),
        order=("-starts_at", "-id"),
        scope=f"meetings:{process.pk}",
        user=request.user,
        cursor=cursor,
        limit=limit,
    )
    views = selectors.meeting_views(user=request.user, meetings=page.items, process=process)
    return MeetingList(items=[meeting_out(v) for v in views], next=page.next, prev=page.prev)


@router.get("/meetings/{meeting_id}", response=MeetingOut, summary="One meeting")
def meeting_detail(request: HttpRequest, meeting_id: int) -> MeetingOut:
    return _meeting(request, meeting_id)


@router.post("/meetings/{meeting_id}/held", response=MeetingOut, summary="Record that the meeting was held")
def meeting_hold(request: HttpRequest, meeting_id: int, payload: HeldIn) -> MeetingOut:
    meeting = selectors.meeting_get(user=request.user, meeting_id=meeting_id)
    users = list(User.objects.filter(username__in=payload.attendance))
    unknown = sorted(set(payload.attendance) - {u.username for u in users})
    if unknown:
        raise Invalid.one("attendance", _("no such account: %(names)s") % {"names": ", ".join(unknown)})
    services.meeting_hold(actor=signed_in(request), meeting=meeting, attendance=users, outcomes=payload.outcomes)
    return _meeting(request, meeting_id)


@router.post("/meetings/{meeting_id}/postpone", response=MeetingOut, summary="Postpone with a reason")
def meeting_postpone(request: HttpRequest, meeting_id: int, payload: ReasonIn) -> MeetingOut:
    meeting = selectors.meeting_get(user=request.user, meeting_id=meeting_id)
    services.meeting_postpone(actor=signed_in(request), meeting=meeting, reason=payload.reason)
    return _meeting(request, meeting_id)


@router.post("/meetings/{meeting_id}/cancel", response=MeetingOut, summary="Cancel with a reason")
def meeting_cancel(request: HttpRequest, meeting_id: int, payload: ReasonIn) -> MeetingOut:
    meeting = selectors.meeting_get(user=request.user, meeting_id=meeting_id)
    services.meeting_cancel(actor=signed_in(request), meeting=meeting, reason=payload.reason)
    return _meeting(request, meeting_id)


@router.put("/meetings/{meeting_id}/minutes", response=MeetingOut, summary="Draft the minutes (mediators)")
def minutes_draft(request: HttpRequest, meeting_id: int, payload: TextIn) -> MeetingOut:
    meeting = selectors.meeting_get(user=request.user, meeting_id=meeting_id)
    services.minutes_draft(actor=signed_in(request), meeting=meeting, text=payload.text)
    return _meeting(request, meeting_id)


@router.put("/meetings/{meeting_id}/minutes/approval", response=StateOut, summary="Approve the minutes")
def minutes_approve(request: HttpRequest, meeting_id: int, payload: ApprovalIn) -> StateOut:
    meeting = selectors.meeting_get(user=request.user, meeting_id=meeting_id)
    return StateOut(
        status=services.minutes_approve(
            actor=signed_in(request), meeting=meeting, approve=payload.approve, version=payload.version
        )
    )


@router.post("/meetings/{meeting_id}/communique", response={201: MeetingOut}, summary="Draft the communiqué")
def communique_draft(request: HttpRequest, meeting_id: int, payload: CommuniqueIn) -> Status[MeetingOut]:
    meeting = selectors.meeting_get(user=request.user, meeting_id=meeting_id)
    services.communique_draft(actor=signed_in(request), meeting=meeting, text=payload.text, language=payload.language)
    return Status(201, _meeting(request, meeting_id))


@router.put("/meetings/{meeting_id}/communique", response=MeetingOut, summary="Amend the communiqué")
def communique_amend(request: HttpRequest, meeting_id: int, payload: TextIn) -> MeetingOut:
    meeting = selectors.meeting_get(user=request.user, meeting_id=meeting_id)
    communique = selectors.communique_get(user=request.user, meeting=meeting)
    services.communique_amend(actor=signed_in(request), communique=communique, text=payload.text)
    return _meeting(request, meeting_id)


@router.put(
    "/meetings/{meeting_id}/communique/languages/{language}",
    response=MeetingOut,
    summary="Add or replace a language version of the communiqué",
)
def communique_language_set(
    request: HttpRequest, meeting_id: int, language: str, payload: LanguageVersionIn
) -> MeetingOut:
    """An amendment: the communiqué's next version, which every party is asked again to consent to."""
    meeting = selectors.meeting_get(user=request.user, meeting_id=meeting_id)
    communique = selectors.communique_get(user=request.user, meeting=meeting)
    services.communique_language_set(
        actor=signed_in(request),
        communique=communique,
        language=language,
        text=payload.text,
        authentic=payload.authentic,
    )
    return _meeting(request, meeting_id)


@router.delete(
    "/meetings/{meeting_id}/communique/languages/{language}",
    response=MeetingOut,
    summary="Remove a language version of the communiqué",
)
def communique_language_remove(request: HttpRequest, meeting_id: int, language: str) -> MeetingOut:
    """An amendment: the communiqué's next version, which every party is asked again to consent to."""
    meeting = selectors.meeting_get(user=request.user, meeting_id=meeting_id)
    communique = selectors.communique_get(user=request.user, meeting=meeting)
    services.communique_language_remove(actor=signed_in(request), communique=communique, language=language)
    return _meeting(request, meeting_id)


@router.put("/meetings/{meeting_id}/communique/consent", response=StateOut, summary="Consent to the communiqué")
def communique_consent(request: HttpRequest, meeting_id: int, payload: ConsentIn) -> StateOut:
    meeting = selectors.meeting_get(user=request.user, meeting_id=meeting_id)
    communique = selectors.communique_get(user=request.user, meeting=meeting)
    return StateOut(
        status=services.communique_consent(
            actor=signed_in(request), communique=communique, consent=payload.consent, version=payload.version
        )
    )


@router.get("/register/meetings", auth=None, response=RegisterList, summary="The public register")
def register_meetings(request: HttpRequest, limit: Limit = None, cursor: Cursor = None) -> RegisterList:
    page = paginate(
        selectors.register_meetings(),
        order=("-starts_at", "-id"),
        scope="register",
        user=None,
        cursor=cursor,
        limit=limit,
    )
    items = []
    for meeting in page.items:
        communique = getattr(meeting, "communique", None)
        if communique is not None and communique.status != Communique.Status.PUBLISHED:
            communique = None
        items.append(
            RegisterEntry(
                id=meeting.pk,
                title=meeting.title,
                venue=meeting.venue,
                starts_at=meeting.starts_at,
                ends_at=meeting.ends_at,
                communique=communique.text if communique else None,
                communique_language=communique.language if communique else None,
                language_versions=_language_versions(communique) if communique else [],
                published_at=communique.published_at if communique else None,
            )
        )
    return RegisterList(items=items, next=page.next, prev=page.prev)


class DeclassifyIn(Input):
    to: Annotated[str, one_of(DECLASSIFY_TO)]


@router.post(
    "/meetings/{meeting_id}/declassification", response={201: StateOut}, summary="Ask the parties to declassify"
)
def declassification_request(request: HttpRequest, meeting_id: int, payload: DeclassifyIn) -> Status[StateOut]:
    meeting = selectors.meeting_get(user=request.user, meeting_id=meeting_id)
    services.declassification_request(actor=signed_in(request), meeting=meeting, to=payload.to)
    return Status(201, StateOut(status="awaiting"))


@router.put("/meetings/{meeting_id}/declassification/consent", response=StateOut, summary="Consent to declassification")
def declassification_consent(request: HttpRequest, meeting_id: int, payload: DeclassificationConsentIn) -> StateOut:
    meeting = selectors.meeting_get(user=request.user, meeting_id=meeting_id)
    return StateOut(
        status=services.declassification_consent(
            actor=signed_in(request), meeting=meeting, consent=payload.consent, to=payload.to
        )
    )
