from datetime import datetime

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.responses import Status

from goodoffices.accounts.models import User, signed_in
from goodoffices.consent.models import Purpose
from goodoffices.consent.services import consents_seen
from goodoffices.lib import audience
from goodoffices.lib.errors import Invalid, NotFound
from goodoffices.meetings import selectors, services
from goodoffices.meetings.models import Communique, Meeting, Proposal
from goodoffices.policies import roles_for
from goodoffices.processes import selectors as process_selectors

from .schemas import Input

router = Router(tags=["meetings"])


class SlotIn(Input):
    starts_at: datetime
    ends_at: datetime


class ProposalIn(Input):
    title: str = Field(max_length=200)
    format: str = Field(max_length=16)
    venue: str = Field(max_length=200)
    timezone: str = Field(max_length=64)
    slots: list[SlotIn] = Field(max_length=10)
    agenda: list[str] = Field(max_length=20)
    modality: str = Field(default="in_person", max_length=16)
    delegation_size: int = Field(default=5, ge=1, le=50)
    languages: list[str] | None = Field(default=None, max_length=20)
    interpretation: bool = False
    invited: list[int] | None = Field(default=None, max_length=50)


class SlotOut(Schema):
    index: int
    starts_at: datetime
    ends_at: datetime


class ProposalOut(Schema):
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
    my_readiness: dict[str, int]


class ProposalList(Schema):
    items: list[ProposalOut]


class ReadinessIn(Input):
    ready: bool
    slot: int = Field(default=0, ge=0, le=9)


class ReadinessOut(Schema):
    status: str
    meeting: int | None


class ReasonIn(Input):
    reason: str = Field(max_length=4000)


class TextIn(Input):
    text: str = Field(max_length=20000)


class HeldIn(Input):
    attendance: list[str] = Field(default_factory=list, max_length=200)
    outcomes: str = Field(default="", max_length=20000)


class ApprovalIn(Input):
    approve: bool


class ConsentIn(Input):
    consent: bool


class StateOut(Schema):
    status: str


class CommuniqueOut(Schema):
    text: str
    version: int
    status: str
    published_at: datetime | None
    my_consent: bool


class MeetingOut(Schema):
    id: int
    process: int
    proposal: int | None
    title: str
    format: str
    modality: str
    venue: str
    timezone: str
    agenda: list[str]
    starts_at: datetime
    ends_at: datetime
    status: str
    status_reason: str
    outcomes: str
    minutes: str
    minutes_version: int
    minutes_status: str
    communique: CommuniqueOut | None


class MeetingList(Schema):
    items: list[MeetingOut]


class RegisterEntry(Schema):
    id: int
    title: str
    venue: str
    starts_at: datetime
    ends_at: datetime
    communique: str | None
    published_at: datetime | None


class RegisterList(Schema):
    items: list[RegisterEntry]


def readiness_seen(user: object, proposals: list[Proposal]) -> dict[int, dict[str, int]]:
    """Per proposal, the readiness the reader may see (see consents_seen)."""
    if not proposals:
        return {}
    roles = roles_for(user, proposals[0].process)  # type: ignore[arg-type]
    seen = consents_seen(subjects=proposals, purpose=Purpose.READINESS, roles=roles)
    return {pk: {str(party): int(option) for party, option in parties.items()} for pk, parties in seen.items()}


def proposal_out(user: object, proposal: Proposal, readiness: dict[str, int] | None = None) -> ProposalOut:
    try:
        meeting: int | None = proposal.meeting.pk
    except Meeting.DoesNotExist:
        meeting = None
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
        meeting=meeting,
        my_readiness=readiness if readiness is not None else readiness_seen(user, [proposal])[proposal.pk],
    )


def minutes_visible(user: object, meeting: Meeting) -> bool:
    """Draft minutes are for the plenary; approved minutes go wherever the meeting goes."""
    if meeting.minutes_status == Meeting.MinutesStatus.APPROVED:
        return True
    return audience.PLENARY in roles_for(user, meeting.process).audiences()  # type: ignore[arg-type]


