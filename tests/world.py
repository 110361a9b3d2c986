"""Named personas in one process, built through the services like real use.

mediator, each party's head and delegate, observer, monitor, operator, and an outsider
who should see nothing of the process.
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

import pyotp
from django.db import transaction
from django.test import Client

from goodoffices.accounts.middleware import SECOND_FACTOR_SESSION_KEY
from goodoffices.accounts.models import User
from goodoffices.processes import services
from goodoffices.processes.models import Framework, Mandate, Party, Process

PASSWORD = "correct horse battery staple"

PERSONAS = ("mediator", "head_a", "delegate_a", "head_b", "delegate_b", "observer", "monitor", "operator", "outsider")


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


@transaction.atomic
def make_world(prefix: str = "") -> World:
    staff = User.objects.filter(username="staff").first() or make_staff()
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
        term_start=date(2023, 3, 1),
        term_end=date(2030, 12, 31),
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
