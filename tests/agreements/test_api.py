"""The agreements API as outside checks rely on it (issue 11, item 7), and its refusals."""

import base64
import hashlib

import pytest
import rfc8785

from goodoffices.agreements.models import Agreement, Signature, SigningKey
from goodoffices.events.models import Event
from goodoffices.lib.signatures import generate_private_key, public_key_of, public_key_pem, sign, to_base64
from goodoffices.texts import services as text_services

from ..world import PASSWORD
from .conftest import adopt, clean_text, register_key, sign_with, trace


@pytest.fixture
def signed(signatories):
    """A public agreement signed by party A's signatory, and a plenary one."""
    world = signatories
    public = adopt(world, clean_text(world, "Public arrangements"))
    held = register_key(world, world.head_a)
    sign_with(world.head_a, public, held)
    plenary = adopt(world, clean_text(world, "Plenary arrangements"), audience="plenary")
    return public, plenary, held


def test_a_public_agreement_answers_everyone_without_authentication(world, signed, api_for):
    public, _plenary, held = signed
    anonymous = api_for("anonymous")
    listing = anonymous.get(f"/api/v1/processes/{world.process.pk}/agreements")
    assert listing.status_code == 200
    assert [(i["id"], i["title"], i["status"]) for i in listing.json()["items"]] == [
        (public.pk, "Public arrangements", "adopted")
    ]
    detail = anonymous.get(f"/api/v1/agreements/{public.pk}").json()
    assert {"id", "title", "status", "sha256", "signatures"} <= set(detail)
    assert detail["sha256"] == public.sha256
    [signature] = detail["signatures"]
    assert {"party", "signer", "role", "public_key", "signature", "signed_at"} <= set(signature)
    assert signature["party"] == world.party_a.pk
    assert signature["role"] == "signatory"
    assert base64.b64decode(signature["public_key"]) == public_key_of(held.private)
    assert len(base64.b64decode(signature["signature"])) == 64
    assert detail["awaiting"] == [world.party_b.pk]
    canonical = anonymous.get(f"/api/v1/agreements/{public.pk}/canonical")
    assert canonical.status_code == 200
    assert hashlib.sha256(canonical.content).hexdigest() == detail["sha256"]
    assert canonical.content == bytes(public.canonical)
    commitments = anonymous.get(f"/api/v1/agreements/{public.pk}/commitments").json()["items"]
    assert [(c["clause"], c["obligor"], c["category"], c["deadline"]) for c in commitments] == [
        ("1", world.party_a.pk, "economic_and_transport_links", "2030-01-15"),
        ("2", world.party_b.pk, "humanitarian_access", None),
    ]
    assert {"id", "action", "status", "breach", "overdue", "completed_on"} <= set(commitments[0])
    assert (commitments[0]["status"], commitments[0]["breach"]) == (0, False)


@pytest.mark.parametrize("persona", ["anonymous", "outsider", "observer", "monitor", "operator"])
def test_a_plenary_agreement_is_404_to_everyone_else(world, signed, api_for, persona):
    public, plenary, _held = signed
    api = api_for(persona)
    for path in ("", "/canonical", "/commitments"):
        response = api.get(f"/api/v1/agreements/{plenary.pk}{path}")
        assert response.status_code == 404, (persona, path)
        assert b"Plenary arrangements" not in response.content
    items = api.get(f"/api/v1/processes/{world.process.pk}/agreements").json()["items"]
    assert [i["id"] for i in items] == [public.pk]


@pytest.mark.parametrize("persona", ["head_a", "delegate_b", "mediator"])
def test_the_plenary_reads_both(world, signed, api_for, persona):
    public, plenary, _held = signed
    items = api_for(persona).get(f"/api/v1/processes/{world.process.pk}/agreements").json()["items"]
    assert {i["id"] for i in items} == {public.pk, plenary.pk}


def test_a_process_without_public_agreements_does_not_exist_for_strangers(signatories, api_for):
    world = signatories
    adopt(world, clean_text(world), audience="plenary")
    for persona in ("anonymous", "outsider"):
        assert api_for(persona).get(f"/api/v1/processes/{world.process.pk}/agreements").status_code == 404
    assert api_for("anonymous").get("/api/v1/processes/999999/agreements").status_code == 404


