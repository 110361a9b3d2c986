"""Issue 10 in the browser: what people notice on the meetings journey."""

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

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
    a.get_by_role("button", name="Consent to publish this text").click()
    expect(a.get_by_role("status").last).to_contain_text("Your party's consent to version")
    assert _focused(a) == "messages"
