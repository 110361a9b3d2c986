"""From negotiating text to signed agreement in the browser: a party proposes an amendment, the mediator
takes it in, the brackets are resolved, both parties agree, the text is adopted by joint consent, and
both signatories sign in their browsers with WebCrypto Ed25519; the agreement is then in force.

And the refusals on the way: adoption while a bracket is open, a consent to a text that changed since
it was put, a signature over other bytes, signing bytes that are not the agreement's, and a delegate
who is not the signatory."""

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, Route, expect

from goodoffices.lib.signatures import generate_private_key, public_key_of, public_key_pem, sign, to_base64

from .test_journeys import sign_in

OUTLINE = """== Electricity line
The parties shall allow the repair of the [A: high-voltage | B: main] electricity line.

Repair crews shall be given safe passage to the line."""


@pytest.fixture
def people(browser: Browser, demo_url: str) -> Iterator[dict[str, Page]]:
    contexts = {name: browser.new_context() for name in ("mediator", "stepanakert", "baku", "delegate")}
    pages = {}
    for name, context in contexts.items():
        pages[name] = context.new_page()
        sign_in(pages[name], demo_url, name)
    yield pages
    for context in contexts.values():
        context.close()


def agree_to_every_clause(page: Page) -> None:
    for clause, number in (("c1", "1"), ("c2", "2")):
        item = page.locator(f"#clause-{clause}")
        item.get_by_text(f"Your party's position on clause {number}").click()
        item.get_by_label("Position:", exact=True).select_option("agree")
        item.get_by_role("button", name=f"Record the position on clause {number}").click()
        expect(page.get_by_text("Your party's position is recorded.")).to_be_visible()


def put_to_adoption(mediator: Page, text_url: str) -> None:
    mediator.goto(text_url)
    panel = mediator.locator("#adoption")
    panel.get_by_label(re.compile("public: anyone may read it")).check()
    panel.get_by_role("button", name="Put the text to adoption").click()


def consent(page: Page, text_url: str) -> None:
    page.goto(text_url)
    page.get_by_role("link", name="Read what is put to adoption, and consent").click()
    page.get_by_role("button", name="My party consents to adopt this text as it stands").click()


def sign_in_the_browser(page: Page) -> None:
    page.get_by_role("button", name="Sign the agreement in this browser").click()


def make_a_browser_key(page: Page) -> None:
    expect(page.locator("#webcrypto-status")).to_contain_text("This browser holds none of your registered keys")
    page.get_by_role("button", name="Make a signing key in this browser").click()
    expect(page.get_by_text(re.compile(r"Your signing key [0-9a-f]{16}… is registered"))).to_be_visible()
    expect(page.locator("#webcrypto-status")).to_contain_text("This browser holds your signing key")