def meeting_out(user: object, meeting: Meeting) -> MeetingOut:
    communique = selectors.communique_for(user=user, meeting=meeting)  # type: ignore[arg-type]
    communique_out = None
    if communique is not None:
        roles = roles_for(user, meeting.process)  # type: ignore[arg-type]
        seen = consents_seen(subjects=[communique], purpose=Purpose.COMMUNIQUE, roles=roles, own_only=True)
        mine = seen[communique.pk]
        communique_out = CommuniqueOut(
            text=communique.text,
            version=communique.version,
            status=communique.status,
            published_at=communique.published_at,
            my_consent=bool(mine),
        )
    return MeetingOut(
        id=meeting.pk,
        process=meeting.process_id,
        # The proposal stays with the plenary: others get no id to probe.
        proposal=meeting.proposal_id if audience.PLENARY in roles_for(user, meeting.process).audiences() else None,  # type: ignore[arg-type]
        title=meeting.title,
        format=meeting.format,
        modality=meeting.modality,
        venue=meeting.venue,
        timezone=meeting.timezone,
        agenda=meeting.agenda,
        starts_at=meeting.starts_at,
        ends_at=meeting.ends_at,
        status=meeting.status,
        status_reason=meeting.status_reason,
        outcomes=meeting.outcomes,
        minutes=meeting.minutes if minutes_visible(user, meeting) else "",
        minutes_version=meeting.minutes_version,
        minutes_status=meeting.minutes_status,
        communique=communique_out,
    )


def _terms(payload: ProposalIn) -> dict[str, object]:
    return {
        "title": payload.title,
        "format": payload.format,
        "venue": payload.venue,
        "timezone_name": payload.timezone,
        "slots": [services.SlotIn(s.starts_at, s.ends_at) for s in payload.slots],
        "agenda": payload.agenda,
        "modality": payload.modality,
        "delegation_size": payload.delegation_size,
        "languages": payload.languages,
        "interpretation": payload.interpretation,
        "invited": payload.invited,
    }


@router.post("/processes/{process_id}/proposals", response={201: ProposalOut}, summary="Propose a meeting")
def proposal_create(request: HttpRequest, process_id: int, payload: ProposalIn) -> Status[ProposalOut]:
    process = process_selectors.process_get(user=request.user, process_id=process_id)
    proposal = services.proposal_create(actor=signed_in(request), process=process, **_terms(payload))  # type: ignore[arg-type]
    return Status(201, proposal_out(request.user, proposal))


@router.get("/processes/{process_id}/proposals", response=ProposalList, summary="Proposals you may see")
def proposal_list(request: HttpRequest, process_id: int) -> ProposalList:
    process = process_selectors.process_get(user=request.user, process_id=process_id)
    items = list(selectors.proposal_list(user=request.user, process_id=process.pk))
    readiness = readiness_seen(request.user, items)
    return ProposalList(items=[proposal_out(request.user, p, readiness[p.pk]) for p in items])


@router.get("/proposals/{proposal_id}", response=ProposalOut, summary="One proposal")
def proposal_detail(request: HttpRequest, proposal_id: int) -> ProposalOut:
    return proposal_out(request.user, selectors.proposal_get(user=request.user, proposal_id=proposal_id))


@router.post("/proposals/{proposal_id}/counter", response={201: ProposalOut}, summary="Counter-propose")
def proposal_counter(request: HttpRequest, proposal_id: int, payload: ProposalIn) -> Status[ProposalOut]:
    proposal = selectors.proposal_get(user=request.user, proposal_id=proposal_id)
    counter = services.proposal_counter(actor=signed_in(request), proposal=proposal, **_terms(payload))
    return Status(201, proposal_out(request.user, counter))


