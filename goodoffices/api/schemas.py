from collections.abc import Iterable
from datetime import date, datetime
from typing import Annotated, Any
from zoneinfo import available_timezones

from ninja import Field, Query, Schema
from ninja.schema import DjangoGetter
from pydantic import (
    BaseModel,
    ConfigDict,
    ModelWrapValidatorHandler,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from goodoffices.lib import text
from goodoffices.pagination import MAX_LIMIT
from goodoffices.processes import services as process_services
from goodoffices.processes.models import HELD_MEETINGS_AUDIENCES, DelegationRole

# What the services enforce, declared for the OpenAPI schema. Typed texts are checked by the
# services (goodoffices.lib.text), so every interface gives the same message; the schema states
# the same rules, so that a request valid under the schema is one the server accepts.


def line(limit: int, *, required: bool = True) -> WithJsonSchema:
    """A one-line text (``lib.text.single_line``): no control characters, no line breaks."""
    schema: dict[str, Any] = {"type": "string", "maxLength": limit}
    if required:
        schema.update(minLength=1, pattern=text.LINE_PATTERN)
    else:
        schema.update(pattern=text.OPTIONAL_LINE_PATTERN)
    return WithJsonSchema(schema)


def lines_of_text(limit: int, *, required: bool = True) -> WithJsonSchema:
    """A text of one or more lines (``lib.text.multi_line``): no control characters but tab and
    line feed."""
    schema: dict[str, Any] = {"type": "string", "maxLength": limit}
    if required:
        schema.update(minLength=1, pattern=text.TEXT_PATTERN)
    else:
        schema.update(pattern=text.OPTIONAL_TEXT_PATTERN)
    return WithJsonSchema(schema)


def one_of(values: Iterable[str]) -> WithJsonSchema:
    """A choice the service checks against these values."""
    return WithJsonSchema({"type": "string", "enum": sorted(values)})


def optional(*, declared: dict[str, Any] | None = None, **field: Any) -> Any:
    """A field that may be left out but not sent as null (leaving it out keeps what is there);
    ``declared`` adds what the service enforces to its schema."""

    def schema_of(schema: dict[str, Any]) -> None:
        schema.pop("default", None)
        schema.update(declared or {})

    return Field(default=None, json_schema_extra=schema_of, **field)


def json_date(**kwargs: Any) -> Any:
    """Dates and times arrive as JSON strings: the one place strict input converts a string."""
    return Field(strict=False, **kwargs)


LANGUAGE = one_of(process_services.LANGUAGE_CODES)
HELD_MEETINGS_AUDIENCE = one_of(value for value, _ in HELD_MEETINGS_AUDIENCES)
TIMEZONE = one_of(available_timezones())
TOPIC = line(process_services.MAX_TOPIC)
TASK = line(process_services.MAX_TASK)


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


class Out(Schema):
    """Every response body. Built by the API's own code from keywords (or from a dict), it is
    validated by pydantic directly: django-ninja's Schema wraps every input in its Django getter,
    which re-read each nested output already built attribute by attribute (a fifth of a list's
    CPU). A model object given as is still goes through the getter, as with ``Schema``."""

    @model_validator(mode="wrap")
    @classmethod
    def _run_root_validator(cls, values: Any, handler: ModelWrapValidatorHandler[Any], info: ValidationInfo) -> Any:
        if isinstance(values, dict | BaseModel):
            return handler(values)
        return handler(DjangoGetter(values, cls, info.context))


class Input(Schema):
    """Every request body refuses fields it does not know, and text that cannot be stored.

    Strict: a boolean is ``true`` or ``false`` and a number is a JSON number, never a string
    such as ``"yes"`` or ``"5"`` (dates, given as strings, use ``json_date``)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, strict=True)

    @field_validator("*", mode="after")
    @classmethod
    def _storable(cls, value: Any) -> Any:
        return _no_control_characters(value)


class TokenIn(Input):
    username: str = Field(max_length=150)
    password: str = Field(max_length=1024)
    otp: str | None = Field(default=None, max_length=12)


class TokenOut(Out):
    token: str


class PartyOut(Out):
    id: int
    name: str


class MandateOut(Out):
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
    response_period_days: int
    deadline_timezone: str


class ProcessSummary(Out):
    id: int
    title: str
    status: str
    framework: str
    parties: list[PartyOut]


class MemberOut(Out):
    id: int
    username: str
    name: str
    role: str


class DelegationOut(Out):
    party: PartyOut
    members: list[MemberOut]


class AppointmentOut(Out):
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


class PageOut(Out):
    """A page of a list: ``next`` (older items) and ``prev`` (newer items) are opaque cursors to
    pass back as ``cursor``, or null at either end."""

    next: str | None = None
    prev: str | None = None


class ProcessList(PageOut):
    items: list[ProcessSummary]


class EventOut(Out):
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
    role: Annotated[str, one_of(DelegationRole.values)]


class AmendmentIn(Input):
    """Terms left out stay as they are; only ``term_end`` may be null (no end)."""

    note: Annotated[str, lines_of_text(process_services.MAX_NOTE)]
    scope: list[Annotated[str, TOPIC]] = optional(
        max_length=process_services.MAX_TOPICS, declared={"minItems": 1, "uniqueItems": True}
    )
    tasks: list[Annotated[str, TASK]] = optional(max_length=process_services.MAX_TOPICS, declared={"uniqueItems": True})
    term_start: date = optional(strict=False)
    term_end: date | None = json_date(default=None)
    languages: list[Annotated[str, LANGUAGE]] = optional(max_length=20)
    mediators_see_readiness: bool = optional()
    two_factor_required: bool = optional()
    held_meetings_audience: Annotated[str, HELD_MEETINGS_AUDIENCE] = optional()
    response_period_days: int = optional(
        ge=process_services.MIN_RESPONSE_PERIOD, le=process_services.MAX_RESPONSE_PERIOD
    )
    deadline_timezone: Annotated[str, TIMEZONE] = optional()


class MeOut(Out):
    username: str
    name: str
    timezone: str
    language: str
    two_factor: bool
