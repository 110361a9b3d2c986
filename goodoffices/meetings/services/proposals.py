"""Proposals: made by a mediator or a party's head, answered by a counter-proposal, declined
with a reason or withdrawn. Every party is asked for its readiness when a proposal is made."""

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from goodoffices.accounts.models import User
from goodoffices.compiled import prefetched
from goodoffices.consent.models import Purpose
from goodoffices.consent.services import Question, joint_consent_cancel
from goodoffices.events.models import EventKind
from goodoffices.events.services import event_record
from goodoffices.lib.errors import Invalid
from goodoffices.policies import Permission, can, require, roles_for
from goodoffices.processes.models import Process

from ..models import Meeting, Proposal, ProposalSlot
from ..notices import Who, notify
from ..terms import ProposalTerms
from .common import MAX_REASON, acting_party, ask_every_party, clean_text, open_proposal
from .readiness import party_ready


def _payload(proposal: Proposal, terms: ProposalTerms) -> dict[str, object]:
    return {
        "title": terms.title,
        "format": terms.format,
        "modality": terms.modality,
        "venue": terms.venue,
        "timezone": terms.timezone,
        "agenda": list(terms.agenda),
        "slots": [{"starts_at": s.starts_at.isoformat(), "ends_at": s.ends_at.isoformat()} for s in terms.slots],
        "durations": dict(terms.durations),
        "online_link": terms.online_link,
        "reply_by": terms.reply_by.isoformat() if terms.reply_by else None,
        "parent": proposal.parent_id,
        "reschedules": proposal.reschedules_id,
    }


def readiness_question(proposal: Proposal, terms: ProposalTerms) -> Question:
    """Readiness is to these exact terms: a proposal never changes (a counter-proposal is a new one)."""
    return Question(content={"proposal": proposal.pk, **_payload(proposal, terms)}, version=1)


@transaction.atomic
def proposal_create(
    *,
    actor: User,
    process: Process,
    terms: ProposalTerms,
    parent: Proposal | None = None,
    reschedules: Meeting | None = None,
    ready: bool = False,
) -> Proposal:
    """Propose a meeting; with ``ready``, the proposing head's party is at once (sealed) ready
    for every slot it proposes."""
    require(actor, Permission.PROPOSAL_CREATE, process)
    if (
        reschedules is not None
        and not Meeting.objects.filter(pk=reschedules.pk, process=process, status=Meeting.Status.POSTPONED).exists()
    ):
        raise Invalid.one("reschedules", _("only a postponed meeting of this process can be rescheduled"))
    terms = terms.validated(process)
    proposing_party = None if roles_for(actor, process).mediator else acting_party(actor, process)
    proposal = Proposal.objects.create(
        process=process,
        parent=parent,
        reschedules=reschedules,
        proposed_by=actor,
        proposing_party=proposing_party,
        **terms.model_fields(),
    )
    slots = ProposalSlot.objects.bulk_create(
        ProposalSlot(proposal=proposal, index=i, starts_at=s.starts_at, ends_at=s.ends_at)
        for i, s in enumerate(terms.slots)
    )
    # What a new proposal has, known without reading it again: its slots, no counter-proposal
    # and no meeting yet.
    prefetched(proposal, "slots", slots, "proposal")
    prefetched(proposal, "counters", [], "parent")
    Proposal.meeting.related.set_cached_value(proposal, None)
    ask_every_party(process, proposal, Purpose.READINESS, readiness_question(proposal, terms), fresh=True)
    event_record(
        kind=EventKind.PROPOSAL_COUNTERED if parent else EventKind.PROPOSAL_CREATED,
        actor=actor,
        subject=proposal,
        audience=proposal.audience,
        process=process,
        payload=_payload(proposal, terms),
    )
    notify(
        process=process,
        record_audience=proposal.audience,
        subject=proposal,
        actor=actor,
        message=(
            gettext_noop("A counter-proposal awaits your party's answer: %(title)s")
            if parent
            else gettext_noop("A meeting proposal awaits your party's answer: %(title)s")
        ),
        params={"title": proposal.title},
        who=Who.HEADS,
    )
    if ready and proposing_party is not None:
        party_ready(actor, proposal, list(range(len(terms.slots))))
    return proposal


@transaction.atomic
def proposal_counter(*, actor: User, proposal: Proposal, terms: ProposalTerms, ready: bool = False) -> Proposal:
    """Answer a proposal with a revision: the original is closed, its readiness cancelled."""
    require(actor, Permission.PROPOSAL_CREATE, proposal.process)
    original = open_proposal(proposal)
    counter = proposal_create(
        actor=actor,
        process=original.process,
        terms=terms,
        parent=original,
        reschedules=original.reschedules,
        ready=ready,
    )
    original.status = Proposal.Status.COUNTERED
    original.save(update_fields=["status"])
    joint_consent_cancel(subject=original, purpose=Purpose.READINESS)
    return counter


@transaction.atomic
def proposal_decline(*, actor: User, proposal: Proposal, reason: str) -> Proposal:
    require(actor, Permission.PROPOSAL_RESPOND, proposal)
    if not can(actor, Permission.PROPOSAL_DECLINE, proposal):
        raise Invalid.one("proposal", _("withdraw your own proposal instead of declining it"))
    party = acting_party(actor, proposal.process)
    if not (reason or "").strip():
        raise Invalid.one("reason", _("say why the proposal is declined"))
    reason = clean_text(reason, "reason", MAX_REASON)
    original = open_proposal(proposal)
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
    require(actor, Permission.PROPOSAL_WITHDRAW, proposal)
    original = open_proposal(proposal)
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
