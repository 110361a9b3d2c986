"""How a joint act reads: "by joint consent of Stepanakert and Baku", never as the act of
whichever party consented last. Party names are kept as a list and joined in the reader's
language when the words are read (notices are stored untranslated)."""

from collections.abc import Mapping, Sequence
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from goodoffices.lib import audience
from goodoffices.processes.models import Process


def parties_of(process: Process) -> list[str]:
    """The names of every party of the process (every party takes part in a joint consent), in
    the parties' order; from the prefetched parties where the process has them."""
    return [party.name for party in process.parties.all()]


def names_joined(names: Sequence[str]) -> str:
    """'Stepanakert and Baku'; 'A, B and C', in the active language."""
    names = list(names)
    if not names:
        return ""
    if len(names) == 1:
        return names[0]
    return _("%(some)s and %(last)s") % {"some": ", ".join(names[:-1]), "last": names[-1]}


def by_joint_consent(names: Sequence[str]) -> str:
    return _("by joint consent of %(parties)s") % {"parties": names_joined(names)}


def language_name(code: str) -> str:
    """A language's name in the reader's language ("Armenian", "армянский"), else its code."""
    try:
        return str(translation.get_language_info(code)["name_translated"])
    except KeyError:
        return code


def render(message: str, params: Mapping[str, Any]) -> str:
    """A notice's words in the active language: ``message`` translated, with list parameters
    (party names) joined as the language joins them."""
    values = {key: names_joined(value) if isinstance(value, list) else value for key, value in params.items()}
    return str(_(message) % values)


# Who may read a record of each audience kind without a party, translated when shown.
_AUDIENCE_LABELS = {
    audience.PUBLIC: gettext_lazy("the public"),
    audience.PROCESS: gettext_lazy("everyone admitted to the process"),
    audience.PLENARY: gettext_lazy("the parties and the mediators"),
    audience.MEDIATORS: gettext_lazy("the mediators only"),
    audience.SEALED: gettext_lazy("no reader of the process"),
    audience.OPERATORS: gettext_lazy("the framework's operators"),
}


def audience_words(record_audience: str, process: object) -> str:
    """Who may read a record, in words: 'Stepanakert and the mediators' rather than 'caucus:1'."""
    kind, party_id = audience.parse(record_audience)
    if party_id is None or kind == audience.OPERATORS:
        return str(_AUDIENCE_LABELS[kind])
    parties = {p.pk: p.name for p in process.parties.all()}  # type: ignore[attr-defined]
    name = parties.get(party_id, "?")
    if kind == audience.CAUCUS:
        return _("%(party)s and the mediators") % {"party": name}
    return _("%(party)s only") % {"party": name}
