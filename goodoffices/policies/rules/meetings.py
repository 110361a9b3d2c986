"""Meetings on reciprocal readiness: who proposes, answers, records and consents.

A party acts through its head of delegation; the mediators run the process.
"""

from typing import Any

from goodoffices.accounts.models import User
from goodoffices.processes.models import Process

from ..permissions import Permission
from ..registry import rule
from ..roles import Roles, roles_for


def _roles(user: User, obj: Any) -> Roles | None:
    """Roles in the process ``obj`` is (or belongs to); None when it has none."""
    process = obj if isinstance(obj, Process) else getattr(obj, "process", None)
    return roles_for(user, process) if isinstance(process, Process) else None


@rule(Permission.PROPOSAL_CREATE, Permission.COMMUNIQUE_DRAFT, Permission.DECLASSIFICATION_REQUEST)
def mediator_or_head(user: User, obj: Any) -> bool:
    """A mediator or a party's head of delegation proposes meetings, drafts communiqués and asks
    for declassification."""
    roles = _roles(user, obj)
    return roles is not None and (roles.mediator or bool(roles.headed_parties))


@rule(
    Permission.PROPOSAL_RESPOND,
    Permission.MEETING_APPROVE,
    Permission.COMMUNIQUE_CONSENT,
    Permission.DECLASSIFICATION_CONSENT,
)
def party_act(user: User, obj: Any) -> bool:
    """A party's acts (readiness, approval, consent) are its head of delegation's."""
    roles = _roles(user, obj)
    return roles is not None and bool(roles.headed_parties)


@rule(Permission.PROPOSAL_DECLINE)
def decline_proposal(user: User, obj: Any) -> bool:
    """The head of a party other than the proposing one declines (its own party withdraws)."""
    roles = _roles(user, obj)
    if roles is None:
        return False
    proposing = getattr(obj, "proposing_party_id", None)
    return any(pid != proposing for pid in roles.headed_parties)


@rule(Permission.PROPOSAL_WITHDRAW)
def withdraw_proposal(user: User, obj: Any) -> bool:
    """Whoever made the proposal, while still in the plenary, or a mediator."""
    roles = _roles(user, obj)
    if roles is None:
        return False
    return roles.mediator or (getattr(obj, "proposed_by_id", None) == user.pk and roles.in_plenary)


@rule(Permission.MEETING_RECORD)
def record_meeting(user: User, obj: Any) -> bool:
    roles = _roles(user, obj)
    return roles is not None and roles.mediator


@rule(Permission.PROPOSALS_VIEW, Permission.PROPOSAL_REFERENCE_VIEW, Permission.MINUTES_DRAFT_VIEW)
def plenary_only(user: User, obj: Any) -> bool:
    """Proposals, the proposal behind a meeting and the minutes before approval stay with the
    plenary: others get no list, no id to probe and no draft to read."""
    roles = _roles(user, obj)
    return roles is not None and roles.in_plenary
