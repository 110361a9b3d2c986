"""Who may take a seat in a process: one person, one role.

A mediator is impartial, and a person represents at most one side, so a member of a party's
delegation holds no other role in the process (not a mediator, observer or monitor, not an
operator of its framework, not a member of another party's delegation), and a delegation
member is appointed to nothing. Each function answers why not, or None when the seat is open.
"""

from django.utils.translation import gettext as _

from goodoffices.accounts.models import User
from goodoffices.processes.models import Party, Process

from .roles import roles_for


def delegation_conflict(user: User, party: Party) -> str | None:
    """Why ``user`` may not join ``party``'s delegation; None when they may."""
    roles = roles_for(user, party.process)
    held = [
        name
        for name, holds in (
            (_("a mediator"), roles.mediator),
            (_("an observer"), roles.observer),
            (_("a monitor"), roles.monitor),
            (_("a guarantor"), roles.guarantor),
            (_("an operator"), roles.operator),
        )
        if holds
    ]
    if held:
        return _("%(user)s is %(roles)s in this process and cannot join a delegation") % {
            "user": user.username,
            "roles": _(" and ").join(held),
        }
    other = Party.objects.filter(pk__in=[pid for pid in roles.parties if pid != party.pk]).first()
    if other is not None:
        return _("%(user)s already represents %(party)s") % {"user": user.username, "party": other.name}
    return None


def appointment_conflict(user: User, process: Process) -> str | None:
    """Why ``user`` may not be appointed in ``process`` (as mediator, observer, monitor or guarantor); None
    when they may."""
    party = Party.objects.filter(process=process, memberships__user=user).order_by("pk").first()
    if party is not None:
        return _("%(user)s represents %(party)s and cannot be appointed in this process") % {
            "user": user.username,
            "party": party.name,
        }
    return None
