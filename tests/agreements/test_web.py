"""The agreement pages: adoption from the text's page, consent, keys, signing with openssl's output,
the fresh sign-in, the files, and who sees what."""

import hashlib
import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile

from goodoffices.agreements.models import Adoption, Agreement, Signature, SigningKey
from goodoffices.lib.signatures import generate_private_key, public_key_of, public_key_pem, sign, to_base64
from goodoffices.texts import services as text_services

from ..world import PASSWORD
from .conftest import adopt, clean_text, register_key, sign_with, signed_in_fresh, trace


def test_adoption_from_the_text_page_to_the_agreement(signatories, client_for):
    world = signatories
    text = clean_text(world)
    text_services.text_revise(
        actor=world.mediator, text=text, operations=[{"op": "replace", "clause": "c2", "text": "Crews [may] pass."}]
    )
    mediator = client_for("mediator")
    page = mediator.get(f"/texts/{text.pk}/").content.decode()
    assert "Put the text to adoption" in page
    assert "Put the text to adoption" not in client_for("head_a").get(f"/texts/{text.pk}/").content.decode()
    before = trace()
    refused = mediator.post(f"/texts/{text.pk}/adoption/", {"audience": "public"}, follow=True)
    assert "Clause 2 blocks it: 1 open bracket remains" in refused.content.decode()
    assert trace() == before
    text_services.text_revise(
        actor=world.mediator, text=text, operations=[{"op": "resolve", "clause": "c2", "bracket": 1, "option": "A"}]
    )
    for head in (world.head_a, world.head_b):
        text_services.position_set(actor=head, text=text, clause="c2", stance="agree")
    put = mediator.post(f"/texts/{text.pk}/adoption/", {"audience": "public"})
    adoption = Adoption.objects.get()
    assert put["Location"] == f"/adoptions/{adoption.pk}/"
    head_a = client_for("head_a")
    page = head_a.get(f"/adoptions/{adoption.pk}/").content.decode()
    assert "Crews may pass." in page
    assert adoption.sha256 in page
    assert "My party consents to adopt this text as it stands" in page
    consent = {"consent": "1", "version": str(adoption.version), "audience": "public"}
    head_a.post(f"/adoptions/{adoption.pk}/consent/", consent)
    consented = head_a.get(f"/adoptions/{adoption.pk}/").content.decode()
    assert "Alpha: consented" in consented
    assert "Withdraw my party's consent" in consented
    assert "My party consents to adopt" not in consented
    assert "Alpha: consented" not in client_for("head_b").get(f"/adoptions/{adoption.pk}/").content.decode()
    done = client_for("head_b").post(f"/adoptions/{adoption.pk}/consent/", consent)
    agreement = Agreement.objects.get()
    assert done["Location"] == f"/agreements/{agreement.pk}/"
    assert "This text is adopted" in mediator.get(f"/texts/{text.pk}/").content.decode()


