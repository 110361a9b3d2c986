"""The meetings journey read entirely in Armenian (issue 10, "including one in Armenian").

The mediator switches the sign-in page to Armenian before signing in (the language cookie); the
heads of delegation switch after signing in (their account keeps the choice). Then the mediator
proposes a meeting in Vienna with two slots, is refused a slot that ends before it starts, and
sends it; Stepanakert says it is ready for both slots, sealed (Baku's page does not change, the
mediator sees where the slots meet); Baku is ready for the second, and the meeting is confirmed
by joint consent at it; the mediator records the demo's meeting that began an hour ago as held
and drafts its minutes and communiqué, which both heads approve and consent to.

Every page on the way is checked as an Armenian reader would: no English word left in what it
shows or announces, Armenian script present, dates and times written the Armenian way (24-hour,
the month in the genitive), and no serious or critical axe-core violation."""

import re
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Browser, Page, expect

from goodoffices.meetings.demo import DEMO_NOTE, VENUE
from goodoffices.processes.demo import ACCOUNTS, SCOPE
from goodoffices.texts.demo import TITLE as TEXT_TITLE

from ..demo_server import demo_server
from .axe import assert_accessible

MONTHS = (
    "հունվարի",
    "փետրվարի",
    "մարտի",
    "ապրիլի",
    "մայիսի",
    "հունիսի",
    "հուլիսի",
    "օգոստոսի",
    "սեպտեմբերի",
    "հոկտեմբերի",
    "նոյեմբերի",
    "դեկտեմբերի",
)
# "1 մարտի, 2026 թ., 18:05": day first, the month in the genitive, 24-hour time (docs/translations.md).
ARMENIAN_DATE = rf"\d{{1,2}} (?:{'|'.join(MONTHS)}), \d{{4}} թ\."
ARMENIAN_DATETIME = re.compile(rf"{ARMENIAN_DATE}(?:, (?:[01]\d|2[0-3]):[0-5]\d)?")
TWELVE_HOUR = re.compile(r"\d\s*(?:[ap]\.\s?m\.|[AP]M\b)|\bnoon\b|\bmidnight\b")
# A word in Latin script, accented letters included (Azerbaijani "ə", French "é").
LATIN_WORD = re.compile(r"[A-Za-z\u00c0-\u024f][A-Za-z\u00c0-\u024f'’.-]*")
ARMENIAN_SCRIPT = re.compile(r"[\u0531-\u0556\u0561-\u0587]")

TITLE = "Ականազերծման հարցերով հանդիպում"  # "Meeting on mine clearance", typed in Armenian
VENUE_TYPED = "Vienna"
OUTCOMES = "Կողմերը համաձայնեցին գծի համատեղ զննմանը։"
MINUTES = "Կողմերը հանդիպեցին էլեկտրահաղորդման գծի հարցով։"
COMMUNIQUE = "Կողմերը համաձայնեցին զննել էլեկտրահաղորդման գիծը։"

# What people entered is shown as entered and never translated (docs/translations.md, "Names"):
# the demo's accounts, mandate, processes and meetings, and the venue this journey types. These
# strings are taken out of a page's text whole, before its words are looked at, so that an English
# word of the interface is found even where it also occurs in a title.
ENTERED = [
    *(display_name for _, display_name, _ in ACCOUNTS),
    *SCOPE,
    VENUE,
    DEMO_NOTE,
    TEXT_TITLE,
    VENUE_TYPED,
    "Stepanakert–Baku dialogue",
    "Stepanakert",
    "Baku",
    "OSCE Minsk Group co-chairmanship",
    "International monitoring mission",
    "European Union",
    "Meeting of 1 March 2023",
    "Meeting on humanitarian access",
    "Talks on the electricity line",
    "Ceasefire in the Nagorno-Karabakh conflict zone (2020)",
    "Republic of Azerbaijan",
    "Republic of Armenia",
]
# Latin script the Armenian interface keeps on purpose, and why:
KEPT = [
    # The platform's name, a proper name (its msgstr in hy is the name itself).
    re.compile(r"\bGood Offices\b"),
    # IANA time zone names (Asia/Baku, Europe/Vienna) and UTC: identifiers, written as such in every language.
    re.compile(r"\b[A-Z][A-Za-z]+(?:/[A-Za-z_-]+)+"),
    re.compile(r"\bUTC\b"),
    # The calendar file's extension, which names the format the reader's calendar takes.
    re.compile(r"\.ics\b"),
]

