"""Issue 10, items 6, 9 and 13 in the browser: what a delegation needs on the day of a meeting
(and what an observer does not get), the public register as an anonymous reader uses it, and
the API's problems explained on pages of their own."""

import json
import re
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import feedparser  # type: ignore[import-untyped]  # feedparser ships no type information
import pytest
from icalendar import Calendar
from playwright.sync_api import Browser, Page, expect

from .axe import assert_accessible
from .test_journeys import sign_in

LINK = "https://meet.example.org/good-offices/vienna-road"
TITLE = "Hybrid talks on the Goris road"


@pytest.fixture
def person(browser: Browser, demo_url: str) -> Iterator[Callable[[str], Page]]:
    contexts = []

    def open_as(name: str) -> Page:
        context = browser.new_context()
        contexts.append(context)
        page = context.new_page()
        sign_in(page, demo_url, name)
        return page

    yield open_as
    for context in contexts:
        context.close()


def _fact(page: Page, term: str) -> str:
    """The text of a meeting's fact (the <dd> after the <dt> that names it)."""
    return (
        page.locator("dl.facts dt", has_text=re.compile(f"^{term}$"))
        .locator("xpath=following-sibling::dd[1]")
        .inner_text()
    )


def test_on_the_day_the_plenary_has_the_link_and_the_ics_and_an_observer_has_no_trace(person, demo_url: str) -> None:
    """Item 6: a confirmed hybrid meeting carries its link, languages and interpretation, the
    delegation size, the agenda with durations and the venue with its zone; its own .ics says the
    same in venue time. The link is the plenary's: the observer cannot even find the meeting."""
    day = (datetime.now(ZoneInfo("Europe/Vienna")) + timedelta(days=20)).date().isoformat()
    head = person("stepanakert")
    head.goto(demo_url + "/processes/1/meetings/propose/")
    head.get_by_label("Title").fill(TITLE)
    head.get_by_label("Format").select_option("direct")
    head.get_by_label("In person or online").select_option("hybrid")
    head.get_by_label("Venue:", exact=True).fill("Hofburg, Vienna")
    head.get_by_label("Venue time zone").fill("Europe/Vienna")
    for topic, minutes in (("Reopening of the Stepanakert–Goris road", "90"), ("Mine inspection", "45")):
        head.get_by_role("checkbox", name=topic).check()
        head.get_by_label(f"Minutes for “{topic}” (optional)").fill(minutes)
    head.get_by_label("Delegation size per party").fill("3")
    head.get_by_label("Interpretation provided").check()
    head.get_by_label("Link to join online (virtual and hybrid meetings)").fill(LINK)
    head.get_by_label("Slot 1 starts (venue time)").fill(f"{day}T10:00")
    head.get_by_label("Slot 1 ends (venue time)").fill(f"{day}T13:00")
    head.get_by_label("My party is ready for every slot I propose").check()
    head.get_by_role("button", name="Send the proposal").click()
    expect(head.get_by_role("heading", name=TITLE)).to_be_visible()
    proposal_url = head.url

    # Baku's head is ready too: the meeting is confirmed, and Baku's head is taken to it.
    other = person("baku")
    other.goto(proposal_url)
    other.get_by_role("checkbox", name="Slot 1").check()
    other.get_by_role("button", name="Say your party is ready").click()
    expect(other.get_by_text("Every party is ready: the meeting is confirmed.")).to_be_visible()
    expect(other).to_have_url(re.compile(r"/meetings/\d+/$"))
    expect(other.get_by_role("heading", name=TITLE)).to_be_visible()
    expect(other.locator(".meeting-status")).to_have_text("confirmed")
    meeting_url = other.url
    assert "hybrid" in _fact(other, "Format")
    expect(other.get_by_role("link", name=LINK)).to_have_attribute("href", LINK)
    assert _fact(other, "Venue") == "Hofburg, Vienna (Europe/Vienna)"
    expect(other.locator(".venue-time")).to_contain_text("10 a.m. – 1 p.m. (Europe/Vienna, venue time)")
    languages = _fact(other, "Languages")
    assert "English" in languages, languages
    assert "Russian" in languages, languages
    assert languages.endswith("; interpretation provided"), languages
    assert _fact(other, "Delegation size per party") == "3"
    expect(other.locator("ol.agenda li")).to_have_text(
        ["Mine inspection (45 min)", "Reopening of the Stepanakert–Goris road (90 min)"]
    )
    assert_accessible(other, "the meeting page")

    with other.expect_download() as download:
        other.get_by_role("link", name="Add this meeting to your calendar (.ics)").click()
    assert download.value.suggested_filename.endswith(".ics")
    with open(download.value.path(), "rb") as ics:
        events = Calendar.from_ical(ics.read()).walk("VEVENT")
    assert len(events) == 1
    event = events[0]
    meeting_id = meeting_url.rstrip("/").rsplit("/", 1)[1]
    assert str(event["UID"]).startswith(f"meeting-{meeting_id}-"), event["UID"]
    assert str(event["SUMMARY"]) == TITLE
    assert event["DTSTART"].params["TZID"] == "Europe/Vienna"
    starts = event.decoded("DTSTART")
    assert (starts.date().isoformat(), starts.hour, starts.minute) == (day, 10, 0)
    assert str(starts.tzinfo) == "Europe/Vienna"
    assert str(event["STATUS"]) == "CONFIRMED"
    description = str(event["DESCRIPTION"])
    assert f"Join online: {LINK}" in description
    assert "Reopening of the Stepanakert–Goris road (90 min)" in description
    assert "Delegation size per party: 3" in description

    # The observer is not in the plenary: a confirmed meeting is the plenary's, so it answers as
    # what does not exist (policies: plenary audience), its .ics too; the link is nowhere.
    observer = person("observer")
    response = observer.goto(meeting_url)
    assert response is not None
    assert response.status == 404
    expect(observer.get_by_role("heading", name="Not found")).to_be_visible()
    assert LINK not in observer.content()
    calendar = observer.request.get(meeting_url + "calendar.ics")
    assert calendar.status == 404
    assert LINK.encode() not in calendar.body()
    # The observer is admitted to the process and sees its public meetings, not this one.
    observer.goto(demo_url + "/processes/1/meetings/")
    expect(observer.get_by_role("link", name="Meeting of 1 March 2023").first).to_be_visible()
    expect(observer.get_by_role("link", name=TITLE)).to_have_count(0)


