"""Negotiation analytics: the mediators' tool.

Each party enters its own preferences in its caucus (its head or a delegate); the party and the
mediators see them, no other party does. Only the mediators see the combined analysis, which is built
from every party's numbers. ``POST /analytics/solve`` is a stateless calculator for mediators: it is
about no process, so it has nothing to hide and refuses the others with 403 rather than 404.
"""

from typing import Any

from goodoffices.accounts.models import User
from goodoffices.processes.models import Appointment, AppointmentRole, DelegationRole, Party, Process

from ..permissions import Permission
from ..registry import rule
from ..roles import cached_fact, roles_for


def _process(obj: Any) -> Process | None:
    process = obj if isinstance(obj, Process) else getattr(obj, "process", None)
    return process if isinstance(process, Process) else None


@rule(Permission.ANALYTICS_SOLVE)
def mediator_somewhere(user: User, obj: Any) -> bool:  # noqa: ARG001 - the calculator is about no object
    """A mediator appointed in any process (one query, once per request)."""
    return cached_fact(
        user,
        "mediator_somewhere",
        lambda: Appointment.objects.filter(user=user, role=AppointmentRole.MEDIATOR).exists(),
    )


@rule(Permission.ANALYSIS_CREATE, Permission.ANALYSIS_COMBINED_VIEW)
def mediates(user: User, obj: Any) -> bool:
    """The mediators of the process (``obj`` a process or an analysis) define analyses and alone see
    the combined one."""
    process = _process(obj)
    return process is not None and roles_for(user, process).mediator


@rule(Permission.ANALYSIS_VIEW)
def in_plenary(user: User, obj: Any) -> bool:
    """An analysis's issues and options are the plenary's: the mediators and every delegation member."""
    process = _process(obj)
    return process is not None and roles_for(user, process).in_plenary


@rule(Permission.PREFERENCES_VIEW)
def own_caucus(user: User, obj: Any) -> bool:
    """A party's preferences (``obj`` the party) are its caucus's: its delegation and the mediators."""
    if not isinstance(obj, Party):
        return False
    roles = roles_for(user, obj.process)
    return roles.mediator or obj.pk in roles.parties


@rule(Permission.PREFERENCES_SET)
def for_own_party(user: User, obj: Any) -> bool:
    """A party's numbers are entered by its head of delegation or a delegate (``obj`` the party): the
    mediators analyse them but never set them."""
    if not isinstance(obj, Party):
        return False
    held = roles_for(user, obj.process).parties.get(obj.pk, frozenset())
    return bool(held & {DelegationRole.HEAD, DelegationRole.DELEGATE})
