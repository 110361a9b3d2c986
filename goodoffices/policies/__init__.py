"""The one policy package: who may do what, and which records each user may see.

Deny by default: a permission is granted only by its rule (``rules/``, one small function per
permission, registered in ``registry.RULES``). Reads are restricted by *audience*
(DESIGN.md, principle 2): each record carries one, and a user's roles in the record's
process give the set of audiences that user may read. Views, templates and the API ask
``can`` / ``may_see`` here and never test roles themselves.
"""

from typing import Any

from django.utils.translation import gettext as _

from goodoffices.accounts.models import User
from goodoffices.lib.errors import Forbidden, NotFound
from goodoffices.processes.models import Process

from . import rules  # noqa: F401 - registers every rule
from .audiences import (
    WIDER,
    attendance_candidates,
    audience_members,
    audience_reader_ids,
    restrict_by_audience,
    restrict_for_staff,
    restrict_in_process,
    visible_frameworks,
    visible_processes,
)
from .eligibility import appointment_conflict, delegation_conflict
from .permissions import Permission
from .registry import RULES
from .roles import NO_ROLES, AnyUser, Roles, forget_roles, roles_cache, roles_for, roles_in
from .rules.accounts import two_factor_required_expression

__all__ = [
    "NO_ROLES",
    "WIDER",
    "AnyUser",
    "Permission",
    "Roles",
    "appointment_conflict",
    "attendance_candidates",
    "audience_members",
    "audience_reader_ids",
    "can",
    "delegation_conflict",
    "forget_roles",
    "may_see",
    "require",
    "restrict_by_audience",
    "restrict_for_staff",
    "restrict_in_process",
    "roles_cache",
    "roles_for",
    "roles_in",
    "two_factor_missing",
    "two_factor_required",
    "two_factor_required_expression",
    "visible_frameworks",
    "visible_processes",
]


def can(user: AnyUser, permission: Permission, obj: Any = None) -> bool:
    """May ``user`` do ``permission`` to ``obj``? Deny unless the permission's rule allows."""
    if not user.is_authenticated or not user.is_active:
        return False
    assert isinstance(user, User)
    rule = RULES.get(permission)
    return rule is not None and rule(user, obj)


def may_see(user: AnyUser, obj: Any) -> bool:
    """May ``user`` see ``obj`` at all? A process by admission; a record by its audience in its
    process (a record without an audience, such as a party, by admission to its process)."""
    process = obj if isinstance(obj, Process) else getattr(obj, "process", None)
    if not isinstance(process, Process):
        return False
    roles = roles_for(user, process)
    record_audience = None if obj is process else getattr(obj, "audience", None)
    return roles.admitted if record_audience is None else record_audience in roles.audiences()


def require(
    user: AnyUser,
    permission: Permission,
    obj: Any,
    *,
    visible: bool | None = None,
    seen_with: Permission | None = None,
    what: str | None = None,
) -> None:
    """Refuse what ``user`` may not do to ``obj``: ``NotFound`` when the user may not even see it,
    ``Forbidden`` when it may see but not act. Visibility is ``visible`` when given, else the
    permission ``seen_with`` when given, else ``may_see``; ``what`` names the thing not found."""
    if can(user, permission, obj):
        return
    if visible is None:
        visible = can(user, seen_with, obj) if seen_with is not None else may_see(user, obj)
    if not visible:
        raise NotFound(what or type(obj).__name__.lower())
    raise Forbidden(_("your role does not allow this (%(permission)s)") % {"permission": permission.value})


def two_factor_required(user: AnyUser) -> bool:
    """True when ``user`` must use two-factor: a mandate they act under requires it for one of
    their roles, or they are staff (see ``rules/accounts.py``)."""
    return user.is_authenticated and not can(user, Permission.ACT_WITHOUT_TWO_FACTOR)


def two_factor_missing(user: AnyUser) -> bool:
    """True when ``user`` must use two-factor and has not turned it on: nothing but enrolment
    is open to them (web pages, API, tokens, calendar links)."""
    return isinstance(user, User) and not user.totp_enabled and two_factor_required(user)
