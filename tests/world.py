"""Named personas in one process, built through the services like real use.

mediator, each party's head and delegate, observer, monitor, operator, and an outsider
who should see nothing of the process.
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from goodoffices.accounts.models import User
from goodoffices.processes import services
from goodoffices.processes.models import Framework, Mandate, Party, Process

PASSWORD = "correct horse battery staple"

PERSONAS = ("mediator", "head_a", "delegate_a", "head_b", "delegate_b", "observer", "monitor", "operator", "outsider")

# A historical start, an end a few years past today: tests propose meetings days to years
# ahead, and a fixed end date would make them fail on the day it passes.
TERM_START = date(2023, 3, 1)
TERM_YEARS = 5


def term_end() -> date:
    """The last day of the test mandates' term: the end of the year ``TERM_YEARS`` from today."""
    return date(timezone.localdate().year + TERM_YEARS, 12, 31)


@dataclass
class World:
    framework: Framework
    mandate: Mandate
    process: Process
    party_a: Party
    party_b: Party
    users: dict[str, User]

    def __getattr__(self, name: str) -> User:
        try:
            user: User = self.__dict__["users"][name]
            return user
        except KeyError:
            raise AttributeError(name) from None


def make_user(username: str, **extra: Any) -> User:
    return User.objects.create_user(username=username, password=PASSWORD, display_name=username.title(), **extra)


@transaction.atomic
def make_world(prefix: str = "") -> World:
    staff = User.objects.filter(username="staff").first() or make_user("staff", is_staff=True)
    users = {name: make_user(prefix + name) for name in PERSONAS}
    framework = services.framework_create(
        actor=staff, name=f"{prefix}Co-chairmanship", members=["France", "Russian Federation", "United States"]
    )
    services.framework_operator_add(actor=staff, framework=framework, user=users["operator"])
    operator = users["operator"]
    mandate = services.mandate_create(
        actor=operator,
        framework=framework,
        title="Mandate",
        tasks=["Conduct negotiations"],
        scope=["Gas supply", "Electricity line"],
        term_start=TERM_START,
        term_end=term_end(),
        languages=["en", "ru"],
        # tests/test_accounts.py turns it on where two-factor is the subject.
        two_factor_required=False,
    )
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
    return World(framework, mandate, process, party_a, party_b, users)
