"""Issue 10 in the browser: what people notice on the meetings journey."""

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, ViewportSize, expect

from .test_journeys import sign_in


@pytest.fixture
def person(browser: Browser, demo_url: str) -> Iterator[dict[str, Page]]:
    contexts = {}
    pages: dict[str, Page] = {}

    def open_as(name: str) -> Page:
        if name not in pages:
            contexts[name] = browser.new_context()
            pages[name] = contexts[name].new_page()
            sign_in(pages[name], demo_url, name)
        return pages[name]

    yield open_as  # type: ignore[misc]
    for context in contexts.values():
        context.close()


def _focused(page: Page) -> str:
    return str(page.evaluate("document.activeElement.id || document.activeElement.className"))


def test_focus_goes_to_the_first_error_then_to_what_happened(person, demo_url: str) -> None:
    """Item 10: after a refused submit the focus is on the first field in error; after an act it is
    on the message saying what happened, which is announced."""
    a = person("stepanakert")
    a.goto(demo_url + "/processes/1/meetings/propose/")
    a.get_by_label("Title").fill("Talks on gas")
    a.get_by_role("button", name="Send the proposal").click()
    expect(a.get_by_role("alert").first).to_contain_text("The proposal was not sent")
    assert a.evaluate("document.activeElement.getAttribute('aria-invalid')") == "true"
    expect(a.get_by_role("group", name="Agenda (within the mandate's scope)")).to_be_visible()

    a.goto(demo_url + "/processes/1/meetings/")
    a.get_by_role("link", name="Meeting on humanitarian access").first.click()
    a.get_by_role("button", name="Consent to publish these texts").click()
    expect(a.get_by_role("status").last).to_contain_text("Your party's consent to version")
    assert _focused(a) == "messages"


NARROW: ViewportSize = {"width": 390, "height": 844}


def _pages(demo_url: str) -> list[str]:
    return [
        "/dashboard/",
        "/processes/1/",
        "/processes/1/mandate/",
        "/processes/1/meetings/",
        "/processes/1/meetings/propose/",
        "/processes/1/activity/",
        "/notifications/",
        "/register/",
        "/register/print/",
        "/ledger/",
    ]


def test_at_390_pixels_the_menu_folds_and_nothing_scrolls_sideways(browser: Browser, demo_url: str) -> None:
    """Item 11: a phone's width. The header folds into a menu; no page scrolls sideways."""
    context = browser.new_context(viewport=NARROW)
    page = context.new_page()
    sign_in(page, demo_url, "mediator")
    menu = page.get_by_role("button", name="Menu")
    expect(menu).to_be_visible()
    expect(page.get_by_role("link", name="Notifications")).to_be_hidden()
    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(page.get_by_role("link", name="Notifications")).to_be_visible()
    # A proposal and a meeting, besides the pages every reader has.
    page.goto(demo_url + "/processes/1/meetings/")
    urls = [demo_url + path for path in _pages(demo_url)]
    urls.append(page.get_by_role("link", name="Meeting on humanitarian access").first.get_attribute("href") or "")
    proposals = page.locator("table a[href^='/proposals/']")
    if proposals.count():
        urls.append(proposals.first.get_attribute("href") or "")
    for url in urls:
        page.goto(url if url.startswith("http") else demo_url + url)
        wide = page.evaluate("document.documentElement.scrollWidth")
        assert wide <= NARROW["width"], (url, wide)
    # On paper: the content, without the header, the menu or the forms.
    page.goto(demo_url + "/register/print/")
    page.emulate_media(media="print")
    expect(page.locator("header.site")).to_be_hidden()
    expect(page.get_by_role("heading", name="Public register")).to_be_visible()
    page.emulate_media(media="screen")
    # The favicon is served.
    icon = page.locator("link[rel=icon]").get_attribute("href")
    assert icon
    response = page.request.get(demo_url + icon)
    assert response.status == 200
    assert "svg" in response.headers["content-type"]
    context.close()
