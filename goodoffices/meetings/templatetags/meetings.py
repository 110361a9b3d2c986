from django import template
from django.utils import translation

from goodoffices.processes.models import Process

from .. import joint
from ..joint import by_joint_consent, parties_of
from ..models import Communique, CommuniqueText

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
    return joint.language_name(code)


@register.simple_tag
def communique_texts(communique: Communique, first: str = "") -> list[CommuniqueText]:
    """The communiqué's texts as a reader meets them: the one in ``first`` (by default the
    reader's language) first where there is one, then the original, then the other languages."""
    wanted = (first or translation.get_language() or "").split("-")[0]
    texts = communique.texts()
    return [t for t in texts if t.language == wanted] + [t for t in texts if t.language != wanted]


@register.filter
def language_dir(code: str) -> str:
    """The direction a language is written in: "rtl" (Arabic) or "ltr"."""
    try:
        return "rtl" if translation.get_language_info(code)["bidi"] else "ltr"
    except KeyError:
        return "ltr"
