from django import template
from django.utils.translation import gettext as _

from goodoffices.lib import audience

register = template.Library()


@register.simple_tag
def audience_label(record_audience: str, process: object) -> str:
    """Who may read a record, in words: 'Stepanakert and the mediators' rather than 'caucus:1'."""
    kind, party_id = audience.parse(record_audience)
    labels = {
        audience.PUBLIC: _("the public"),
        audience.PROCESS: _("everyone admitted to the process"),
        audience.PLENARY: _("the parties and the mediators"),
        audience.MEDIATORS: _("the mediators only"),
        audience.SEALED: _("no reader of the process"),
        audience.OPERATORS: _("the framework's operators"),
    }
    if party_id is None or kind == audience.OPERATORS:
        return labels[kind]
    parties = {p.pk: p.name for p in process.parties.all()}  # type: ignore[attr-defined]
    name = parties.get(party_id, "?")
    if kind == audience.CAUCUS:
        return _("%(party)s and the mediators") % {"party": name}
    return _("%(party)s only") % {"party": name}
