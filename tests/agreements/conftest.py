"""Fixtures for agreements: the world's heads made their parties' signatories, a clean text every
party agrees to, its adoption by joint consent, keys made as a signatory's browser or openssl would."""

from dataclasses import dataclass
from datetime import date

import pytest
from django.test import Client

from goodoffices.accounts.middleware import AUTHENTICATED_AT_SESSION_KEY
from goodoffices.agreements import services
from goodoffices.agreements.models import Adoption, Agreement, Commitment, Signature, SigningKey
from goodoffices.consent.models import Consent, JointConsent
from goodoffices.events.models import Event
from goodoffices.lib import clock
from goodoffices.lib.signatures import generate_private_key, public_key_of, sign, to_base64
from goodoffices.processes import services as process_services
from goodoffices.texts import services as text_services
from goodoffices.texts.models import Text
from goodoffices.texts.services import ClauseIn, SectionIn

from ..world import World, sign_in

GAS = "The parties shall restore the supply of natural gas."
CREWS = "Repair crews shall reach any damaged section of the pipeline."


def make_signatories(world: World) -> None:
    """Each party's head is also its signatory (the delegates are not)."""
    for party, head in ((world.party_a, world.head_a), (world.party_b, world.head_b)):
        process_services.delegation_member_add(actor=world.operator, party=party, user=head, role="signatory")


def clean_text(world: World, title: str = "Gas supply arrangements", *, agreed: bool = True) -> Text:
    """A text without brackets, two commitments tagged, and (``agreed``) both parties agreeing to it all."""
    text = text_services.text_create(
        actor=world.mediator,
        process=world.process,
        title=title,
        sections=[
            SectionIn(
                id="gas",
                title="Gas",
                clauses=[ClauseIn(id="c1", text=GAS), ClauseIn(id="c2", text=CREWS, heading="Crews")],
            )
        ],
    )
    text_services.commitment_tag(
        actor=world.mediator,
        text=text,
        clause="c1",
        obligor=world.party_a,
        action="Restore the supply of natural gas.",
        category="economic_and_transport_links",
        deadline=date(2030, 1, 15),
        verification="Reports of the gas company.",
        monitors=["Technical group"],
    )
    text_services.commitment_tag(
        actor=world.mediator,
        text=text,
        clause="c2",
        obligor=world.party_b,
        action="Let repair crews pass.",
        category="humanitarian_access",
    )
    if agreed:
        agree_all(world, text)
    return text


def agree_all(world: World, text: Text) -> None:
    for head in (world.head_a, world.head_b):
        for clause in ("c1", "c2"):
            text_services.position_set(actor=head, text=text, clause=clause, stance="agree")


def adopt(world: World, text: Text, audience: str = "public") -> Agreement:
    adoption = services.adoption_put(actor=world.mediator, text=text, agreement_audience=audience)
    outcome = None
    for head in (world.head_a, world.head_b):
        outcome = services.adoption_consent(
            actor=head, adoption=adoption, consent=True, version=adoption.version, agreement_audience=audience
        )
    assert outcome is not None
    assert outcome.agreement is not None
    return outcome.agreement


@dataclass
class Held:
    key: SigningKey
    private: bytes


def register_key(world: World, user, origin: str = "openssl") -> Held:
    private = generate_private_key()
    key = services.signing_key_register(
        actor=user, process=world.process, public_key=to_base64(public_key_of(private)), origin=origin
    )
    return Held(key, private)


def sign_with(user, agreement: Agreement, held: Held, **extra) -> Signature:
    agreement.refresh_from_db()
    return services.agreement_sign(
        actor=user,
        agreement=agreement,
        key=held.key,
        signature=sign(held.private, bytes(agreement.canonical)),
        sha256=agreement.sha256,
        authenticated_at=clock.now(),
        **extra,
    )


def fresh(client: Client) -> Client:
    """The session has just proved who its user is (as a sign-in does)."""
    session = client.session
    session[AUTHENTICATED_AT_SESSION_KEY] = clock.now().isoformat()
    session.save()
    return client


def signed_in_fresh(world: World, persona: str) -> Client:
    return fresh(sign_in(Client(HTTP_HOST="localhost"), world.users[persona]))


def trace() -> tuple[object, ...]:
    """What a refused request must leave as it was."""
    return (
        Event.objects.count(),
        Agreement.objects.count(),
        Adoption.objects.count(),
        Commitment.objects.count(),
        SigningKey.objects.count(),
        Signature.objects.count(),
        Consent.objects.count(),
        *JointConsent.objects.order_by("pk").values_list("pk", "status"),
        *Text.objects.order_by("pk").values_list("pk", "status", "version"),
        *SigningKey.objects.order_by("pk").values_list("pk", "retired_at"),
        *Agreement.objects.order_by("pk").values_list("pk", "status"),
    )


@pytest.fixture
def signatories(world: World) -> World:
    make_signatories(world)
    return world