def test_a_public_agreement_s_page_and_files_are_open_to_anyone(signatories, client_for):
    world = signatories
    agreement = adopt(world, clean_text(world))
    held = register_key(world, world.head_a)
    sign_with(world.head_a, agreement, held)
    anonymous = client_for("anonymous")
    page = anonymous.get(f"/agreements/{agreement.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert agreement.sha256 in html
    assert "The parties shall restore the supply of natural gas." in html
    assert to_base64(public_key_of(held.private)) in html
    assert "openssl pkeyutl -verify -pubin -inkey keys/" in html
    assert "Awaiting the signature of 1 party" in html
    assert "Sign for" not in html
    canonical = anonymous.get(f"/agreements/{agreement.pk}/canonical.json")
    assert canonical.content == bytes(agreement.canonical)
    assert hashlib.sha256(canonical.content).hexdigest() == agreement.sha256
    pdf = anonymous.get(f"/agreements/{agreement.pk}/agreement.pdf")
    assert hashlib.sha256(pdf.content).hexdigest() == agreement.pdf_sha256
    assert hashlib.sha256(anonymous.get(f"/agreements/{agreement.pk}/agreement.html").content).hexdigest() == (
        agreement.html_sha256
    )
    export = anonymous.get(f"/agreements/{agreement.pk}/export.zip")
    names = zipfile.ZipFile(io.BytesIO(export.content)).namelist()
    assert {"canonical.json", "agreement.pdf", "signatures/1.sig", "manifest.json", "verify.sh"} <= set(names)
    listing = anonymous.get(f"/processes/{world.process.pk}/agreements/").content.decode()
    assert "Gas supply arrangements" in listing


def test_a_plenary_agreement_is_not_found_by_others(signatories, client_for):
    world = signatories
    agreement = adopt(world, clean_text(world, "Secret arrangements"), audience="plenary")
    for persona in ("anonymous", "outsider", "observer", "monitor"):
        client = client_for(persona)
        for path in ("", "canonical.json", "agreement.pdf", "agreement.html", "export.zip"):
            response = client.get(f"/agreements/{agreement.pk}/{path}")
            assert response.status_code == 404, (persona, path)
            assert b"Secret arrangements" not in response.content
    assert client_for("anonymous").get(f"/processes/{world.process.pk}/agreements/").status_code == 404
    observer = client_for("observer").get(f"/processes/{world.process.pk}/agreements/").content.decode()
    assert "Secret arrangements" not in observer
    assert (
        "Secret arrangements"
        in client_for("delegate_a").get(f"/processes/{world.process.pk}/agreements/").content.decode()
    )


def test_a_signatory_registers_a_key_and_signs_with_openssl_s_output(signatories, client_for):
    world = signatories
    agreement = adopt(world, clean_text(world))
    client = signed_in_fresh(world, "head_a")
    page = client.get(f"/agreements/{agreement.pk}/").content.decode()
    assert "Sign for Alpha" in page
    assert "Make a signing key in this browser" in page
    private = generate_private_key()
    registered = client.post(
        f"/processes/{world.process.pk}/signing-keys/new/",
        {
            "public_key": public_key_pem(public_key_of(private)),
            "origin": "openssl",
            "next": f"/agreements/{agreement.pk}/",
        },
    )
    assert registered.status_code == 302
    assert registered["Location"] == f"/agreements/{agreement.pk}/"
    key = SigningKey.objects.get()
    again = client.post(
        f"/processes/{world.process.pk}/signing-keys/new/",
        {"public_key": to_base64(public_key_of(private)), "origin": "openssl"},
    )
    assert again.status_code == 409
    assert "already registered" in again.content.decode()
    canonical = bytes(agreement.canonical)
    before = trace()
    other_bytes = client.post(
        f"/agreements/{agreement.pk}/sign/",
        {"key": str(key.pk), "signature": to_base64(sign(private, canonical + b"\n")), "sha256": agreement.sha256},
    )
    assert other_bytes.status_code == 422
    assert "does not verify" in other_bytes.content.decode()
    stale = client.post(
        f"/agreements/{agreement.pk}/sign/",
        {"key": str(key.pk), "signature": to_base64(sign(private, canonical)), "sha256": "ab" * 32},
    )
    assert stale.status_code == 409
    assert "you signed other bytes" in stale.content.decode()
    assert trace() == before
    signed = client.post(
        f"/agreements/{agreement.pk}/sign/",
        {
            "key": str(key.pk),
            "signature_file": SimpleUploadedFile("sig.bin", sign(private, canonical)),
            "sha256": agreement.sha256,
        },
    )
    assert signed.status_code == 302
    assert Signature.objects.get().party_id == world.party_a.pk
    assert "You have signed this agreement." in client.get(f"/agreements/{agreement.pk}/").content.decode()


def test_signing_without_a_fresh_sign_in_asks_for_the_password_first(signatories, client_for):
    world = signatories
    agreement = adopt(world, clean_text(world))
    held = register_key(world, world.head_a)
    client = client_for("head_a")  # signed in, but not just now
    body = {
        "key": str(held.key.pk),
        "signature": to_base64(sign(held.private, bytes(agreement.canonical))),
        "sha256": agreement.sha256,
    }
    asked = client.post(f"/agreements/{agreement.pk}/sign/", body)
    assert asked["Location"] == f"/agreements/{agreement.pk}/confirm-sign-in/"
    assert not Signature.objects.exists()
    wrong = client.post(asked["Location"], {"password": "not it"})
    assert wrong.status_code == 422
    confirmed = client.post(asked["Location"], {"password": PASSWORD})
    assert confirmed["Location"] == f"/agreements/{agreement.pk}/#sign"
    assert client.post(f"/agreements/{agreement.pk}/sign/", body).status_code == 302
    assert Signature.objects.count() == 1


def test_a_delegate_is_told_only_the_signatory_signs(signatories, client_for):
    world = signatories
    agreement = adopt(world, clean_text(world))
    delegate = client_for("delegate_a")
    page = delegate.get(f"/agreements/{agreement.pk}/").content.decode()
    assert "only each party's signatory signs" in page
    held = register_key(world, world.head_a)
    before = trace()
    response = delegate.post(
        f"/agreements/{agreement.pk}/sign/",
        {
            "key": str(held.key.pk),
            "signature": to_base64(sign(held.private, bytes(agreement.canonical))),
            "sha256": agreement.sha256,
        },
    )
    assert response.status_code == 403
    assert trace() == before


def test_keys_page_lists_who_held_which_key_and_a_holder_retires_one(signatories, client_for):
    world = signatories
    held = register_key(world, world.head_a)
    page = client_for("observer").get(f"/processes/{world.process.pk}/signing-keys/").content.decode()
    assert held.key.fingerprint in page
    assert "Retire this key" not in page
    assert client_for("outsider").get(f"/processes/{world.process.pk}/signing-keys/").status_code == 404
    head = client_for("head_a")
    assert "Retire this key" in head.get(f"/processes/{world.process.pk}/signing-keys/").content.decode()
    assert client_for("head_b").post(f"/signing-keys/{held.key.pk}/retire/").status_code == 403
    head.post(f"/signing-keys/{held.key.pk}/retire/")
    held.key.refresh_from_db()
    assert held.key.retired_at is not None