def test_an_anonymous_reader_filters_searches_prints_and_follows_the_register(page: Page, demo_url: str) -> None:
    """Item 9: the public register as anyone reads it: each entry's process, parties, framework,
    agenda and date (labelled UTC, with the venue's time), filters by process and year, a search
    that finds the Russian text of the communiqué, a print view of the same, and an Atom feed
    whose entries have an author and plain-text summaries."""
    page.goto(demo_url + "/register/")
    expect(page.get_by_role("heading", name="Public register", level=1)).to_be_visible()
    expect(page.get_by_text("Times are in UTC; sign in to read them in your own time zone.")).to_be_visible()
    assert_accessible(page, "the register")

    page.get_by_label("Process").select_option(label="Stepanakert–Baku dialogue")
    page.get_by_label("Year").select_option("2023")
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(re.compile(r"process=1.*year=2023|year=2023.*process=1"))
    entry = page.locator("ul.register li.card")
    expect(entry).to_have_count(1)
    expect(entry.get_by_role("link", name="Meeting of 1 March 2023")).to_be_visible()
    held = entry.locator("dt", has_text="Held").locator("xpath=following-sibling::dd[1]")
    expect(held).to_contain_text("(UTC)")
    expect(held).to_contain_text("7 a.m.")  # 11:00 in Baku is 07:00 UTC
    expect(held).to_contain_text("Asia/Baku, venue time")
    expect(entry).to_contain_text("Stepanakert, Baku")
    expect(entry).to_contain_text("OSCE Minsk Group co-chairmanship")
    expect(entry).to_contain_text("Gas supply; Electricity line; Mine inspection")

    # A word of the communiqué's Russian text finds it; a word that is nowhere finds nothing.
    page.get_by_label("Words").fill("поставки")
    page.get_by_role("button", name="Show").click()
    expect(entry).to_have_count(1)
    expect(entry.get_by_role("link", name="Meeting of 1 March 2023")).to_be_visible()
    page.get_by_label("Words").fill("Geneva")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_text("Nothing on the register matches.")).to_be_visible()
    page.get_by_role("link", name="Show everything").click()
    expect(entry).to_have_count(1)

    page.get_by_label("Words").fill("поставки")
    page.get_by_role("button", name="Show").click()
    page.get_by_role("link", name="Print view").click()
    expect(page).to_have_url(re.compile(r"/register/print/\?.*q=%D0%BF"))
    expect(page.get_by_text("As filtered: “поставки”", exact=False)).to_be_visible()
    expect(page.get_by_text("Times are in UTC.", exact=False)).to_be_visible()
    printed = page.locator("article.print-entry")
    expect(printed).to_have_count(1)
    expect(printed.get_by_role("heading", name="Joint communiqué")).to_be_visible()
    expect(printed).to_contain_text("They agreed to continue contacts.")
    expect(printed).to_contain_text("Они договорились продолжить контакты.")

    page.get_by_role("link", name="Back to the register").click()
    feed_href = page.get_by_role("link", name="Atom feed", exact=True).get_attribute("href")
    assert feed_href
    response = page.request.get(demo_url + feed_href)
    assert response.status == 200
    assert "atom" in response.headers["content-type"]
    feed = feedparser.parse(response.body())
    assert not feed.bozo, feed.bozo_exception
    assert feed.version == "atom10"
    assert feed.feed.language == "en"
    [item] = [e for e in feed.entries if e.title == "Meeting of 1 March 2023"]
    assert item.author == "Stepanakert and Baku, by joint consent"
    assert item.summary_detail.type == "text/plain"
    assert item.summary_detail.language == "en"
    assert item.summary.startswith("On 1 March 2023 representatives of Stepanakert and Baku met")
    assert "<" not in item.summary
    assert {link.get("hreflang") for link in item.links} >= {"en", "ru"}


