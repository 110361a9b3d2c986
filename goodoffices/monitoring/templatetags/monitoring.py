from django import template

from goodoffices.agreements.models import Agreement, Commitment
from goodoffices.lib.compliance import as_percent

from ..selectors import public_agreements

register = template.Library()

# The public register lists the most recent public agreements' compliance registers.
LISTED = 20


@register.simple_tag
def public_registers() -> list[Agreement]:
    """The public agreements whose compliance register anyone may read, for ``/register/``."""
    return list(public_agreements()[:LISTED])


@register.filter
def status_label(value: int) -> str:
    """A status on the 0-3 scale in words, in the reader's language."""
    return str(Commitment.Status(value).label)


@register.filter
def percent(score: float | None) -> str:
    """A score from 0 to 1 as a whole percentage."""
    return as_percent(score)
