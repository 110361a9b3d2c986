"""A negotiating text from brackets to a clean text: a party proposes an amendment, the mediator takes
it in, the brackets are resolved, both parties agree to every clause, and the counters say so."""

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from .test_journeys import sign_in

OUTLINE = """== Gas supply
The parties shall [A: restore | B: maintain] the supply of natural gas.

Repair crews shall reach any damaged section of the pipeline."""


@pytest.fixture
def people(browser: Browser, demo_url: str) -> Iterator[dict[str, Page]]:
    contexts = {name: browser.new_context() for name in ("mediator", "stepanakert", "baku")}
    pages = {}
    for name, context in contexts.items():
        pages[name] = context.new_page()
        sign_in(pages[name], demo_url, name)
    yield pages
    for context in contexts.values():
        context.close()


def open_texts(page: Page, demo_url: str) -> None:
    page.goto(demo_url + "/dashboard/")
    page.get_by_role("link", name="Stepanakert–Baku dialogue").click()
    page.get_by_role("navigation", name="Process").get_by_role("link", name="Texts").click()


def counter(page: Page, name: str) -> Locator:
    return page.locator(f"#count-{name}")


def agree_to_every_clause(page: Page) -> None:
    for clause, number in (("c1", "1"), ("c2", "2")):
        item = page.locator(f"#clause-{clause}")
        item.get_by_text(f"Your party's position on clause {number}").click()
        item.get_by_label("Position:", exact=True).select_option("agree")
        item.get_by_role("button", name=f"Record the position on clause {number}").click()
        expect(page.get_by_text("Your party's position is recorded.")).to_be_visible()


def test_amendment_taken_in_brackets_resolved_all_agree_text_clean(people: dict[str, Page], demo_url: str) -> None:
    mediator, stepanakert, baku = people["mediator"], people["stepanakert"], people["baku"]

    # The demo's text is there, with its brackets, for a party to read.
    open_texts(baku, demo_url)
    baku.get_by_role("link", name="Arrangements on humanitarian access").click()
    expect(baku.locator("mark.bracket").first).to_be_visible()

    open_texts(mediator, demo_url)
    mediator.get_by_role("link", name="Open a negotiating text").click()
    mediator.get_by_label("Title").fill("Gas supply arrangements")
    mediator.get_by_label("Clauses").fill(OUTLINE)
    mediator.get_by_role("button", name="Open the text").click()
    expect(mediator.get_by_text("The text is open for negotiation.")).to_be_visible()
    expect(counter(mediator, "open-brackets")).to_have_text("1")
    expect(mediator.locator("#clause-c1 .alternatives .option")).to_have_count(2)
    text_url = mediator.url

    stepanakert.goto(text_url)
    proposal = stepanakert.locator("section", has=stepanakert.get_by_role("heading", name="Propose an amendment"))
    proposal.get_by_label("Change:", exact=True).select_option("resolve")
    proposal.get_by_label("Clause:", exact=True).select_option("c1")
    proposal.get_by_label("Bracket number").fill("1")
    proposal.get_by_label("Option to keep").select_option("A")
    proposal.get_by_label("Note:", exact=True).fill("Restoring the supply is what both delegations asked for.")
    proposal.get_by_role("button", name="Propose the amendment").click()
    expect(stepanakert.get_by_text("Your amendment is proposed")).to_be_visible()

    mediator.reload()
    mediator.get_by_role("button", name=re.compile(r"^Take amendment #\d+ in$")).click()
    expect(mediator.get_by_text("The amendment is taken into the text")).to_be_visible()
    expect(counter(mediator, "open-brackets")).to_have_text("0")
    expect(mediator.locator("#clause-c1 .clause-text")).to_have_text(
        "The parties shall restore the supply of natural gas."
    )

    for party in (stepanakert, baku):
        party.goto(text_url)
        agree_to_every_clause(party)

    mediator.reload()
    expect(counter(mediator, "clauses")).to_have_text("2")
    expect(counter(mediator, "agreed")).to_have_text("2")
    expect(counter(mediator, "open-brackets")).to_have_text("0")
    expect(mediator.get_by_text("every party agrees to every clause: the text is clean")).to_be_visible()

    # The redline shows what the amendment changed, word by word.
    mediator.get_by_role("link", name="Changes from the previous version").click()
    expect(mediator.locator("#main del").first).to_be_visible()
    expect(mediator.locator("#main ins")).to_have_count(1)
