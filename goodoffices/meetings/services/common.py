"""What the meetings services share: the acting party, the parties' joint consent, locks and texts."""

from collections.abc import Callable

from django.db import models
from django.utils.translation import gettext as _

from goodoffices.accounts.models import User
from goodoffices.compiled import CompiledQuery
from goodoffices.consent.services import (
    ConsentResult,
    Question,
    Read,
    consent_set,
    joint_consent_lock,
    joint_consent_open,
    same_option,
)
from goodoffices.lib import audience, text
from goodoffices.lib.errors import Conflict, Forbidden
from goodoffices.policies import roles_for
from goodoffices.processes.models import Party, Process

from ..models import Meeting, Proposal
from ..notices import Who, notify

MAX_TEXT = 20_000
MAX_REASON = 4_000
# A published communiqué or declassified minutes enter the public ledger in full, and a ledger
# entry holds at most 65,535 bytes: refuse at drafting what could never be published.
MAX_TEXT_BYTES = 60_000


def acting_party_id(actor: User, process: Process) -> int:
    """The party a head of delegation acts for (exactly one), from the actor's roles."""
    heads = roles_for(actor, process).headed_parties
    if len(heads) != 1:
        raise Forbidden(_("only a head of delegation acts for a party"))
    return heads[0]


def acting_party(actor: User, process: Process) -> Party:
    """The party a head of delegation acts for (exactly one)."""
    party_id = acting_party_id(actor, process)
    # The process's parties are usually read with it (process_get prefetches them).
    prefetched = getattr(process, "_prefetched_objects_cache", {}).get("parties")
    found = next((party for party in prefetched if party.pk == party_id), None) if prefetched is not None else None
    return found if found is not None else process.parties.get(pk=party_id)


def ask_every_party(
    process: Process,
    subject: models.Model,
    purpose: str,
    question: Question,
    *,
    actor: User | None = None,
    voided_message: str = "",
    awaiting_message: str = "",
    params: dict[str, str] | None = None,
    fresh: bool = False,
) -> None:
    """Open the joint consent of every party on ``question``; the outcome is revealed to the
    plenary. Parties whose consent to the previous question this voids are told so; the heads of
    the others, who must now act, are told ``awaiting_message``. A ``fresh`` subject, made in this
    transaction, has no earlier question to void."""
    opened = joint_consent_open(
        process=process,
        subject=subject,
        purpose=purpose,
        parties=list(process.parties.all()),
        reveal_to=audience.PLENARY,
        question=question,
        fresh=fresh,
    )
    words = {"version": str(question.version), **(params or {})}
    for party_id in opened.voided if voided_message else ():
        notify(
            process=process,
            record_audience=audience.party(party_id),
            subject=subject,
            actor=actor,
            message=voided_message,
            params=words,
            email=True,
            who=Who.HEADS,
        )
    if awaiting_message:
        notify(
            process=process,
            record_audience=audience.PLENARY,
            subject=subject,
            actor=actor,
            message=awaiting_message,
            params=words,
            email=True,
            who=Who.HEADS,
            # Those whose consent this voided were told so just above.
            except_parties=opened.voided if voided_message else (),
        )


def party_consent(
    actor: User,
    process: Process,
    subject: models.Model,
    purpose: str,
    option: str | None,
    nothing: str,
    read: Read | None = None,
    decide: Callable[[list[str]], str | None] = same_option,
) -> ConsentResult:
    """Pass the acting head's party's consent to what it ``read`` (or its withdrawal) to the
    joint consent."""
    party_id = acting_party_id(actor, process)
    joint = joint_consent_lock(subject=subject, purpose=purpose)
    if joint is None:
        raise Conflict(nothing)
    # The caller's process, as it was read (with its mandate version, usually): not again.
    assert joint.process_id == process.pk
    joint.process = process
    return consent_set(
        actor=actor, joint=joint, party_id=party_id, option=option, read=read, decide=decide, locked=True
    )


# Compiled once (goodoffices.compiled): every answer to a proposal runs it.
_STATUS_FOR_UPDATE = CompiledQuery(
    lambda pk: (
        Proposal.objects.select_for_update(of=("self",), no_key=True).filter(pk=pk).order_by().values_list("status")
    ),
    values=(int,),
)


def open_proposal(proposal: Proposal) -> Proposal:
    """Lock the proposal and check it is still open. Only its status can have changed since the
    caller read it (a proposal's terms never change: a counter-proposal is a new one), so only
    that is read again, under the lock, into the caller's ``proposal``, which is returned."""
    ((status,),) = _STATUS_FOR_UPDATE.rows(proposal.pk)
    proposal.status = status
    if status != Proposal.Status.OPEN:
        raise Conflict(_("this proposal is already %(status)s") % {"status": proposal.get_status_display()})
    return proposal


def meeting_for_update(meeting: Meeting, *allowed: str) -> Meeting:
    """Lock the meeting (and only it: joined rows stay unlocked) and check its status."""
    locked = (
        Meeting.objects.select_for_update(of=("self",), no_key=True)
        .select_related("process__mandate_version")
        .get(pk=meeting.pk)
    )
    if locked.status not in allowed:
        raise Conflict(_("the meeting is %(status)s") % {"status": locked.get_status_display()})
    return locked


def clean_text(value: str, field: str, limit: int = MAX_TEXT, *, required: bool = True) -> str:
    """A text a person typed (``goodoffices.lib.text``), within ``limit`` characters and what the
    ledger can hold."""
    return text.multi_line(value, field, limit, required=required, max_bytes=MAX_TEXT_BYTES)
