"""Commitments tagged on clauses while drafting: who must do what by when, verified how and by whom.

A tagged commitment is checked by the same rules as a commitment of an adopted agreement
(``lib.agreement_doc.commitment_problems``). Executing and monitoring commitments is a later issue.
"""

import datetime
from collections.abc import Sequence

from django.db import transaction
from django.utils.translation import gettext as _

from goodoffices.accounts.models import User
from goodoffices.events.models import EventKind
from goodoffices.events.services import event_record
from goodoffices.lib.agreement_doc import Commitment, commitment_problems
from goodoffices.lib.errors import Conflict, Invalid
from goodoffices.policies import Permission, require
from goodoffices.processes.models import Party

from ..categories import CATEGORIES
from ..models import TaggedCommitment, Text
from .common import MAX_COMMITMENTS_PER_CLAUSE, clause_number, current_version, text_for_update, visible_text

MAX_ACTION = 4_000
MAX_MONITORS = 20


@transaction.atomic
def commitment_tag(
    *,
    actor: User,
    text: Text,
    clause: str,
    obligor: Party,
    action: str,
    category: str,
    deadline: datetime.date | None = None,
    schedule: str = "",
    verification: str = "",
    monitors: Sequence[str] = (),
) -> TaggedCommitment:
    """A mediator tags ``clause`` with a commitment it creates for ``obligor``."""
    visible_text(actor, text)
    require(actor, Permission.COMMITMENT_TAG, text)
    if obligor.process_id != text.process_id:
        raise Invalid.one("obligor", _("names no party of this process"))
    if category not in CATEGORIES:
        raise Invalid.one(
            "category", _("must be one of the commitment categories: %(slugs)s") % {"slugs": ", ".join(CATEGORIES)}
        )
    action, schedule, verification = action.strip(), schedule.strip(), verification.strip()
    names = tuple(m.strip() for m in monitors if m.strip())
    if len(action) > MAX_ACTION or len(verification) > MAX_ACTION:
        raise Invalid.one(
            "action" if len(action) > MAX_ACTION else "verification",
            _("must be at most %(limit)d characters") % {"limit": MAX_ACTION},
        )
    if len(schedule) > 200:
        raise Invalid.one("schedule", _("must be at most %(limit)d characters") % {"limit": 200})
    if len(names) > MAX_MONITORS or any(len(m) > 200 for m in names):
        raise Invalid.one(
            "monitors", _("at most %(limit)d monitors, each named in at most 200 characters") % {"limit": MAX_MONITORS}
        )
    locked = text_for_update(text)
    number = clause_number(current_version(locked).document(), clause)
    candidate = Commitment(
        clause=number,
        obligor=obligor.pk,
        action=action,
        category=category,
        deadline=deadline,
        schedule=schedule or None,
        verification=verification,
        monitors=names,
    )
    problems = commitment_problems(candidate, clauses={number}, parties={obligor.pk})
    if problems:
        raise Invalid(problems)
    if TaggedCommitment.objects.filter(text=locked, clause=clause).count() >= MAX_COMMITMENTS_PER_CLAUSE:
        raise Conflict(
            _("clause %(clause)s already has %(limit)d commitments")
            % {"clause": number, "limit": MAX_COMMITMENTS_PER_CLAUSE}
        )
    commitment = TaggedCommitment.objects.create(
        text=locked,
        clause=clause,
        obligor=obligor,
        action=action,
        category=category,
        deadline=deadline,
        schedule=schedule,
        verification=verification,
        monitors=list(names),
        tagged_by=actor,
    )
    event_record(
        kind=EventKind.COMMITMENT_TAGGED,
        actor=actor,
        subject=commitment,
        audience=locked.audience,
        process=locked.process,
        payload={"text": locked.pk, **commitment.as_json()},
    )
    return commitment


@transaction.atomic
def commitment_untag(*, actor: User, commitment: TaggedCommitment) -> None:
    """A mediator removes a commitment tagged on a clause."""
    text = commitment.text
    visible_text(actor, text)
    require(actor, Permission.COMMITMENT_TAG, text)
    locked = text_for_update(text)
    row = TaggedCommitment.objects.select_for_update().filter(pk=commitment.pk, text=locked).first()
    if row is None:
        raise Conflict(_("this commitment is no longer tagged"))
    event_record(
        kind=EventKind.COMMITMENT_UNTAGGED,
        actor=actor,
        subject=row,
        audience=locked.audience,
        process=locked.process,
        payload={"text": locked.pk, "commitment": row.pk, "clause": row.clause},
    )
    row.delete()
