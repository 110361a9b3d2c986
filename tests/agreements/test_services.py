"""Adoption by joint consent, signing keys and signatures, through the services."""

import json
from datetime import date, timedelta

import pyotp
import pytest

from goodoffices.agreements import services
from goodoffices.agreements.models import Adoption, Agreement, Commitment, Signature
from goodoffices.consent.models import JointConsent
from goodoffices.events.models import Event, EventKind
from goodoffices.lib import clock
from goodoffices.lib.agreement_doc import parse_agreement, sha256_hex
from goodoffices.lib.errors import Conflict, Forbidden, Invalid, NotFound
from goodoffices.lib.signatures import generate_private_key, public_key_of, public_key_pem, sign, to_base64
from goodoffices.meetings.models import Notification
from goodoffices.processes.services import mandate_amend
from goodoffices.texts import services as text_services
from goodoffices.texts.models import Text

from .conftest import adopt, agree_all, clean_text, register_key, sign_with, trace


def kinds_since(before: int) -> list[str]:
    return list(Event.objects.order_by("seq")[before:].values_list("kind", flat=True))


# --- adoption ---------------------------------------------------------------------------------------


def test_a_text_with_an_open_bracket_cannot_be_put_and_the_refusal_names_the_clause(signatories):
    world = signatories
    text = clean_text(world)
    text_services.text_revise(
        actor=world.mediator, text=text, operations=[{"op": "replace", "clause": "c2", "text": "Crews shall [pass]."}]
    )
    before = trace()
    with pytest.raises(Conflict, match=r"Clause 2 blocks it: 1 open bracket"):
        services.adoption_put(actor=world.mediator, text=text, agreement_audience="public")
    assert trace() == before


def test_a_clause_a_party_has_not_agreed_to_blocks_adoption(signatories):
    world = signatories
    text = clean_text(world, agreed=False)
    text_services.position_set(actor=world.head_a, text=text, clause="c1", stance="agree")
    text_services.position_set(actor=world.head_b, text=text, clause="c1", stance="reserve")
    with pytest.raises(Conflict, match=r"Clause 1 blocks it: Beta's position is: reserve"):
        services.adoption_put(actor=world.mediator, text=text, agreement_audience="public")
    assert not Adoption.objects.exists()


def test_only_the_mediators_put_a_text_to_adoption(signatories):
    world = signatories
    text = clean_text(world)
    with pytest.raises(Forbidden):
        services.adoption_put(actor=world.head_a, text=text, agreement_audience="public")
    with pytest.raises(NotFound):
        services.adoption_put(actor=world.observer, text=text, agreement_audience="public")
    with pytest.raises(Invalid, match="audience"):
        services.adoption_put(actor=world.mediator, text=text, agreement_audience="process")


def test_adoption_by_joint_consent_freezes_the_text_as_an_agreement(signatories):
    world = signatories
    text = clean_text(world)
    adoption = services.adoption_put(actor=world.mediator, text=text, agreement_audience="public")
    joint = JointConsent.objects.get(subject_type="agreements.adoption", subject_id=str(adoption.pk))
    # The consent is bound to the digest of the bytes the adoption produces.
    assert joint.digest == adoption.sha256
    assert joint.version == text.version
    assert joint.question == "public"
    before = Event.objects.count()
    first = services.adoption_consent(
        actor=world.head_a, adoption=adoption, consent=True, version=adoption.version, agreement_audience="public"
    )
    assert first.status == "awaiting"
    assert first.agreement is None
    assert kinds_since(before) == ["consent.given"]
    before = Event.objects.count()
    last = services.adoption_consent(
        actor=world.head_b, adoption=adoption, consent=True, version=adoption.version, agreement_audience="public"
    )
    assert last.status == "adopted"
    assert last.agreement is not None
    assert kinds_since(before) == ["consent.given", "consent.reached", "agreement.adopted"]
    agreement = last.agreement
    assert agreement.sha256 == adoption.sha256 == sha256_hex(bytes(agreement.canonical))
    doc = parse_agreement(bytes(agreement.canonical))
    assert [c.text for c in doc.clauses] == [
        "The parties shall restore the supply of natural gas.",
        "Repair crews shall reach any damaged section of the pipeline.",
    ]
    assert [p.name for p in doc.parties] == ["Alpha", "Beta"]
    assert doc.adopted == adoption.adopted_on
    assert agreement.audience == "public"
    assert agreement.status == "adopted"
    assert agreement.html_sha256 == sha256_hex(bytes(agreement.html))
    assert agreement.pdf_sha256 == sha256_hex(bytes(agreement.pdf))
    assert bytes(agreement.pdf).startswith(b"%PDF")
    assert agreement.sha256 in bytes(agreement.html).decode()
    commitments = list(Commitment.objects.filter(agreement=agreement).order_by("position"))
    assert [(c.clause, c.obligor_id, c.deadline, c.category) for c in commitments] == [
        ("1", world.party_a.pk, date(2030, 1, 15), "economic_and_transport_links"),
        ("2", world.party_b.pk, None, "humanitarian_access"),
    ]
    assert commitments[0].monitors == ["Technical group"]
    assert commitments[1].continuous
    text.refresh_from_db()
    assert text.status == Text.Status.ADOPTED
    event = Event.objects.get(kind=EventKind.AGREEMENT_ADOPTED)
    assert event.audience == "public"
    assert event.payload["sha256"] == agreement.sha256