def test_the_api_documentation_renders_and_documents_problem_json(page: Page, demo_url: str) -> None:
    """Item 13: the API's documentation page shows the operations, each with its errors as
    application/problem+json and a link to the page explaining each."""
    page.goto(demo_url + "/api/v1/docs")
    expect(page.get_by_role("heading", name=re.compile("Good Offices API"))).to_be_visible()
    expect(page.get_by_text("Unable to render this definition")).to_have_count(0)
    operation = page.locator(".opblock", has_text="/api/v1/auth/token")
    operation.locator(".opblock-summary").first.click()
    responses = operation.locator(".responses-table").first
    expect(responses).to_contain_text("/problems/invalid-request/")
    expect(responses).to_contain_text("application/problem+json")


def test_an_api_problem_points_to_a_page_that_explains_it(page: Page, demo_url: str) -> None:
    """Item 13: the ``type`` of a problem the API answers is a page that explains it and says
    what to do, among every problem the API answers, with a way back to the API's documentation."""
    # A request that breaks a rule: a token asked for without a password.
    answer = page.request.post(demo_url + "/api/v1/auth/token", data=json.dumps({"username": "mediator"}))
    assert answer.status == 422
    assert answer.headers["content-type"] == "application/problem+json"
    problem = answer.json()
    assert problem["errors"] == [{"field": "password", "message": "Field required"}]
    assert problem["type"] == demo_url + "/problems/invalid-request/"

    page.goto(problem["type"])
    expect(page.get_by_role("heading", name="422 Invalid request")).to_be_visible()
    main = page.get_by_role("main")
    expect(main).to_contain_text("a field is missing or of the wrong type")
    expect(page.get_by_role("heading", name="What to do")).to_be_visible()
    expect(main).to_contain_text("The errors list names every field and its rule")
    assert_accessible(page, "the problem page")
    expect(main.get_by_role("link", name="The API's documentation")).to_have_attribute("href", "/api/v1/docs")
    main.get_by_role("link", name="Every problem the API answers").click()
    expect(page.get_by_role("heading", name="Problems the API answers")).to_be_visible()
    expect(page.get_by_role("link", name="422 Invalid request")).to_have_attribute("href", "/problems/invalid-request/")
    expect(page.get_by_role("link", name="401 Unauthenticated")).to_be_visible()
