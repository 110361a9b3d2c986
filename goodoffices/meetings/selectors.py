"""Reads of proposals, meetings and communiqués, already restricted by audience, and the one
read model of each: the proposal or meeting as this reader may see it, with what the reader
may do to it. The web pages and the API both render these; neither decides anything itself."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import CharField, Exists, Model, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils.translation import gettext as _

from goodoffices.compiled import CompiledModelQuery, prefetched
from goodoffices.consent.models import Consent, JointConsent, Purpose
from goodoffices.consent.selectors import OpenQuestions, consents_seen, open_questions
from goodoffices.lib import audience, clock
from goodoffices.lib.errors import NotFound
from goodoffices.policies import (
    AnyUser,
    Permission,
    can,
    may_see,
    restrict_by_audience,
    restrict_in_process,
    roles_for,
    roles_in,
)
from goodoffices.processes import selectors as process_selectors
from goodoffices.processes.models import Process

from .models import Communique, CommuniqueLanguageVersion, Meeting, Notification, Proposal, ProposalSlot
from .slots import option_slots
from .terms import city_zones


def proposal_list(*, user: AnyUser, process: Process, with_terms: bool = True) -> QuerySet[Proposal]:
    """The proposals of ``process`` the reader may see (read them with ``proposal_views`` and
    the process, which each of them then shares instead of reading it again). Without
    ``with_terms``, as a list of titles shows them: who proposed each, not its slots, meeting
    and counter-proposals."""
    if not with_terms:
        return restrict_in_process(user, process, Proposal.objects.select_related("proposing_party", "proposed_by"))
    # Their parties and parents by id only (the process's parties are read with it).
    return restrict_in_process(
        user,
        process,
        Proposal.objects.select_related("proposed_by", "meeting").prefetch_related(
            "slots", Prefetch("counters", queryset=Proposal.objects.only("pk", "parent_id"))
        ),
    )


# One proposal with its process (mandate and parties), who proposed it, its meeting, parent, slots
# and counter-proposals, by statements compiled once per connection: the ORM's building of that
# query and its three prefetches cost two thirds of a readiness request.
_PROPOSAL = CompiledModelQuery(
    Proposal,
    lambda pk: Proposal.objects.select_related(
        "process__mandate_version", "process__mandate", "proposing_party", "proposed_by", "meeting", "parent"
    ).filter(pk=pk),
    values=(int,),
)
_SLOTS = CompiledModelQuery(
    ProposalSlot, lambda pk: ProposalSlot.objects.filter(proposal_id=pk).order_by("index"), values=(int,)
)
_COUNTERS = CompiledModelQuery(Proposal, lambda pk: Proposal.objects.filter(parent_id=pk), values=(int,))


def _proposal_read(proposal_id: int) -> Proposal | None:
    found = _PROPOSAL.objects(proposal_id)
    if not found:
        return None
    proposal = found[0]
    prefetched(proposal, "slots", _SLOTS.objects(proposal_id), "proposal")
    prefetched(proposal, "counters", _COUNTERS.objects(proposal_id), "parent")
    process_selectors.with_parties(proposal.process)
    return proposal


def proposal_get(*, user: AnyUser, proposal_id: int) -> Proposal:
    proposal = _proposal_read(proposal_id)
    if proposal is None or not may_see(user, proposal):
        raise NotFound("proposal")
    return proposal


def _meetings() -> QuerySet[Meeting]:
    # The process comes with its mandate and parties: the reader's roles and the page's
    # navigation need no query of their own.
    return Meeting.objects.select_related(
        "process__mandate_version", "process__mandate", "proposal", "communique"
    ).prefetch_related("process__parties", "communique__language_versions")


def meeting_list(*, user: AnyUser, process: Process | None = None) -> QuerySet[Meeting]:
    """The meetings of ``process`` the reader may see; without a process, of every process
    (for the reader's calendar)."""
    if process is None:
        return restrict_by_audience(user, _meetings())
    return restrict_in_process(user, process, Meeting.objects.select_related("proposal", "communique"))


def meeting_get(*, user: AnyUser, meeting_id: int) -> Meeting:
    meeting = _meetings().filter(pk=meeting_id).first()
    if meeting is None or not may_see(user, meeting):
        raise NotFound("meeting")
    return meeting


def communique_for(*, user: AnyUser, meeting: Meeting) -> Communique | None:
    """The meeting's communiqué if the user may read it: a draft is for the plenary only."""
    try:
        communique = meeting.communique  # already joined by meeting_list
    except Communique.DoesNotExist:
        return None
    if communique is None or communique.audience not in roles_for(user, meeting.process).audiences():
        return None
    return communique


def communique_get(*, user: AnyUser, meeting: Meeting) -> Communique:
    communique = communique_for(user=user, meeting=meeting)
    if communique is None:
        raise NotFound("communiqué")
    return communique


def register_meetings() -> QuerySet[Meeting]:
    """The public register: held meetings whose communiqué is published or that are public."""
    return (
        Meeting.objects.filter(status=Meeting.Status.HELD)
        .filter(Q(communique__status=Communique.Status.PUBLISHED) | Q(audience=audience.PUBLIC))
        .select_related("process__mandate__framework", "communique")
        .prefetch_related("process__parties", "communique__language_versions")
        .order_by("-starts_at")
    )


@dataclass(frozen=True)
class RegisterFilter:
    """What a reader of the register narrows it to: a process, a year, words."""

    process: int | None = None
    year: int | None = None
    words: str = ""

    @property
    def scope(self) -> str:
        """The pagination scope: a cursor is good for the filter it was made under only."""
        return f"register:{self.process or ''}:{self.year or ''}:{self.words}"


def register_search(filters: RegisterFilter) -> QuerySet[Meeting]:
    """The register narrowed by ``filters``: the words are searched in the title, the venue,
    the process and the published communiqué (in every language it is published in)."""
    meetings = register_meetings()
    if filters.process is not None:
        meetings = meetings.filter(process_id=filters.process)
    if filters.year is not None:
        meetings = meetings.filter(starts_at__year=filters.year)
    for word in filters.words.split()[:10]:
        meetings = meetings.filter(
            Q(title__icontains=word)
            | Q(venue__icontains=word)
            | Q(process__title__icontains=word)
            | Q(communique__status=Communique.Status.PUBLISHED, communique__text__icontains=word)
            | Q(
                Exists(
                    CommuniqueLanguageVersion.objects.filter(communique__meeting=OuterRef("pk"), text__icontains=word)
                ),
                communique__status=Communique.Status.PUBLISHED,
            )
        )
    return meetings


def register_choices() -> tuple[list[tuple[int, str]], list[int]]:
    """The processes and years that have entries on the register, to filter by."""
    entries = register_meetings()
    processes = sorted(
        set(entries.values_list("process_id", "process__title").order_by()), key=lambda row: (row[1], row[0])
    )
    years = sorted({day.year for day in entries.dates("starts_at", "year")}, reverse=True)
    return processes, years


def register_meeting_get(*, meeting_id: int) -> Meeting:
    meeting = register_meetings().filter(pk=meeting_id).first()
    if meeting is None:
        raise NotFound("meeting")
    return meeting


def notification_list(*, user: AnyUser) -> QuerySet[Notification]:
    if not user.is_authenticated:
        return Notification.objects.none()
    return Notification.objects.filter(user_id=user.pk)


# The read models.


@dataclass(frozen=True)
class ProposalView:
    """A proposal as one reader may see it."""

    proposal: Proposal
    # Party id -> the slot indexes of the readiness the reader may see: its own party's, and for
    # a mediator every party's where the mandate lets mediators see readiness.
    readiness: dict[int, tuple[int, ...]]
    # The same, for the parties that are not the reader's own.
    others_readiness: dict[int, tuple[int, ...]]
    # The slots the reader's own party said it is ready for (empty: not said).
    my_slots: tuple[int, ...]
    # A mediator of no party where the mandate lets mediators see readiness: the consents given
    # were sealed to each party and the mediators (consent._sealed_audience), so it sees them all.
    sees_all_readiness: bool
    meeting_id: int | None
    may_respond: bool
    may_decline: bool
    may_counter: bool
    may_withdraw: bool


def in_process(items: Sequence[Proposal] | Sequence[Meeting], process: Process | None) -> None:
    """Give records read from one process's list that process, so none reads it again."""
    for item in items:
        if process is not None:
            item.process = process


def proposal_views(
    *, user: AnyUser, proposals: Sequence[Proposal], process: Process | None = None
) -> list[ProposalView]:
    """Read models of ``proposals`` (all of ``process``, when given), in a fixed number of queries."""
    in_process(proposals, process)
    if not proposals:
        return []
    roles = roles_for(user, proposals[0].process)
    seen = consents_seen(subjects=proposals, purpose=Purpose.READINESS, roles=roles)
    process = proposals[0].process
    sees_all = roles.mediator and not roles.parties and process.mandate_version.mediators_see_readiness
    views = []
    for proposal in proposals:
        readiness = {party: option_slots(option) for party, option in seen[proposal.pk].items()}
        mine = [slots for party, slots in readiness.items() if party in roles.parties]
        is_open = proposal.status == Proposal.Status.OPEN
        try:
            meeting_id: int | None = proposal.meeting.pk
        except Meeting.DoesNotExist:
            meeting_id = None
        views.append(
            ProposalView(
                proposal=proposal,
                readiness=readiness,
                others_readiness={party: slot for party, slot in readiness.items() if party not in roles.parties},
                my_slots=mine[0] if mine else (),
                sees_all_readiness=sees_all,
                meeting_id=meeting_id,
                may_respond=is_open and can(user, Permission.PROPOSAL_RESPOND, proposal),
                may_decline=is_open and can(user, Permission.PROPOSAL_DECLINE, proposal),
                may_counter=is_open and can(user, Permission.PROPOSAL_CREATE, proposal.process),
                may_withdraw=is_open and can(user, Permission.PROPOSAL_WITHDRAW, proposal),
            )
        )
    return views


def proposal_view(*, user: AnyUser, proposal: Proposal) -> ProposalView:
    return proposal_views(user=user, proposals=[proposal])[0]


@dataclass(frozen=True)
class SlotReadiness:
    """One slot as a mediator who may see readiness reads it: which parties are ready for it."""

    index: int
    ready: tuple[str, ...]
    missing: tuple[str, ...]


def readiness_gaps(view: ProposalView) -> list[SlotReadiness] | None:
    """Where the parties' slots fail to meet, for a reader who sees every party's readiness (a
    mediator, where the mandate lets mediators see it: ``sees_all_readiness``); None for anyone
    else, and never for a party, which sees its own readiness and no other."""
    if not view.sees_all_readiness:
        return None
    parties = list(view.proposal.process.parties.all())
    return [
        SlotReadiness(
            index=slot.index,
            ready=tuple(p.name for p in parties if slot.index in view.readiness.get(p.pk, ())),
            missing=tuple(p.name for p in parties if slot.index not in view.readiness.get(p.pk, ())),
        )
        for slot in view.proposal.slots.all()
    ]


@dataclass(frozen=True)
class CommuniqueView:
    communique: Communique
    my_consent: bool


@dataclass(frozen=True)
class DeclassificationView:
    """A declassification awaiting every party's consent."""

    to: str
    my_consent: bool


@dataclass(frozen=True)
class MeetingView:
    """A meeting as one reader may see it: what it may read, and what it may do."""

    meeting: Meeting
    # The proposal behind it stays with the plenary: others get no id to probe.
    proposal_id: int | None
    # The link to join online is the plenary's too, whoever later sees the meeting.
    online_link: str
    # Draft minutes are for the plenary; approved minutes go wherever the meeting goes.
    minutes_visible: bool
    minutes: str
    # Whether there is a draft, and how many versions there were, is the draft's business too:
    # a reader who may not see drafts is told "none" and 0 until the minutes are approved.
    minutes_status: str
    minutes_version: int
    my_minutes_approval: bool
    communique: CommuniqueView | None
    declassification: DeclassificationView | None
    may_record: bool
    # A meeting is recorded as held only once it has begun: until then the form is not offered.
    may_record_held: bool
    may_approve_minutes: bool
    may_draft_communique: bool
    may_consent_communique: bool
    may_request_declassification: bool
    may_consent_declassification: bool


def meeting_views(*, user: AnyUser, meetings: Sequence[Meeting], process: Process | None = None) -> list[MeetingView]:
    """Read models of ``meetings`` (all of ``process``, when given), in a fixed number of queries."""
    in_process(meetings, process)
    if not meetings:
        return []
    roles = roles_for(user, meetings[0].process)
    communiques = {m.pk: c for m in meetings if (c := communique_for(user=user, meeting=m)) is not None}
    # The open questions (minutes, communiqués, declassification) and the reader's own answers.
    questions = (
        open_questions(subjects=[*meetings, *communiques.values()], roles=roles, own_only=True)
        if roles.in_plenary
        else OpenQuestions({}, {})
    )
    views = []
    now = clock.now()
    for meeting in meetings:
        communique = communiques.get(meeting.pk)
        minutes_visible = meeting.minutes_status == Meeting.MinutesStatus.APPROVED or can(
            user, Permission.MINUTES_DRAFT_VIEW, meeting
        )
        joint = questions.joint(meeting, Purpose.DECLASSIFICATION)
        views.append(
            MeetingView(
                meeting=meeting,
                proposal_id=meeting.proposal_id
                if (plenary := can(user, Permission.PROPOSAL_REFERENCE_VIEW, meeting))
                else None,
                online_link=meeting.online_link if plenary else "",
                minutes_visible=minutes_visible,
                minutes=meeting.minutes if minutes_visible else "",
                minutes_status=meeting.minutes_status if minutes_visible else Meeting.MinutesStatus.NONE,
                minutes_version=meeting.minutes_version if minutes_visible else 0,
                my_minutes_approval=bool(questions.consents(meeting, Purpose.MINUTES)),
                communique=(
                    CommuniqueView(communique, bool(questions.consents(communique, Purpose.COMMUNIQUE)))
                    if communique is not None
                    else None
                ),
                declassification=(
                    DeclassificationView(joint.question, bool(questions.consents(meeting, Purpose.DECLASSIFICATION)))
                    if joint is not None
                    else None
                ),
                may_record=(may_record := can(user, Permission.MEETING_RECORD, meeting)),
                may_record_held=may_record and meeting.status == Meeting.Status.CONFIRMED and meeting.starts_at <= now,
                may_approve_minutes=can(user, Permission.MEETING_APPROVE, meeting),
                may_draft_communique=can(user, Permission.COMMUNIQUE_DRAFT, meeting),
                may_consent_communique=can(user, Permission.COMMUNIQUE_CONSENT, meeting),
                may_request_declassification=can(user, Permission.DECLASSIFICATION_REQUEST, meeting),
                may_consent_declassification=can(user, Permission.DECLASSIFICATION_CONSENT, meeting),
            )
        )
    return views


def meeting_view(*, user: AnyUser, meeting: Meeting) -> MeetingView:
    return meeting_views(user=user, meetings=[meeting])[0]


# What awaits a reader, for the dashboard.


@dataclass(frozen=True)
class Awaiting:
    """One thing that needs the reader's act: what, on which record, where, and by when."""

    process_id: int
    what: str
    title: str
    url: str
    due: datetime | None = None


def awaiting_me(*, user: AnyUser, processes: Sequence[Process]) -> dict[int, list[Awaiting]]:
    """For each of ``processes``, what awaits the reader: for a head of delegation, every open
    question (readiness for a proposal, minutes, a communiqué, a declassification) its party has
    not answered; for a mediator, meetings that have begun and are not yet recorded. In a fixed
    number of queries, whatever the size of the processes."""
    result: dict[int, list[Awaiting]] = {p.pk: [] for p in processes}
    if not processes or not user.is_authenticated:
        return result
    roles = roles_in(user, processes)
    mine = {party for r in roles.values() for party in r.headed_parties}
    if mine:
        _questions_for(result, processes, mine)
    mediating = [p.pk for p in processes if roles[p.pk].mediator]
    if mediating:
        begun = Meeting.objects.filter(
            process_id__in=mediating, status=Meeting.Status.CONFIRMED, starts_at__lte=clock.now()
        ).order_by("starts_at", "pk")[:20]
        for meeting in begun:
            result[meeting.process_id].append(
                Awaiting(meeting.process_id, _("Record the meeting as held"), meeting.title, meeting.get_absolute_url())
            )
    return result


def _key(model: type[Model]) -> QuerySet[Any]:
    """``model``'s rows with their primary key as text, to match a joint consent's or an event's
    ``subject_id`` (text) without casting text to a number."""
    rows: QuerySet[Any] = model._default_manager.annotate(key=Cast("id", CharField()))
    return rows


def _questions_for(result: dict[int, list[Awaiting]], processes: Sequence[Process], mine: set[int]) -> None:
    """The open questions the reader's parties have not answered, with the title of what each is
    about, in one query."""
    subject = OuterRef("subject_id")
    communique_meeting = _key(Communique).filter(key=subject).values("meeting_id")[:1]
    joints = (
        JointConsent.objects.filter(
            status=JointConsent.Status.OPEN, process__in=[p.pk for p in processes], parties__in=sorted(mine)
        )
        .exclude(Exists(Consent.objects.filter(joint=OuterRef("pk"), party_id__in=sorted(mine))))
        .annotate(
            proposal_title=Subquery(_key(Proposal).filter(key=subject).values("title")[:1]),
            reply_by=Subquery(_key(Proposal).filter(key=subject).values("reply_by")[:1]),
            meeting_title=Subquery(_key(Meeting).filter(key=subject).values("title")[:1]),
            communique_meeting=Subquery(communique_meeting),
            communique_title=Subquery(_key(Communique).filter(key=subject).values("meeting__title")[:1]),
        )
        .distinct()
        .order_by("created_at", "pk")[:100]
    )
    what: dict[str, str] = {
        Purpose.READINESS: _("Say whether your party is ready"),
        Purpose.MINUTES: _("Approve the minutes"),
        Purpose.DECLASSIFICATION: _("Answer a request to declassify"),
        Purpose.COMMUNIQUE: _("Consent to publish the communiqué"),
    }
    for joint in joints:
        if joint.subject_type == "meetings.proposal" and joint.proposal_title:
            title, url, due = joint.proposal_title, reverse("proposal", args=[joint.subject_id]), joint.reply_by
        elif joint.subject_type == "meetings.meeting" and joint.meeting_title:
            title, url, due = joint.meeting_title, reverse("meeting", args=[joint.subject_id]), None
        elif joint.subject_type == "meetings.communique" and joint.communique_meeting:
            title, url, due = joint.communique_title, reverse("meeting", args=[joint.communique_meeting]), None
        else:
            continue
        if joint.purpose in what:
            result.setdefault(joint.process_id, []).append(
                Awaiting(joint.process_id, what[joint.purpose], title, url, due)
            )


def _visible_in(user: AnyUser, processes: Sequence[Process]) -> Q:
    """The records of ``processes`` the reader may see, from its roles there (no query once known)."""
    condition = Q(pk__in=[])
    for process_id, roles in roles_in(user, processes).items():
        condition |= Q(process_id=process_id, audience__in=sorted(roles.audiences()))
    return condition


def upcoming_meetings(*, user: AnyUser, processes: Sequence[Process], limit: int = 5) -> list[Meeting]:
    """The reader's next confirmed meetings in ``processes`` (those it is admitted to), soonest first."""
    if not processes:
        return []
    return list(
        Meeting.objects.filter(
            _visible_in(user, processes), status=Meeting.Status.CONFIRMED, ends_at__gte=clock.now()
        ).order_by("starts_at", "pk")[:limit]
    )


def known_venue_zones(*, process: Process) -> dict[str, str]:
    """Venue (case-folded) -> its zone, where one is known: the venues of this process's proposals
    (the latest zone given for each), and cities whose name is a zone's ("Baku" -> Asia/Baku).
    The proposal form fills the zone in from these; anything else it asks."""
    known = dict(city_zones())
    rows = Proposal.objects.filter(process=process).order_by("created_at", "pk").values_list("venue", "timezone")[:500]
    for venue, zone in rows:
        known[" ".join(venue.split()).casefold()] = zone
    return known
