"""Domain errors raised by services and selectors, translated to HTTP by the interfaces.

``NotFound`` is raised both for what does not exist and for what the user may not see,
so that no caller can tell the two apart.
"""

from dataclasses import dataclass, field


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
