"""The heart of the seed: proposals, reciprocal readiness, a confirmed meeting, a communiqué
by joint consent on the public register; and a withdrawn readiness that leaves no trace."""

import re
from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from playwright.sync_api import Browser, Page, expect

from .test_journeys import sign_in


@pytest.fixture
def people(browser: Browser, demo_url: str) -> Iterator[dict[str, Page]]:
    contexts = {}
    pages = {}
    for name in ("stepanakert", "baku", "mediator"):
        contexts[name] = browser.new_context()
        pages[name] = contexts[name].new_page()
        sign_in(pages[name], demo_url, name)
    yield pages
    for context in contexts.values():
        context.close()


def _when(days: int, hour: int) -> str:
    return (datetime.now().astimezone() + timedelta(days=days)).replace(hour=hour, minute=0).strftime("%Y-%m-%dT%H:%M")


def open_meetings(page: Page, demo_url: str) -> None:
    page.goto(demo_url + "/dashboard/")
    page.get_by_role("link", name="Stepanakert–Baku dialogue").click()
    page.get_by_role("navigation", name="Process").get_by_role("link", name="Meetings").click()


def propose(page: Page, title: str, topics: list[str], days: int, *, ready: bool = True) -> None:
    page.get_by_label("Title").fill(title)
    page.get_by_label("Format").select_option("direct")
    page.get_by_label("Venue:", exact=True).fill("Geneva")
    page.get_by_label("Venue time zone").fill("Europe/Zurich")
    for topic in topics:
        page.get_by_role("checkbox", name=topic).check()
    page.get_by_label("Slot 1 starts (venue time)").fill(_when(days, 10))
    page.get_by_label("Slot 1 ends (venue time)").fill(_when(days, 13))
    page.get_by_label("My party is ready for every slot I propose").set_checked(ready)
    page.get_by_role("button", name="Send the proposal").click()
    expect(page.get_by_role("heading", name=title)).to_be_visible()


def test_proposal_counter_readiness_communique_register(people: dict[str, Page], demo_url: str, page: Page) -> None:
    a, b, mediator = people["stepanakert"], people["baku"], people["mediator"]
    open_meetings(a, demo_url)
    a.get_by_role("link", name="Propose a meeting").click()
    propose(a, "Gas supply talks", ["Gas supply"], days=12)

    open_meetings(b, demo_url)
    b.get_by_role("link", name="Gas supply talks").click()
    b.get_by_role("link", name="Counter-propose").click()
    propose(b, "Gas and electricity talks", ["Gas supply", "Electricity line"], days=14)
    expect(b.get_by_text("Answers")).to_be_visible()

    # Baku said, proposing, that it is ready for its slots; Stepanakert now says it is too.
    open_meetings(a, demo_url)
    a.get_by_role("link", name="Gas and electricity talks").click()
    a.get_by_role("checkbox", name="Slot 1").check()
    a.get_by_role("button", name="Say your party is ready").click()
    expect(a.get_by_text("Every party is ready: the meeting is confirmed.")).to_be_visible()
    expect(a.locator(".meeting-status")).to_have_text("confirmed")
    b.reload()
    b.get_by_role("link", name="Open the confirmed meeting").click()
    expect(b.locator(".meeting-status")).to_have_text("confirmed")

    # A meeting is recorded as held only once it has begun: the demo's talks on the electricity
    # line began an hour ago.
    open_meetings(mediator, demo_url)
    mediator.get_by_role("link", name="Talks on the electricity line").first.click()
    meeting_url = mediator.url
    mediator.get_by_label("Baku delegation head").check()
    mediator.get_by_label("Stepanakert delegation head").check()
    mediator.get_by_label("Outcomes").fill("The sides agreed to a joint inspection of the line.")
    mediator.get_by_role("button", name="Review the record").click()
    expect(mediator.get_by_text("visible to everyone admitted to the process")).to_be_visible()
    mediator.get_by_role("button", name="Record as held").click()
    expect(mediator.locator(".meeting-status")).to_have_text("held")
    mediator.get_by_role("region", name="Communiqué").get_by_label("Text").fill(
        "The sides met and agreed to inspect the electricity line."
    )
    mediator.get_by_role("button", name="Draft the communiqué").click()
    expect(mediator.locator(".communique-status")).to_have_text("draft")
    # Issue 10, item 8: a Russian version, equally authentic: the communiqué's version 2.
    mediator.get_by_text("Language versions").click()
    mediator.get_by_label("Language of the version").select_option("ru")
    mediator.get_by_label("Text of the language version").fill("Стороны встретились и договорились проверить линию.")
    mediator.get_by_label("equally authentic").check()
    mediator.get_by_role("button", name="Add the language version").click()
    expect(mediator.get_by_text("The Russian version is saved, marked “equally authentic”")).to_be_visible()
    expect(mediator.get_by_text("draft · version 2")).to_be_visible()

    page.goto(demo_url + "/register/")
    expect(page.get_by_text("Talks on the electricity line")).to_have_count(0)

    a.goto(meeting_url)
    expect(a.locator(".communique-text")).to_have_count(2)
    a.get_by_role("button", name="Consent to publish these texts").click()
    expect(a.get_by_role("button", name="Withdraw consent")).to_be_visible()
    b.goto(meeting_url)
    b.get_by_role("button", name="Consent to publish these texts").click()
    expect(b.locator(".communique-status")).to_have_text("published")

    page.goto(demo_url + "/register/")
    page.get_by_role("link", name="Talks on the electricity line").click()
    expect(page.locator(".communique").first).to_contain_text("agreed to inspect the electricity line")
    russian = page.locator(".communique-text", has_text="Стороны встретились")
    expect(russian).to_contain_text("equally authentic")
    page.get_by_role("navigation", name="Languages of the communiqué").get_by_role("link", name="Russian").click()
    expect(page).to_have_url(re.compile(r"#communique-\d+-ru$"))