@router.post("/proposals/{proposal_id}/decline", response=ProposalOut, summary="Decline with a reason")
def proposal_decline(request: HttpRequest, proposal_id: int, payload: ReasonIn) -> ProposalOut:
    proposal = selectors.proposal_get(user=request.user, proposal_id=proposal_id)
    declined = services.proposal_decline(actor=signed_in(request), proposal=proposal, reason=payload.reason)
    return proposal_out(request.user, declined)


@router.post("/proposals/{proposal_id}/withdraw", response=ProposalOut, summary="Withdraw your proposal")
def proposal_withdraw(request: HttpRequest, proposal_id: int) -> ProposalOut:
    proposal = selectors.proposal_get(user=request.user, proposal_id=proposal_id)
    return proposal_out(request.user, services.proposal_withdraw(actor=signed_in(request), proposal=proposal))


@router.put("/proposals/{proposal_id}/readiness", response=ReadinessOut, summary="Say your party is ready")
def readiness_set(request: HttpRequest, proposal_id: int, payload: ReadinessIn) -> ReadinessOut:
    proposal = selectors.proposal_get(user=request.user, proposal_id=proposal_id)
    result = services.readiness_set(actor=signed_in(request), proposal=proposal, ready=payload.ready, slot=payload.slot)
    return ReadinessOut(status=result.status, meeting=result.meeting.pk if result.meeting else None)


@router.get("/processes/{process_id}/meetings", response=MeetingList, summary="Meetings you may see")
def meeting_list(request: HttpRequest, process_id: int) -> MeetingList:
    process = process_selectors.process_get(user=request.user, process_id=process_id)
    items = selectors.meeting_list(user=request.user, process_id=process.pk)
    return MeetingList(items=[meeting_out(request.user, m) for m in items])


@router.get("/meetings/{meeting_id}", response=MeetingOut, summary="One meeting")
def meeting_detail(request: HttpRequest, meeting_id: int) -> MeetingOut:
    return meeting_out(request.user, selectors.meeting_get(user=request.user, meeting_id=meeting_id))


@router.post("/meetings/{meeting_id}/held", response=MeetingOut, summary="Record that the meeting was held")
def meeting_hold(request: HttpRequest, meeting_id: int, payload: HeldIn) -> MeetingOut:
    meeting = selectors.meeting_get(user=request.user, meeting_id=meeting_id)
    users = list(User.objects.filter(username__in=payload.attendance))
    unknown = sorted(set(payload.attendance) - {u.username for u in users})
    if unknown:
        raise Invalid.one("attendance", f"no such account: {', '.join(unknown)}")
    held = services.meeting_hold(actor=signed_in(request), meeting=meeting, attendance=users, outcomes=payload.outcomes)
    return meeting_out(request.user, held)


@router.post("/meetings/{meeting_id}/postpone", response=MeetingOut, summary="Postpone with a reason")
def meeting_postpone(request: HttpRequest, meeting_id: int, payload: ReasonIn) -> MeetingOut:
    meeting = selectors.meeting_get(user=request.user, meeting_id=meeting_id)
    return meeting_out(
        request.user, services.meeting_postpone(actor=signed_in(request), meeting=meeting, reason=payload.reason)
    )


@router.post("/meetings/{meeting_id}/cancel", response=MeetingOut, summary="Cancel with a reason")
def meeting_cancel(request: HttpRequest, meeting_id: int, payload: ReasonIn) -> MeetingOut:
    meeting = selectors.meeting_get(user=request.user, meeting_id=meeting_id)
    return meeting_out(
        request.user, services.meeting_cancel(actor=signed_in(request), meeting=meeting, reason=payload.reason)
    )


@router.put("/meetings/{meeting_id}/minutes", response=MeetingOut, summary="Draft the minutes (mediators)")
def minutes_draft(request: HttpRequest, meeting_id: int, payload: TextIn) -> MeetingOut:
    meeting = selectors.meeting_get(user=request.user, meeting_id=meeting_id)
    return meeting_out(
        request.user, services.minutes_draft(actor=signed_in(request), meeting=meeting, text=payload.text)
    )