def test_a_frozen_text_takes_no_amendment_revision_or_position(signatories):
    world = signatories
    text = clean_text(world)
    adopt(world, text)
    before = trace()
    with pytest.raises(Conflict, match="can no longer change"):
        text_services.amendment_propose(actor=world.head_a, text=text, operation={"op": "delete", "clause": "c2"})
    with pytest.raises(Conflict):
        text_services.text_revise(actor=world.mediator, text=text, operations=[{"op": "delete", "clause": "c2"}])
    with pytest.raises(Conflict):
        text_services.position_set(actor=world.head_a, text=text, clause="c1", stance="reserve")
    with pytest.raises(Conflict, match="already adopted"):
        services.adoption_put(actor=world.mediator, text=text, agreement_audience="public")
    assert trace() == before


def test_a_consent_names_what_it_read(signatories):
    world = signatories
    text = clean_text(world)
    adoption = services.adoption_put(actor=world.mediator, text=text, agreement_audience="plenary")
    before = trace()
    with pytest.raises(Conflict, match="version"):
        services.adoption_consent(
            actor=world.head_a,
            adoption=adoption,
            consent=True,
            version=adoption.version - 1,
            agreement_audience="plenary",
        )
    with pytest.raises(Conflict, match="public"):
        services.adoption_consent(
            actor=world.head_a, adoption=adoption, consent=True, version=adoption.version, agreement_audience="public"
        )
    with pytest.raises(Invalid, match="version"):
        services.adoption_consent(actor=world.head_a, adoption=adoption, consent=True, agreement_audience="plenary")
    with pytest.raises(Forbidden):
        services.adoption_consent(
            actor=world.delegate_a,
            adoption=adoption,
            consent=True,
            version=adoption.version,
            agreement_audience="plenary",
        )
    with pytest.raises(NotFound):
        services.adoption_consent(
            actor=world.observer,
            adoption=adoption,
            consent=True,
            version=adoption.version,
            agreement_audience="plenary",
        )
    assert trace() == before


def test_a_text_that_changed_after_it_was_put_is_not_adopted(signatories):
    world = signatories
    text = clean_text(world)
    adoption = services.adoption_put(actor=world.mediator, text=text, agreement_audience="public")
    services.adoption_consent(
        actor=world.head_a, adoption=adoption, consent=True, version=adoption.version, agreement_audience="public"
    )
    text_services.text_revise(
        actor=world.mediator, text=text, operations=[{"op": "replace", "clause": "c2", "text": "Crews shall pass."}]
    )
    agree_all(world, text)
    before = trace()
    with pytest.raises(Conflict, match="changed since it was put"):
        services.adoption_consent(
            actor=world.head_b, adoption=adoption, consent=True, version=adoption.version, agreement_audience="public"
        )
    assert trace() == before
    # Put again, the new words are adopted.
    agreement = adopt(world, text)
    assert "Crews shall pass." in bytes(agreement.canonical).decode()


def test_a_commitment_tagged_after_it_was_put_changes_the_bytes(signatories):
    world = signatories
    text = clean_text(world)
    adoption = services.adoption_put(actor=world.mediator, text=text, agreement_audience="public")
    text_services.commitment_tag(
        actor=world.mediator, text=text, clause="c1", obligor=world.party_b, action="Pay", category="ceasefire"
    )
    with pytest.raises(Conflict, match="commitments"):
        services.adoption_consent(
            actor=world.head_a, adoption=adoption, consent=True, version=adoption.version, agreement_audience="public"
        )


def test_putting_again_voids_the_consents_to_the_first_question(signatories):
    world = signatories
    text = clean_text(world)
    first = services.adoption_put(actor=world.mediator, text=text, agreement_audience="public")
    services.adoption_consent(
        actor=world.head_a, adoption=first, consent=True, version=first.version, agreement_audience="public"
    )
    second = services.adoption_put(actor=world.mediator, text=text, agreement_audience="plenary")
    with pytest.raises(Conflict, match="no longer open"):
        services.adoption_consent(
            actor=world.head_b, adoption=first, consent=True, version=first.version, agreement_audience="public"
        )
    outcome = services.adoption_consent(
        actor=world.head_b, adoption=second, consent=True, version=second.version, agreement_audience="plenary"
    )
    assert outcome.status == "awaiting", "the first party's consent was to the first question only"