def test_a_consent_from_a_stale_page_is_refused(people: dict[str, Page], demo_url: str) -> None:
    """Issue 8, item 1: Baku's page shows version 1; Stepanakert amends; Baku's consent to the
    page it read is refused and the text stays a draft."""
    a, b, mediator = people["stepanakert"], people["baku"], people["mediator"]
    open_meetings(b, demo_url)
    b.get_by_role("link", name="Meeting on humanitarian access").first.click()
    # The demo's draft has a Russian version for information: its version 2.
    expect(b.get_by_text("draft · version 2")).to_be_visible()
    a.goto(b.url)
    a.get_by_text("Amend the text").click()
    a.get_by_role("region", name="Communiqué").get_by_label("Text:", exact=True).fill("Amended by Stepanakert.")
    a.get_by_role("button", name="Save the new version").click()
    expect(a.get_by_text("draft · version 3")).to_be_visible()
    b.get_by_role("button", name="Consent to publish these texts").click()
    expect(b.get_by_text("the text changed since you read it")).to_be_visible()
    expect(b.locator(".communique-status")).to_have_text("draft")
    mediator.goto(b.url)
    expect(mediator.locator(".communique-status")).to_have_text("draft")


def test_withdrawn_readiness_leaves_stepanakert_no_trace(people: dict[str, Page], demo_url: str) -> None:
    a, b = people["stepanakert"], people["baku"]
    open_meetings(a, demo_url)
    a.get_by_role("link", name="Propose a meeting").click()
    propose(a, "Road reopening talks", ["Reopening of the Stepanakert–Goris road"], days=20, ready=False)
    proposal_url = a.url
    a.goto(proposal_url)
    before = {
        "proposal": a.locator("main").inner_text(),
        "activity": _activity(a, demo_url),
        "notifications": _notifications(a, demo_url),
    }

    b.goto(proposal_url)
    b.get_by_role("checkbox", name="Slot 1").check()
    b.get_by_role("button", name="Say your party is ready").click()
    expect(b.get_by_text("Your party is ready for this slot")).to_be_visible()
    b.get_by_role("button", name="Withdraw readiness").click()
    expect(b.get_by_text("Your party's readiness is withdrawn.")).to_be_visible()

    a.goto(proposal_url)
    assert a.locator("main").inner_text() == before["proposal"]
    assert _activity(a, demo_url) == before["activity"]
    assert _notifications(a, demo_url) == before["notifications"]


def _activity(page: Page, demo_url: str) -> str:
    page.goto(demo_url + "/processes/1/activity/")
    return page.locator("main").inner_text()


def _notifications(page: Page, demo_url: str) -> str:
    page.goto(demo_url + "/notifications/")
    return page.locator("main").inner_text()
