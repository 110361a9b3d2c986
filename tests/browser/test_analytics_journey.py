"""Negotiation analytics from a text's brackets: the mediator weighs the alternatives, each party enters
its numbers in its caucus, the mediator sees the suggested packages, and neither party sees the other's
numbers, on the page or through the API."""

import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from .test_journeys import sign_in

OUTLINE = """== Corridor
Movement along the corridor shall be [A: unimpeded | B: regular | C: suspended] in both directions.

Humanitarian cargo shall pass [A: without delay | B: after inspection]."""

# Distinctive numbers: if one of them shows on the other party's page, it has leaked.
NUMBERS: dict[str, dict[str, Any]] = {
    "stepanakert": {"weights": [61, 13], "values": [[97, 59, 3], [89, 7]]},
    "baku": {"weights": [23, 71], "values": [[7, 53, 91], [29, 93]]},
}
OPTIONS = [["A: unimpeded", "B: regular", "C: suspended"], ["A: without delay", "B: after inspection"]]
ISSUES = ["Clause 1", "Clause 2"]


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


def open_tab(page: Page, demo_url: str, tab: str) -> None:
    page.goto(demo_url + "/dashboard/")
    page.get_by_role("link", name="Stepanakert–Baku dialogue").click()
    page.get_by_role("navigation", name="Process").get_by_role("link", name=tab).click()


def enter_numbers(page: Page, who: str) -> None:
    form = page.locator("form", has=page.get_by_role("button", name="Save my preferences"))
    numbers = NUMBERS[who]
    for j, issue in enumerate(ISSUES):
        form.get_by_label(f"Weight of {issue}").fill(str(numbers["weights"][j]))
        for k, option in enumerate(OPTIONS[j]):
            form.get_by_label(f"Value of {option}").fill(str(numbers["values"][j][k]))
    form.get_by_role("button", name="Save my preferences").click()
    expect(page.get_by_text("Your preferences are saved.")).to_be_visible()


def own_values(who: str) -> set[str]:
    numbers = NUMBERS[who]
    return {str(n) for n in numbers["weights"]} | {str(v) for row in numbers["values"] for v in row}


def test_both_parties_enter_numbers_the_mediator_sees_suggestions_nobody_sees_the_other(
    people: dict[str, Page], demo_url: str
) -> None:
    mediator, stepanakert, baku = people["mediator"], people["stepanakert"], people["baku"]

    open_tab(mediator, demo_url, "Texts")
    mediator.get_by_role("link", name="Open a negotiating text").click()
    mediator.get_by_label("Title").fill("Corridor arrangements")
    mediator.get_by_label("Clauses").fill(OUTLINE)
    mediator.get_by_role("button", name="Open the text").click()
    expect(mediator.get_by_text("The text is open for negotiation.")).to_be_visible()

    open_tab(mediator, demo_url, "Analyses")
    mediator.get_by_label("Negotiating text").select_option(label="Corridor arrangements")
    mediator.get_by_role("button", name="Open the analysis").first.click()
    expect(mediator.get_by_text("The analysis is open")).to_be_visible()
    expect(mediator.get_by_text("Waiting for the preferences of:")).to_be_visible()
    analysis_url = mediator.url

    for who, page in (("stepanakert", stepanakert), ("baku", baku)):
        page.goto(analysis_url)
        enter_numbers(page, who)

    mediator.reload()
    combined = mediator.locator("section", has=mediator.get_by_role("heading", name="Combined analysis"))
    expect(combined.get_by_role("img", name="Pareto frontier")).to_be_visible()
    expect(combined.get_by_role("row", name=re.compile(r"^Nash"))).to_be_visible()
    expect(combined.get_by_role("button", name="Put this package into the text as a proposal").first).to_be_visible()

    # Each party sees its own numbers, and none of the other's, nor the combined analysis.
    for who, other in (("stepanakert", "baku"), ("baku", "stepanakert")):
        page = people[who]
        page.goto(analysis_url)
        values = {page.locator("form input[type=number]").nth(i).input_value() for i in range(7)}
        assert values == own_values(who)
        expect(page.get_by_role("heading", name="Combined analysis")).to_have_count(0)
        body = page.content()
        for n in own_values(other) - own_values(who):
            assert f'value="{n}"' not in body
        # Through the API: the other party's caucus events are not there at all.
        events = page.request.get(demo_url + "/api/v1/processes/1/events?limit=200").text()
        assert events.count("analysis.preferences_set") == 1
        assert "weights" not in events

    # A party scores a package for itself.
    stepanakert.goto(analysis_url)
    stepanakert.locator("form", has=stepanakert.get_by_role("button", name="Score this package")).get_by_label(
        "Clause 1"
    ).select_option(label="B: regular")
    stepanakert.get_by_role("button", name="Score this package").click()
    expect(stepanakert.get_by_text(re.compile(r"For Stepanakert this package is worth \d+"))).to_be_visible()

    # One click puts the Nash package into the text as the mediators' proposal.
    mediator.goto(analysis_url)
    row = mediator.get_by_role("row", name=re.compile(r"^Nash"))
    row.get_by_role("button", name="Put this package into the text as a proposal").click()
    expect(mediator.get_by_text(re.compile(r"The package is in the text as the mediators' proposal"))).to_be_visible()
