"""Domain errors raised by services and selectors, translated to HTTP by the interfaces.

``NotFound`` is raised both for what does not exist and for what the user may not see,
so that no caller can tell the two apart.
"""

from collections.abc import Callable
from dataclasses import dataclass, field


class Message(str):
    """A message in English that an interface shows in the reader's language.

    It reads as its English text, so callers that need a ``str`` see no difference, and it keeps
    the template and the values it was made of, so that an interface can translate the template
    (``translated``) and fill it in again. Code that may not import Django writes its messages as
    ``_("must be at most %(limit)d characters", limit=limit)`` with ``Message`` imported as ``_``:
    ``makemessages`` then extracts the template into the catalogs. A value may itself be a
    ``Message``; it is translated too.
    """

    template: str
    values: dict[str, object]

    def __new__(cls, template: str, /, **values: object) -> "Message":
        message = super().__new__(cls, template % values if values else template)
        message.template = template
        message.values = values
        return message


def translated(message: str, gettext: Callable[[str], str]) -> str:
    """``message`` in the language ``gettext`` translates to: a ``Message`` is translated and
    filled in again; any other text is already in the reader's language (or has no translation)."""
    if not isinstance(message, Message):
        return message
    values = {
        name: translated(value, gettext) if isinstance(value, str) else value for name, value in message.values.items()
    }
    template = gettext(message.template)
    return template % values if values else template


class DomainError(Exception):
    """Base of the errors an interface turns into a 4xx answer."""


class NotFound(DomainError):
    def __init__(self, what: str = "object") -> None:
        super().__init__(f"{what} not found")
        self.what = what


class Forbidden(DomainError):
    """The user may see the object but may not do this to it."""


@dataclass
class FieldError:
    field: str
    message: str


@dataclass
class Invalid(DomainError):
    """Bad input: every broken rule, each with the field it concerns."""

    errors: list[FieldError] = field(default_factory=list)

    @classmethod
    def one(cls, field_name: str, message: str) -> "Invalid":
        return cls([FieldError(field_name, message)])

    def __str__(self) -> str:
        return "; ".join(f"{e.field}: {e.message}" for e in self.errors)


class TooLarge(Invalid):
    """Bad input because it is too large (an upload over its limit): interfaces answer 413."""


class Conflict(DomainError):
    """The request is valid but the object's state no longer allows it (already decided)."""
