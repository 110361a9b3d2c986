"""A process, its appointments, its delegations and its events."""

from typing import Any

from goodoffices.accounts.models import User
from goodoffices.lib import audience
from goodoffices.processes.models import Party, Process

from ..permissions import Permission
from ..registry import rule
from ..roles import roles_for


@rule(Permission.PROCESS_VIEW)
def view_process(user: User, obj: Any) -> bool:
    return isinstance(obj, Process) and roles_for(user, obj).admitted


@rule(Permission.APPOINTMENT_MANAGE)
def manage_appointments(user: User, obj: Any) -> bool:
    return isinstance(obj, Process) and roles_for(user, obj).operator


@rule(Permission.ACCOUNT_LOOKUP)
def look_up_accounts(user: User, obj: Any) -> bool:
    """Operators may learn whether an account of a given name exists (they appoint people and
    name heads); a head of delegation adding someone may not."""
    return isinstance(obj, Process) and roles_for(user, obj).operator


@rule(Permission.DELEGATION_MANAGE)
def manage_delegation(user: User, obj: Any) -> bool:
    """A party's head manages its delegation; so do the framework's operators."""
    if not isinstance(obj, Party):
        return False
    roles = roles_for(user, obj.process)
    return roles.is_head_of(obj.pk) or roles.operator


@rule(Permission.DELEGATION_HEAD_MANAGE)
def manage_head_of_delegation(user: User, obj: Any) -> bool:
    """Only the framework's operators name or remove a party's head of delegation."""
    return isinstance(obj, Party) and roles_for(user, obj.process).operator


@rule(Permission.EVENT_VIEW)
def view_event(user: User, obj: Any) -> bool:
    if getattr(obj, "audience", None) == audience.PUBLIC:
        return True
    process = getattr(obj, "process", None)
    if not isinstance(process, Process):
        return False
    return obj.audience in roles_for(user, process).audiences()
