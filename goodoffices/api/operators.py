"""The operators' API: frameworks, mandates, processes and appointments. Staff create
frameworks; a framework's operators create its mandates and processes and make appointments."""

from datetime import date
from typing import Annotated

from django.http import HttpRequest
from ninja import Field, Router
from ninja.responses import Status

from goodoffices.accounts.models import signed_in
from goodoffices.accounts.selectors import user_by_username
from goodoffices.lib import text
from goodoffices.lib.errors import NotFound
from goodoffices.pagination import paginate
from goodoffices.policies import Permission, can, visible_frameworks
from goodoffices.processes import selectors, services
from goodoffices.processes.models import Appointment, AppointmentRole, Framework, Mandate

from .schemas import (
    HELD_MEETINGS_AUDIENCE,
    LANGUAGE,
    TASK,
    TIMEZONE,
    TOPIC,
    Cursor,
    Input,
    Limit,
    Out,
    PageOut,
    json_date,
    line,
    lines_of_text,
    one_of,
)

router = Router(tags=["operators"])


class FrameworkIn(Input):
    name: Annotated[str, line(services.MAX_NAME)]
    description: Annotated[str, lines_of_text(services.MAX_NOTE, required=False)] = ""
    members: list[Annotated[str, line(services.MAX_NAME)]] = Field(
        default_factory=list, max_length=services.MAX_TOPICS, json_schema_extra={"uniqueItems": True}
    )


class FrameworkOut(Out):
    id: int
    name: str
    description: str
    members: list[str]


class FrameworkList(PageOut):
    items: list[FrameworkOut]


class UsernameIn(Input):
    username: str = Field(max_length=150, min_length=1)


class MandateIn(Input):
    title: Annotated[str, line(services.MAX_NAME)]
    scope: list[Annotated[str, TOPIC]] = Field(
        max_length=services.MAX_TOPICS, json_schema_extra={"minItems": 1, "uniqueItems": True}
    )
    term_start: date = json_date()
    term_end: date | None = json_date(default=None)
    tasks: list[Annotated[str, TASK]] = Field(
        default_factory=list, max_length=services.MAX_TOPICS, json_schema_extra={"uniqueItems": True}
    )
    languages: list[Annotated[str, LANGUAGE]] = Field(default_factory=lambda: ["en"], max_length=20)
    mediators_see_readiness: bool = True
    two_factor_required: bool = True
    held_meetings_audience: Annotated[str, HELD_MEETINGS_AUDIENCE] = "process"
    response_period_days: int = Field(
        default=30,
        ge=services.MIN_RESPONSE_PERIOD,
        le=services.MAX_RESPONSE_PERIOD,
        description="days an obligor party has to answer a monitoring report before it is escalated",
    )
    deadline_timezone: Annotated[str, TIMEZONE] = Field(
        default="UTC", description="the IANA time zone of commitments' deadlines and check dates"
    )
    # Venues each party refuses, by the party's name.
    refused_venues: dict[str, list[Annotated[str, TOPIC]]] = Field(
        default_factory=dict,
        json_schema_extra={"propertyNames": {"maxLength": services.MAX_PARTY_NAME, "pattern": text.LINE_PATTERN}},
    )
    note: Annotated[str, lines_of_text(services.MAX_NOTE, required=False)] = ""


class CreatedOut(Out):
    id: int


class ProcessIn(Input):
    title: Annotated[str, line(services.MAX_NAME)]
    parties: list[Annotated[str, line(services.MAX_PARTY_NAME)]] = Field(
        max_length=20, json_schema_extra={"minItems": 2, "uniqueItems": True}
    )


class AppointmentIn(Input):
    username: str = Field(max_length=150, min_length=1)
    role: Annotated[str, one_of(AppointmentRole.values)]
    organisation: Annotated[str, line(services.MAX_NAME, required=False)] = ""


