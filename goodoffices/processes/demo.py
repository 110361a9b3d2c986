"""The demo process: the seed's case (Stepanakert and Baku, 2023) under a mandate modelled
on the 1995 OSCE Minsk Group co-chairmanship. Everything is created through the services,
so the demo's history is in the events like any real process."""

from datetime import UTC, date, datetime
from typing import Literal

from django.db import transaction
from django.utils import timezone

from goodoffices.accounts.models import User
from goodoffices.events.models import Event, EventKind
from goodoffices.events.services import event_record
from goodoffices.lib import audience, clock
from goodoffices.texts.demo import demo_text_load

from . import services
from .models import AppointmentRole, DelegationRole, Process

DEMO_PASSWORD = "demo-password"

ACCOUNTS: list[tuple[str, str, str]] = [
    ("operator", "Minsk Group secretariat", "framework operator and site administrator"),
    ("mediator", "Co-chair mediator", "appointed mediator"),
    ("stepanakert", "Stepanakert delegation head", "head and signatory of Stepanakert's delegation"),
    ("baku", "Baku delegation head", "head and signatory of Baku's delegation"),
    ("delegate", "Baku delegate", "delegate of Baku's delegation, not its signatory"),
    ("yerevan", "Yerevan delegation head", "head and signatory of Armenia's delegation in the 2020 ceasefire process"),
    ("observer", "Observer (European Union)", "admitted observer"),
    ("monitor", "Guarantor / monitor", "guarantor and monitor of commitments"),
    ("outsider", "Outsider", "an account with no role in any process"),
]

# The term began in 2023, as in the seed's case; it ends a few years after the day the demo is
# loaded, so that the demo can always propose meetings in the months and years ahead.
TERM_START = date(2023, 3, 1)
TERM_YEARS = 5

SCOPE = [
    "Gas supply",
    "Electricity line",
    "Mine inspection",
    "Reopening of the Stepanakert–Goris road",
    "Humanitarian access",
]


def demo_accounts() -> list[tuple[str, str]]:
    return [(username, description) for username, _, description in ACCOUNTS]


def demo_state() -> Literal["empty", "demo", "foreign"]:
    """``empty`` (nothing yet), ``demo`` (the demo is loaded) or ``foreign`` (other data)."""
    if Event.objects.filter(kind=EventKind.DEMO_LOADED).exists():
        return "demo"
    if User.objects.exists() or Event.objects.exists():
        return "foreign"
    return "empty"


# The demo's history is replayed from here on, through the 2023 meetings, up to today.
HISTORY_STARTS = datetime(2023, 2, 20, 9, 0, tzinfo=UTC)


@transaction.atomic
def demo_load() -> None:
    with clock.replaying(HISTORY_STARTS):
        process, users = _framework_and_process()
    from goodoffices.meetings.demo import load_demo_meetings

    load_demo_meetings(
        process=process,
        mediator=users["mediator"],
        heads=[users[party.name.lower()] for party in process.parties.order_by("id")],
    )
    demo_text_load(
        process=process,
        mediator=users["mediator"],
        heads={party.name: users[party.name.lower()] for party in process.parties.all()},
    )
    # The second process, after the first, so that the seed's process keeps its place (id 1).
    from goodoffices.agreements.demo import demo_agreement_load

    demo_agreement_load(framework=process.mandate.framework, users=users)
    # The execution of the demo's agreements, where the demo has one (the 2020 statement).
    from goodoffices.monitoring.demo import demo_monitoring_load

    demo_monitoring_load()
    operator = users["operator"]
    event_record(
        kind=EventKind.DEMO_LOADED,
        actor=operator,
        subject=process,
        audience=audience.operators(process.mandate.framework_id),
        payload={"accounts": [username for username, _, _ in ACCOUNTS]},
    )


def _framework_and_process() -> tuple[Process, dict[str, User]]:
    users = {}
    for username, display_name, _ in ACCOUNTS:
        users[username] = User.objects.create_user(
            username=username,
            password=DEMO_PASSWORD,
            display_name=display_name,
            email=f"{username}@demo.invalid",
            is_staff=username == "operator",
            is_superuser=username == "operator",
        )
    operator = users["operator"]
    framework = services.framework_create(
        actor=operator,
        name="OSCE Minsk Group co-chairmanship",
        description=(
            "Co-chairmanship of the OSCE Minsk Group, mandated in 1995 to lead the search for a "
            "peaceful settlement. Demo modelled on that mandate."
        ),
        members=["France", "Russian Federation", "United States"],
    )
    services.framework_operator_add(actor=operator, framework=framework, user=operator)
    mandate = services.mandate_create(
        actor=operator,
        framework=framework,
        title="Mandate of the Co-Chairmen (modelled on the 1995 mandate)",
        tasks=[
            "Strengthen the ceasefire",
            "Build a common basis for negotiations",
            "Conduct negotiations",
        ],
        scope=SCOPE,
        term_start=TERM_START,
        term_end=date(timezone.localdate().year + TERM_YEARS, 12, 31),
        languages=["en", "hy", "az", "ru"],
        mediators_see_readiness=True,
        two_factor_required=True,
        note="The mandate as issued.",
    )
    process = services.process_create(
        actor=operator,
        mandate=mandate,
        title="Stepanakert–Baku dialogue",
        parties=["Stepanakert", "Baku"],
    )
    services.appointment_make(
        actor=operator,
        process=process,
        user=users["mediator"],
        role=AppointmentRole.MEDIATOR,
        organisation="OSCE Minsk Group co-chairmanship",
    )
    services.appointment_make(
        actor=operator,
        process=process,
        user=users["observer"],
        role=AppointmentRole.OBSERVER,
        organisation="European Union",
    )
    for appointed in (AppointmentRole.MONITOR, AppointmentRole.GUARANTOR):
        services.appointment_make(
            actor=operator,
            process=process,
            user=users["monitor"],
            role=appointed,
            organisation="International monitoring mission",
        )
    for party in process.parties.all():
        head = users[party.name.lower()]
        for role in (DelegationRole.HEAD, DelegationRole.SIGNATORY):
            services.delegation_member_add(actor=operator, party=party, user=head, role=role)
    services.delegation_member_add(
        actor=operator, party=process.parties.get(name="Baku"), user=users["delegate"], role=DelegationRole.DELEGATE
    )
    return process, users
