from django import template

from goodoffices.policies import AnyUser, Permission, can
from goodoffices.processes.models import Party, Process

register = template.Library()


@register.simple_tag
def manageable_parties(process: Process, user: AnyUser) -> list[Party]:
    """The parties whose delegation ``user`` manages: the tabs every process page shows."""
    return [party for party in process.parties.all() if can(user, Permission.DELEGATION_MANAGE, party)]


@register.simple_tag
def may_appoint(process: Process, user: AnyUser) -> bool:
    return can(user, Permission.APPOINTMENT_MANAGE, process)