def test_adoption_over_the_api(signatories, api_for):
    world = signatories
    text = clean_text(world)
    text_services.text_revise(
        actor=world.mediator, text=text, operations=[{"op": "replace", "clause": "c1", "text": "Gas [shall flow]."}]
    )
    mediator = api_for("mediator")
    before = trace()
    adoption_url = f"/api/v1/texts/{text.pk}/adoption"
    refused = mediator.post(adoption_url, {"audience": "public"}, content_type="application/json")
    assert refused.status_code == 409
    assert "Clause 1 blocks it" in refused.json()["detail"]
    assert trace() == before
    text_services.text_revise(
        actor=world.mediator, text=text, operations=[{"op": "resolve", "clause": "c1", "bracket": 1, "option": "A"}]
    )
    for head in (world.head_a, world.head_b):
        text_services.position_set(actor=head, text=text, clause="c1", stance="agree")
    put = mediator.post(adoption_url, {"audience": "public"}, content_type="application/json")
    assert put.status_code == 201, put.content
    adoption = put.json()
    assert adoption["status"] == "open"
    assert adoption["document"]["clauses"][0]["text"] == "Gas shall flow."
    # The document shown is exactly what is consented to.
    assert adoption["sha256"] == hashlib.sha256(rfc8785.dumps(adoption["document"])).hexdigest()
    url = f"/api/v1/adoptions/{adoption['id']}/consent"
    body = {"consent": True, "version": adoption["version"], "audience": "public"}
    assert api_for("delegate_a").put(url, body, content_type="application/json").status_code == 403
    stale = api_for("head_a").put(url, {**body, "version": 1}, content_type="application/json")
    assert stale.status_code == 409
    assert api_for("head_a").put(url, body, content_type="application/json").json() == {
        "status": "awaiting",
        "agreement": None,
    }
    # The other party sees no one's consent but its own.
    assert api_for("head_b").get(f"/api/v1/texts/{text.pk}/adoption").json()["consents"] == {}
    done = api_for("head_b").put(url, body, content_type="application/json").json()
    assert done["status"] == "adopted"
    assert Agreement.objects.get(pk=done["agreement"]).audience == "public"
    # The frozen text refuses an amendment with a 409 that says why, and nothing is written.
    head_a = api_for("head_a")
    before = trace()
    amendment = head_a.post(
        f"/api/v1/texts/{text.pk}/amendments", {"op": "delete", "clause": "c2"}, content_type="application/json"
    )
    assert amendment.status_code == 409
    assert "adopted" in amendment.json()["detail"]
    assert trace() == before


def test_keys_over_the_api(signatories, api_for):
    world = signatories
    head = api_for("head_a")
    url = f"/api/v1/processes/{world.process.pk}/signing-keys"
    raw = public_key_of(generate_private_key())
    created = head.post(url, {"public_key": public_key_pem(raw), "origin": "openssl"}, content_type="application/json")
    assert created.status_code == 201, created.content
    assert base64.b64decode(created.json()["public_key"]) == raw
    before = trace()
    again = head.post(url, {"public_key": to_base64(raw), "origin": "webcrypto"}, content_type="application/json")
    assert again.status_code == 409
    bad = head.post(url, {"public_key": "c2hvcnQ=", "origin": "openssl"}, content_type="application/json")
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "public_key"
    rsa = (
        "-----BEGIN PUBLIC KEY-----\nMFwwDQYJKoZIhvcNAQEBBQADSwAwSAJBAMJ3O1p1Mb6H6JZ0xpGtQNbZ+k6vVw9tq2HsB7wJ0YqC"
        "\nH2ZbH7Rz0o6WbS2oV5+gL1mS7n0X0A0yJvQnTpW0l0sCAwEAAQ==\n-----END PUBLIC KEY-----\n"
    )
    assert head.post(url, {"public_key": rsa, "origin": "openssl"}, content_type="application/json").status_code == 422
    assert trace() == before
    delegate = api_for("delegate_a")
    before = trace()
    refused = delegate.post(
        url,
        {"public_key": to_base64(public_key_of(generate_private_key())), "origin": "openssl"},
        content_type="application/json",
    )
    assert refused.status_code == 403
    assert trace() == before
    listing = api_for("observer").get(url).json()["items"]
    assert [k["holder"] for k in listing] == [world.head_a.username]
    key_id = created.json()["id"]
    assert api_for("head_b").post(f"/api/v1/signing-keys/{key_id}/retire").status_code == 403
    retired = head.post(f"/api/v1/signing-keys/{key_id}/retire")
    assert retired.status_code == 200
    assert retired.json()["active"] is False


def test_signing_over_the_api(signatories, api_for):
    world = signatories
    agreement = adopt(world, clean_text(world))
    held = register_key(world, world.head_a)
    url = f"/api/v1/agreements/{agreement.pk}/signatures"
    signature = to_base64(sign(held.private, bytes(agreement.canonical)))
    body = {"key": held.key.pk, "signature": signature, "sha256": agreement.sha256, "password": PASSWORD}
    head = api_for("head_a")
    before = trace()
    refusals = [
        ({**body, "password": "wrong"}, 422, "password"),
        ({k: v for k, v in body.items() if k != "password"}, 403, "fresh sign-in"),
        ({**body, "signature": to_base64(sign(held.private, b"other bytes"))}, 422, "does not verify"),
        ({**body, "signature": "not base64!"}, 422, "signature"),
        ({**body, "sha256": hashlib.sha256(b"other").hexdigest()}, 409, "other bytes"),
        ({**body, "key": 999999}, 422, "key"),
    ]
    for wrong, status, words in refusals:
        response = head.post(url, wrong, content_type="application/json")
        assert response.status_code == status, (wrong, response.content)
        assert words in response.json()["detail"]
    delegate = api_for("delegate_a")
    before = trace()
    assert delegate.post(url, body, content_type="application/json").status_code == 403
    assert trace() == before
    done = head.post(url, body, content_type="application/json")
    assert done.status_code == 201, done.content
    assert done.json()["party"] == world.party_a.pk
    assert Signature.objects.count() == 1
    assert head.post(url, body, content_type="application/json").status_code == 409
    assert SigningKey.objects.count() == 1
    assert Event.objects.filter(kind="agreement.signed").count() == 1
