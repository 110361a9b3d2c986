"""Named personas in one process, built through the services like real use.

mediator, each party's head and delegate, observer, monitor, operator, and an outsider
who should see nothing of the process. ``add_other_process`` (the ``two_worlds`` fixture)
adds a second process under the same framework, with its own people; it is not built for
every test because it nearly doubles the world's cost.
"""

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pyotp
from django.db import transaction
from django.test import Client
from django.utils import timezone

from goodoffices.accounts.middleware import SECOND_FACTOR_SESSION_KEY
from goodoffices.accounts.models import User
from goodoffices.processes import services
from goodoffices.processes.models import Framework, Mandate, Party, Process

PASSWORD = "correct horse battery staple"

PERSONAS = ("mediator", "head_a", "delegate_a", "head_b", "delegate_b", "observer", "monitor", "operator", "outsider")

# The second process's own people, named with OTHER_PREFIX (``other_head_a``). They are not
# in PERSONAS: the matrices over the first process stay as they are.
OTHER_PREFIX = "other_"
OTHER_PERSONAS = ("mediator", "head_a", "delegate_a", "head_b", "delegate_b")

# A historical start, an end a few years past today: tests propose meetings days to years
# ahead, and a fixed end date would make them fail on the day it passes.
TERM_START = date(2023, 3, 1)
TERM_YEARS = 5


def term_end() -> date:
    """The last day of the test mandates' term: the end of the year ``TERM_YEARS`` from today."""
    return date(timezone.localdate().year + TERM_YEARS, 12, 31)


class _People:
    users: dict[str, User]

    def __getattr__(self, name: str) -> User:
        try:
            user: User = self.__dict__["users"][name]
            return user
        except KeyError:
            raise AttributeError(name) from None


@dataclass
class OtherProcess(_People):
    """The second process: its own mandate, parties and people, under the first one's framework.

    ``users`` is keyed by persona (``other.head_a`` is the user ``other_head_a``).
    """

    mandate: Mandate
    process: Process
    party_a: Party
    party_b: Party
    users: dict[str, User]


@dataclass
class World(_People):
    framework: Framework
    mandate: Mandate
    process: Process
    party_a: Party
    party_b: Party
    users: dict[str, User]
    prefix: str = ""
    other: OtherProcess | None = field(default=None)


def make_user(username: str, **extra: Any) -> User:
    return User.objects.create_user(username=username, password=PASSWORD, display_name=username.title(), **extra)


def make_staff(username: str = "staff") -> User:
    """Staff must use two-factor (outside the demo): this one has it on."""
    return make_user(username, is_staff=True, totp_secret=pyotp.random_base32(), totp_enabled=True)


def sign_in(client: Client, user: User) -> Client:
    """What a successful sign-in leaves in the session, second factor included (the sign-in
    itself is tested in tests/test_accounts.py)."""
    client.force_login(user)
    if user.totp_enabled:
        session = client.session
        session[SECOND_FACTOR_SESSION_KEY] = user.pk
        session.save()
    return client


def _mandate(operator: User, framework: Framework, title: str, scope: list[str]) -> Mandate:
    return services.mandate_create(
        actor=operator,
        framework=framework,
        title=title,
        tasks=["Conduct negotiations"],
        scope=scope,
        term_start=TERM_START,
        term_end=term_end(),
        languages=["en", "ru"],
        # tests/test_accounts.py turns it on where two-factor is the subject.
        two_factor_required=False,
    )


@transaction.atomic
def make_world(prefix: str = "") -> World:
    staff = User.objects.filter(username="staff").first() or make_staff()
    users = {name: make_user(prefix + name) for name in PERSONAS}
    framework = services.framework_create(
        actor=staff, name=f"{prefix}Co-chairmanship", members=["France", "Russian Federation", "United States"]
    )
    services.framework_operator_add(actor=staff, framework=framework, user=users["operator"])
    operator = users["operator"]
    mandate = _mandate(operator, framework, "Mandate", ["Gas supply", "Electricity line"])
    process = services.process_create(
        actor=operator, mandate=mandate, title=f"{prefix}Dialogue", parties=["Alpha", "Beta"]
    )
    party_a, party_b = process.parties.order_by("id")
    services.appointment_make(actor=operator, process=process, user=users["mediator"], role="mediator")
    services.appointment_make(actor=operator, process=process, user=users["observer"], role="observer")
    services.appointment_make(actor=operator, process=process, user=users["monitor"], role="monitor")
    services.delegation_member_add(actor=operator, party=party_a, user=users["head_a"], role="head")
    services.delegation_member_add(actor=operator, party=party_b, user=users["head_b"], role="head")
    services.delegation_member_add(actor=users["head_a"], party=party_a, user=users["delegate_a"], role="delegate")
    services.delegation_member_add(actor=users["head_b"], party=party_b, user=users["delegate_b"], role="delegate")
    for user in users.values():
        user.refresh_from_db()
    return World(framework, mandate, process, party_a, party_b, users, prefix)


@transaction.atomic
def add_other_process(world: World) -> OtherProcess:
    """A second process of the world's framework (so the same operator), as ``world.other``.

    Its people have no role in the first process, and the first has none of them, except that
    the first process's head_a is also an observer here.
    """
    operator = world.operator
    users = {name: make_user(world.prefix + OTHER_PREFIX + name) for name in OTHER_PERSONAS}
    mandate = _mandate(operator, world.framework, "Second mandate", ["Water sharing", "Gas supply"])
    process = services.process_create(
        actor=operator, mandate=mandate, title=f"{world.prefix}Second dialogue", parties=["Gamma", "Delta"]
    )
    party_a, party_b = process.parties.order_by("id")
    services.appointment_make(actor=operator, process=process, user=users["mediator"], role="mediator")
    services.appointment_make(actor=operator, process=process, user=world.head_a, role="observer")
    services.delegation_member_add(actor=operator, party=party_a, user=users["head_a"], role="head")
    services.delegation_member_add(actor=operator, party=party_b, user=users["head_b"], role="head")
    services.delegation_member_add(actor=users["head_a"], party=party_a, user=users["delegate_a"], role="delegate")
    services.delegation_member_add(actor=users["head_b"], party=party_b, user=users["delegate_b"], role="delegate")
    for user in users.values():
        user.refresh_from_db()
    world.other = OtherProcess(mandate, process, party_a, party_b, users)
    return world.other