def _framework_out(framework: Framework) -> FrameworkOut:
    return FrameworkOut(
        id=framework.pk,
        name=framework.name,
        description=framework.description,
        members=[m.name for m in framework.members.all()],
    )


def _framework(request: HttpRequest, framework_id: int) -> Framework:
    framework = Framework.objects.filter(pk=framework_id).first()
    if framework is None or not can(request.user, Permission.FRAMEWORK_MANAGE, framework):
        raise NotFound("framework")
    return framework


def _mandate(request: HttpRequest, mandate_id: int) -> Mandate:
    mandate = Mandate.objects.select_related("framework").filter(pk=mandate_id).first()
    if mandate is None or not can(request.user, Permission.PROCESS_CREATE, mandate):
        raise NotFound("mandate")
    return mandate


@router.get("/frameworks", response=FrameworkList, summary="The frameworks you operate")
def framework_list(request: HttpRequest, limit: Limit = None, cursor: Cursor = None) -> FrameworkList:
    page = paginate(
        visible_frameworks(request.user).prefetch_related("members"),
        order=("name", "id"),
        scope="frameworks",
        user=request.user,
        cursor=cursor,
        limit=limit,
    )
    return FrameworkList(items=[_framework_out(f) for f in page.items], next=page.next, prev=page.prev)


@router.post("/frameworks", response={201: FrameworkOut}, summary="Create a framework (staff)")
def framework_create(request: HttpRequest, payload: FrameworkIn) -> Status[FrameworkOut]:
    framework = services.framework_create(
        actor=signed_in(request), name=payload.name, description=payload.description, members=payload.members
    )
    return Status(201, _framework_out(framework))


@router.post("/frameworks/{framework_id}/operators", response={201: CreatedOut}, summary="Name an operator")
def framework_operator_add(request: HttpRequest, framework_id: int, payload: UsernameIn) -> Status[CreatedOut]:
    framework = _framework(request, framework_id)
    user = user_by_username(payload.username)
    operator = services.framework_operator_add(actor=signed_in(request), framework=framework, user=user)
    return Status(201, CreatedOut(id=operator.pk))


@router.post("/frameworks/{framework_id}/mandates", response={201: CreatedOut}, summary="Issue a mandate")
def mandate_create(request: HttpRequest, framework_id: int, payload: MandateIn) -> Status[CreatedOut]:
    framework = _framework(request, framework_id)
    mandate = services.mandate_create(actor=signed_in(request), framework=framework, **payload.model_dump())
    return Status(201, CreatedOut(id=mandate.pk))


@router.post("/mandates/{mandate_id}/processes", response={201: CreatedOut}, summary="Open a process")
def process_create(request: HttpRequest, mandate_id: int, payload: ProcessIn) -> Status[CreatedOut]:
    mandate = _mandate(request, mandate_id)
    process = services.process_create(
        actor=signed_in(request), mandate=mandate, title=payload.title, parties=payload.parties
    )
    return Status(201, CreatedOut(id=process.pk))


@router.post("/processes/{process_id}/appointments", response={201: CreatedOut}, summary="Appoint or admit")
def appointment_make(request: HttpRequest, process_id: int, payload: AppointmentIn) -> Status[CreatedOut]:
    process = selectors.process_get(user=request.user, process_id=process_id)
    user = user_by_username(payload.username)
    appointment = services.appointment_make(
        actor=signed_in(request), process=process, user=user, role=payload.role, organisation=payload.organisation
    )
    return Status(201, CreatedOut(id=appointment.pk))


@router.delete(
    "/processes/{process_id}/appointments/{appointment_id}", response={204: None}, summary="End an appointment"
)
def appointment_end(request: HttpRequest, process_id: int, appointment_id: int) -> Status[None]:
    process = selectors.process_get(user=request.user, process_id=process_id)
    appointment = Appointment.objects.filter(process=process, pk=appointment_id).select_related("user").first()
    if appointment is None:
        raise NotFound("appointment")
    services.appointment_end(actor=signed_in(request), appointment=appointment)
    return Status(204, None)