def test_a_consent_can_be_withdrawn_before_the_last_one(signatories):
    world = signatories
    text = clean_text(world)
    adoption = services.adoption_put(actor=world.mediator, text=text, agreement_audience="public")
    services.adoption_consent(
        actor=world.head_a, adoption=adoption, consent=True, version=adoption.version, agreement_audience="public"
    )
    services.adoption_consent(actor=world.head_a, adoption=adoption, consent=False)
    outcome = services.adoption_consent(
        actor=world.head_b, adoption=adoption, consent=True, version=adoption.version, agreement_audience="public"
    )
    assert outcome.status == "awaiting"
    assert not Agreement.objects.exists()


# --- keys -------------------------------------------------------------------------------------------


def test_a_key_is_registered_in_any_of_its_forms_and_only_once(signatories):
    world = signatories
    private = generate_private_key()
    raw = public_key_of(private)
    key = services.signing_key_register(
        actor=world.head_a, process=world.process, public_key=public_key_pem(raw), origin="openssl", label="laptop"
    )
    assert bytes(key.public_key) == raw
    event = Event.objects.get(kind=EventKind.SIGNING_KEY_REGISTERED)
    assert event.audience == "process"
    assert event.payload["public_key"] == to_base64(raw)
    before = trace()
    for holder in (world.head_a, world.head_b):
        with pytest.raises(Conflict, match="already registered"):
            services.signing_key_register(
                actor=holder, process=world.process, public_key=to_base64(raw), origin="openssl"
            )
    with pytest.raises(Invalid, match="public_key"):
        services.signing_key_register(
            actor=world.head_b, process=world.process, public_key="not a key", origin="openssl"
        )
    with pytest.raises(Invalid, match="origin"):
        services.signing_key_register(
            actor=world.head_b, process=world.process, public_key=to_base64(public_key_of(private)), origin="demo"
        )
    with pytest.raises(Invalid, match="private key"):
        services.signing_key_register(
            actor=world.head_b,
            process=world.process,
            public_key="-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIA==\n-----END PRIVATE KEY-----\n",
            origin="openssl",
        )
    assert trace() == before


def test_who_holds_keys(signatories):
    world = signatories
    register_key(world, world.mediator)
    register_key(world, world.monitor)
    for persona in ("delegate_a", "observer", "operator"):
        with pytest.raises(Forbidden):
            register_key(world, world.users[persona])
    with pytest.raises(NotFound):
        register_key(world, world.outsider)


def test_a_key_is_retired_by_its_holder_and_signs_no_more(signatories):
    world = signatories
    held = register_key(world, world.head_a)
    with pytest.raises(Forbidden):
        services.signing_key_retire(actor=world.head_b, key=held.key)
    with pytest.raises(NotFound):
        services.signing_key_retire(actor=world.outsider, key=held.key)
    services.signing_key_retire(actor=world.head_a, key=held.key)
    assert Event.objects.filter(kind=EventKind.SIGNING_KEY_RETIRED).count() == 1
    with pytest.raises(Conflict, match="already retired"):
        services.signing_key_retire(actor=world.head_a, key=held.key)
    agreement = adopt(world, clean_text(world))
    with pytest.raises(Invalid, match="retired"):
        sign_with(world.head_a, agreement, held)


# --- signatures -------------------------------------------------------------------------------------


def test_both_signatories_sign_and_the_agreement_enters_into_force(signatories):
    world = signatories
    agreement = adopt(world, clean_text(world))
    keys = {name: register_key(world, world.users[name]) for name in ("head_a", "head_b", "mediator")}
    before = Event.objects.count()
    first = sign_with(world.head_a, agreement, keys["head_a"])
    assert (first.role, first.party_id) == ("signatory", world.party_a.pk)
    # A public agreement's signature is public, with the key it was made with; the key's sealed
    # registration is opened in the ledger.
    assert kinds_since(before) == ["agreement.signed", "ledger.opened"]
    event = Event.objects.get(kind=EventKind.AGREEMENT_SIGNED)
    assert event.audience == "public"
    assert event.payload["signature"] == to_base64(bytes(first.signature))
    agreement.refresh_from_db()
    assert agreement.status == "adopted"
    witness = sign_with(world.mediator, agreement, keys["mediator"])
    assert (witness.role, witness.party_id) == ("witness", None)
    agreement.refresh_from_db()
    assert agreement.status == "adopted", "a witness is not a party"
    before = Event.objects.count()
    sign_with(world.head_b, agreement, keys["head_b"])
    assert kinds_since(before) == ["agreement.signed", "ledger.opened", "agreement.in_force"]
    agreement.refresh_from_db()
    assert agreement.status == "in_force"
    assert agreement.in_force_at is not None


