from django import template
from django.utils import translation

from goodoffices.processes.models import Process

from ..joint import by_joint_consent, parties_of

register = template.Library()


@register.simple_tag
def joint_consent_of(process: Process) -> str:
    """'by joint consent of Stepanakert and Baku': how an act of every party together reads."""
    return by_joint_consent(parties_of(process))


@register.filter
def get_item(mapping: dict[str, object], key: str) -> object:
    """``mapping[key]``, or None: a duration by agenda item."""
    return mapping.get(key) if isinstance(mapping, dict) else None


@register.filter
def language_name(code: str) -> str:
    """A language's name in the reader's language ("Armenian", "армянский"), else its code."""
    try:
        return str(translation.get_language_info(code)["name_translated"])
    except KeyError:
        return code
