"""The main journey, as four people live it from their dashboards, counting what each must click
(a click, a tick, a choice from a list; typing is not counted): a party proposes, both are
ready, the mediator records a meeting that has begun as held, drafts minutes and a communiqué,
both parties approve the minutes and consent to the communiqué, which reaches the register.

Before issue 10 this journey took 30 clicks (each person went dashboard → process → Meetings →
the item for every act). Now each person opens what needs them from the dashboard, the proposer
says its party is ready as it proposes, and recording a meeting as held is confirmed once seen."""

from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from ..demo_server import demo_server
from .axe import assert_accessible, violations
from .test_journeys import sign_in

# Issue 10: the journey is measured, and must not creep back up.
CLICKS_AT_MOST = 22


class Clicks:
    def __init__(self) -> None:
        self.count = 0

    def click(self, target: Locator) -> None:
        self.count += 1
        target.click()

    def check(self, target: Locator) -> None:
        self.count += 1
        target.check()

    def choose(self, target: Locator, value: str) -> None:
        self.count += 1
        target.select_option(value)


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A demo of its own: the journey records the demo's begun meeting as held, as another test does."""
    with demo_server(tmp_path_factory.mktemp("journey")) as url:
        yield url


@pytest.fixture
def people(browser: Browser, demo_url: str) -> Iterator[dict[str, Page]]:
    contexts = {name: browser.new_context() for name in ("stepanakert", "baku", "mediator")}
    pages = {}
    for name, context in contexts.items():
        pages[name] = context.new_page()
        sign_in(pages[name], demo_url, name)
    yield pages
    for context in contexts.values():
        context.close()


def _when(days: int, hour: int) -> str:
    return (datetime.now().astimezone() + timedelta(days=days)).replace(hour=hour, minute=0).strftime("%Y-%m-%dT%H:%M")


def _to(clicks: Clicks, page: Page, demo_url: str, link: str) -> None:
    """From the dashboard to an item of the process's meetings."""
    page.goto(demo_url + "/dashboard/")
    clicks.click(page.get_by_role("link", name="Stepanakert–Baku dialogue"))
    clicks.click(page.get_by_role("navigation", name="Process").get_by_role("link", name="Meetings"))
    clicks.click(page.get_by_role("link", name=link).first)


def _needs(clicks: Clicks, page: Page, demo_url: str, what: str) -> None:
    """From the dashboard's "What needs you" to the item."""
    page.goto(demo_url + "/dashboard/")
    clicks.click(page.get_by_role("region", name="What needs you").get_by_role("link", name=what))