def test_a_plenary_agreement_keeps_its_signatures_sealed(signatories):
    world = signatories
    agreement = adopt(world, clean_text(world), audience="plenary")
    held = register_key(world, world.head_a)
    before = Event.objects.count()
    sign_with(world.head_a, agreement, held)
    assert kinds_since(before) == ["agreement.signed"]
    assert Event.objects.get(kind=EventKind.AGREEMENT_SIGNED).audience == "plenary"


def test_refused_signatures_write_nothing(signatories):
    world = signatories
    agreement = adopt(world, clean_text(world))
    held = register_key(world, world.head_a)
    other = register_key(world, world.head_b)
    canonical = bytes(agreement.canonical)
    before = trace()

    def attempt(user=world.head_a, key=held, **changes):
        arguments = {
            "actor": user,
            "agreement": agreement,
            "key": key.key,
            "signature": sign(key.private, canonical),
            "sha256": agreement.sha256,
            "authenticated_at": clock.now(),
            **changes,
        }
        return services.agreement_sign(**arguments)

    with pytest.raises(Invalid, match="signature: does not verify"):
        attempt(signature=sign(held.private, canonical + b" "))
    with pytest.raises(Conflict, match="other bytes"):
        attempt(sha256="0" * 64)
    with pytest.raises(Invalid, match="key: names no signing key of yours"):
        attempt(key=other)
    with pytest.raises(Invalid, match="signature"):
        attempt(signature="AAAA")
    with pytest.raises(services.FreshSignInNeeded):
        attempt(authenticated_at=clock.now() - timedelta(minutes=11))
    with pytest.raises(services.FreshSignInNeeded):
        attempt(authenticated_at=None)
    with pytest.raises(Forbidden, match="not your party's signatory"):
        attempt(user=world.delegate_a)
    with pytest.raises(Forbidden, match="only a party's signatory"):
        attempt(user=world.observer)
    with pytest.raises(Forbidden, match="only a party's signatory"):
        attempt(user=world.outsider)  # who reads a public agreement, but signs nothing
    assert trace() == before
    attempt()
    with pytest.raises(Conflict, match="already signed"):
        attempt()


def test_a_plenary_agreement_is_not_there_for_the_others(signatories):
    world = signatories
    agreement = adopt(world, clean_text(world), audience="plenary")
    held = register_key(world, world.monitor)
    with pytest.raises(NotFound):
        sign_with(world.monitor, agreement, held)


def test_the_mandate_s_two_factor_rule_asks_a_code_at_signing(signatories):
    world = signatories
    mandate_amend(actor=world.operator, mandate=world.mandate, note="two-factor", two_factor_required=True)
    secret = pyotp.random_base32()
    world.head_a.totp_secret, world.head_a.totp_enabled = secret, True
    world.head_a.save()
    agreement = adopt(world, clean_text(world))
    held = register_key(world, world.head_a)
    with pytest.raises(Invalid, match="otp"):
        sign_with(world.head_a, agreement, held)
    with pytest.raises(Invalid, match="otp"):
        sign_with(world.head_a, agreement, held, otp="000000")
    sign_with(world.head_a, agreement, held, otp=pyotp.TOTP(secret).now())
    assert Signature.objects.count() == 1


def test_the_canonical_bytes_hash_to_the_digest_and_name_the_commitments(signatories):
    world = signatories
    agreement = adopt(world, clean_text(world))
    value = json.loads(bytes(agreement.canonical))
    assert value["format"] == "goodoffices-agreement/1"
    assert [c["obligor"] for c in value["commitments"]] == [world.party_a.pk, world.party_b.pk]


def test_who_is_told_when_a_text_is_put_adopted_and_in_force(signatories):
    world = signatories
    text = clean_text(world)
    services.adoption_put(actor=world.mediator, text=text, agreement_audience="public")
    put = set(Notification.objects.values_list("user__username", flat=True))
    assert put == {"head_a", "delegate_a", "head_b", "delegate_b"}, "the plenary but the mediator who put it"
    Notification.objects.all().delete()
    agreement = adopt(world, text)
    for name in ("head_a", "head_b"):
        sign_with(world.users[name], agreement, register_key(world, world.users[name]))
    told = list(Notification.objects.filter(user=world.observer).values_list("message", "params"))
    assert [params["title"] for _message, params in told] == ["Gas supply arrangements"] * 2
    assert not Notification.objects.filter(user=world.outsider).exists()
