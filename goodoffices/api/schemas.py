from datetime import date, datetime
from typing import Annotated, Any

from ninja import Field, Query, Schema
from pydantic import ConfigDict, field_validator

from goodoffices.pagination import MAX_LIMIT


def _no_control_characters(value: Any) -> Any:
    """NUL and lone surrogates cannot be stored (PostgreSQL refuses them): refuse them here."""
    if isinstance(value, str):
        if "\x00" in value:
            raise ValueError("must not contain NUL characters")
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise ValueError("must be valid Unicode text") from None
    elif isinstance(value, list):
        for item in value:
            _no_control_characters(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            _no_control_characters(key)
            _no_control_characters(item)
    return value


class Input(Schema):
    """Every request body refuses fields it does not know, and text that cannot be stored."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @field_validator("*", mode="after")
    @classmethod
    def _storable(cls, value: Any) -> Any:
        return _no_control_characters(value)


class TokenIn(Input):
    username: str = Field(max_length=150)
    password: str = Field(max_length=1024)
    otp: str | None = Field(default=None, max_length=12)


class TokenOut(Schema):
    token: str


class PartyOut(Schema):
    id: int
    name: str


class MandateOut(Schema):
    id: int
    title: str
    framework: str
    version: int
    tasks: list[str]
    scope: list[str]
    term_start: date
    term_end: date | None
    languages: list[str]
    mediators_see_readiness: bool
    two_factor_required: bool


class ProcessSummary(Schema):
    id: int
    title: str
    status: str
    framework: str
    parties: list[PartyOut]


class MemberOut(Schema):
    id: int
    username: str
    name: str
    role: str


class DelegationOut(Schema):
    party: PartyOut
    members: list[MemberOut]


class AppointmentOut(Schema):
    username: str
    name: str
    role: str
    organisation: str


class ProcessOut(ProcessSummary):
    mandate: MandateOut
    my_roles: list[str]
    delegations: list[DelegationOut]
    appointments: list[AppointmentOut]


# The query parameters of every list: how many items (1 to 200, 50 by default) and where to start.
Limit = Annotated[int | None, Query(default=None, ge=1, le=MAX_LIMIT, description="items per page, 1 to 200")]
Cursor = Annotated[str | None, Query(default=None, max_length=500, description="`next` or `prev` of the page before")]


class PageOut(Schema):
    """A page of a list: ``next`` (older items) and ``prev`` (newer items) are opaque cursors to
    pass back as ``cursor``, or null at either end."""

    next: str | None = None
    prev: str | None = None


class ProcessList(PageOut):
    items: list[ProcessSummary]


class EventOut(Schema):
    id: str = Field(description="the event's public id: it says nothing of how many events there are")
    # The event's leaf in the ledger (its page there has the inclusion proof), once integrated.
    leaf_index: int | None
    kind: str
    occurred_at: datetime
    actor: str | None
    audience: str
    subject_type: str
    subject_id: str
    payload: dict[str, Any]


class EventList(PageOut):
    items: list[EventOut]


class MemberIn(Input):
    username: str = Field(max_length=150, min_length=1)
    role: str = Field(max_length=16)


class AmendmentIn(Input):
    note: str = Field(max_length=4000)
    scope: list[str] | None = Field(default=None, max_length=100)
    tasks: list[str] | None = Field(default=None, max_length=100)
    term_start: date | None = None
    term_end: date | None = None
    languages: list[str] | None = Field(default=None, max_length=20)
    mediators_see_readiness: bool | None = None
    two_factor_required: bool | None = None
    held_meetings_audience: str | None = Field(default=None, max_length=16)


class MeOut(Schema):
    username: str
    name: str
    timezone: str
    language: str
    two_factor: bool
