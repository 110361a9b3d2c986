"""Negotiating texts: the mediators keep the text; a party amends it through its head or a
delegate, and states its position through its head; the plenary comments."""

from typing import Any

from goodoffices.accounts.models import User
from goodoffices.processes.models import DelegationRole, Party, Process

from ..permissions import Permission
from ..registry import rule
from ..roles import Roles, roles_for


def _roles(user: User, obj: Any) -> Roles | None:
    """Roles in the process ``obj`` is (or belongs to); None when it has none."""
    process = obj if isinstance(obj, Process) else getattr(obj, "process", None)
    return roles_for(user, process) if isinstance(process, Process) else None


@rule(Permission.TEXT_CREATE, Permission.TEXT_REVISE, Permission.AMENDMENT_DECIDE, Permission.COMMITMENT_TAG)
def keeps_the_text(user: User, obj: Any) -> bool:
    """The mediators keep the text: they create and revise it, decide on amendments and tag the
    commitments its clauses create."""
    roles = _roles(user, obj)
    return roles is not None and roles.mediator


@rule(Permission.TEXT_COMMENT)
def comment_on_text(user: User, obj: Any) -> bool:
    """Whoever reads the text in the plenary comments on it: mediators and every delegation member."""
    roles = _roles(user, obj)
    return roles is not None and roles.in_plenary


@rule(Permission.AMENDMENT_PROPOSE)
def propose_for_party(user: User, obj: Any) -> bool:
    """A party proposes amendments through its head of delegation or a delegate (``obj`` is the party)."""
    if not isinstance(obj, Party):
        return False
    held = roles_for(user, obj.process).parties.get(obj.pk, frozenset())
    return bool(held & {DelegationRole.HEAD, DelegationRole.DELEGATE})


@rule(Permission.POSITION_SET)
def position_for_party(user: User, obj: Any) -> bool:
    """A party's position on a clause is its head of delegation's act (``obj`` is the party)."""
    return isinstance(obj, Party) and roles_for(user, obj.process).is_head_of(obj.pk)
