from django import template

from goodoffices.policies import AnyUser, Permission, can
from goodoffices.processes.models import Process

register = template.Library()


@register.simple_tag
def may_view_analyses(process: Process, user: AnyUser) -> bool:
    """Whether the process navigation shows the analyses tab (the plenary: parties and mediators)."""
    return can(user, Permission.ANALYSIS_VIEW, process)