# The text a reader sees or hears. Text declared to be in another language (lang="..." other than
# Armenian) is left out: the language switcher names each language in itself ("English", "Azərbaycanca").
_READ_TEXT = r"""() => {
  // What a reader can unfold is read too (the forms to decline, postpone, amend).
  const folded = [...document.querySelectorAll("details:not([open])")];
  folded.forEach((el) => { el.open = true; });
  const foreign = [...document.body.querySelectorAll('[lang]:not([lang|="hy"])')];
  const styles = foreign.map((el) => el.style.display);
  foreign.forEach((el) => { el.style.display = "none"; });
  // A select's options are read whatever their style: they are taken out line by line.
  const words = new Set(foreign.map((el) => el.textContent.trim()));
  const shown = document.body.innerText
    .split("\n")
    .filter((line) => !words.has(line.trim()))
    .join("\n");
  foreign.forEach((el, i) => { el.style.display = styles[i]; });
  folded.forEach((el) => { el.open = false; });
  // What is announced without being shown: the title, labels, descriptions, placeholders.
  const announced = [document.title];
  for (const el of document.body.querySelectorAll("[aria-label], [title], [placeholder], img[alt]")) {
    if (el.closest('[lang]:not([lang|="hy"])')) continue;
    for (const name of ["aria-label", "title", "placeholder", "alt"]) {
      if (el.hasAttribute(name)) announced.push(el.getAttribute(name));
    }
  }
  return shown + "\n" + announced.join("\n");
}"""


def english_lines(page: Page, typed: list[str]) -> list[str]:
    """The lines of the page in which an Armenian reader finds Latin-script words once what people
    entered and the few names kept on purpose are taken out: each is English left in the interface."""
    text = page.evaluate(_READ_TEXT)
    for kept in KEPT:
        text = kept.sub(" ", text)
    for entered in sorted(ENTERED + typed, key=len, reverse=True):
        text = text.replace(entered, " ")
    return [line.strip() for line in text.splitlines() if LATIN_WORD.search(line)]


def english_words(page: Page, typed: list[str]) -> list[str]:
    return [word for line in english_lines(page, typed) for word in LATIN_WORD.findall(line)]


def read_in_armenian(page: Page, where: str, typed: list[str] | None = None, *, axe: bool = True) -> str:
    """Check the page as an Armenian reader would; return its main text. (``axe=False`` for a page
    of the same kind already run through axe-core on this journey, to keep the journey quick.)"""
    expect(page.locator("html")).to_have_attribute("lang", "hy")
    english = english_lines(page, typed or [])
    assert not english, f"English left on the {where}: {english}"
    main = page.locator("main").inner_text()
    assert ARMENIAN_SCRIPT.search(main), where
    assert not TWELVE_HOUR.search(main), where
    # Every date the page marks up is written the Armenian way.
    for shown in page.locator("main time").all_inner_texts():
        assert ARMENIAN_DATETIME.fullmatch(shown.strip()), (where, shown)
    if axe:
        assert_accessible(page, where)
    return main


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A demo of its own: the journey records the demo's begun meeting as held."""
    with demo_server(tmp_path_factory.mktemp("armenian")) as url:
        yield url


def _switch_to_armenian(page: Page) -> None:
    page.locator("#language-select").select_option("hy")
    page.locator("form.lang button").click()
    expect(page.locator("html")).to_have_attribute("lang", "hy")