@router.put("/meetings/{meeting_id}/minutes/approval", response=StateOut, summary="Approve the minutes")
def minutes_approve(request: HttpRequest, meeting_id: int, payload: ApprovalIn) -> StateOut:
    meeting = selectors.meeting_get(user=request.user, meeting_id=meeting_id)
    return StateOut(status=services.minutes_approve(actor=signed_in(request), meeting=meeting, approve=payload.approve))


@router.post("/meetings/{meeting_id}/communique", response={201: MeetingOut}, summary="Draft the communiqué")
def communique_draft(request: HttpRequest, meeting_id: int, payload: TextIn) -> Status[MeetingOut]:
    meeting = selectors.meeting_get(user=request.user, meeting_id=meeting_id)
    services.communique_draft(actor=signed_in(request), meeting=meeting, text=payload.text)
    return Status(201, meeting_out(request.user, selectors.meeting_get(user=request.user, meeting_id=meeting_id)))


def _communique(request: HttpRequest, meeting: Meeting) -> Communique:
    communique = selectors.communique_for(user=request.user, meeting=meeting)
    if communique is None:
        raise NotFound("communiqué")
    return communique


@router.put("/meetings/{meeting_id}/communique", response=MeetingOut, summary="Amend the communiqué")
def communique_amend(request: HttpRequest, meeting_id: int, payload: TextIn) -> MeetingOut:
    meeting = selectors.meeting_get(user=request.user, meeting_id=meeting_id)
    services.communique_amend(actor=signed_in(request), communique=_communique(request, meeting), text=payload.text)
    return meeting_out(request.user, selectors.meeting_get(user=request.user, meeting_id=meeting_id))


@router.put("/meetings/{meeting_id}/communique/consent", response=StateOut, summary="Consent to the communiqué")
def communique_consent(request: HttpRequest, meeting_id: int, payload: ConsentIn) -> StateOut:
    meeting = selectors.meeting_get(user=request.user, meeting_id=meeting_id)
    status = services.communique_consent(
        actor=signed_in(request), communique=_communique(request, meeting), consent=payload.consent
    )
    return StateOut(status=status)


@router.get("/register/meetings", auth=None, response=RegisterList, summary="The public register")
def register_meetings(request: HttpRequest) -> RegisterList:
    items = []
    for meeting in selectors.register_meetings():
        communique = getattr(meeting, "communique", None)
        if communique is not None and communique.status != "published":
            communique = None
        items.append(
            RegisterEntry(
                id=meeting.pk,
                title=meeting.title,
                venue=meeting.venue,
                starts_at=meeting.starts_at,
                ends_at=meeting.ends_at,
                communique=communique.text if communique else None,
                published_at=communique.published_at if communique else None,
            )
        )
    return RegisterList(items=items)


class DeclassifyIn(Input):
    to: str = Field(max_length=16)


@router.post(
    "/meetings/{meeting_id}/declassification", response={201: StateOut}, summary="Ask the parties to declassify"
)
def declassification_request(request: HttpRequest, meeting_id: int, payload: DeclassifyIn) -> Status[StateOut]:
    meeting = selectors.meeting_get(user=request.user, meeting_id=meeting_id)
    services.declassification_request(actor=signed_in(request), meeting=meeting, to=payload.to)
    return Status(201, StateOut(status="awaiting"))


@router.put("/meetings/{meeting_id}/declassification/consent", response=StateOut, summary="Consent to declassification")
def declassification_consent(request: HttpRequest, meeting_id: int, payload: ConsentIn) -> StateOut:
    meeting = selectors.meeting_get(user=request.user, meeting_id=meeting_id)
    return StateOut(
        status=services.declassification_consent(actor=signed_in(request), meeting=meeting, consent=payload.consent)
    )
