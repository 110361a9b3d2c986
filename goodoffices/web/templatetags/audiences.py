from django import template

from goodoffices.meetings.joint import audience_words

register = template.Library()


@register.simple_tag
def audience_label(record_audience: str, process: object) -> str:
    """Who may read a record, in words: 'Stepanakert and the mediators' rather than 'caucus:1'."""
    return audience_words(record_audience, process)
