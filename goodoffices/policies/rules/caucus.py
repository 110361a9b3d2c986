"""A caucus is one party and the mediators: no other party, observer or operator."""

from typing import Any

from goodoffices.accounts.models import User
from goodoffices.processes.models import Party

from ..permissions import Permission
from ..registry import rule
from ..roles import roles_for


@rule(Permission.CAUCUS_VIEW, Permission.CAUCUS_POST)
def in_caucus(user: User, obj: Any) -> bool:
    if not isinstance(obj, Party):
        return False
    roles = roles_for(user, obj.process)
    return roles.mediator or obj.pk in roles.parties
