from django import template

from goodoffices.processes.models import Process

from ..joint import by_joint_consent, parties_of

register = template.Library()


@register.simple_tag
def joint_consent_of(process: Process) -> str:
    """'by joint consent of Stepanakert and Baku': how an act of every party together reads."""
    return by_joint_consent(parties_of(process))
