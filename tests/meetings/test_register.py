"""A public register people can use (issue 10, item 9): each entry names its process, parties,
framework, agenda and date (UTC, labelled so, for anonymous readers); filters by process and
year, search, a print view; the Atom feed, read by ``feedparser``, has an author, summaries as
plain text and a language that matches its words. Nothing unpublished is found by a search."""

import html

import feedparser  # type: ignore[import-untyped]  # feedparser ships no type information
import pytest

from goodoffices.meetings import services
from goodoffices.processes.services import mandate_amend

from .conftest import confirm, hold, propose


def _publish(world, title: str, text: str):
    meeting = hold(world, confirm(world, propose(world, title=title, agenda=["Gas supply", "Electricity line"])))
    communique = services.communique_draft(actor=world.mediator, meeting=meeting, text=text)
    for head in (world.head_a, world.head_b):
        services.communique_consent(actor=head, communique=communique, consent=True, version=1)
    return meeting


@pytest.fixture
def published(world):
    return _publish(world, "Gas talks", "The sides agreed on <b>gas</b> & water.")


def _page(client, url: str) -> str:
    return html.unescape(str(client.get(url).content.decode()))


def test_each_entry_says_what_a_reader_needs(world, client_for, published):
    page = _page(client_for("anonymous"), "/register/")
    assert "<dd>Dialogue</dd>" in page
    assert "<dd>Alpha, Beta</dd>" in page
    assert "<dd>Co-chairmanship</dd>" in page
    assert "<dd>Gas supply; Electricity line</dd>" in page
    # Anonymous readers read UTC, labelled as such.
    assert "(UTC)" in page
    assert "(your time)" not in page
    assert "Times are in UTC" in page
    signed_in = _page(client_for("head_a"), "/register/")
    assert "(your time)" in signed_in


def test_filters_by_process_and_year_and_search(world, two_worlds, client_for, published):
    other = two_worlds.other
    anonymous = client_for("anonymous")
    everything = _page(anonymous, "/register/")
    assert "Gas talks" in everything
    assert "Gas talks" in _page(anonymous, f"/register/?process={world.process.pk}")
    assert "Gas talks" not in _page(anonymous, f"/register/?process={other.process.pk}")
    year = published.starts_at.year
    assert "Gas talks" in _page(anonymous, f"/register/?year={year}")
    assert "Gas talks" not in _page(anonymous, f"/register/?year={year - 3}")
    assert "Gas talks" in _page(anonymous, "/register/?q=WATER")  # in the communiqué
    assert "Gas talks" in _page(anonymous, "/register/?q=geneva")  # the venue
    assert "Gas talks" not in _page(anonymous, "/register/?q=borders")
    assert f'<option value="{year}" selected>' in _page(anonymous, f"/register/?year={year}")


def test_a_search_finds_nothing_unpublished(world, client_for):
    mandate_amend(actor=world.operator, mandate=world.mandate, note="public", held_meetings_audience="public")
    world.process.refresh_from_db()
    meeting = hold(world, confirm(world, propose(world, title="Open talks")))
    services.communique_draft(actor=world.mediator, meeting=meeting, text="A secret draft about zeppelins")
    anonymous = client_for("anonymous")
    assert "Open talks" in _page(anonymous, "/register/")  # public, on the register
    assert "Open talks" not in _page(anonymous, "/register/?q=zeppelins")
    assert "zeppelins" not in _page(anonymous, "/register/print/")


def test_the_print_view_holds_every_entry_with_its_communique(world, client_for, published):
    page = _page(client_for("anonymous"), f"/register/print/?process={world.process.pk}")
    assert "Gas talks" in page
    assert "The sides agreed on <b>gas</b> & water." in page
    assert "by joint consent of Alpha and Beta" in page
    assert 'class="no-print"' in page


def test_the_atom_feed_as_a_feed_reader_reads_it(world, client_for, published):
    response = client_for("anonymous").get("/register/feed.atom")
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.bozo_exception
    assert feed.feed.language == "en"
    [entry] = feed.entries
    assert entry.title == "Gas talks"
    assert entry.author == "Alpha and Beta, by joint consent"
    assert entry.summary_detail.type == "text/plain"
    assert entry.summary == "The sides agreed on <b>gas</b> & water."
    assert entry.link.endswith(f"/register/meetings/{published.pk}/")


def test_the_feed_says_the_language_of_its_words(world, client_for, published, settings):
    # A language the feed's words are not translated into: the feed says English, as its words are.
    response = client_for("anonymous").get("/register/feed.atom", HTTP_ACCEPT_LANGUAGE="hy")
    feed = feedparser.parse(response.content)
    if feed.feed.title == "Good Offices: public register":
        assert feed.feed.language == "en"
    else:
        assert feed.feed.language == "hy"
