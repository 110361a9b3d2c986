from django import template

from goodoffices.policies import AnyUser
from goodoffices.processes.models import Party, Process

from ..selectors import caucus_parties as select_caucus_parties

register = template.Library()


@register.simple_tag
def caucus_parties(process: Process, user: AnyUser) -> list[Party]:
    """The parties whose caucus ``user`` may open, for the process navigation."""
    return select_caucus_parties(user=user, parties=list(process.parties.all()))