def test_from_brackets_to_an_agreement_in_force_signed_in_the_browser(people: dict[str, Page], demo_url: str) -> None:
    mediator, stepanakert, baku, delegate = (
        people["mediator"],
        people["stepanakert"],
        people["baku"],
        people["delegate"],
    )

    # The mediator opens a text with a bracket, and cannot put it to adoption while the bracket is open.
    mediator.goto(demo_url + "/dashboard/")
    mediator.get_by_role("link", name="Stepanakert–Baku dialogue").click()
    mediator.get_by_role("navigation", name="Process").get_by_role("link", name="Texts").click()
    mediator.get_by_role("link", name="Open a negotiating text").click()
    mediator.get_by_label("Title").fill("Electricity line arrangements")
    mediator.get_by_label("Clauses").fill(OUTLINE)
    mediator.get_by_role("button", name="Open the text").click()
    expect(mediator.get_by_text("The text is open for negotiation.")).to_be_visible()
    text_url = mediator.url
    put_to_adoption(mediator, text_url)
    expect(mediator.get_by_text("Clause 1 blocks it: 1 open bracket remains")).to_be_visible()

    # A party proposes to resolve the bracket; the mediator takes it in; both parties agree.
    stepanakert.goto(text_url)
    proposal = stepanakert.locator("section", has=stepanakert.get_by_role("heading", name="Propose an amendment"))
    proposal.get_by_label("Change:", exact=True).select_option("resolve")
    proposal.get_by_label("Clause:", exact=True).select_option("c1")
    proposal.get_by_label("Bracket number").fill("1")
    proposal.get_by_label("Option to keep").select_option("A")
    proposal.get_by_role("button", name="Propose the amendment").click()
    expect(stepanakert.get_by_text("Your amendment is proposed")).to_be_visible()
    mediator.reload()
    mediator.get_by_role("button", name=re.compile(r"^Take amendment #\d+ in$")).click()
    expect(mediator.locator("#count-open-brackets")).to_have_text("0")
    for party in (stepanakert, baku):
        party.goto(text_url)
        agree_to_every_clause(party)

    # Adoption by joint consent: one party consents; the text changes before the other does.
    put_to_adoption(mediator, text_url)
    expect(mediator.get_by_text("The text is put to adoption")).to_be_visible()
    consent(stepanakert, text_url)
    expect(stepanakert.get_by_text("Your party's consent is recorded")).to_be_visible()
    baku.goto(text_url)
    baku.get_by_role("link", name="Read what is put to adoption, and consent").click()
    expect(baku.get_by_text("The parties shall allow the repair of the high-voltage electricity line.")).to_be_visible()
    mediator.goto(text_url)
    clause = mediator.locator("#clause-c2")
    clause.get_by_text("Tag a commitment on clause 2").click()
    clause.get_by_label("Obligor").select_option(label="Baku")
    clause.get_by_label("Action").fill("Give repair crews safe passage to the line.")
    clause.get_by_label("Category (Peace Accords Matrix)").select_option("humanitarian_access")
    clause.get_by_role("button", name="Tag the commitment").click()
    expect(mediator.get_by_text("The commitment is tagged on the clause.")).to_be_visible()
    baku.get_by_role("button", name="My party consents to adopt this text as it stands").click()
    expect(baku.get_by_text("changed since it was put to adoption")).to_be_visible()
    # Put again, with the commitment; both consent to these bytes, and the text is adopted.
    put_to_adoption(mediator, text_url)
    consent(stepanakert, text_url)
    consent(baku, text_url)
    expect(baku.get_by_text("Every party consented: the text is adopted as an agreement.")).to_be_visible()
    agreement_url = baku.url
    expect(baku.locator("#agreement-status")).to_contain_text("adopted, awaiting signatures")
    expect(baku.get_by_text("Give repair crews safe passage to the line.")).to_be_visible()
    sha256 = baku.locator("#agreement-sha256").inner_text()

    # A delegate who is not the signatory is told so, and the server refuses a signature from them.
    delegate.goto(agreement_url)
    expect(delegate.get_by_text("You do not sign this agreement")).to_be_visible()
    expect(delegate.get_by_role("button", name="Sign the agreement in this browser")).to_have_count(0)
    token = next(c["value"] for c in delegate.context.cookies() if c["name"] == "csrftoken")
    refused = delegate.request.post(
        agreement_url + "sign/",
        form={"key": "1", "signature": to_base64(b"\x00" * 64), "sha256": sha256},
        headers={"X-CSRFToken": token, "Referer": agreement_url},
    )
    assert refused.status == 403

    # Stepanakert makes a key in the browser. A page whose script is served other bytes signs those:
    # the server refuses them as not the agreement's; the real bytes are then signed and recorded.
    stepanakert.goto(agreement_url)
    make_a_browser_key(stepanakert)

    def other_bytes(route: Route) -> None:
        route.fulfill(status=200, content_type="application/json", body='{"not":"the agreement"}')

    stepanakert.route(re.compile(r".*/canonical\.json$"), other_bytes)
    sign_in_the_browser(stepanakert)
    expect(stepanakert.locator("#sign-errors")).to_contain_text("you signed other bytes than this agreement's")
    stepanakert.unroute(re.compile(r".*/canonical\.json$"))
    sign_in_the_browser(stepanakert)
    expect(stepanakert.get_by_text("Your signature is checked against your key and recorded.")).to_be_visible()
    expect(stepanakert.get_by_text("You have signed this agreement.")).to_be_visible()

    # Baku first tries openssl's way with a signature over other bytes: refused, nothing recorded.
    baku.goto(agreement_url)
    private = generate_private_key()
    # Open from the start: Baku holds no key yet.
    baku.get_by_label("Public key").fill(public_key_pem(public_key_of(private)))
    baku.get_by_role("button", name="Register the public key").click()
    expect(baku.get_by_text(re.compile(r"Your signing key [0-9a-f]{16}… is registered"))).to_be_visible()
    baku.get_by_text("Sign with openssl", exact=True).click()
    baku.get_by_label("Signature (base64)").fill(to_base64(sign(private, b"other bytes")))
    baku.get_by_role("button", name="Send the signature").click()
    expect(baku.locator("#sign-errors")).to_contain_text("does not verify")
    # Then signs in the browser: the last party's signature puts the agreement in force.
    baku.goto(agreement_url)
    make_a_browser_key(baku)
    sign_in_the_browser(baku)
    expect(baku.get_by_text("Every party has signed: the agreement is in force.")).to_be_visible()
    expect(baku.locator("#agreement-status")).to_contain_text("in force")
    signatures = baku.locator("li.signature")
    expect(signatures).to_have_count(2)
    expect(signatures.first).to_contain_text("For Stepanakert")
    expect(signatures.first).to_contain_text("made in the browser (WebCrypto), not extractable")
    expect(signatures.last).to_contain_text("For Baku")
    expect(baku.locator("pre.command").first).to_contain_text("openssl pkeyutl -verify -pubin -inkey keys/")