@pytest.fixture
def people(browser: Browser, demo_url: str) -> Iterator[dict[str, Page]]:
    contexts = {name: browser.new_context() for name in ("mediator", "stepanakert", "baku")}
    pages = {name: context.new_page() for name, context in contexts.items()}
    # The mediator chooses Armenian on the sign-in page, before signing in.
    mediator = pages["mediator"]
    mediator.goto(demo_url + "/login/")
    _switch_to_armenian(mediator)
    read_in_armenian(mediator, "sign-in page")
    mediator.get_by_label("Օգտագործողի անուն").fill("mediator")
    mediator.get_by_label("Գաղտնաբառ").fill("demo-password")
    mediator.get_by_role("button", name="Մուտք գործել").click()
    # The heads of delegation sign in, then choose Armenian in the header: their account keeps it.
    for name in ("stepanakert", "baku"):
        page = pages[name]
        page.goto(demo_url + "/login/")
        page.get_by_label("Username").fill(name)
        page.get_by_label("Password").fill("demo-password")
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("heading", name="My processes")).to_be_visible()
        _switch_to_armenian(page)
    yield pages
    for context in contexts.values():
        context.close()


def _needs(page: Page, demo_url: str, what: str, *, axe: bool = False) -> None:
    """From the dashboard's "What needs you" to the item."""
    page.goto(demo_url + "/dashboard/")
    read_in_armenian(page, "dashboard", axe=axe)
    page.get_by_role("region", name="Ինչն է պահանջում ձեր մասնակցությունը").get_by_role("link", name=what).click()


def _venue_day(days: int) -> date:
    return datetime.now(ZoneInfo("Europe/Vienna")).date() + timedelta(days=days)


def _at(day: date, time: str) -> str:
    return f"{day.isoformat()}T{time}"


def _armenian(day: date, start: str, end: str) -> str:
    """A slot in venue time as an Armenian reader reads it."""
    return f"{day.day} {MONTHS[day.month - 1]}, {day.year} թ., {start} – {end}"