def test_main_journey(people: dict[str, Page], demo_url: str, page: Page) -> None:
    a, b, mediator = people["stepanakert"], people["baku"], people["mediator"]
    clicks = Clicks()

    _to(clicks, a, demo_url, "Propose a meeting")
    a.get_by_label("Title").fill("Talks on mine inspection")
    clicks.choose(a.get_by_label("Format"), "direct")
    # A venue whose zone is known fills the zone in, and says so (item 7).
    a.get_by_label("Venue:", exact=True).fill("Vienna")
    expect(a.get_by_label("Venue time zone")).to_have_value("Europe/Vienna")
    expect(a.get_by_text("The time zone is filled in from the venue: Europe/Vienna.")).to_be_visible()
    clicks.check(a.get_by_role("checkbox", name="Mine inspection"))
    a.get_by_label("Slot 1 starts (venue time)").fill(_when(9, 10))
    a.get_by_label("Slot 1 ends (venue time)").fill(_when(9, 12))
    # Proposing, Stepanakert says its party is ready for its slots (ticked unless it says otherwise).
    expect(a.get_by_label("My party is ready for every slot I propose")).to_be_checked()
    clicks.click(a.get_by_role("button", name="Send the proposal"))

    _needs(clicks, b, demo_url, "Say whether your party is ready: Talks on mine inspection")
    clicks.check(b.get_by_role("checkbox", name="Slot 1"))
    clicks.click(b.get_by_role("button", name="Say your party is ready"))
    expect(b.locator(".meeting-status")).to_have_text("confirmed")

    _needs(clicks, mediator, demo_url, "Record the meeting as held: Talks on the electricity line")
    clicks.check(mediator.get_by_label("Baku delegation head"))
    clicks.check(mediator.get_by_label("Stepanakert delegation head"))
    mediator.get_by_label("Outcomes").fill("The sides agreed to a joint inspection of the line.")
    clicks.click(mediator.get_by_role("button", name="Review the record"))
    clicks.click(mediator.get_by_role("button", name="Record as held"))
    expect(mediator.locator(".meeting-status")).to_have_text("held")
    mediator.get_by_role("region", name="Minutes").get_by_label("Text").fill("The sides met on the line.")
    clicks.click(mediator.get_by_role("button", name="Save the draft minutes"))
    mediator.get_by_role("region", name="Communiqué").get_by_label("Text").fill("The sides agreed to inspect the line.")
    clicks.click(mediator.get_by_role("button", name="Draft the communiqué"))

    for head in (a, b):
        _needs(clicks, head, demo_url, "Approve the minutes: Talks on the electricity line")
        clicks.click(head.get_by_role("button", name="Approve these minutes"))
        clicks.click(head.get_by_role("button", name="Consent to publish this text"))
    expect(b.locator(".communique-status")).to_have_text("published")

    page.goto(demo_url + "/register/")
    expect(page.get_by_role("link", name="Talks on the electricity line")).to_be_visible()
    print(f"main journey: {clicks.count} clicks")
    assert clicks.count <= CLICKS_AT_MOST


def test_every_page_of_the_journey_passes_axe(browser: Browser, demo_url: str) -> None:
    """No serious or critical WCAG A/AA violation on any page of the journey, as each person
    sees it (axe-core, vendored in tests/browser/vendor)."""
    pages = {
        "stepanakert": [
            "/dashboard/",
            "/processes/1/",
            "/processes/1/mandate/",
            "/processes/1/meetings/",
            "/processes/1/meetings/propose/",
            "/processes/1/activity/",
            "/notifications/",
            "/notifications/settings/",
            "/calendar/",
        ],
        "mediator": ["/dashboard/", "/processes/1/meetings/"],
        "outsider": ["/dashboard/", "/register/", "/register/print/", "/problems/", "/problems/conflict/"],
    }
    for person, paths in pages.items():
        context = browser.new_context()
        page = context.new_page()
        sign_in(page, demo_url, person)
        for path in paths:
            page.goto(demo_url + path)
            assert_accessible(page, f"{person} {path}")
        if person != "outsider":
            # Each proposal and meeting the person may open from the meetings page.
            page.goto(demo_url + "/processes/1/meetings/")
            links = [
                a.get_attribute("href")
                for a in page.locator("main a[href^='/proposals/'], main a[href^='/meetings/']").all()
            ]
            for href in dict.fromkeys(h for h in links if h):
                page.goto(demo_url + href)
                assert_accessible(page, f"{person} {href}")
        context.close()
    # A refused form, with its errors shown.
    context = browser.new_context()
    page = context.new_page()
    sign_in(page, demo_url, "baku")
    page.goto(demo_url + "/processes/1/meetings/propose/")
    page.get_by_role("button", name="Send the proposal").click()
    assert_accessible(page, "refused proposal form")
    page.goto(demo_url + "/register/")
    page.get_by_role("link", name="Meeting of 1 March 2023").click()
    assert_accessible(page, "register entry")
    context.close()


def test_the_axe_check_finds_what_it_should(page: Page, demo_url: str) -> None:
    """The check itself: a page given an image without text and a nameless button fails it."""
    page.goto(demo_url + "/register/")
    assert violations(page) == []
    page.evaluate(
        "document.querySelector('main').insertAdjacentHTML('beforeend', '<img src=\"x.png\"><button></button>')"
    )
    assert {v["id"] for v in violations(page)} >= {"image-alt", "button-name"}