def test_the_meetings_journey_in_armenian(people: dict[str, Page], demo_url: str) -> None:
    mediator, a, b = people["mediator"], people["stepanakert"], people["baku"]
    first, second = _venue_day(10), _venue_day(11)

    # The mediator proposes: venue, zone (filled in from the venue, and said so), agenda, two slots.
    mediator.goto(demo_url + "/dashboard/")
    read_in_armenian(mediator, "mediator's dashboard")
    mediator.get_by_role("link", name="Stepanakert–Baku dialogue").first.click()
    read_in_armenian(mediator, "process")
    mediator.get_by_role("navigation", name="Գործընթաց").get_by_role("link", name="Հանդիպումներ").click()
    read_in_armenian(mediator, "meetings")
    mediator.get_by_role("link", name="Առաջարկել հանդիպում").click()
    read_in_armenian(mediator, "proposal form")
    mediator.get_by_label("Վերնագիր").fill(TITLE)
    mediator.get_by_label("Ձևաչափ").select_option("direct")
    mediator.get_by_label("Անցկացման վայր:", exact=True).fill(VENUE_TYPED)
    expect(mediator.get_by_label("Անցկացման վայրի ժամային գոտին")).to_have_value("Europe/Vienna")
    expect(mediator.locator("#zone-from-venue")).to_have_text(
        "Ժամային գոտին լրացվել է ըստ անցկացման վայրի՝ Europe/Vienna։ Փոխեք այն, եթե անցկացման վայրն այլ գոտում է։"
    )
    read_in_armenian(mediator, "proposal form, zone filled in", axe=False)
    mediator.get_by_role("checkbox", name="Mine inspection").check()
    mediator.get_by_label("Ապահովվում է բանավոր թարգմանություն").check()
    mediator.get_by_label("Ժամանակի տարբերակ 1՝ սկիզբ (անցկացման վայրի ժամանակով)").fill(_at(first, "14:00"))
    # A slot that ends before it starts is refused, in Armenian, naming the slot the reader sees.
    mediator.get_by_label("Ժամանակի տարբերակ 1՝ ավարտ (անցկացման վայրի ժամանակով)").fill(_at(first, "13:00"))
    mediator.get_by_role("button", name="Ուղարկել առաջարկը").click()
    expect(mediator.get_by_role("alert").first).to_contain_text("Առաջարկը չի ուղարկվել")
    slot_end = mediator.get_by_label("Ժամանակի տարբերակ 1՝ ավարտ (անցկացման վայրի ժամանակով)")
    expect(slot_end).to_be_focused()
    expect(slot_end).to_have_attribute("aria-invalid", "true")
    expect(mediator.locator("main")).to_contain_text("ժամանակի 1 տարբերակը պետք է ավարտվի սկսվելուց հետո")
    read_in_armenian(mediator, "refused proposal form", [TITLE])
    # Corrected, with a second slot the next day.
    slot_end.fill(_at(first, "16:30"))
    mediator.get_by_label("Ժամանակի տարբերակ 2՝ սկիզբ (անցկացման վայրի ժամանակով)").fill(_at(second, "15:00"))
    mediator.get_by_label("Ժամանակի տարբերակ 2՝ ավարտ (անցկացման վայրի ժամանակով)").fill(_at(second, "17:00"))
    mediator.get_by_role("button", name="Ուղարկել առաջարկը").click()
    expect(mediator.get_by_role("heading", name=TITLE)).to_be_visible()
    proposal_url = mediator.url
    shown = read_in_armenian(mediator, "proposal, as the mediator sees it", [TITLE])
    assert _armenian(first, "14:00", "16:30") in shown
    assert _armenian(second, "15:00", "17:00") in shown

    # Baku reads the proposal before Stepanakert answers.
    b.goto(proposal_url)
    before = read_in_armenian(b, "proposal, as Baku sees it", [TITLE], axe=False)

    # Stepanakert is ready for both slots.
    _needs(a, demo_url, f"Հայտնել՝ արդյոք ձեր կողմը պատրաստ է: {TITLE}", axe=True)
    read_in_armenian(a, "proposal, as Stepanakert sees it", [TITLE])
    a.get_by_role("checkbox", name="Տարբերակ 1").check()
    a.get_by_role("checkbox", name="Տարբերակ 2").check()
    a.get_by_role("button", name="Հայտնել ձեր կողմի պատրաստակամության մասին").click()
    expect(a.get_by_role("status").last).to_contain_text("կնքված")
    expect(a.get_by_text("Ձեր կողմը պատրաստ է այս ժամանակի տարբերակին")).to_have_count(2)
    read_in_armenian(a, "proposal after Stepanakert's readiness", [TITLE], axe=False)

    # Sealed: Baku's page says nothing of it; the mediator (whom the mandate lets see) sees where slots meet.
    b.reload()
    assert b.locator("main").inner_text() == before
    mediator.reload()
    gaps = mediator.get_by_role(
        "region", name="Որտեղ են համընկնում կողմերի տարբերակները (տեսանելի է միայն միջնորդներին)"
    )
    expect(gaps.get_by_role("row").nth(1)).to_contain_text("Stepanakert")
    read_in_armenian(mediator, "proposal with the slots that meet, as the mediator sees it", [TITLE])

    # Baku is ready for the second slot only: every party is ready there, and the meeting is confirmed.
    b.get_by_role("checkbox", name="Տարբերակ 2").check()
    b.get_by_role("button", name="Հայտնել ձեր կողմի պատրաստակամության մասին").click()
    expect(b.get_by_role("status").last).to_have_text("Բոլոր կողմերը պատրաստ են. հանդիպումը հաստատված է։")
    expect(b.locator(".meeting-status")).to_have_text("հաստատված")
    expect(b.locator(".joint")).to_have_text("Հաստատվել է Stepanakert և Baku կողմերի համատեղ համաձայնությամբ։")
    meeting = read_in_armenian(b, "confirmed meeting", [TITLE])
    assert _armenian(second, "15:00", "17:00") in meeting
    # Stepanakert is told, as an act of both parties, not of Baku who answered last.
    a.get_by_role("link", name="Ծանուցումներ").click()
    expect(a.locator("main")).to_contain_text(
        f"Հանդիպումը հաստատվել է Stepanakert և Baku կողմերի համատեղ համաձայնությամբ՝ {TITLE}"
    )
    read_in_armenian(a, "notifications", [TITLE])

    # The mediator records the demo's meeting that began an hour ago as held.
    _needs(mediator, demo_url, "Նշել հանդիպումը որպես կայացած: Talks on the electricity line")
    read_in_armenian(mediator, "meeting to record")
    mediator.get_by_label("Baku delegation head").check()
    mediator.get_by_label("Stepanakert delegation head").check()
    mediator.get_by_label("Արդյունքներ").fill(OUTCOMES)
    mediator.get_by_role("button", name="Ստուգել գրառումը").click()
    read_in_armenian(mediator, "record under review", [OUTCOMES])
    mediator.get_by_role("button", name="Նշել որպես կայացած").click()
    expect(mediator.locator(".meeting-status")).to_have_text("կայացած")
    read_in_armenian(mediator, "meeting recorded as held", [OUTCOMES])
    mediator.get_by_role("region", name="Արձանագրություն").get_by_label("Տեքստ").fill(MINUTES)
    mediator.get_by_role("button", name="Պահպանել արձանագրության նախագիծը").click()
    read_in_armenian(mediator, "meeting with draft minutes", [OUTCOMES, MINUTES], axe=False)
    mediator.get_by_role("region", name="Կոմյունիկե").get_by_label("Տեքստ").fill(COMMUNIQUE)
    mediator.get_by_role("button", name="Կազմել կոմյունիկեի նախագիծը").click()
    read_in_armenian(mediator, "meeting with draft minutes and communiqué", [OUTCOMES, MINUTES, COMMUNIQUE])

    # Both heads approve the minutes and consent to the communiqué, which is published by joint consent.
    for head in (a, b):
        _needs(head, demo_url, "Հաստատել արձանագրությունը: Talks on the electricity line")
        read_in_armenian(head, "minutes awaiting approval", [OUTCOMES, MINUTES, COMMUNIQUE], axe=head is a)
        head.get_by_role("button", name="Հաստատել այս արձանագրությունը").click()
        read_in_armenian(head, "minutes approved", [OUTCOMES, MINUTES, COMMUNIQUE], axe=False)
        head.get_by_role("button", name="Համաձայնել այս տեքստի հրապարակմանը").click()
        read_in_armenian(head, "communiqué consented to", [OUTCOMES, MINUTES, COMMUNIQUE], axe=False)
    expect(b.locator(".communique-status")).to_have_text("հրապարակված")
    read_in_armenian(b, "published communiqué", [OUTCOMES, MINUTES, COMMUNIQUE])
    b.get_by_role("link", name="Կարդալ ռեեստրում").click()
    expect(b.locator("main")).to_contain_text(COMMUNIQUE)
    read_in_armenian(b, "register entry", [COMMUNIQUE])
    b.goto(demo_url + "/processes/1/activity/")
    read_in_armenian(b, "activity", [TITLE])


def test_the_checker_finds_english_left_in_the_interface(page: Page, demo_url: str) -> None:
    """The check itself: an English word added to the interface is found, even beside a title
    that contains it and folded in a <details>; a word in an element that says it is English is not."""
    page.goto(demo_url + "/login/")
    _switch_to_armenian(page)
    assert english_words(page, []) == []
    page.evaluate(
        """document.querySelector('main').insertAdjacentHTML('beforeend',
        '<p>Meeting on humanitarian access</p><p>Ժողով <i lang="en">meeting</i></p><button>Meeting</button>'
        + '<details><summary>Մերժել</summary>Decline</details>')"""
    )
    assert english_words(page, []) == ["Meeting", "Decline"]
